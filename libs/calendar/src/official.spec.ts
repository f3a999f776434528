import officialData from '../data/cn-holidays-2024-2026.json';
import { CalendarSpecError } from './calendar.errors';
import type { CalendarSpec } from './calendar.types';
import { dayOfWeek } from './iso-date';
import { officialCalendarSpec, validateCalendarSpec, validateOverrides } from './official';

/** A small valid definition (the real 2026 Spring Festival) that the error cases below break. */
const base = (): CalendarSpec => ({
  version: 3,
  years: [2026],
  holidays: [{ name: '春节', from: '2026-02-15', to: '2026-02-23' }],
  makeupWorkdays: [{ date: '2026-02-14', for: '春节' }],
  notices: { '2026': '国务院办公厅关于2026年部分节假日安排的通知' },
});

type Mutable = Record<string, unknown> & CalendarSpec;

describe('officialCalendarSpec', () => {
  const spec = officialCalendarSpec();

  it('is version 1 and covers the years of the bundled notices', () => {
    expect(spec.version).toBe(1);
    expect(spec.years).toEqual([2024, 2025, 2026]);
    expect(Object.keys(spec.notices)).toEqual(['2024', '2025', '2026']);
    expect(spec.notices['2025']).toMatch(
      /^国务院办公厅关于2025年部分节假日安排的通知 国办发明电〔2024〕12号/,
    );
  });

  it('has every holiday and make-up day of the data file, without the dow annotations', () => {
    // 7 (2024) + 6 (2025) + 7 (2026) holidays; 8 + 5 + 6 make-up days.
    expect(spec.holidays).toHaveLength(20);
    expect(spec.makeupWorkdays).toHaveLength(19);
    expect(spec.holidays[0]).toStrictEqual({ name: '元旦', from: '2024-01-01', to: '2024-01-01' });
    expect(spec.makeupWorkdays).toContainEqual({ date: '2026-02-14', for: '春节' });
  });

  it("agrees with the data file's own weekday annotations", () => {
    const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    for (const h of officialData.holidays) {
      expect([h.name, h.from, h.to, names[dayOfWeek(h.from) - 1], names[dayOfWeek(h.to) - 1]]).toEqual([
        h.name,
        h.from,
        h.to,
        ...h.dow,
      ]);
    }
    for (const m of officialData.makeupWorkdays) {
      expect([m.date, names[dayOfWeek(m.date) - 1]]).toEqual([m.date, m.dow]);
    }
  });

  it('returns an independent copy each time', () => {
    const a = officialCalendarSpec();
    a.holidays.length = 0;
    a.notices['2024'] = 'changed';
    expect(officialCalendarSpec().holidays).toHaveLength(20);
    expect(officialCalendarSpec().notices['2024']).not.toBe('changed');
  });
});

