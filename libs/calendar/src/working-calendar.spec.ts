import officialData from '../data/cn-holidays-2024-2026.json';
import { CalendarGapError, CalendarSpecError } from './calendar.errors';
import type { CalendarOverride, DayKind } from './calendar.types';
import { officialCalendarSpec } from './official';
import { MAX_WORKING_DAYS, WorkingCalendar } from './working-calendar';

// Expected values below are derived by hand from data/cn-holidays-2024-2026.json and a printed wall
// calendar; each row's comment says how. Summary of the official data (weekday in brackets):
//   2024  元旦 1 Jan (Mon) · 春节 10–17 Feb (Sat–Sat), make-up Sun 4 Feb, Sun 18 Feb · 清明 4–6 Apr
//         (Thu–Sat), make-up Sun 7 Apr · 劳动 1–5 May (Wed–Sun), make-up Sun 28 Apr, Sat 11 May ·
//         端午 10 Jun (Mon) · 中秋 15–17 Sep (Sun–Tue), make-up Sat 14 Sep · 国庆 1–7 Oct (Tue–Mon),
//         make-up Sun 29 Sep, Sat 12 Oct
//   2025  元旦 1 Jan (Wed) · 春节 28 Jan–4 Feb (Tue–Tue), make-up Sun 26 Jan, Sat 8 Feb · 清明 4–6 Apr
//         (Fri–Sun) · 劳动 1–5 May (Thu–Mon), make-up Sun 27 Apr · 端午 31 May–2 Jun (Sat–Mon) ·
//         国庆节、中秋节 1–8 Oct (Wed–Wed), make-up Sun 28 Sep, Sat 11 Oct
//   2026  元旦 1–3 Jan (Thu–Sat), make-up Sun 4 Jan · 春节 15–23 Feb (Sun–Mon), make-up Sat 14 Feb,
//         Sat 28 Feb · 清明 4–6 Apr (Sat–Mon) · 劳动 1–5 May (Fri–Tue), make-up Sat 9 May · 端午 19–21 Jun
//         (Fri–Sun) · 中秋 25–27 Sep (Fri–Sun) · 国庆 1–7 Oct (Thu–Wed), make-up Sun 20 Sep, Sat 10 Oct
//   2027  not published: provisional (the law alone, see provisional.spec.ts) up to 2036 by default.
//         元旦 Fri 1 Jan (Sat 2, Sun 3 weekend) · 春节 Fri 5 – Mon 8 Feb, substitutes Tue 9, Wed 10 Feb

const official = WorkingCalendar.from(officialCalendarSpec());

