import { CalendarGapError } from './calendar.errors';
import type { CalendarOverride, CalendarSpec, DayKind } from './calendar.types';
import { officialCalendarSpec } from './official';
import {
  PROVISIONAL_HORIZON_YEARS,
  PROVISIONAL_RULE,
  provisionalArrangement,
  statutoryHolidays,
  type ProvisionalHoliday,
} from './provisional';
import { WorkingCalendar } from './working-calendar';

// Expected values are derived by hand, never computed by the code under test. The lunar dates and the
// Qingming solar term of each year come from an independent source (the Chinese lunisolar tables of the
// Python `holidays` package 0.105, cross-checked with published calendars: Spring Festival 2027 is Sat
// 6 Feb, 2028 Wed 26 Jan); weekdays from a printed wall calendar and Date.UTC. Rule (PROVISIONAL_RULE,
// 《全国年节及纪念日放假办法》 2024): 元旦 1 Jan · 春节 除夕 + 初一..初三 · 清明 · 劳动 1–2 May · 端午 · 中秋 ·
// 国庆 1–3 Oct; a holiday on a Saturday or Sunday is made up on the next weekday not already off (第六条);
// no make-up working days (调休) are guessed.
//
//   2027  元旦 Fri 1 Jan · 春节 Fri 5 (除夕) – Mon 8 Feb; Sat 6, Sun 7 → Tue 9, Wed 10 Feb · 清明 Mon 5 Apr ·
//         劳动 Sat 1, Sun 2 May → Mon 3, Tue 4 May · 端午 Wed 9 Jun · 中秋 Wed 15 Sep ·
//         国庆 Fri 1 – Sun 3 Oct; Sat 2, Sun 3 → Mon 4, Tue 5 Oct
//   2028  元旦 Sat 1 Jan → Mon 3 Jan · 春节 Tue 25 (除夕) – Fri 28 Jan · 清明 Tue 4 Apr · 劳动 Mon 1, Tue 2 May ·
//         端午 Sun 28 May → Mon 29 May · 国庆 Sun 1 – Tue 3 Oct, 中秋 also Tue 3 Oct (one day off, not two);
//         Sun 1 → Wed 4 Oct (Mon 2, Tue 3 already off)

const official = WorkingCalendar.from(officialCalendarSpec());

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Weekday name from Date.UTC, independent of the library's date arithmetic. */
function dow(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAY[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
}

/** `date` plus `days` calendar days, from Date.UTC. */
function plus(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Every date of `year`, from Date.UTC. */
function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = plus(d, 1)) dates.push(d);
  return dates;
}

const day = (date: string, name: string): ProvisionalHoliday => ({ date, name, substitute: false });
const substitute = (date: string, name: string): ProvisionalHoliday => ({
  date,
  name: `${name}(补假)`,
  substitute: true,
});

/**
 * Independent lunar data per year: 除夕 (the day before 正月初一), Qingming, 端午 (5/5), 中秋 (8/15).
 * 2024–2026 agree with the State Council notices in data/cn-holidays-2024-2026.json.
 */
const LUNAR: Record<number, { eve: string; qingming: string; duanwu: string; zhongqiu: string }> = {
  2024: { eve: '2024-02-09', qingming: '2024-04-04', duanwu: '2024-06-10', zhongqiu: '2024-09-17' },
  2025: { eve: '2025-01-28', qingming: '2025-04-04', duanwu: '2025-05-31', zhongqiu: '2025-10-06' },
  2026: { eve: '2026-02-16', qingming: '2026-04-05', duanwu: '2026-06-19', zhongqiu: '2026-09-25' },
  2027: { eve: '2027-02-05', qingming: '2027-04-05', duanwu: '2027-06-09', zhongqiu: '2027-09-15' },
  2028: { eve: '2028-01-25', qingming: '2028-04-04', duanwu: '2028-05-28', zhongqiu: '2028-10-03' },
  2029: { eve: '2029-02-12', qingming: '2029-04-04', duanwu: '2029-06-16', zhongqiu: '2029-09-22' },
  2030: { eve: '2030-02-02', qingming: '2030-04-05', duanwu: '2030-06-05', zhongqiu: '2030-09-12' },
  2031: { eve: '2031-01-22', qingming: '2031-04-05', duanwu: '2031-06-24', zhongqiu: '2031-10-01' },
  2032: { eve: '2032-02-10', qingming: '2032-04-04', duanwu: '2032-06-12', zhongqiu: '2032-09-19' },
  2033: { eve: '2033-01-30', qingming: '2033-04-04', duanwu: '2033-06-01', zhongqiu: '2033-09-08' },
  2034: { eve: '2034-02-18', qingming: '2034-04-05', duanwu: '2034-06-20', zhongqiu: '2034-09-27' },
  2035: { eve: '2035-02-07', qingming: '2035-04-05', duanwu: '2035-06-10', zhongqiu: '2035-09-16' },
  2036: { eve: '2036-01-27', qingming: '2036-04-04', duanwu: '2036-05-30', zhongqiu: '2036-10-04' },
};