describe('validateCalendarSpec', () => {
  it('accepts a valid definition and returns a deep copy', () => {
    const input = base();
    const result = validateCalendarSpec(input);
    expect(result).toStrictEqual(input);
    expect(result).not.toBe(input);
    expect(result.holidays[0]).not.toBe(input.holidays[0]);
  });

  it('accepts a JSON round trip of the official definition (as sent over Kafka)', () => {
    const spec = officialCalendarSpec();
    expect(validateCalendarSpec(JSON.parse(JSON.stringify(spec)))).toStrictEqual(spec);
  });

  it.each<{ label: string; patch: (s: Mutable) => unknown; message: string }>([
    { label: 'null', patch: () => null, message: 'a calendar spec must be an object, got null' },
    { label: 'an array', patch: () => [], message: 'a calendar spec must be an object, got an array' },
    { label: 'a string', patch: () => '{}', message: 'a calendar spec must be an object, got "{}"' },
    {
      label: 'missing version',
      patch: (s) => ({ ...s, version: undefined }),
      message: 'version is missing',
    },
    {
      label: 'version 0',
      patch: (s) => ({ ...s, version: 0 }),
      message: 'version must be a positive integer, got 0',
    },
    {
      label: 'version -1',
      patch: (s) => ({ ...s, version: -1 }),
      message: 'version must be a positive integer, got -1',
    },
    {
      label: 'version 1.5',
      patch: (s) => ({ ...s, version: 1.5 }),
      message: 'version must be a positive integer, got 1.5',
    },
    {
      label: 'version as a string',
      patch: (s) => ({ ...s, version: '1' }),
      message: 'version must be a positive integer, got "1"',
    },
    {
      label: 'an unknown property',
      patch: (s) => ({ ...s, region: 'Baotou' }),
      message: 'region is not a known property',
    },
    {
      label: 'no years',
      patch: (s) => ({ ...s, years: [] }),
      message: 'years must be a non-empty array of years',
    },
    {
      label: 'a year before 1970',
      patch: (s) => ({ ...s, years: [1969, 2026] }),
      message: 'years[0] must be an integer year between 1970 and 9999, got 1969',
    },
    {
      label: 'a year as a string',
      patch: (s) => ({ ...s, years: ['2026'] }),
      message: 'years[0] must be an integer year between 1970 and 9999, got "2026"',
    },
    {
      label: 'a duplicated year',
      patch: (s) => ({ ...s, years: [2026, 2026] }),
      message: 'years[1]: 2026 is listed twice',
    },
    {
      label: 'years spanning more than a century',
      patch: (s) => ({ ...s, years: [2026, 2126] }),
      message: 'years must lie within 100 consecutive years, got a span of 101',
    },
    {
      label: 'a covered year without notice',
      patch: (s) => ({ ...s, notices: {} }),
      message: 'notices has no entry for covered year 2026',
    },
    {
      label: 'a notice for an uncovered year',
      patch: (s) => ({ ...s, notices: { ...s.notices, '2027': 'x' } }),
      message: 'notices["2027"] is not one of the covered years',
    },
    {
      label: 'an empty notice',
      patch: (s) => ({ ...s, notices: { '2026': '  ' } }),
      message: 'notices["2026"] must be a non-empty string, got "  "',
    },
    {
      label: 'a NUL in a notice',
      patch: (s) => ({ ...s, notices: { '2026': '国务院办公厅\u0000通知' } }),
      message: 'notices["2026"] must not contain control characters',
    },
    {
      label: 'a control character in a holiday name',
      patch: (s) => ({ ...s, holidays: [{ ...s.holidays[0], name: '春\u0001节' }] }),
      message: 'holidays[0].name must not contain control characters',
    },
    {
      label: 'a covered year without any holiday (arrangement missing)',
      patch: (s) => ({ ...s, years: [2026, 2027], notices: { ...s.notices, '2027': 'not yet published' } }),
      message: 'covered year 2027 has no holiday: its arrangement is missing or incomplete',
    },
    {
      label: 'holidays not an array',
      patch: (s) => ({ ...s, holidays: {} }),
      message: 'holidays must be an array, got an object',
    },
    {
      label: 'an impossible holiday date',
      patch: (s) => ({ ...s, holidays: [{ name: '春节', from: '2026-02-15', to: '2026-02-30' }] }),
      message: `holidays[0].to must be a valid date 'YYYY-MM-DD' (1970–9999), got "2026-02-30"`,
    },
    {
      label: 'a holiday with a time',
      patch: (s) => ({
        ...s,
        holidays: [{ name: '春节', from: '2026-02-15T00:00:00+08:00', to: '2026-02-23' }],
      }),
      message: 'holidays[0].from must be a valid date',
    },
    {
      label: 'from after to',
      patch: (s) => ({ ...s, holidays: [{ name: '春节', from: '2026-02-23', to: '2026-02-15' }] }),
      message: 'holidays[0] (春节 2026-02-23..2026-02-15): from is after to',
    },
    {
      label: 'a holiday longer than 31 days',
      patch: (s) => ({ ...s, holidays: [{ name: '春节', from: '2026-02-15', to: '2026-03-23' }] }),
      message: 'holidays[0] (春节 2026-02-15..2026-03-23) lasts 37 days, more than 31',
    },
    {
      label: 'a holiday outside the covered years',
      patch: (s) => ({
        ...s,
        holidays: [...s.holidays, { name: '元旦', from: '2027-01-01', to: '2027-01-01' }],
      }),
      message:
        'holidays[1] (元旦 2027-01-01..2027-01-01) lies in 2027, which is not one of the covered years',
    },
    {
      label: 'a holiday reaching into an uncovered year',
      patch: (s) => ({
        ...s,
        holidays: [...s.holidays, { name: '元旦', from: '2026-12-31', to: '2027-01-02' }],
      }),
      message: 'holidays[1] (元旦 2026-12-31..2027-01-02) lies in 2027',
    },
    {
      label: 'overlapping holidays',
      patch: (s) => ({
        ...s,
        holidays: [...s.holidays, { name: '元宵节', from: '2026-02-23', to: '2026-02-24' }],
      }),
      message: 'holidays[1] (元宵节) overlaps holidays[0] (春节)',
    },
    {
      label: 'a holiday without a name',
      patch: (s) => ({ ...s, holidays: [{ name: '', from: '2026-02-15', to: '2026-02-23' }] }),
      message: 'holidays[0].name must be a non-empty string, got ""',
    },
    {
      label: 'a raw data-file entry (with dow)',
      patch: (s) => ({ ...s, holidays: [{ ...s.holidays[0], dow: ['Sun', 'Mon'] }] }),
      message: 'holidays[0].dow is not a known property',
    },
    {
      label: 'a holiday entry that is not an object',
      patch: (s) => ({ ...s, holidays: ['2026-02-15'] }),
      message: 'holidays[0] must be an object {name, from, to}, got "2026-02-15"',
    },
    {
      label: 'a make-up day on a Friday',
      patch: (s) => ({ ...s, makeupWorkdays: [{ date: '2026-02-13', for: '春节' }] }),
      message:
        'makeupWorkdays[0] (2026-02-13) is a Friday; a make-up working day must be a Saturday or Sunday',
    },
    {
      label: 'a make-up day inside the holiday',
      patch: (s) => ({ ...s, makeupWorkdays: [{ date: '2026-02-21', for: '春节' }] }),
      message:
        'makeupWorkdays[0] (2026-02-21) is both a make-up working day and inside holiday holidays[0] (春节)',
    },
    {
      label: 'a make-up day listed twice',
      patch: (s) => ({ ...s, makeupWorkdays: [...s.makeupWorkdays, { date: '2026-02-14', for: '春节' }] }),
      message: 'makeupWorkdays[1] (2026-02-14) is listed twice (also makeupWorkdays[0])',
    },
    {
      label: 'a make-up day outside the covered years',
      patch: (s) => ({ ...s, makeupWorkdays: [{ date: '2025-02-08', for: '春节' }] }),
      message: 'makeupWorkdays[0] (2025-02-08) lies in 2025, which is not one of the covered years',
    },
    {
      label: 'a make-up day for an unknown festival',
      patch: (s) => ({ ...s, makeupWorkdays: [{ date: '2026-02-14', for: '春結' }] }),
      message: 'makeupWorkdays[0].for "春結" is not the name of any holiday in this spec',
    },
    {
      label: 'a make-up day without its festival',
      patch: (s) => ({ ...s, makeupWorkdays: [{ date: '2026-02-14' }] }),
      message: 'makeupWorkdays[0].for is missing',
    },
    {
      label: 'an invalid make-up date',
      patch: (s) => ({ ...s, makeupWorkdays: [{ date: '2026-2-14', for: '春节' }] }),
      message: `makeupWorkdays[0].date must be a valid date 'YYYY-MM-DD' (1970–9999), got "2026-2-14"`,
    },
  ])('rejects $label', ({ patch, message }) => {
    const act = () => validateCalendarSpec(patch(base() as Mutable));
    expect(act).toThrow(CalendarSpecError);
    expect(act).toThrow(message);
  });

  it('lists every problem at once', () => {
    const error = catchError(() =>
      validateCalendarSpec({ ...base(), version: 0, makeupWorkdays: [{ date: '2026-02-13', for: '春节' }] }),
    );
    expect(error).toBeInstanceOf(CalendarSpecError);
    expect(error).toMatchObject({
      name: 'CalendarSpecError',
      issues: [
        'version must be a positive integer, got 0',
        'makeupWorkdays[0] (2026-02-13) is a Friday; a make-up working day must be a Saturday or Sunday',
      ],
      message:
        'invalid calendar spec: version must be a positive integer, got 0; makeupWorkdays[0] (2026-02-13) is a ' +
        'Friday; a make-up working day must be a Saturday or Sunday',
    });
  });

  it('caps the number of listed problems', () => {
    const holidays = Array.from({ length: 30 }, () => ({ name: 'x', from: 'bad', to: '2026-01-01' }));
    const error = catchError(() => validateCalendarSpec({ ...base(), holidays })) as CalendarSpecError;
    expect(error.issues).toHaveLength(21);
    expect(error.issues[20]).toMatch(/^… and \d+ more$/);
  });
});

