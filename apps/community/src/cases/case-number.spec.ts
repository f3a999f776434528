import { CASE_NO_PATTERN } from '@fed/contracts';
import { formatCaseNo } from './case-number';

describe('formatCaseNo', () => {
  it.each([
    // Shanghai is UTC+8: 16:00Z is already the next day there.
    ['2026-01-27T15:59:59.999Z', '20260127'],
    ['2026-01-27T16:00:00.000Z', '20260128'],
    ['2025-12-31T16:30:00.000Z', '20260101'],
  ])('dates %s as %s in Asia/Shanghai', (instant, date) => {
    expect(formatCaseNo('150202001001', new Date(instant), 42)).toBe(`150202001001${date}00000042`);
  });

  it('produces numbers the wire contract accepts', () => {
    expect(formatCaseNo('150204003001', new Date(), 123456789)).toMatch(CASE_NO_PATTERN);
  });

  it.each(['15020200100', '1502020010011', 'abcdefghijkl'])('refuses community code %s', (code) => {
    expect(() => formatCaseNo(code, new Date(), 1)).toThrow(/12 digits/);
  });

  it('refuses a negative sequence', () => {
    expect(() => formatCaseNo('150202001001', new Date(), -1)).toThrow(/non-negative/);
  });
});

describe('the Shanghai date of a case number', () => {
  it('agrees with Intl at every hour across two years, whatever the process time zone', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 3600 * 1000) {
      const at = new Date(t);
      const parts = Object.fromEntries(intl.formatToParts(at).map((p) => [p.type, p.value]));
      expect(formatCaseNo('150202001001', at, 1).slice(12, 20)).toBe(
        `${parts.year}${parts.month}${parts.day}`,
      );
    }
  });
});