const PROVISIONAL_YEARS = [2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035, 2036];

describe('statutoryHolidays', () => {
  it('2027, the whole year by hand', () => {
    expect(statutoryHolidays(2027)).toStrictEqual([
      day('2027-01-01', '元旦'), // Fri
      day('2027-02-05', '春节'), // Fri, 除夕
      day('2027-02-06', '春节'), // Sat, 初一
      day('2027-02-07', '春节'), // Sun, 初二
      day('2027-02-08', '春节'), // Mon, 初三
      substitute('2027-02-09', '春节'), // Tue, for Sat 6 (Sun 7 weekend, Mon 8 already off)
      substitute('2027-02-10', '春节'), // Wed, for Sun 7 (Tue 9 already a substitute)
      day('2027-04-05', '清明节'), // Mon
      day('2027-05-01', '劳动节'), // Sat
      day('2027-05-02', '劳动节'), // Sun
      substitute('2027-05-03', '劳动节'), // Mon, for Sat 1
      substitute('2027-05-04', '劳动节'), // Tue, for Sun 2
      day('2027-06-09', '端午节'), // Wed
      day('2027-09-15', '中秋节'), // Wed
      day('2027-10-01', '国庆节'), // Fri
      day('2027-10-02', '国庆节'), // Sat
      day('2027-10-03', '国庆节'), // Sun
      substitute('2027-10-04', '国庆节'), // Mon, for Sat 2
      substitute('2027-10-05', '国庆节'), // Tue, for Sun 3
    ]);
  });

  it('2028, the whole year by hand: 中秋 on 国庆 is one day off, not two', () => {
    expect(statutoryHolidays(2028)).toStrictEqual([
      day('2028-01-01', '元旦'), // Sat
      substitute('2028-01-03', '元旦'), // Mon (Sun 2 is weekend)
      day('2028-01-25', '春节'), // Tue, 除夕
      day('2028-01-26', '春节'), // Wed, 初一
      day('2028-01-27', '春节'), // Thu
      day('2028-01-28', '春节'), // Fri
      day('2028-04-04', '清明节'), // Tue
      day('2028-05-01', '劳动节'), // Mon
      day('2028-05-02', '劳动节'), // Tue
      day('2028-05-28', '端午节'), // Sun
      substitute('2028-05-29', '端午节'), // Mon
      day('2028-10-01', '国庆节'), // Sun
      day('2028-10-02', '国庆节'), // Mon
      day('2028-10-03', '中秋节'), // Tue: 中秋 and the third day of 国庆, listed once (中秋 comes first)
      substitute('2028-10-04', '国庆节'), // Wed, for Sun 1 (Mon 2, Tue 3 already off)
    ]);
    // Thu 5 Oct is an ordinary working day: the overlap gives no extra day.
    expect(official.isWorkingDay('2028-10-05')).toBe(true);
  });

  it.each(Object.entries(LUNAR).map(([year, lunar]) => ({ year: Number(year), ...lunar })))(
    '$year: 春节 from 除夕 $eve, 清明 $qingming, 端午 $duanwu, 中秋 $zhongqiu',
    ({ year, eve, qingming, duanwu, zhongqiu }) => {
      const holidays = statutoryHolidays(year);
      const named = (name: string) =>
        holidays.filter((h) => h.name === name && !h.substitute).map((h) => h.date);
      expect(named('春节')).toEqual([eve, plus(eve, 1), plus(eve, 2), plus(eve, 3)]);
      expect(named('清明节')).toEqual([qingming]);
      expect(named('端午节')).toEqual([duanwu]);
      expect(named('中秋节')).toEqual([zhongqiu]);
      expect(named('元旦')).toEqual([`${year}-01-01`]);
      expect(named('劳动节')).toEqual([`${year}-05-01`, `${year}-05-02`]);
      // 国庆 1–3 Oct, less the day 中秋 took when it falls on one of them (2028, 2031).
      expect(named('国庆节')).toEqual(
        [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`].filter((d) => d !== zhongqiu),
      );
    },
  );

  it.each<[year: number, substitutes: string[]]>([
    // Sat 6 / Sun 7 Feb (春节) → Tue 9, Wed 10; Sat 1 / Sun 2 May → Mon 3, Tue 4; Sat 2 / Sun 3 Oct → Mon 4, Tue 5.
    [
      2027,
      [
        '2027-02-09 春节',
        '2027-02-10 春节',
        '2027-05-03 劳动节',
        '2027-05-04 劳动节',
        '2027-10-04 国庆节',
        '2027-10-05 国庆节',
      ],
    ],
    // Sat 1 Jan → Mon 3; Sun 28 May (端午) → Mon 29; Sun 1 Oct → Wed 4 (Mon 2, Tue 3 off).
    [2028, ['2028-01-03 元旦', '2028-05-29 端午节', '2028-10-04 国庆节']],
    // Sat 16 Jun (端午) → Mon 18; Sat 22 Sep (中秋) → Mon 24.
    [2029, ['2029-06-18 端午节', '2029-09-24 中秋节']],
    // 除夕 Sat 2 Feb, 初一 Sun 3 Feb, 初二–初三 Mon 4–Tue 5 → Wed 6, Thu 7.
    [2030, ['2030-02-06 春节', '2030-02-07 春节']],
    // 初三 Sat 25 Jan → Mon 27 (Sun 26 weekend); 清明 Sat 5 Apr → Mon 7.
    [2031, ['2031-01-27 春节', '2031-04-07 清明节']],
    // 清明 Sun 4 Apr → Mon 5; Sat 1 / Sun 2 May → Mon 3, Tue 4; 端午 Sat 12 Jun → Mon 14; 中秋 Sun 19 Sep →
    // Mon 20; Sat 2 / Sun 3 Oct → Mon 4, Tue 5.
    [
      2032,
      [
        '2032-04-05 清明节',
        '2032-05-03 劳动节',
        '2032-05-04 劳动节',
        '2032-06-14 端午节',
        '2032-09-20 中秋节',
        '2032-10-04 国庆节',
        '2032-10-05 国庆节',
      ],
    ],
    // Sat 1 Jan → Mon 3; 除夕 Sun 30 Jan → Thu 3 Feb (31 Jan–2 Feb off); Sun 1 May → Tue 3 (Mon 2 off);
    // Sat 1 / Sun 2 Oct → Tue 4, Wed 5 (Mon 3 off).
    [
      2033,
      ['2033-01-03 元旦', '2033-02-03 春节', '2033-05-03 劳动节', '2033-10-04 国庆节', '2033-10-05 国庆节'],
    ],
    // Sun 1 Jan → Mon 2; 除夕 Sat 18 / 初一 Sun 19 Feb → Wed 22, Thu 23 (20–21 off); Sun 1 Oct → Wed 4.
    [2034, ['2034-01-02 元旦', '2034-02-22 春节', '2034-02-23 春节', '2034-10-04 国庆节']],
    // 初三 Sat 10 Feb → Mon 12; 端午 Sun 10 Jun → Mon 11; 中秋 Sun 16 Sep → Mon 17.
    [2035, ['2035-02-12 春节', '2035-06-11 端午节', '2035-09-17 中秋节']],
    // 除夕 Sun 27 Jan → Thu 31 (28–30 off); 中秋 Sat 4 Oct, the day after 国庆 → Mon 6 (Sun 5 weekend).
    [2036, ['2036-01-31 春节', '2036-10-06 中秋节']],
  ])('%i: substitute days %j', (year, substitutes) => {
    expect(
      statutoryHolidays(year)
        .filter((h) => h.substitute)
        .map((h) => `${h.date} ${h.name.replace('(补假)', '')}`),
    ).toEqual(substitutes);
    for (const h of statutoryHolidays(year).filter((x) => x.substitute)) {
      expect(h.name).toMatch(/\(补假\)$/);
    }
  });

  it.each(PROVISIONAL_YEARS)('%i: ascending, distinct, one weekday off per statutory day', (year) => {
    const holidays = statutoryHolidays(year);
    const dates = holidays.map((h) => h.date);
    expect(dates).toEqual([...new Set(dates)].sort());
    expect(dates.every((d) => d.startsWith(`${year}-`))).toBe(true);
    const statutory = holidays.filter((h) => !h.substitute);
    const onWeekend = statutory.filter((h) => ['Sat', 'Sun'].includes(dow(h.date)));
    const substitutes = holidays.filter((h) => h.substitute);
    expect(substitutes.every((h) => !['Sat', 'Sun'].includes(dow(h.date)))).toBe(true);
    expect(substitutes).toHaveLength(onWeekend.length);
    // 13 statutory days (1 + 4 + 1 + 2 + 1 + 1 + 3), 12 when 中秋 falls on 1–3 Oct: each is a weekday
    // off, itself or through its substitute.
    const overlap = year === 2028 || year === 2031;
    expect(statutory).toHaveLength(overlap ? 12 : 13);
    expect(holidays.filter((h) => !['Sat', 'Sun'].includes(dow(h.date)))).toHaveLength(overlap ? 12 : 13);
  });
});

describe('the law alone never gives a day off the State Council did not', () => {
  it.each<[year: number, exceptions: string[]]>([
    // 2024 followed the 2013 text: 春节 was 初一–初三 only, 除夕 (Fri 9 Feb) stayed a working day (the notice
    // merely encouraged taking it off). The 2024 revision, in force since 1 Jan 2025, added 除夕.
    [2024, ['2024-02-09 春节']],
    [2025, []],
    [2026, []],
  ])('%i: every statutory day off is off officially, except %j', (year, exceptions) => {
    const notOff = statutoryHolidays(year)
      .filter((h) => official.isWorkingDay(h.date))
      .map((h) => `${h.date} ${h.name}`);
    expect(notOff).toEqual(exceptions);
    // … and the official calendar gives more: the law's 13 weekdays off are at most what was granted.
    const weekdaysOff = datesOf(year).filter(
      (d) => !['Sat', 'Sun'].includes(dow(d)) && !official.isWorkingDay(d),
    );
    expect(weekdaysOff.length).toBeGreaterThanOrEqual(13 - exceptions.length);
  });
});

describe('no make-up working days are guessed', () => {
  it.each(PROVISIONAL_YEARS)('%i: no Saturday or Sunday is a working day', (year) => {
    const weekends = datesOf(year).filter((d) => ['Sat', 'Sun'].includes(dow(d)));
    expect(weekends.length).toBeGreaterThanOrEqual(104);
    const working = weekends.filter((d) => official.isWorkingDay(d));
    expect(working).toEqual([]);
    expect(weekends.map((d) => official.dayKind(d).reason).filter((r) => r === 'makeup-workday')).toEqual([]);
    expect(provisionalArrangement(year).makeupWorkdays).toEqual([]);
  });

  it('unlike the official 2026, whose make-up Saturdays and Sundays work', () => {
    expect(
      ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map((d) =>
        official.isWorkingDay(d),
      ),
    ).toEqual([true, true, true, true, true, true]);
  });
});

describe('the provisional calendar against a naive reading of the rule', () => {
  // Independent reference: fixed dates and LUNAR above, weekdays from Date.UTC, article 6 applied in
  // date order.
  function reference(year: number): Set<string> {
    const { eve, qingming, duanwu, zhongqiu } = LUNAR[year];
    const off = new Set([
      `${year}-01-01`,
      eve,
      plus(eve, 1),
      plus(eve, 2),
      plus(eve, 3),
      qingming,
      `${year}-05-01`,
      `${year}-05-02`,
      duanwu,
      zhongqiu,
      `${year}-10-01`,
      `${year}-10-02`,
      `${year}-10-03`,
    ]);
    for (const d of [...off].sort()) {
      if (!['Sat', 'Sun'].includes(dow(d))) continue;
      let s = plus(d, 1);
      while (['Sat', 'Sun'].includes(dow(s)) || off.has(s)) s = plus(s, 1);
      off.add(s);
    }
    return off;
  }

  it.each(PROVISIONAL_YEARS)('%i: every day classified as the rule says', (year) => {
    const off = reference(year);
    const mismatches = datesOf(year).filter((d) => {
      const expected = !off.has(d) && !['Sat', 'Sun'].includes(dow(d));
      return official.isWorkingDay(d) !== expected;
    });
    expect(mismatches).toEqual([]);
    expect(new Set(statutoryHolidays(year).map((h) => h.date))).toEqual(off);
  });
});

describe('provisionalArrangement', () => {
  it('2027 as spans of one name', () => {
    expect(provisionalArrangement(2027)).toStrictEqual({
      holidays: [
        { name: '元旦', from: '2027-01-01', to: '2027-01-01' },
        { name: '春节', from: '2027-02-05', to: '2027-02-08' },
        { name: '春节(补假)', from: '2027-02-09', to: '2027-02-10' },
        { name: '清明节', from: '2027-04-05', to: '2027-04-05' },
        { name: '劳动节', from: '2027-05-01', to: '2027-05-02' },
        { name: '劳动节(补假)', from: '2027-05-03', to: '2027-05-04' },
        { name: '端午节', from: '2027-06-09', to: '2027-06-09' },
        { name: '中秋节', from: '2027-09-15', to: '2027-09-15' },
        { name: '国庆节', from: '2027-10-01', to: '2027-10-03' },
        { name: '国庆节(补假)', from: '2027-10-04', to: '2027-10-05' },
      ],
      makeupWorkdays: [],
    });
  });

  it('2028: a span per name, not joined across names or gaps', () => {
    expect(provisionalArrangement(2028).holidays).toStrictEqual([
      { name: '元旦', from: '2028-01-01', to: '2028-01-01' },
      { name: '元旦(补假)', from: '2028-01-03', to: '2028-01-03' }, // Sun 2 Jan between: two spans
      { name: '春节', from: '2028-01-25', to: '2028-01-28' },
      { name: '清明节', from: '2028-04-04', to: '2028-04-04' },
      { name: '劳动节', from: '2028-05-01', to: '2028-05-02' },
      { name: '端午节', from: '2028-05-28', to: '2028-05-28' },
      { name: '端午节(补假)', from: '2028-05-29', to: '2028-05-29' },
      { name: '国庆节', from: '2028-10-01', to: '2028-10-02' },
      { name: '中秋节', from: '2028-10-03', to: '2028-10-03' },
      { name: '国庆节(补假)', from: '2028-10-04', to: '2028-10-04' },
    ]);
  });

  it('published as if official, gives the same working days as the provisional 2027', () => {
    const base = officialCalendarSpec();
    const arrangement = provisionalArrangement(2027);
    const as2027: CalendarSpec = {
      ...base,
      years: [...base.years, 2027],
      holidays: [...base.holidays, ...arrangement.holidays],
      notices: { ...base.notices, 2027: 'provisional arrangement (test)' },
    };
    const published = WorkingCalendar.from(as2027);
    expect(published.isProvisional(2027)).toBe(false);
    expect(published.provisionalYears).toEqual([2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035, 2036, 2037]);
    const differ = datesOf(2027).filter((d) => published.isWorkingDay(d) !== official.isWorkingDay(d));
    expect(differ).toEqual([]);
    // The same day, official now: no provisional flag.
    expect(published.dayKind('2027-02-09')).toStrictEqual({
      date: '2027-02-09',
      working: false,
      reason: 'holiday',
      name: '春节(补假)',
    });
  });
});

describe('constants', () => {
  it('names the law and the horizon', () => {
    expect(PROVISIONAL_HORIZON_YEARS).toBe(10);
    expect(PROVISIONAL_RULE).toContain('全国年节及纪念日放假办法');
    expect(PROVISIONAL_RULE).toContain('不推测调休上班日');
  });
});

describe('WorkingCalendar with provisional years (official 2024–2026, default horizon)', () => {
  it('exposes the provisional years and the range', () => {
    expect(official.years).toEqual([2024, 2025, 2026]);
    expect(official.provisionalYears).toEqual(PROVISIONAL_YEARS);
    expect(Object.isFrozen(official.provisionalYears)).toBe(true);
    expect(official.range).toEqual({ first: 2024, last: 2036 });
    expect([2023, 2024, 2026, 2027, 2031, 2036, 2037, 2027.5].map((y) => official.isProvisional(y))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(official.covers(2027)).toBe(false);
  });

  it.each<{ from: string; to: string; expected: number[] }>([
    // (31 Dec 2026, 1 Jan 2027] holds 1 Jan 2027 only.
    { from: '2026-12-31', to: '2027-01-01', expected: [2027] },
    // (30 Dec, 31 Dec 2026]: all in 2026.
    { from: '2026-12-30', to: '2026-12-31', expected: [] },
    // `from` is not counted: (31 Dec 2027, 1 Jan 2028] holds a 2028 day only.
    { from: '2027-12-31', to: '2028-01-01', expected: [2028] },
    { from: '2027-12-30', to: '2028-01-01', expected: [2027, 2028] },
    { from: '2026-06-01', to: '2029-03-01', expected: [2027, 2028, 2029] },
    // Past the horizon and before the first year: only the provisional years are named.
    { from: '2020-01-01', to: '2040-01-01', expected: PROVISIONAL_YEARS },
    { from: '2036-12-31', to: '2037-06-01', expected: [] },
    // to ≤ from → empty.
    { from: '2027-06-01', to: '2027-06-01', expected: [] },
    { from: '2027-06-01', to: '2027-01-01', expected: [] },
  ])('provisionalYearsIn($from, $to) → $expected', ({ from, to, expected }) => {
    expect(official.provisionalYearsIn(from, to)).toEqual(expected);
  });

  it.each<DayKind>([
    { date: '2027-01-01', working: false, reason: 'holiday', name: '元旦', provisional: true }, // Fri
    { date: '2027-01-02', working: false, reason: 'weekend', provisional: true }, // Sat
    { date: '2027-01-04', working: true, reason: 'weekday', provisional: true }, // Mon
    { date: '2027-02-04', working: true, reason: 'weekday', provisional: true }, // Thu before 除夕
    { date: '2027-02-05', working: false, reason: 'holiday', name: '春节', provisional: true }, // Fri, 除夕
    { date: '2027-02-06', working: false, reason: 'holiday', name: '春节', provisional: true }, // Sat, 初一
    { date: '2027-02-09', working: false, reason: 'holiday', name: '春节(补假)', provisional: true }, // Tue
    { date: '2027-02-11', working: true, reason: 'weekday', provisional: true }, // Thu after
    { date: '2027-02-13', working: false, reason: 'weekend', provisional: true }, // Sat: no make-up day
    { date: '2027-04-05', working: false, reason: 'holiday', name: '清明节', provisional: true }, // Mon
    { date: '2027-05-04', working: false, reason: 'holiday', name: '劳动节(补假)', provisional: true }, // Tue
    { date: '2027-06-09', working: false, reason: 'holiday', name: '端午节', provisional: true }, // Wed
    { date: '2027-09-15', working: false, reason: 'holiday', name: '中秋节', provisional: true }, // Wed
    { date: '2027-10-05', working: false, reason: 'holiday', name: '国庆节(补假)', provisional: true }, // Tue
    { date: '2027-10-06', working: true, reason: 'weekday', provisional: true }, // Wed
    { date: '2028-10-03', working: false, reason: 'holiday', name: '中秋节', provisional: true }, // Tue
    { date: '2036-12-31', working: true, reason: 'weekday', provisional: true }, // Wed, last day in range
    { date: '2026-12-31', working: true, reason: 'weekday' }, // Thu, official: no flag
    { date: '2026-10-07', working: false, reason: 'holiday', name: '国庆节' }, // official
  ])('dayKind($date) → $reason $name', (expected) => {
    expect(official.dayKind(expected.date)).toStrictEqual(expected);
    expect(official.isWorkingDay(expected.date)).toBe(expected.working);
  });

  it.each([
    // Thu 31 Dec 2026: Fri 1 Jan 元旦, Sat 2 / Sun 3 weekend → Mon 4 Jan 2027.
    { from: '2026-12-31', days: 1, expected: '2027-01-04' },
    // Wed 30 Dec 2026: Thu 31 (1), Mon 4 Jan (2).
    { from: '2026-12-30', days: 2, expected: '2027-01-04' },
    // Fri 25 Dec 2026: Mon 28–Thu 31 (4), Mon 4 Jan 2027 (5).
    { from: '2026-12-25', days: 5, expected: '2027-01-04' },
    // Thu 4 Feb 2027: 5–8 Feb 春节, Tue 9 / Wed 10 substitutes → Thu 11 Feb.
    { from: '2027-02-04', days: 1, expected: '2027-02-11' },
    // Thu 4 Feb: Thu 11 (1), Fri 12 (2), Mon 15–Wed 17 (5).
    { from: '2027-02-04', days: 5, expected: '2027-02-17' },
    // Fri 30 Apr 2027: Sat 1–Tue 4 May off → Wed 5 May.
    { from: '2027-04-30', days: 1, expected: '2027-05-05' },
    // Thu 30 Sep 2027: Fri 1–Tue 5 Oct off → Wed 6 Oct.
    { from: '2027-09-30', days: 1, expected: '2027-10-06' },
    // Fri 29 Sep 2028: Sun 1–Wed 4 Oct off → Thu 5 Oct (one day off for 中秋 and 国庆, not two).
    { from: '2028-09-29', days: 1, expected: '2028-10-05' },
    // Fri 31 Dec 2027: Sat 1 Jan 2028 元旦, Sun 2, Mon 3 substitute → Tue 4 Jan.
    { from: '2027-12-31', days: 1, expected: '2028-01-04' },
    // Tue 30 Dec 2036 → Wed 31 Dec 2036, the last day of the range.
    { from: '2036-12-30', days: 1, expected: '2036-12-31' },
  ])('addWorkingDays($from, $days) → $expected', ({ from, days, expected }) => {
    expect(official.addWorkingDays(from, days)).toBe(expected);
    expect(official.countWorkingDays(from, expected)).toBe(days);
  });

  it.each([
    // Jan 2027: 21 weekdays (Fri 1 … Fri 29) − Fri 1 (元旦) = 20.
    { from: '2026-12-31', to: '2027-01-31', expected: 20 },
    // Feb 2027: 20 weekdays − Fri 5, Mon 8, Tue 9, Wed 10 = 16.
    { from: '2027-01-31', to: '2027-02-28', expected: 16 },
    // Whole 2027: 261 weekdays (365 days from a Friday) − 13 weekdays off = 248.
    { from: '2026-12-31', to: '2027-12-31', expected: 248 },
    // Whole 2028: 260 weekdays (366 days from a Saturday) − 12 weekdays off (中秋 on 国庆) = 248.
    { from: '2027-12-31', to: '2028-12-31', expected: 248 },
    // 2026 (official, 248) + 2027 (248).
    { from: '2025-12-31', to: '2027-12-31', expected: 496 },
  ])('countWorkingDays($from, $to) → $expected', ({ from, to, expected }) => {
    expect(official.countWorkingDays(from, to)).toBe(expected);
  });

  it('explains the turn of the year: 2026 days unflagged, 2027 days provisional', () => {
    expect(official.nonWorkingDays('2026-12-25', '2027-01-05')).toStrictEqual([
      { date: '2026-12-26', working: false, reason: 'weekend' },
      { date: '2026-12-27', working: false, reason: 'weekend' },
      { date: '2027-01-01', working: false, reason: 'holiday', name: '元旦', provisional: true },
      { date: '2027-01-02', working: false, reason: 'weekend', provisional: true },
      { date: '2027-01-03', working: false, reason: 'weekend', provisional: true },
    ]);
  });

  it.each([
    // Wed 31 Dec 2036 + 1: Thu 1 Jan 2037 lies past the horizon.
    {
      label: 'addWorkingDays past the horizon',
      act: () => official.addWorkingDays('2036-12-31', 1),
      year: 2037,
    },
    // The longest walk allowed (3660 working days, about 14 years) runs off the end in 2037.
    { label: 'the longest walk', act: () => official.addWorkingDays('2026-06-01', 3660), year: 2037 },
    { label: 'dayKind past the horizon', act: () => official.dayKind('2037-01-01'), year: 2037 },
    {
      label: 'countWorkingDays into 2037',
      act: () => official.countWorkingDays('2036-12-01', '2037-01-31'),
      year: 2037,
    },
    {
      label: 'nonWorkingDays into 2037',
      act: () => official.nonWorkingDays('2036-12-20', '2037-01-10'),
      year: 2037,
    },
    // Fri 29 Dec 2023 + 1: Sat 30 Dec 2023 is examined, before the first official year.
    { label: 'addWorkingDays before 2024', act: () => official.addWorkingDays('2023-12-29', 1), year: 2023 },
    { label: 'dayKind before 2024', act: () => official.dayKind('2023-12-31'), year: 2023 },
    {
      label: 'countWorkingDays from 2023',
      act: () => official.countWorkingDays('2023-12-01', '2024-01-31'),
      year: 2023,
    },
  ])('$label → CalendarGapError for $year', ({ act, year }) => {
    const error = catchError(act);
    expect(error).toBeInstanceOf(CalendarGapError);
    expect(error).toMatchObject({ name: 'CalendarGapError', year, lastYear: 2036 });
    expect((error as Error).message).toBe(
      year < 2024
        ? `working-day calendar does not reach back to ${year} (official years: 2024, 2025, 2026; provisional up to 2036)`
        : `working-day calendar has no arrangement for ${year}, official or provisional (official years: 2024, 2025, 2026; provisional up to 2036)`,
    );
  });
});

describe('WorkingCalendar with local overrides in provisional years', () => {
  const overrides: CalendarOverride[] = [
    // Tue 9 Feb 2027, a provisional substitute day: the district works anyway.
    { date: '2027-02-09', kind: 'working-day', reason: '窗口值班（示例）' },
    // Wed 3 Mar 2027: a local festival.
    { date: '2027-03-03', kind: 'day-off', reason: '地方节日（示例）' },
    // Sat 13 Feb 2027: the district works on a Saturday.
    { date: '2027-02-13', kind: 'working-day', reason: '区政府安排周六办公（示例）' },
    // Past the horizon: kept, but 2037 stays out of range.
    { date: '2037-03-03', kind: 'day-off', reason: '地方节日（示例）' },
  ];
  const local = WorkingCalendar.from(officialCalendarSpec(), overrides);

  it.each<DayKind>([
    {
      date: '2027-02-09',
      working: true,
      reason: 'local-working-day',
      name: '窗口值班（示例）',
      provisional: true,
    },
    {
      date: '2027-03-03',
      working: false,
      reason: 'local-day-off',
      name: '地方节日（示例）',
      provisional: true,
    },
    {
      date: '2027-02-13',
      working: true,
      reason: 'local-working-day',
      name: '区政府安排周六办公（示例）',
      provisional: true,
    },
    { date: '2027-02-10', working: false, reason: 'holiday', name: '春节(补假)', provisional: true }, // untouched
  ])('dayKind($date) → $reason', (expected) => {
    expect(local.dayKind(expected.date)).toStrictEqual(expected);
  });

  it.each([
    // Thu 4 Feb 2027: 5–8 Feb off, Tue 9 worked locally (provisionally: Thu 11 Feb).
    { from: '2027-02-04', days: 1, expected: '2027-02-09', provisionally: '2027-02-11' },
    // Fri 12 Feb: Sat 13 worked locally (provisionally: Mon 15 Feb).
    { from: '2027-02-12', days: 1, expected: '2027-02-13', provisionally: '2027-02-15' },
    // Tue 2 Mar: Wed 3 off locally → Thu 4 Mar (provisionally: Wed 3).
    { from: '2027-03-02', days: 1, expected: '2027-03-04', provisionally: '2027-03-03' },
  ])(
    'addWorkingDays($from, $days) → $expected (provisionally $provisionally)',
    ({ from, days, expected, provisionally }) => {
      expect(local.addWorkingDays(from, days)).toBe(expected);
      expect(official.addWorkingDays(from, days)).toBe(provisionally);
    },
  );

  it('keeps an override past the horizon but still refuses that year', () => {
    expect(local.overrides).toHaveLength(4);
    expect(catchError(() => local.dayKind('2037-03-03'))).toMatchObject({
      name: 'CalendarGapError',
      year: 2037,
    });
  });
});

describe('WorkingCalendar horizons', () => {
  it('{ provisionalYears: 0 } keeps the strict behaviour: nothing outside the official years', () => {
    const strict = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 0 });
    expect(strict.provisionalYears).toEqual([]);
    expect(strict.range).toEqual({ first: 2024, last: 2026 });
    expect(strict.isProvisional(2027)).toBe(false);
    expect(strict.provisionalYearsIn('2026-01-01', '2030-01-01')).toEqual([]);
    // Official days are answered as before, without the flag.
    expect(strict.dayKind('2026-12-31')).toStrictEqual({
      date: '2026-12-31',
      working: true,
      reason: 'weekday',
    });
    expect(strict.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    // Thu 31 Dec 2026 + 1: Fri 1 Jan 2027 must be examined.
    const error = catchError(() => strict.addWorkingDays('2026-12-31', 1));
    expect(error).toBeInstanceOf(CalendarGapError);
    expect(error).toMatchObject({
      year: 2027,
      lastYear: 2026,
      message:
        'working-day calendar has no arrangement for 2027, official or provisional (official years: 2024, 2025, 2026)',
    });
    expect(catchError(() => strict.dayKind('2027-01-04'))).toMatchObject({
      name: 'CalendarGapError',
      year: 2027,
    });
  });

  it.each([
    { provisionalYears: 1, years: [2027], last: 2027 },
    { provisionalYears: 2, years: [2027, 2028], last: 2028 },
    // Fractions are floored, negatives are 0.
    { provisionalYears: 2.9, years: [2027, 2028], last: 2028 },
    { provisionalYears: -3, years: [], last: 2026 },
  ])('{ provisionalYears: $provisionalYears } → $years', ({ provisionalYears, years, last }) => {
    const cal = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears });
    expect(cal.provisionalYears).toEqual(years);
    expect(cal.range).toEqual({ first: 2024, last });
    expect(catchError(() => cal.dayKind(`${last + 1}-01-01`))).toMatchObject({
      name: 'CalendarGapError',
      year: last + 1,
    });
  });

  it('a year between two official ones is provisional, even with no horizon', () => {
    // The official data without 2025: 2025 follows the law alone.
    const base = officialCalendarSpec();
    const without2025: CalendarSpec = {
      ...base,
      years: [2024, 2026],
      holidays: base.holidays.filter((h) => !h.from.startsWith('2025')),
      makeupWorkdays: base.makeupWorkdays.filter((m) => !m.date.startsWith('2025')),
      notices: { 2024: base.notices['2024'], 2026: base.notices['2026'] },
    };
    const cal = WorkingCalendar.from(without2025, [], { provisionalYears: 0 });
    expect(cal.provisionalYears).toEqual([2025]);
    expect(cal.range).toEqual({ first: 2024, last: 2026 });
    expect(cal.provisionalYearsIn('2024-12-31', '2026-01-05')).toEqual([2025]);
    // Sun 26 Jan 2025 was an official make-up day; the law alone does not guess it.
    expect(cal.dayKind('2025-01-26')).toStrictEqual({
      date: '2025-01-26',
      working: false,
      reason: 'weekend',
      provisional: true,
    });
    // 除夕 Tue 28 Jan 2025 is 春节 under the law too.
    expect(cal.dayKind('2025-01-28')).toStrictEqual({
      date: '2025-01-28',
      working: false,
      reason: 'holiday',
      name: '春节',
      provisional: true,
    });
    // 春节 Tue 28–Fri 31 Jan by law; officially until Tue 4 Feb. Mon 3 and Tue 4 Feb work provisionally.
    expect(['2025-02-03', '2025-02-04'].map((d) => [cal.isWorkingDay(d), official.isWorkingDay(d)])).toEqual([
      [true, false],
      [true, false],
    ]);
    // Past the last official year: a gap.
    expect(catchError(() => cal.dayKind('2027-01-04'))).toMatchObject({ year: 2027 });
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

describe('a provisional horizon that is not a plain number of years', () => {
  it.each([NaN, Infinity, -Infinity])(
    'falls back to the default for %p and still answers official days',
    (h) => {
      const c = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: h });
      expect(c.isWorkingDay('2026-03-02')).toBe(true);
      expect(c.range.last).toBe(2026 + PROVISIONAL_HORIZON_YEARS);
    },
  );

  it('is capped at 100 years', () => {
    expect(WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 1e9 }).range.last).toBe(2126);
  });
});
