import { CalendarSpecError } from './calendar.errors';
import type { CalendarSpec } from './calendar.types';
import { addDays, epochDayOfWeek, toEpochDay, type IsoDate } from './iso-date';
import { validateCalendarSpec } from './official';
import { statutoryHolidays } from './provisional';

/**
 * One year's official arrangement as the State Council's notice gives it, in a plain text form an
 * administrator types from the notice (docs/calendar.md):
 *
 *   year 2027
 *   notice 国务院办公厅关于2027年部分节假日安排的通知, 2026-11-05
 *   holiday 元旦 2027-01-01 2027-01-03
 *   holiday 清明节 2027-04-05
 *   workday 2027-02-14 春节
 *
 * Blank lines and lines starting with # are ignored. A holiday has a name and a first and optional
 * last day; a workday (调休上班) a date and the festival it is for.
 */
export interface NoticeYear {
  year: number;
  notice: string;
  holidays: CalendarSpec['holidays'];
  makeupWorkdays: CalendarSpec['makeupWorkdays'];
}

/** Reads a notice; CalendarSpecError lists every problem by line, and what the calendar rules refuse. */
export function parseNotice(text: string): NoticeYear {
  const issues: string[] = [];
  let year: number | undefined;
  let notice: string | undefined;
  const holidays: CalendarSpec['holidays'] = [];
  const makeupWorkdays: CalendarSpec['makeupWorkdays'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [keyword, ...rest] = line.split(/\s+/);
    const at = `line ${i + 1}`;
    switch (keyword) {
      case 'year':
        if (rest.length !== 1 || !/^\d{4}$/.test(rest[0])) issues.push(`${at}: year takes one 4-digit year`);
        else if (year !== undefined) issues.push(`${at}: year is given twice`);
        else year = Number(rest[0]);
        break;
      case 'notice':
        if (rest.length === 0) issues.push(`${at}: notice takes the notice's title`);
        else notice = line.slice('notice'.length).trim();
        break;
      case 'holiday':
        if (rest.length < 2 || rest.length > 3)
          issues.push(`${at}: holiday takes a name, a first day and a last day`);
        else holidays.push({ name: rest[0], from: rest[1], to: rest[2] ?? rest[1] });
        break;
      case 'workday':
        if (rest.length !== 2) issues.push(`${at}: workday takes a date and the festival it is for`);
        else makeupWorkdays.push({ date: rest[0], for: rest[1] });
        break;
      default:
        issues.push(`${at}: unknown keyword ${JSON.stringify(keyword)} (year, notice, holiday, workday)`);
    }
  });
  if (year === undefined) issues.push('the notice names no year (a line "year 2027")');
  if (notice === undefined) issues.push('the notice has no title (a line "notice 国务院办公厅关于…的通知")');
  if (issues.length > 0) throw new CalendarSpecError('notice', issues);
  // The calendar's own rules: dates inside the year, make-up days on a weekend, no overlaps or twins.
  const checked = validateCalendarSpec({
    version: 1,
    years: [year],
    holidays,
    makeupWorkdays,
    notices: { [String(year)]: notice },
  });
  return { year: year!, notice: notice!, holidays: checked.holidays, makeupWorkdays: checked.makeupWorkdays };
}

/** A day on which the notice and the law alone (the provisional year) disagree. */
export interface NoticeDifference {
  date: IsoDate;
  provisional: { working: boolean; name?: string };
  official: { working: boolean; name?: string };
}

/** Where the notice differs from the provisional year the calendar assumed until it came. */
export function differenceFromProvisional(n: NoticeYear): NoticeDifference[] {
  const assumed = new Map(statutoryHolidays(n.year).map((h) => [h.date, h.name]));
  const off = new Map<IsoDate, string>();
  for (const h of n.holidays) for (let d = h.from; d <= h.to; d = addDays(d, 1)) off.set(d, h.name);
  const on = new Map(n.makeupWorkdays.map((m) => [m.date, m.for]));
  const result: NoticeDifference[] = [];
  for (let d = `${n.year}-01-01`; d <= `${n.year}-12-31`; d = addDays(d, 1)) {
    const weekend = epochDayOfWeek(toEpochDay(d)) >= 6;
    const before = {
      working: !weekend && !assumed.has(d),
      ...(assumed.has(d) ? { name: assumed.get(d) } : {}),
    };
    const name = off.get(d) ?? on.get(d);
    const after = { working: on.has(d) || (!weekend && !off.has(d)), ...(name ? { name } : {}) };
    if (before.working !== after.working) result.push({ date: d, provisional: before, official: after });
  }
  return result;
}