describe('validateOverrides', () => {
  it('accepts valid overrides and returns a copy', () => {
    const input = [
      { date: '2026-03-04', kind: 'day-off', reason: '地方节日' },
      { date: '2026-03-07', kind: 'working-day', reason: '周六办公' },
    ];
    const result = validateOverrides(input);
    expect(result).toStrictEqual(input);
    expect(result[0]).not.toBe(input[0]);
    expect(validateOverrides([])).toEqual([]);
  });

  it('takes tabs and line breaks in a reason as text', () => {
    const input = [{ date: '2026-03-04', kind: 'day-off', reason: '地方节日\t(一)\r\n全天' }];
    expect(validateOverrides(input)).toStrictEqual(input);
  });

  it.each<{ label: string; input: unknown; message: string }>([
    {
      label: 'not an array',
      input: { date: '2026-03-04' },
      message: 'overrides must be an array, got an object',
    },
    { label: 'null', input: null, message: 'overrides must be an array, got null' },
    {
      label: 'an entry that is not an object',
      input: ['2026-03-04'],
      message: 'overrides[0] must be an object {date, kind, reason}, got "2026-03-04"',
    },
    {
      label: 'an invalid date',
      input: [{ date: '2026-13-01', kind: 'day-off', reason: 'x' }],
      message: `overrides[0].date must be a valid date 'YYYY-MM-DD' (1970–9999), got "2026-13-01"`,
    },
    {
      label: 'an unknown kind',
      input: [{ date: '2026-03-04', kind: 'holiday', reason: 'x' }],
      message: `overrides[0].kind must be 'day-off' or 'working-day', got "holiday"`,
    },
    {
      label: 'a missing kind',
      input: [{ date: '2026-03-04', reason: 'x' }],
      message: 'overrides[0].kind is missing',
    },
    {
      label: 'an empty reason',
      input: [{ date: '2026-03-04', kind: 'day-off', reason: '' }],
      message: 'overrides[0].reason must be a non-empty string, got ""',
    },
    {
      label: 'a blank reason',
      input: [{ date: '2026-03-04', kind: 'day-off', reason: ' \t' }],
      message: 'overrides[0].reason must be a non-empty string',
    },
    {
      label: 'a NUL in the reason',
      input: [{ date: '2026-03-04', kind: 'day-off', reason: '地方\u0000节日' }],
      message: 'overrides[0].reason must not contain control characters',
    },
    {
      label: 'an over-long reason',
      input: [{ date: '2026-03-04', kind: 'day-off', reason: 'x'.repeat(201) }],
      message: 'overrides[0].reason must be at most 200 characters, got 201',
    },
    {
      label: 'an unknown property',
      input: [{ date: '2026-03-04', kind: 'day-off', reason: 'x', version: 2 }],
      message: 'overrides[0].version is not a known property',
    },
    {
      label: 'two overrides for one date',
      input: [
        { date: '2026-03-04', kind: 'day-off', reason: 'a' },
        { date: '2026-03-05', kind: 'day-off', reason: 'b' },
        { date: '2026-03-04', kind: 'day-off', reason: 'c' },
      ],
      message: 'overrides[2]: 2026-03-04 is already overridden by overrides[0]',
    },
  ])('rejects $label', ({ input, message }) => {
    const act = () => validateOverrides(input);
    expect(act).toThrow(CalendarSpecError);
    expect(act).toThrow(`invalid calendar overrides: ${message}`);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