describe('WorkingCalendar (official 2024–2026 data)', () => {
  describe('addWorkingDays', () => {
    it.each([
      // --- Spring Festival 2024 ---
      // Thu 8 Feb → Fri 9 Feb is an ordinary working day.
      { from: '2024-02-08', days: 1, expected: '2024-02-09' },
      // Fri 9 Feb; 10–17 Feb holiday; Sun 18 Feb is a make-up day.
      { from: '2024-02-09', days: 1, expected: '2024-02-18' },
      // … then Mon 19 Feb.
      { from: '2024-02-09', days: 2, expected: '2024-02-19' },
      // Fri 2 Feb; Sat 3 Feb off; Sun 4 Feb is a make-up day.
      { from: '2024-02-02', days: 1, expected: '2024-02-04' },
      // Wed 7 Feb: Thu 8 (1), Fri 9 (2), 10–17 holiday, Sun 18 (3), Mon 19 (4), Tue 20 (5).
      { from: '2024-02-07', days: 5, expected: '2024-02-20' },
      // --- Spring Festival 2025 ---
      // Fri 24 Jan; Sat 25 off; Sun 26 Jan make-up day.
      { from: '2025-01-24', days: 1, expected: '2025-01-26' },
      // Sun 26 Jan (a make-up day, not counted as the start) → Mon 27 Jan.
      { from: '2025-01-26', days: 1, expected: '2025-01-27' },
      // Mon 27 Jan; 28 Jan–4 Feb holiday → Wed 5 Feb.
      { from: '2025-01-27', days: 1, expected: '2025-02-05' },
      // Mon 27 Jan: Wed 5 (1), Thu 6 (2), Fri 7 (3), Sat 8 Feb make-up (4).
      { from: '2025-01-27', days: 4, expected: '2025-02-08' },
      // … Sun 9 off, Mon 10 Feb (5).
      { from: '2025-01-27', days: 5, expected: '2025-02-10' },
      // --- Spring Festival 2026 (9 days, 15–23 Feb) ---
      // Fri 13 Feb → Sat 14 Feb is a make-up day (before the holiday!).
      { from: '2026-02-13', days: 1, expected: '2026-02-14' },
      // Fri 13 Feb: Sat 14 (1); 15–23 Feb holiday; Tue 24 Feb (2).
      { from: '2026-02-13', days: 2, expected: '2026-02-24' },
      // Sat 14 Feb (make-up) → 15–23 holiday → Tue 24 Feb.
      { from: '2026-02-14', days: 1, expected: '2026-02-24' },
      // Tue 24 Feb: Wed 25 (1), Thu 26 (2), Fri 27 (3), Sat 28 Feb make-up (4).
      { from: '2026-02-24', days: 4, expected: '2026-02-28' },
      // Thu 12 Feb + 20: Fri 13 (1), Sat 14 (2), 24–27 Feb (3–6), Sat 28 (7), Sun 1 Mar off,
      // 2–6 Mar (8–12), 9–13 Mar (13–17), Mon 16 (18), Tue 17 (19), Wed 18 Mar (20).
      { from: '2026-02-12', days: 20, expected: '2026-03-18' },
      // --- Mid-Autumn and National Day 2024 ---
      // Fri 13 Sep → Sat 14 Sep make-up day.
      { from: '2024-09-13', days: 1, expected: '2024-09-14' },
      // Fri 13 Sep: Sat 14 (1); 15–17 Sep holiday; Wed 18 Sep (2).
      { from: '2024-09-13', days: 2, expected: '2024-09-18' },
      // Fri 27 Sep; Sat 28 off; Sun 29 Sep make-up day.
      { from: '2024-09-27', days: 1, expected: '2024-09-29' },
      // Mon 30 Sep; 1–7 Oct holiday → Tue 8 Oct.
      { from: '2024-09-30', days: 1, expected: '2024-10-08' },
      // Fri 11 Oct → Sat 12 Oct make-up day.
      { from: '2024-10-11', days: 1, expected: '2024-10-12' },
      // --- National Day + Mid-Autumn 2025 (combined, 8 days) ---
      // Fri 26 Sep; Sat 27 off; Sun 28 Sep make-up day.
      { from: '2025-09-26', days: 1, expected: '2025-09-28' },
      // Tue 30 Sep; 1–8 Oct holiday → Thu 9 Oct.
      { from: '2025-09-30', days: 1, expected: '2025-10-09' },
      // Tue 30 Sep: Thu 9 (1), Fri 10 (2), Sat 11 Oct make-up (3).
      { from: '2025-09-30', days: 3, expected: '2025-10-11' },
      // … Sun 12 off, Mon 13 Oct (4).
      { from: '2025-09-30', days: 4, expected: '2025-10-13' },
      // --- Mid-Autumn and National Day 2026 ---
      // Fri 18 Sep; Sat 19 off; Sun 20 Sep make-up day.
      { from: '2026-09-18', days: 1, expected: '2026-09-20' },
      // Thu 24 Sep; 25–27 Sep 中秋 → Mon 28 Sep.
      { from: '2026-09-24', days: 1, expected: '2026-09-28' },
      // Wed 30 Sep; 1–7 Oct holiday → Thu 8 Oct.
      { from: '2026-09-30', days: 1, expected: '2026-10-08' },
      // Wed 30 Sep: Thu 8 (1), Fri 9 (2), Sat 10 Oct make-up (3).
      { from: '2026-09-30', days: 3, expected: '2026-10-10' },
      // --- Year ends ---
      // Tue 31 Dec 2024; Wed 1 Jan 2025 holiday → Thu 2 Jan.
      { from: '2024-12-31', days: 1, expected: '2025-01-02' },
      // Fri 27 Dec 2024: Sat/Sun off, Mon 30 (1), Tue 31 (2), 1 Jan holiday, Thu 2 Jan 2025 (3).
      { from: '2024-12-27', days: 3, expected: '2025-01-02' },
      // Wed 31 Dec 2025; 1–3 Jan 2026 holiday; Sun 4 Jan make-up day.
      { from: '2025-12-31', days: 1, expected: '2026-01-04' },
      // Tue 30 Dec 2025: Wed 31 (1), Sun 4 Jan 2026 (2).
      { from: '2025-12-30', days: 2, expected: '2026-01-04' },
      // Wed 31 Dec 2025: Sun 4 Jan (1), Mon 5 Jan 2026 (2).
      { from: '2025-12-31', days: 2, expected: '2026-01-05' },
      // Wed 30 Dec 2026 → Thu 31 Dec 2026 (stays inside 2026).
      { from: '2026-12-30', days: 1, expected: '2026-12-31' },
      // `from` is not counted, so it may lie in uncovered 2023: Sun 31 Dec 2023; Mon 1 Jan 2024
      // holiday → Tue 2 Jan 2024.
      { from: '2023-12-31', days: 1, expected: '2024-01-02' },
      // --- days = 0 returns `from` itself, whatever it is ---
      { from: '2026-02-15', days: 0, expected: '2026-02-15' }, // a holiday
      { from: '2026-02-14', days: 0, expected: '2026-02-14' }, // a make-up Saturday
      { from: '2027-03-01', days: 0, expected: '2027-03-01' }, // nothing is examined
      { from: '2040-03-01', days: 0, expected: '2040-03-01' }, // … not even past the horizon
    ])('$from + $days working days → $expected', ({ from, days, expected }) => {
      expect(official.addWorkingDays(from, days)).toBe(expected);
    });

    it.each([
      // Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 is 元旦, Sat 2 / Sun 3 the weekend → Mon 4 Jan 2027.
      { from: '2026-12-31', days: 1, expected: '2027-01-04', provisional: [2027] },
      // Wed 30 Dec 2026: Thu 31 Dec (1), Mon 4 Jan 2027 (2).
      { from: '2026-12-30', days: 2, expected: '2027-01-04', provisional: [2027] },
      // Fri 25 Dec 2026: Mon 28–Thu 31 Dec (1–4), Mon 4 Jan 2027 (5).
      { from: '2026-12-25', days: 5, expected: '2027-01-04', provisional: [2027] },
      // Wed 30 Dec 2026 + 1 stays in 2026: exact.
      { from: '2026-12-30', days: 1, expected: '2026-12-31', provisional: [] },
    ])(
      '$from + $days working days → $expected, provisional in $provisional',
      ({ from, days, expected, provisional }) => {
        expect(official.addWorkingDays(from, days)).toBe(expected);
        expect(official.provisionalYearsIn(from, expected)).toEqual(provisional);
      },
    );

    it.each([
      // Without a provisional horizon, Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 must be examined, 2027 is
      // not published.
      { from: '2026-12-31', days: 1, year: 2027, horizon: 0 },
      // Wed 30 Dec 2026: Thu 31 Dec (1), then 1 Jan 2027 → gap.
      { from: '2026-12-30', days: 2, year: 2027, horizon: 0 },
      // Fri 25 Dec 2026: Mon 28–Thu 31 Dec (1–4), then 2027 → gap.
      { from: '2026-12-25', days: 5, year: 2027, horizon: 0 },
      // The maximum walk (3660 working days, about 14 years) stops at the first unknown day: 2027
      // without a horizon, 2037 past the default one.
      { from: '2026-06-01', days: MAX_WORKING_DAYS, year: 2027, horizon: 0 },
      { from: '2026-06-01', days: MAX_WORKING_DAYS, year: 2037, horizon: undefined },
      // Wed 31 Dec 2036 + 1: Thu 1 Jan 2037 lies past the default horizon.
      { from: '2036-12-31', days: 1, year: 2037, horizon: undefined },
      // Fri 29 Dec 2023: Sat 30 Dec 2023 has to be examined, 2023 is before the first official year.
      { from: '2023-12-29', days: 1, year: 2023, horizon: undefined },
      { from: '2023-12-29', days: 1, year: 2023, horizon: 0 },
    ])(
      '$from + $days working days → CalendarGapError for $year (horizon $horizon)',
      ({ from, days, year, horizon }) => {
        const cal =
          horizon === undefined
            ? official
            : WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: horizon });
        const act = () => cal.addWorkingDays(from, days);
        expect(act).toThrow(CalendarGapError);
        expect(act).toThrow(
          year < 2024
            ? `working-day calendar does not reach back to ${year}`
            : `working-day calendar has no arrangement for ${year}, official or provisional`,
        );
        // lastYear: the last official year without a horizon, 2026 + 10 with the default one.
        const lastYear = horizon === 0 ? 2026 : 2036;
        expect(catchError(act)).toMatchObject({ name: 'CalendarGapError', year, lastYear });
      },
    );

    it.each([
      { days: -1 },
      { days: 1.5 },
      { days: Number.NaN },
      { days: Number.POSITIVE_INFINITY },
      { days: MAX_WORKING_DAYS + 1 },
      { days: 1e12 },
    ])('rejects days = $days with a RangeError before walking', ({ days }) => {
      expect(() => official.addWorkingDays('2026-02-13', days)).toThrow(RangeError);
      expect(() => official.addWorkingDays('2026-02-13', days)).toThrow(
        `days must be an integer between 0 and ${MAX_WORKING_DAYS}`,
      );
    });

    it.each(['2026-02-30', '2026-2-13', '', '2026-02-13T00:00:00Z'])('rejects invalid from %p', (from) => {
      expect(() => official.addWorkingDays(from, 1)).toThrow('is not a valid date');
      expect(() => official.addWorkingDays(from, 0)).toThrow('is not a valid date');
    });

    it('is fast enough for a hot path (20 working days, many times)', () => {
      const started = process.hrtime.bigint();
      let last = '';
      for (let i = 0; i < 20_000; i++) last = official.addWorkingDays('2026-02-12', 20);
      const microsPerCall = Number(process.hrtime.bigint() - started) / 1000 / 20_000;
      expect(last).toBe('2026-03-18');
      expect(microsPerCall).toBeLessThan(50); // typically ~1 µs; generous for busy CI machines
    });
  });

  describe('countWorkingDays (from < d ≤ to)', () => {
    it.each([
      // Feb 2026: 20 weekdays (2–27 Feb) − 6 holiday weekdays (16–20, 23) + 2 make-ups (14, 28) = 16.
      { from: '2026-02-01', to: '2026-02-28', expected: 16 },
      // Sat 14 (1), 15–23 holiday, Tue 24–Fri 27 (5), Sat 28 (6).
      { from: '2026-02-13', to: '2026-02-28', expected: 6 },
      // Sun 26 Jan (1), Mon 27 (2), 28 Jan–4 Feb holiday, 5–7 Feb (5), Sat 8 (6), Mon 10 Feb (7).
      { from: '2025-01-24', to: '2025-02-10', expected: 7 },
      // Feb 2024 after Thu 1 Feb: 20 weekdays (Fri 2, 5–9, 12–16, 19–23, 26–29) − 5 holiday
      // weekdays (12–16) + 2 make-ups (Sun 4, Sun 18) = 17.
      { from: '2024-02-01', to: '2024-02-29', expected: 17 },
      // Oct 2024: 23 weekdays − 5 holiday weekdays (1–4, 7) + Sat 12 Oct = 19.
      { from: '2024-09-30', to: '2024-10-31', expected: 19 },
      // Oct 2025: 23 weekdays − 6 holiday weekdays (1–3, 6–8) + Sat 11 Oct = 18.
      { from: '2025-09-30', to: '2025-10-31', expected: 18 },
      // Oct 2026: 22 weekdays − 5 holiday weekdays (1, 2, 5–7) + Sat 10 Oct = 18.
      { from: '2026-09-30', to: '2026-10-31', expected: 18 },
      // 23–27 Dec (5), 30–31 Dec (7), 1 Jan holiday, 2–3 Jan (9), 6–10 Jan 2025 (14).
      { from: '2024-12-20', to: '2025-01-10', expected: 14 },
      // 29–31 Dec 2025 (3), 1–3 Jan holiday, Sun 4 Jan make-up (4), 5–9 Jan 2026 (9).
      { from: '2025-12-26', to: '2026-01-09', expected: 9 },
      // Jan 2024: 23 weekdays − Mon 1 Jan = 22; `from` in uncovered 2023 is not examined.
      { from: '2023-12-31', to: '2024-01-31', expected: 22 },
      // Whole 2024: 262 weekdays (366 days from a Monday) − 19 holiday weekdays + 8 make-ups = 251.
      { from: '2023-12-31', to: '2024-12-31', expected: 251 },
      // Whole 2025: 261 weekdays (365 days from a Wednesday) − 18 holiday weekdays + 5 make-ups = 248.
      { from: '2024-12-31', to: '2025-12-31', expected: 248 },
      // Whole 2026: 261 weekdays (365 days from a Thursday) − 19 holiday weekdays + 6 make-ups = 248.
      { from: '2025-12-31', to: '2026-12-31', expected: 248 },
      // All three years: 251 + 248 + 248.
      { from: '2023-12-31', to: '2026-12-31', expected: 747 },
      // A single make-up day.
      { from: '2026-02-13', to: '2026-02-14', expected: 1 },
      // A single holiday.
      { from: '2026-02-14', to: '2026-02-15', expected: 0 },
      // to ≤ from → 0, even where nothing is covered.
      { from: '2026-02-13', to: '2026-02-13', expected: 0 },
      { from: '2026-02-28', to: '2026-02-13', expected: 0 },
      { from: '2030-01-01', to: '2029-01-01', expected: 0 },
      { from: '2040-01-01', to: '2039-01-01', expected: 0 },
      // --- Into provisional 2027 ---
      // Dec 2026 after Tue 1: 22 weekdays (2–4, 7–11, 14–18, 21–25, 28–31: 3 + 5 + 5 + 5 + 4); Jan 2027:
      // 21 weekdays (Fri 1 … Fri 29) − Fri 1 元旦 = 20 → 42.
      { from: '2026-12-01', to: '2027-01-31', expected: 42 },
      // (31 Dec 2026, 1 Jan 2027]: only 元旦.
      { from: '2026-12-31', to: '2027-01-01', expected: 0 },
    ])('($from, $to] → $expected', ({ from, to, expected }) => {
      expect(official.countWorkingDays(from, to)).toBe(expected);
    });

    const strict = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 0 });
    it.each([
      // Without a horizon, 2027 is refused as before.
      { cal: strict, from: '2026-12-01', to: '2027-01-31', year: 2027, lastYear: 2026 },
      { cal: strict, from: '2026-12-31', to: '2027-01-01', year: 2027, lastYear: 2026 },
      // Past the default horizon.
      { cal: official, from: '2036-12-01', to: '2037-01-31', year: 2037, lastYear: 2036 },
      // Before the first official year, with or without a horizon.
      { cal: official, from: '2023-12-01', to: '2024-01-31', year: 2023, lastYear: 2036 },
      { cal: strict, from: '2023-12-01', to: '2024-01-31', year: 2023, lastYear: 2026 },
      { cal: official, from: '2020-01-01', to: '2030-01-01', year: 2020, lastYear: 2036 },
    ])(
      '($from, $to] → CalendarGapError for $year (range up to $lastYear)',
      ({ cal, from, to, year, lastYear }) => {
        const known = `official years: 2024, 2025, 2026${lastYear > 2026 ? `; provisional up to ${lastYear}` : ''}`;
        expect(catchError(() => cal.countWorkingDays(from, to))).toMatchObject({
          name: 'CalendarGapError',
          year,
          lastYear,
          message:
            year < 2024
              ? `working-day calendar does not reach back to ${year} (${known})`
              : `working-day calendar has no arrangement for ${year}, official or provisional (${known})`,
        });
      },
    );

    it('agrees with addWorkingDays', () => {
      // addWorkingDays(f, n) is a working day with exactly n working days in (f, result].
      for (const [from, days] of [
        ['2024-02-07', 5],
        ['2025-01-27', 5],
        ['2026-02-12', 20],
        ['2025-12-30', 2],
      ] as const) {
        expect(official.countWorkingDays(from, official.addWorkingDays(from, days))).toBe(days);
      }
    });
  });

  describe('dayKind and isWorkingDay', () => {
    it.each<DayKind>([
      { date: '2026-02-13', working: true, reason: 'weekday' }, // Fri
      { date: '2026-02-14', working: true, reason: 'makeup-workday', name: '春节' }, // Sat, make-up
      { date: '2026-02-15', working: false, reason: 'holiday', name: '春节' }, // Sun, first day
      { date: '2026-02-21', working: false, reason: 'holiday', name: '春节' }, // Sat inside the holiday
      { date: '2026-02-23', working: false, reason: 'holiday', name: '春节' }, // Mon, last day
      { date: '2026-02-24', working: true, reason: 'weekday' }, // Tue after
      { date: '2026-02-28', working: true, reason: 'makeup-workday', name: '春节' }, // Sat, make-up
      { date: '2026-03-01', working: false, reason: 'weekend' }, // Sun
      { date: '2026-01-03', working: false, reason: 'holiday', name: '元旦' }, // Sat inside 元旦
      { date: '2026-01-04', working: true, reason: 'makeup-workday', name: '元旦' }, // Sun, make-up
      { date: '2026-09-20', working: true, reason: 'makeup-workday', name: '国庆节' }, // Sun, make-up
      { date: '2026-09-25', working: false, reason: 'holiday', name: '中秋节' }, // Fri
      { date: '2026-12-31', working: true, reason: 'weekday' }, // Thu, last covered day
      { date: '2025-09-28', working: true, reason: 'makeup-workday', name: '国庆节、中秋节' }, // Sun
      { date: '2025-10-08', working: false, reason: 'holiday', name: '国庆节、中秋节' }, // Wed, 8th day
      { date: '2025-10-11', working: true, reason: 'makeup-workday', name: '国庆节、中秋节' }, // Sat
      { date: '2025-06-02', working: false, reason: 'holiday', name: '端午节' }, // Mon
      { date: '2025-04-04', working: false, reason: 'holiday', name: '清明节' }, // Fri
      { date: '2025-01-26', working: true, reason: 'makeup-workday', name: '春节' }, // Sun
      { date: '2024-02-04', working: true, reason: 'makeup-workday', name: '春节' }, // Sun
      { date: '2024-02-18', working: true, reason: 'makeup-workday', name: '春节' }, // Sun
      { date: '2024-05-11', working: true, reason: 'makeup-workday', name: '劳动节' }, // Sat
      { date: '2024-09-14', working: true, reason: 'makeup-workday', name: '中秋节' }, // Sat
      { date: '2024-10-07', working: false, reason: 'holiday', name: '国庆节' }, // Mon
      { date: '2024-12-31', working: true, reason: 'weekday' }, // Tue
      { date: '2024-01-01', working: false, reason: 'holiday', name: '元旦' }, // Mon, first covered day
      { date: '2024-01-06', working: false, reason: 'weekend' }, // Sat
    ])('$date → $reason $name', (expected) => {
      expect(official.dayKind(expected.date)).toStrictEqual(expected);
      expect(official.isWorkingDay(expected.date)).toBe(expected.working);
    });

    it.each<DayKind>([
      // Mon 4 Jan 2027: a provisional working day (元旦 Fri 1, weekend 2–3).
      { date: '2027-01-04', working: true, reason: 'weekday', provisional: true },
      { date: '2027-01-01', working: false, reason: 'holiday', name: '元旦', provisional: true },
      { date: '2036-12-31', working: true, reason: 'weekday', provisional: true }, // Wed, end of the horizon
    ])('$date → $reason (provisional)', (expected) => {
      expect(official.dayKind(expected.date)).toStrictEqual(expected);
      expect(official.isWorkingDay(expected.date)).toBe(expected.working);
    });

    it.each([
      { date: '2027-01-04', year: 2027, cal: 'strict' },
      { date: '2037-01-01', year: 2037, cal: 'default' },
      { date: '2023-12-29', year: 2023, cal: 'default' },
      { date: '1970-01-01', year: 1970, cal: 'default' },
      { date: '9999-12-31', year: 9999, cal: 'default' },
    ])('$date → CalendarGapError for $year ($cal horizon)', ({ date, year, cal }) => {
      const c =
        cal === 'strict'
          ? WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 0 })
          : official;
      expect(catchError(() => c.dayKind(date))).toMatchObject({ name: 'CalendarGapError', year });
      expect(catchError(() => c.isWorkingDay(date))).toBeInstanceOf(CalendarGapError);
    });

    it('matches a naive reading of the raw JSON on every day of 2024–2026', () => {
      // Independent reference: ISO date strings compare like dates; weekday from Date.UTC.
      const reference = (date: string): boolean => {
        if (officialData.makeupWorkdays.some((m) => m.date === date)) return true;
        if (officialData.holidays.some((h) => h.from <= date && date <= h.to)) return false;
        const [y, m, d] = date.split('-').map(Number);
        const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
        return dow !== 0 && dow !== 6;
      };
      let checked = 0;
      for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10);
        expect([date, official.isWorkingDay(date)]).toEqual([date, reference(date)]);
        checked++;
      }
      expect(checked).toBe(366 + 365 + 365);
    });
  });

  describe('nonWorkingDays (from < d ≤ to)', () => {
    const holiday = (date: string, name: string): DayKind => ({
      date,
      working: false,
      reason: 'holiday',
      name,
    });
    const weekend = (date: string): DayKind => ({ date, working: false, reason: 'weekend' });

    it.each<{ from: string; to: string; expected: DayKind[] }>([
      {
        // Sat 14 Feb and Sat 28 Feb are make-up days (working), 15–23 Feb holiday, Sun 1 Mar weekend.
        from: '2026-02-13',
        to: '2026-03-01',
        expected: [
          ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) =>
            holiday(`2026-02-${d}`, '春节'),
          ),
          weekend('2026-03-01'),
        ],
      },
      {
        // Wed 31 Dec working; 1–3 Jan 元旦; Sun 4 Jan make-up; Mon 5 Jan working.
        from: '2025-12-30',
        to: '2026-01-05',
        expected: [
          holiday('2026-01-01', '元旦'),
          holiday('2026-01-02', '元旦'),
          holiday('2026-01-03', '元旦'),
        ],
      },
      {
        // Sat 27 Sep weekend; Sun 28 Sep make-up; 1–8 Oct holiday (incl. Sat 4/Sun 5);
        // Sat 11 Oct make-up; Sun 12 Oct weekend.
        from: '2025-09-26',
        to: '2025-10-12',
        expected: [
          weekend('2025-09-27'),
          ...[1, 2, 3, 4, 5, 6, 7, 8].map((d) => holiday(`2025-10-0${d}`, '国庆节、中秋节')),
          weekend('2025-10-12'),
        ],
      },
      {
        // Sat 28, Sun 29 Dec 2024 weekend; Wed 1 Jan 2025 元旦; Sat 4, Sun 5 Jan weekend.
        from: '2024-12-27',
        to: '2025-01-06',
        expected: [
          weekend('2024-12-28'),
          weekend('2024-12-29'),
          holiday('2025-01-01', '元旦'),
          weekend('2025-01-04'),
          weekend('2025-01-05'),
        ],
      },
      { from: '2026-02-13', to: '2026-02-14', expected: [] }, // only the make-up Saturday
      { from: '2026-02-13', to: '2026-02-13', expected: [] },
      { from: '2026-03-01', to: '2026-02-01', expected: [] },
    ])('($from, $to]', ({ from, to, expected }) => {
      expect(official.nonWorkingDays(from, to)).toStrictEqual(expected);
    });

    it('explains a range reaching into 2027, flagging the provisional days', () => {
      // Sat 26 / Sun 27 Dec 2026 weekend; Fri 1 Jan 2027 元旦; Sat 2 / Sun 3, Sat 9 / Sun 10 Jan weekend.
      expect(official.nonWorkingDays('2026-12-20', '2027-01-10')).toStrictEqual([
        weekend('2026-12-26'),
        weekend('2026-12-27'),
        { ...holiday('2027-01-01', '元旦'), provisional: true },
        { ...weekend('2027-01-02'), provisional: true },
        { ...weekend('2027-01-03'), provisional: true },
        { ...weekend('2027-01-09'), provisional: true },
        { ...weekend('2027-01-10'), provisional: true },
      ]);
    });

    it('refuses a range reaching into 2027 without a horizon, and into 2037 past it', () => {
      const strict = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 0 });
      expect(catchError(() => strict.nonWorkingDays('2026-12-20', '2027-01-10'))).toMatchObject({
        name: 'CalendarGapError',
        year: 2027,
      });
      expect(catchError(() => official.nonWorkingDays('2036-12-20', '2037-01-10'))).toMatchObject({
        name: 'CalendarGapError',
        year: 2037,
      });
    });
  });

  describe('getters', () => {
    it('exposes years, version and coverage', () => {
      expect(official.years).toEqual([2024, 2025, 2026]);
      expect(official.provisionalYears).toEqual([2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035, 2036]);
      expect(official.range).toEqual({ first: 2024, last: 2036 });
      expect(official.version).toBe(1);
      expect(official.overrides).toEqual([]);
      expect(official.spec.notices['2026']).toContain('国务院办公厅关于2026年部分节假日安排的通知');
      expect([2023, 2024, 2025, 2026, 2027, 2024.5].map((y) => official.covers(y))).toEqual([
        false,
        true,
        true,
        true,
        false,
        false,
      ]);
    });

    it('cannot be changed through its getters or the objects it was built from', () => {
      const spec = officialCalendarSpec();
      const overrides: CalendarOverride[] = [{ date: '2026-03-04', kind: 'day-off', reason: 'local' }];
      const cal = WorkingCalendar.from(spec, overrides);
      spec.makeupWorkdays.length = 0;
      overrides[0].kind = 'working-day';
      expect(cal.isWorkingDay('2026-02-14')).toBe(true);
      expect(cal.overrides).toEqual([{ date: '2026-03-04', kind: 'day-off', reason: 'local' }]);
      expect(Object.isFrozen(cal.years)).toBe(true);
      expect(Object.isFrozen(cal.overrides[0])).toBe(true);
      expect(Object.isFrozen(cal.spec.holidays[0])).toBe(true);
    });
  });
});

