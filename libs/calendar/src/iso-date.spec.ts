import { InvalidDateError } from './calendar.errors';
import {
  addDays,
  dayOfWeek,
  fromEpochDay,
  isIsoDate,
  parseIsoDate,
  shanghaiDate,
  shanghaiToday,
  toEpochDay,
  yearOf,
} from './iso-date';

describe('parseIsoDate', () => {
  it.each(['1970-01-01', '2024-02-29', '2000-02-29', '2026-02-13', '2026-12-31', '9999-12-31'])(
    'accepts %p',
    (value) => {
      expect(parseIsoDate(value)).toBe(value);
      expect(isIsoDate(value)).toBe(true);
    },
  );

  it.each([
    ['30 February', '2025-02-30'],
    ['29 February in a common year', '2025-02-29'],
    ['1900 is not a leap year (and before 1970)', '1900-02-29'],
    ['30 February in a leap year', '2024-02-30'],
    ['31 April', '2025-04-31'],
    ['month 13', '2025-13-01'],
    ['month 00', '2025-00-10'],
    ['day 00', '2025-01-00'],
    ['day 32', '2025-01-32'],
    ['unpadded month and day', '2025-1-5'],
    ['no dashes', '20250105'],
    ['slashes', '2025/01/05'],
    ['leading space', ' 2025-01-05'],
    ['trailing space', '2025-01-05 '],
    ['with a time', '2025-01-05T00:00:00Z'],
    ['before 1970', '1969-12-31'],
    ['year 0000', '0000-01-01'],
    ['five-digit year', '10000-01-01'],
    ['signed year', '+2025-01-05'],
    ['full-width digits', '２０２５-01-05'],
    ['letters', 'abcd-ef-gh'],
    ['empty', ''],
  ])('rejects %s: %p', (_label, value) => {
    expect(() => parseIsoDate(value)).toThrow(InvalidDateError);
    expect(() => parseIsoDate(value)).toThrow(RangeError);
    expect(() => parseIsoDate(value)).toThrow(
      `${JSON.stringify(value)} is not a valid date: expected 'YYYY-MM-DD' between 1970-01-01 and 9999-12-31`,
    );
    expect(isIsoDate(value)).toBe(false);
  });

  it.each([
    [20250105, 'number 20250105'],
    [null, 'null'],
    [undefined, 'undefined'],
    [new Date('2025-01-05T00:00:00Z'), 'an object'],
    [['2025-01-05'], 'an array'],
  ])('rejects non-string %p', (value, shown) => {
    expect(() => parseIsoDate(value)).toThrow(`${shown} is not a valid date`);
  });

  it('names the error class', () => {
    const error = new InvalidDateError('x');
    expect(error.name).toBe('InvalidDateError');
    expect(String(error)).toBe('InvalidDateError: x');
  });
});

