import { CalendarGapError } from './calendar.errors';
import type { CalendarOverride, CalendarSpec, DayKind, DayReason } from './calendar.types';
import { epochDayOfJan1, epochDayOfWeek, fromEpochDay, MAX_YEAR, toEpochDay, type IsoDate } from './iso-date';
import { MAX_YEAR_SPAN, validateCalendarSpec, validateOverrides } from './official';
import { PROVISIONAL_HORIZON_YEARS, statutoryHolidays } from './provisional';

/** addWorkingDays refuses larger `days` (about 14 years) so that no request can loop for long. */
export const MAX_WORKING_DAYS = 3660;

// Day codes stored in the precomputed table, indexes into REASONS / WORKING.
const WEEKDAY = 0;
const WEEKEND = 1;
const HOLIDAY = 2;
const MAKEUP = 3;
const LOCAL_DAY_OFF = 4;
const LOCAL_WORKING_DAY = 5;
const UNCOVERED = 255;

const REASONS: readonly DayReason[] = [
  'weekday',
  'weekend',
  'holiday',
  'makeup-workday',
  'local-day-off',
  'local-working-day',
];
const WORKING: readonly boolean[] = [true, false, false, true, false, true];

/** Options of WorkingCalendar.from. */
export interface CalendarOptions {
  /**
   * How many years past the last official one follow the law alone (provisional years); 0 refuses
   * every date outside the official years. Years between two official ones are provisional too.
   */
  provisionalYears?: number;
}

