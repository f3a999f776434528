import { InvalidDateError } from './calendar.errors';

/**
 * A calendar date (no time, no zone) written 'YYYY-MM-DD', between 1970-01-01 and 9999-12-31.
 *
 * Everything in this module works on the proleptic Gregorian calendar with `Date.UTC` and the
 * `getUTC*` accessors only, never on local-time `Date` methods, so results do not depend on the
 * process time zone (`TZ`).
 */
export type IsoDate = string;

/** Days since 1970-01-01 (which is epoch day 0). */
export type EpochDay = number;

/** ISO 8601 day of the week: 1 = Monday … 6 = Saturday, 7 = Sunday. */
export type IsoDayOfWeek = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

const MS_PER_DAY = 86_400_000;
/** 1970-01-01 was a Thursday. */
const EPOCH_DAY_OF_WEEK = 4;
export const MIN_EPOCH_DAY: EpochDay = 0;
/** 9999-12-31. */
export const MAX_EPOCH_DAY: EpochDay = Date.UTC(MAX_YEAR, 11, 31) / MS_PER_DAY;

/**
 * Asia/Shanghai is UTC+8 all year. China observed daylight saving time from 1986 to 1991 only, so a
 * fixed offset gives the right Shanghai date for every instant from 1992-01-01T00:00+08:00 on; earlier
 * instants are refused rather than answered wrongly.
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const SHANGHAI_FIXED_OFFSET_SINCE_MS = Date.UTC(1992, 0, 1) - SHANGHAI_OFFSET_MS;
const MAX_INSTANT_MS = (MAX_EPOCH_DAY + 1) * MS_PER_DAY - SHANGHAI_OFFSET_MS - 1;

const DASH = 0x2d;
const DIGIT_0 = 0x30;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * Epoch day of a 'YYYY-MM-DD' string, or -1 when it is not a valid date in range. Parses by char
 * code so the hot path allocates nothing.
 */
function epochDayOrMinus1(value: string): number {
  if (value.length !== 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return -1;
  const y0 = digit(value, 0);
  const y1 = digit(value, 1);
  const y2 = digit(value, 2);
  const y3 = digit(value, 3);
  const m0 = digit(value, 5);
  const m1 = digit(value, 6);
  const d0 = digit(value, 8);
  const d1 = digit(value, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (year < MIN_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  return typeof value === 'object' ? 'an object' : `a value of type ${typeof value}`;
}

function invalid(value: unknown): InvalidDateError {
  return new InvalidDateError(
    `${describe(value)} is not a valid date: expected 'YYYY-MM-DD' between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
  );
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Number of days in `year`. */
export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

/** True when `value` is a valid IsoDate ('YYYY-MM-DD', a real date, year 1970–9999). */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && epochDayOrMinus1(value) >= 0;
}

/**
 * Returns `value` as an IsoDate, or throws InvalidDateError. Strict: exactly 'YYYY-MM-DD' with ASCII
 * digits, a date that exists (2025-02-30 and 2025-02-29 are rejected), year 1970–9999; no time part,
 * no surrounding whitespace.
 */
export function parseIsoDate(value: unknown): IsoDate {
  if (!isIsoDate(value)) throw invalid(value);
  return value;
}

/** Days since 1970-01-01 of a valid IsoDate; throws InvalidDateError otherwise. */
export function toEpochDay(date: IsoDate): EpochDay {
  const day = typeof date === 'string' ? epochDayOrMinus1(date) : -1;
  if (day < 0) throw invalid(date);
  return day;
}

function checkEpochDay(day: EpochDay): void {
  if (!Number.isInteger(day) || day < MIN_EPOCH_DAY || day > MAX_EPOCH_DAY) {
    throw new InvalidDateError(
      `epoch day ${day} is not an integer between ${MIN_EPOCH_DAY} and ${MAX_EPOCH_DAY}`,
    );
  }
}

/** The IsoDate of an epoch day (0 = 1970-01-01); throws InvalidDateError outside 1970–9999. */
export function fromEpochDay(day: EpochDay): IsoDate {
  checkEpochDay(day);
  const d = new Date(day * MS_PER_DAY);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const dom = d.getUTCDate();
  return `${year}-${month < 10 ? '0' : ''}${month}-${dom < 10 ? '0' : ''}${dom}`;
}

/** The year of an epoch day. */
export function yearOfEpochDay(day: EpochDay): number {
  checkEpochDay(day);
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Epoch day of January 1st of `year`. */
export function epochDayOfJan1(year: number): EpochDay {
  return Date.UTC(year, 0, 1) / MS_PER_DAY;
}

/** ISO day of the week of an epoch day: 1 = Monday … 7 = Sunday. */
export function epochDayOfWeek(day: EpochDay): IsoDayOfWeek {
  return (((((day + EPOCH_DAY_OF_WEEK - 1) % 7) + 7) % 7) + 1) as IsoDayOfWeek;
}

/** ISO day of the week of a date: 1 = Monday … 6 = Saturday, 7 = Sunday. */
export function dayOfWeek(date: IsoDate): IsoDayOfWeek {
  return epochDayOfWeek(toEpochDay(date));
}

/** True for Saturday and Sunday. */
export function isWeekend(date: IsoDate): boolean {
  return dayOfWeek(date) >= 6;
}

/** `date` plus `days` calendar days (`days` may be negative); the result must stay within 1970–9999. */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}

/** The year of a valid IsoDate. */
export function yearOf(date: IsoDate): number {
  toEpochDay(date);
  return Number(date.slice(0, 4));
}

/**
 * The calendar date in Asia/Shanghai (UTC+8, no DST since 1991) at `instant`, independent of the
 * process time zone. Valid for instants from 1992-01-01T00:00+08:00 on; earlier instants (when China
 * still had DST) and invalid Dates throw InvalidDateError.
 */
export function shanghaiDate(instant: Date): IsoDate {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidDateError('shanghaiDate needs a valid Date');
  if (ms < SHANGHAI_FIXED_OFFSET_SINCE_MS || ms > MAX_INSTANT_MS) {
    throw new InvalidDateError(
      `shanghaiDate supports instants from 1992-01-01T00:00+08:00 to 9999-12-31T23:59:59.999+08:00, got ${instant.toISOString()}`,
    );
  }
  return fromEpochDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / MS_PER_DAY));
}

/** Today's date in Asia/Shanghai (see shanghaiDate); `now` defaults to the current instant. */
export function shanghaiToday(now: Date = new Date()): IsoDate {
  return shanghaiDate(now);
}