describe('WorkingCalendar with local overrides', () => {
  const overrides: CalendarOverride[] = [
    // Wed 4 Mar 2026: a local festival (day off on a weekday).
    { date: '2026-03-04', kind: 'day-off', reason: '地方节日（示例）' },
    // Sat 7 Mar 2026: the district works on a Saturday.
    { date: '2026-03-07', kind: 'working-day', reason: '区政府安排周六办公（示例）' },
    // Mon 23 Feb 2026 is officially 春节; the district works anyway (overrides win).
    { date: '2026-02-23', kind: 'working-day', reason: '窗口值班（示例）' },
    // Sat 28 Feb 2026 is an official make-up day; the district takes it off.
    { date: '2026-02-28', kind: 'day-off', reason: '补休（示例）' },
    // 2027 is provisional: the override applies there too (Wed 3 Mar 2027).
    { date: '2027-03-03', kind: 'day-off', reason: '地方节日（示例）' },
    // 2037 is past the horizon: the override is kept but does not make 2037 usable.
    { date: '2037-03-03', kind: 'day-off', reason: '地方节日（示例）' },
  ];
  const local = WorkingCalendar.from(officialCalendarSpec(), overrides);

  it.each<DayKind>([
    { date: '2026-03-04', working: false, reason: 'local-day-off', name: '地方节日（示例）' },
    { date: '2026-03-07', working: true, reason: 'local-working-day', name: '区政府安排周六办公（示例）' },
    { date: '2026-02-23', working: true, reason: 'local-working-day', name: '窗口值班（示例）' },
    { date: '2026-02-28', working: false, reason: 'local-day-off', name: '补休（示例）' },
    { date: '2026-02-22', working: false, reason: 'holiday', name: '春节' }, // untouched
  ])('dayKind($date) → $reason', (expected) => {
    expect(local.dayKind(expected.date)).toStrictEqual(expected);
  });

  it.each([
    // Tue 3 Mar; Wed 4 Mar local day off → Thu 5 Mar.
    { from: '2026-03-03', days: 1, expected: '2026-03-05', officially: '2026-03-04' },
    // Fri 6 Mar; Sat 7 Mar local working day (officially: Mon 9 Mar).
    { from: '2026-03-06', days: 1, expected: '2026-03-07', officially: '2026-03-09' },
    // Sat 14 Feb; 15–22 Feb holiday; Mon 23 Feb worked locally (officially: Tue 24 Feb).
    { from: '2026-02-14', days: 1, expected: '2026-02-23', officially: '2026-02-24' },
    // Fri 27 Feb; Sat 28 Feb off locally, Sun 1 Mar off → Mon 2 Mar (officially: Sat 28 Feb).
    { from: '2026-02-27', days: 1, expected: '2026-03-02', officially: '2026-02-28' },
  ])('$from + $days → $expected (officially $officially)', ({ from, days, expected, officially }) => {
    expect(local.addWorkingDays(from, days)).toBe(expected);
    expect(official.addWorkingDays(from, days)).toBe(officially);
  });

  it.each([
    // Mon 2, Tue 3, (Wed 4 off), Thu 5, Fri 6 → 4 locally, 5 officially.
    { from: '2026-03-01', to: '2026-03-06', expected: 4, officially: 5 },
    // … plus Sat 7 Mar worked locally → 5 locally, still 5 officially.
    { from: '2026-03-01', to: '2026-03-08', expected: 5, officially: 5 },
    // Feb 2026 officially 16 (see above); +1 for Mon 23 Feb, −1 for Sat 28 Feb → 16.
    { from: '2026-02-01', to: '2026-02-28', expected: 16, officially: 16 },
    // (13 Feb, 27 Feb]: officially Sat 14, Tue 24–Fri 27 = 5; locally + Mon 23 = 6.
    { from: '2026-02-13', to: '2026-02-27', expected: 6, officially: 5 },
  ])(
    'countWorkingDays($from, $to) → $expected (officially $officially)',
    ({ from, to, expected, officially }) => {
      expect(local.countWorkingDays(from, to)).toBe(expected);
      expect(official.countWorkingDays(from, to)).toBe(officially);
    },
  );

  it('explains local days off in nonWorkingDays', () => {
    // (1 Mar, 8 Mar]: Wed 4 local day off, Sat 7 worked, Sun 8 weekend.
    expect(local.nonWorkingDays('2026-03-01', '2026-03-08')).toStrictEqual([
      { date: '2026-03-04', working: false, reason: 'local-day-off', name: '地方节日（示例）' },
      { date: '2026-03-08', working: false, reason: 'weekend' },
    ]);
  });

  it('applies overrides in provisional years', () => {
    expect(local.dayKind('2027-03-03')).toStrictEqual({
      date: '2027-03-03',
      working: false,
      reason: 'local-day-off',
      name: '地方节日（示例）',
      provisional: true,
    });
    // Tue 2 Mar 2027 + 1: Wed 3 off locally → Thu 4 Mar (provisionally Wed 3 Mar).
    expect(local.addWorkingDays('2027-03-02', 1)).toBe('2027-03-04');
    expect(official.addWorkingDays('2027-03-02', 1)).toBe('2027-03-03');
  });

  it('keeps overrides past the horizon but still refuses those years', () => {
    expect(local.overrides).toHaveLength(6);
    expect(catchError(() => local.dayKind('2037-03-03'))).toMatchObject({
      name: 'CalendarGapError',
      year: 2037,
    });
  });

  it.each([
    {
      label: 'duplicate date',
      overrides: [
        { date: '2026-03-04', kind: 'day-off', reason: 'a' },
        { date: '2026-03-04', kind: 'working-day', reason: 'b' },
      ],
      message: 'overrides[1]: 2026-03-04 is already overridden by overrides[0]',
    },
    {
      label: 'empty reason',
      overrides: [{ date: '2026-03-04', kind: 'day-off', reason: ' ' }],
      message: 'overrides[0].reason must be a non-empty string',
    },
  ])('WorkingCalendar.from validates overrides: $label', ({ overrides: bad, message }) => {
    const act = () => WorkingCalendar.from(officialCalendarSpec(), bad as CalendarOverride[]);
    expect(act).toThrow(CalendarSpecError);
    expect(act).toThrow(message);
  });

  it('WorkingCalendar.from validates the spec', () => {
    const act = () => WorkingCalendar.from({ ...officialCalendarSpec(), version: 0 });
    expect(act).toThrow(CalendarSpecError);
    expect(act).toThrow('version must be a positive integer, got 0');
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