/** Year of an epoch day without range checks (also for days just past 9999-12-31). */
function yearOfDay(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Working days of a Chinese service center: Monday–Friday, minus the official public holidays, plus
 * the official make-up working days (调休), with a district's local overrides on top (overrides win).
 *
 * Every method takes and returns IsoDate strings ('YYYY-MM-DD') and answers the same whatever the
 * process time zone. A year without an official arrangement, up to PROVISIONAL_HORIZON_YEARS past the
 * last official one, is provisional: it follows the law alone (statutoryHolidays: weekends, the
 * statutory holidays and their substitute days, no guessed make-up working days), and every answer
 * that touched it can say so (provisionalYearsIn). A date before the first official year or past the
 * horizon throws CalendarGapError. Days are classified from a table precomputed at construction (one
 * byte per day, plus running working-day counts).
 */
export class WorkingCalendar {
  private constructor(
    private readonly definition: Readonly<CalendarSpec>,
    private readonly overrideList: readonly CalendarOverride[],
    private readonly coveredYears: readonly number[],
    private readonly provisionalList: readonly number[],
    /** Epoch day of January 1st of the first covered year: table index 0. */
    private readonly firstDay: number,
    /** Day code per day from firstDay to December 31st of the last covered year; UNCOVERED in gap years. */
    private readonly codes: Uint8Array,
    /** cumulative[i] = number of working days among codes[0 .. i-1]. */
    private readonly cumulative: Int32Array,
    /** Holiday name, festival of a make-up day, or override reason, by epoch day. */
    private readonly names: ReadonlyMap<number, string>,
  ) {}

  /**
   * Builds a calendar from a definition and a district's local overrides, validating both
   * (CalendarSpecError when malformed). Overrides in years the definition does not cover are kept
   * but do not make those years usable.
   */
  static from(
    spec: CalendarSpec,
    overrides: readonly CalendarOverride[] = [],
    { provisionalYears: horizon = PROVISIONAL_HORIZON_YEARS }: CalendarOptions = {},
  ): WorkingCalendar {
    const definition = deepFreeze(validateCalendarSpec(spec));
    const overrideList = deepFreeze(validateOverrides(overrides));
    const years = Object.freeze([...definition.years].sort((a, b) => a - b));
    // A horizon that is not a number of years falls back to the default; at most MAX_YEAR_SPAN years.
    const ahead = Number.isFinite(horizon)
      ? Math.min(MAX_YEAR_SPAN, Math.max(0, Math.floor(horizon)))
      : PROVISIONAL_HORIZON_YEARS;
    const lastYear = Math.min(MAX_YEAR, years[years.length - 1] + ahead);
    const provisional: number[] = [];
    for (let y = years[0]; y <= lastYear; y++) if (!years.includes(y)) provisional.push(y);

    const firstDay = epochDayOfJan1(years[0]);
    const codes = new Uint8Array(epochDayOfJan1(lastYear + 1) - firstDay).fill(UNCOVERED);
    for (let day = firstDay, end = epochDayOfJan1(lastYear + 1); day < end; day++) {
      codes[day - firstDay] = epochDayOfWeek(day) >= 6 ? WEEKEND : WEEKDAY;
    }
    const names = new Map<number, string>();
    for (const year of provisional) {
      for (const { date, name } of statutoryHolidays(year)) {
        codes[toEpochDay(date) - firstDay] = HOLIDAY;
        names.set(toEpochDay(date), name);
      }
    }
    for (const { name, from, to } of definition.holidays) {
      for (let day = toEpochDay(from), end = toEpochDay(to); day <= end; day++) {
        codes[day - firstDay] = HOLIDAY;
        names.set(day, name);
      }
    }
    for (const makeup of definition.makeupWorkdays) {
      const day = toEpochDay(makeup.date);
      codes[day - firstDay] = MAKEUP;
      names.set(day, makeup.for);
    }
    for (const { date, kind, reason } of overrideList) {
      const i = toEpochDay(date) - firstDay;
      if (i < 0 || i >= codes.length || codes[i] === UNCOVERED) continue;
      codes[i] = kind === 'day-off' ? LOCAL_DAY_OFF : LOCAL_WORKING_DAY;
      names.set(i + firstDay, reason);
    }
    const cumulative = new Int32Array(codes.length + 1);
    for (let i = 0; i < codes.length; i++) {
      cumulative[i + 1] = cumulative[i] + (codes[i] !== UNCOVERED && WORKING[codes[i]] ? 1 : 0);
    }
    return new WorkingCalendar(
      definition,
      overrideList,
      years,
      Object.freeze(provisional),
      firstDay,
      codes,
      cumulative,
      names,
    );
  }

  /** The validated definition this calendar was built from (frozen). */
  get spec(): Readonly<CalendarSpec> {
    return this.definition;
  }

  get version(): number {
    return this.definition.version;
  }

  /** The years with an official arrangement, ascending. */
  get years(): readonly number[] {
    return this.coveredYears;
  }

  /** The years that follow the law alone (no official notice yet), ascending. */
  get provisionalYears(): readonly number[] {
    return this.provisionalList;
  }

  /** The first and last year a date may lie in (official or provisional). */
  get range(): { first: number; last: number } {
    return { first: this.coveredYears[0], last: yearOfDay(this.firstDay + this.codes.length - 1) };
  }

  /** The local overrides, as given (validated, frozen). */
  get overrides(): readonly CalendarOverride[] {
    return this.overrideList;
  }

  /** True when `year` has a known official arrangement. */
  covers(year: number): boolean {
    return this.coveredYears.includes(year);
  }

  /** True when `year` follows the law alone: no official arrangement yet, within the horizon. */
  isProvisional(year: number): boolean {
    return this.provisionalList.includes(year);
  }

  /**
   * The provisional years among the days d with from < d ≤ to (how every answer here counts), ascending;
   * empty when to ≤ from or when all those days lie in official years.
   */
  provisionalYearsIn(from: IsoDate, to: IsoDate): number[] {
    if (this.provisionalList.length === 0 || to <= from) return [];
    const first = yearOfDay(toEpochDay(from) + 1);
    const last = yearOfDay(toEpochDay(to));
    return this.provisionalList.filter((y) => y >= first && y <= last);
  }

  /** Whether `date` is a working day, and why. Throws CalendarGapError outside the calendar's range. */
  dayKind(date: IsoDate): DayKind {
    const day = toEpochDay(date);
    return this.kindOf(day, date, this.codeOf(day));
  }

  /** Throws CalendarGapError outside the calendar's range. */
  isWorkingDay(date: IsoDate): boolean {
    return WORKING[this.codeOf(toEpochDay(date))];
  }

  /**
   * The `days`-th working day after `from`; `from` itself is not counted (民法典 art. 201), so it may
   * lie in any year, and `days = 0` returns `from` unchanged. `days` must be an integer from 0 to
   * MAX_WORKING_DAYS (RangeError otherwise). Throws CalendarGapError when the walk leaves the calendar's
   * range (past the provisional horizon).
   */
  addWorkingDays(from: IsoDate, days: number): IsoDate {
    if (!Number.isInteger(days) || days < 0 || days > MAX_WORKING_DAYS) {
      throw new RangeError(`days must be an integer between 0 and ${MAX_WORKING_DAYS}, got ${String(days)}`);
    }
    let day = toEpochDay(from);
    if (days === 0) return from;
    for (let left = days; left > 0;) {
      day++;
      if (WORKING[this.codeOf(day)]) left--;
    }
    return fromEpochDay(day);
  }

  /**
   * Number of working days d with from < d ≤ to (`from` not counted, `to` counted); 0 when
   * to ≤ from. Throws CalendarGapError when (from, to] leaves the calendar's range.
   */
  countWorkingDays(from: IsoDate, to: IsoDate): number {
    const start = toEpochDay(from) + 1;
    const end = toEpochDay(to);
    if (end < start) return 0;
    this.requireCovered(start, end);
    return this.cumulative[end - this.firstDay + 1] - this.cumulative[start - this.firstDay];
  }

  /**
   * Every non-working day d with from < d ≤ to, in order, with its reason (and name), to explain a
   * deadline; empty when to ≤ from. Throws CalendarGapError when (from, to] leaves the calendar's range.
   */
  nonWorkingDays(from: IsoDate, to: IsoDate): DayKind[] {
    const start = toEpochDay(from) + 1;
    const end = toEpochDay(to);
    const result: DayKind[] = [];
    if (end < start) return result;
    this.requireCovered(start, end);
    for (let day = start; day <= end; day++) {
      const code = this.codes[day - this.firstDay];
      if (!WORKING[code]) result.push(this.kindOf(day, fromEpochDay(day), code));
    }
    return result;
  }

  private kindOf(day: number, date: IsoDate, code: number): DayKind {
    const kind: DayKind = { date, working: WORKING[code], reason: REASONS[code] };
    const name = code === WEEKDAY || code === WEEKEND ? undefined : this.names.get(day);
    if (name !== undefined) kind.name = name;
    if (this.provisionalList.length > 0 && this.isProvisional(yearOfDay(day))) kind.provisional = true;
    return kind;
  }

  private codeOf(day: number): number {
    const i = day - this.firstDay;
    const code = i >= 0 && i < this.codes.length ? this.codes[i] : UNCOVERED;
    if (code === UNCOVERED) throw this.gap(yearOfDay(day));
    return code;
  }

  /** Throws CalendarGapError when [start, end] (epoch days) leaves the table. */
  private requireCovered(start: number, end: number): void {
    if (start < this.firstDay) throw this.gap(yearOfDay(start));
    if (end >= this.firstDay + this.codes.length) throw this.gap(yearOfDay(end));
  }

  private gap(year: number): CalendarGapError {
    return new CalendarGapError(year, this.coveredYears, this.range.last);
  }
}