describe('epoch days', () => {
  it.each([
    // 1970-01-01 is day 0 by definition.
    ['1970-01-01', 0],
    ['1970-01-02', 1],
    ['1971-01-01', 365],
    // 30 years × 365 + 7 leap days (1972 … 1996) = 10957 to 2000-01-01; + 31 (Jan) + 29 (Feb).
    ['2000-03-01', 11017],
    // 10957 + 24 × 365 + 6 leap days (2000 … 2020) = 19723 to 2024-01-01; + 31 + 28.
    ['2024-02-29', 19782],
    // 10957 + 26 × 365 + 7 leap days (2000 … 2024) = 20454 to 2026-01-01; + 31 + 12.
    ['2026-02-13', 20497],
    // From GNU `date -u -d 9999-12-31 +%s` / 86400.
    ['9999-12-31', 2932896],
  ])('%s ↔ %d', (date, day) => {
    expect(toEpochDay(date)).toBe(day);
    expect(fromEpochDay(day)).toBe(date);
  });

  it('round-trips every day of 1970–2100', () => {
    let day = 0;
    for (let year = 1970; year <= 2100; year++) {
      for (let month = 1; month <= 12; month++) {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (let d = 1; d <= days; d++, day++) {
          const date = `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          if (toEpochDay(date) !== day || fromEpochDay(day) !== date) {
            throw new Error(`${date} / ${day} do not round-trip`);
          }
        }
      }
    }
    expect(fromEpochDay(day)).toBe('2101-01-01');
  });

  it.each([-1, 1.5, 2932897, Number.NaN])('fromEpochDay rejects %p', (day) => {
    expect(() => fromEpochDay(day)).toThrow(InvalidDateError);
  });

  it('toEpochDay rejects invalid dates', () => {
    expect(() => toEpochDay('2025-02-30')).toThrow(InvalidDateError);
  });
});

describe('dayOfWeek (ISO: 1 = Monday … 7 = Sunday)', () => {
  it.each([
    ['1970-01-01', 4], // a Thursday
    ['2000-01-01', 6], // a Saturday
    ['2024-02-29', 4], // Thursday
    ['2026-02-13', 5], // Friday before Spring Festival 2026
    ['2026-02-14', 6], // make-up Saturday
    ['2026-02-15', 7], // Sunday, first day of Spring Festival
    ['2026-02-16', 1], // Monday
    ['2026-12-31', 4], // Thursday
    ['2027-01-01', 5], // Friday
  ])('%s → %d', (date, dow) => {
    expect(dayOfWeek(date)).toBe(dow);
  });
});

describe('addDays and yearOf', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-02-13', 0, '2026-02-13'],
    ['2026-02-13', 365, '2027-02-13'],
    ['2026-02-13', -365, '2025-02-13'],
    ['2024-01-31', 30, '2024-03-01'],
  ])('%s + %d → %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it.each([
    ['1970-01-01', -1],
    ['9999-12-31', 1],
    ['2025-02-30', 1],
  ])('%s + %d is refused with InvalidDateError', (date, days) => {
    expect(() => addDays(date, days)).toThrow(InvalidDateError);
  });

  it('refuses non-integer days', () => {
    expect(() => addDays('2026-02-13', 0.5)).toThrow('days must be an integer, got 0.5');
  });

  it('yearOf', () => {
    expect(yearOf('2026-02-13')).toBe(2026);
    expect(() => yearOf('2026-02-30')).toThrow(InvalidDateError);
  });
});

describe('shanghaiDate (Asia/Shanghai = UTC+8, no DST since 1992)', () => {
  it.each([
    ['2026-02-13T15:59:59Z', '2026-02-13'], // 23:59:59 in Shanghai
    ['2026-02-13T15:59:59.999Z', '2026-02-13'],
    ['2026-02-13T16:00:00Z', '2026-02-14'], // midnight in Shanghai
    ['2026-02-12T16:00:00Z', '2026-02-13'],
    ['2026-02-13T00:00:00+08:00', '2026-02-13'],
    ['2026-02-13T23:59:59+08:00', '2026-02-13'],
    ['2026-02-13T00:00:00Z', '2026-02-13'], // 08:00 in Shanghai
    ['2026-02-13T12:00:00-05:00', '2026-02-14'], // noon in New York = 01:00 next day in Shanghai
    ['2025-12-31T15:59:59.999Z', '2025-12-31'],
    ['2025-12-31T16:00:00Z', '2026-01-01'], // new year in Shanghai, still 31 Dec in UTC
    ['2024-02-28T16:00:00Z', '2024-02-29'],
    ['2026-07-01T03:00:00Z', '2026-07-01'],
    ['1992-01-01T00:00:00+08:00', '1992-01-01'], // first supported instant
    ['9999-12-31T23:59:59.999+08:00', '9999-12-31'], // last supported instant
  ])('%s → %s', (instant, expected) => {
    expect(shanghaiDate(new Date(instant))).toBe(expected);
  });

  it.each([
    ['before 1992 (China had DST until 1991)', new Date('1991-12-31T15:59:59.999Z')],
    ['after 9999', new Date('9999-12-31T16:00:00Z')],
    ['an invalid Date', new Date('nonsense')],
  ])('refuses %s', (_label, instant) => {
    expect(() => shanghaiDate(instant)).toThrow(InvalidDateError);
  });

  it('refuses a non-Date at runtime', () => {
    expect(() => shanghaiDate('2026-02-13' as unknown as Date)).toThrow('shanghaiDate needs a valid Date');
  });

  describe('shanghaiToday', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('uses the current instant by default', () => {
      jest.useFakeTimers({ now: new Date('2026-01-01T16:30:00Z') });
      expect(shanghaiToday()).toBe('2026-01-02');
      jest.setSystemTime(new Date('2026-01-01T15:59:59.999Z'));
      expect(shanghaiToday()).toBe('2026-01-01');
    });

    it('accepts an explicit now', () => {
      expect(shanghaiToday(new Date('2026-02-13T16:00:00Z'))).toBe('2026-02-14');
    });
  });
});
