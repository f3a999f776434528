import { Lunar, Solar } from 'lunar-javascript';
import type { CalendarSpec } from './calendar.types';
import { addDays, epochDayOfWeek, fromEpochDay, toEpochDay, type IsoDate } from './iso-date';

/** How many years past the last official one the provisional calendar reaches. */
export const PROVISIONAL_HORIZON_YEARS = 10;

/** The rule a provisional year follows, as every answer that used one names it. */
export const PROVISIONAL_RULE =
  '《全国年节及纪念日放假办法》(2024年修订): 元旦1天, 春节4天(除夕至正月初三), 清明节1天, 劳动节2天(5月1日至2日), ' +
  '端午节1天, 中秋节1天, 国庆节3天(10月1日至3日); 适逢周六、周日的在其后的工作日补假(第六条); 不推测调休上班日';

/** One statutory day off of a provisional year. */
export interface ProvisionalHoliday {
  date: IsoDate;
  name: string;
  /** True for a substitute day off (补假) for a holiday that fell on a weekend. */
  substitute: boolean;
}

const ymd = (s: Solar): IsoDate => s.toYmd();

/**
 * The statutory days off of `year` when no official notice exists: the holidays of the 2024 revision of
 * 《全国年节及纪念日放假办法》 (lunar dates and the Qingming solar term from lunar-javascript), and for
 * each that falls on a Saturday or Sunday a substitute day off on the next working day (article 6).
 * No make-up working day (调休) is guessed: those are the State Council's choice each year. Ascending
 * by date; independent of the process time zone.
 */
export function statutoryHolidays(year: number): ProvisionalHoliday[] {
  const springFestival = Lunar.fromYmd(year, 1, 1).getSolar();
  const fixed: { name: string; dates: IsoDate[] }[] = [
    { name: '元旦', dates: [`${year}-01-01`] },
    {
      name: '春节',
      // 除夕 is the day before 正月初一, whether the twelfth month has 29 or 30 days.
      dates: [-1, 0, 1, 2].map((d) => ymd(springFestival.next(d))),
    },
    { name: '清明节', dates: [ymd(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()['清明'])] },
    { name: '劳动节', dates: [`${year}-05-01`, `${year}-05-02`] },
    { name: '端午节', dates: [ymd(Lunar.fromYmd(year, 5, 5).getSolar())] },
    { name: '中秋节', dates: [ymd(Lunar.fromYmd(year, 8, 15).getSolar())] },
    { name: '国庆节', dates: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`] },
  ];
  const days = new Map<IsoDate, ProvisionalHoliday>();
  for (const { name, dates } of fixed) {
    // 中秋 may fall within 国庆 (as in 2028): the day is off once, under the first name.
    for (const date of dates) if (!days.has(date)) days.set(date, { date, name, substitute: false });
  }
  const statutory = [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
  for (const h of statutory) {
    if (epochDayOfWeek(toEpochDay(h.date)) < 6) continue;
    // 第六条: a holiday on a weekend is made up on the next working day not already off.
    let d = addDays(h.date, 1);
    while (epochDayOfWeek(toEpochDay(d)) >= 6 || days.has(d)) d = addDays(d, 1);
    days.set(d, { date: d, name: `${h.name}(补假)`, substitute: true });
  }
  return [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The provisional arrangement of `year` as a calendar definition's holidays (consecutive days of one
 * name joined into one span), e.g. for comparing an official notice with what was assumed.
 */
export function provisionalArrangement(year: number): Pick<CalendarSpec, 'holidays' | 'makeupWorkdays'> {
  const holidays: CalendarSpec['holidays'] = [];
  for (const h of statutoryHolidays(year)) {
    const last = holidays[holidays.length - 1];
    if (last && last.name === h.name && fromEpochDay(toEpochDay(last.to) + 1) === h.date) last.to = h.date;
    else holidays.push({ name: h.name, from: h.date, to: h.date });
  }
  return { holidays, makeupWorkdays: [] };
}
