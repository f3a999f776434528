import officialData from '../data/cn-holidays-2024-2026.json';
import { CalendarSpecError } from './calendar.errors';
import type { CalendarOverride, CalendarSpec } from './calendar.types';
import { epochDayOfWeek, MAX_YEAR, MIN_YEAR, toEpochDay, yearOfEpochDay, type IsoDate } from './iso-date';

/** Version of the definition built from the bundled State Council data. */
export const OFFICIAL_CALENDAR_VERSION = 1;
/** A holiday longer than this is taken for a typo (the longest arrangements so far are 9–10 days). */
export const MAX_HOLIDAY_DAYS = 31;
/** The covered years must lie within this many consecutive years (bounds the precomputed tables). */
export const MAX_YEAR_SPAN = 100;
export const MAX_REASON_LENGTH = 200;
/** At most this many problems are listed in one CalendarSpecError. */
const MAX_ISSUES = 20;

/**
 * The official working-day calendar of mainland China for the years in the bundled data
 * (`data/cn-holidays-2024-2026.json`, transcribed from the State Council's annual notices):
 * version 1, years = the years with a notice, notices = each year's source notice.
 * Returns a fresh copy on each call.
 */
export function officialCalendarSpec(): CalendarSpec {
  return validateCalendarSpec({
    version: OFFICIAL_CALENDAR_VERSION,
    years: Object.keys(officialData._source).map(Number),
    holidays: officialData.holidays.map(({ name, from, to }) => ({ name, from, to })),
    makeupWorkdays: officialData.makeupWorkdays.map((m) => ({ date: m.date, for: m.for })),
    notices: { ...officialData._source },
  });
}

class Issues {
  readonly list: string[] = [];
  private dropped = 0;

  add(issue: string): void {
    if (this.list.length < MAX_ISSUES) this.list.push(issue);
    else this.dropped++;
  }

  throwIfAny(subject: string): void {
    if (this.list.length === 0) return;
    const all = this.dropped > 0 ? [...this.list, `… and ${this.dropped} more`] : this.list;
    throw new CalendarSpecError(subject, all);
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (x === undefined) return 'undefined';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  return typeof x === 'object' ? 'an object' : `a value of type ${typeof x}`;
}

/** Checks that `obj` has exactly the `expected` keys; reports missing and unexpected ones. */
function checkKeys(
  issues: Issues,
  path: string,
  obj: Record<string, unknown>,
  expected: readonly string[],
): void {
  for (const key of expected) {
    if (!(key in obj) || obj[key] === undefined) issues.add(`${path}${path ? '.' : ''}${key} is missing`);
  }
  for (const key of Object.keys(obj)) {
    if (!expected.includes(key)) issues.add(`${path}${path ? '.' : ''}${key} is not a known property`);
  }
}

/** The epoch day of `value` when it is a valid IsoDate, otherwise records an issue and returns undefined. */
function dateAt(issues: Issues, path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined; // reported by checkKeys
  try {
    return toEpochDay(value as IsoDate);
  } catch {
    issues.add(`${path} must be a valid date 'YYYY-MM-DD' (${MIN_YEAR}–${MAX_YEAR}), got ${show(value)}`);
    return undefined;
  }
}

/**
 * Control characters (NUL above all: PostgreSQL text and jsonb cannot hold it); tabs and line breaks
 * are text. The rule the wire codec and the HTTP edge apply to free text (CONTROL_CHARACTERS of
 * @fed/contracts, written out here: that library depends on this one).
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function textAt(issues: Issues, path: string, value: unknown, maxLength = Infinity): string | undefined {
  if (value === undefined) return undefined; // reported by checkKeys
  if (typeof value !== 'string' || value.trim() === '') {
    issues.add(`${path} must be a non-empty string, got ${show(value)}`);
    return undefined;
  }
  if (CONTROL.test(value)) {
    issues.add(`${path} must not contain control characters`);
    return undefined;
  }
  if (value.length > maxLength) {
    issues.add(`${path} must be at most ${maxLength} characters, got ${value.length}`);
    return undefined;
  }
  return value;
}

const SPEC_KEYS = ['version', 'years', 'holidays', 'makeupWorkdays', 'notices'] as const;

/**
 * Validates a calendar definition arriving from outside (Kafka, HTTP, a file) and returns a deep copy
 * typed as CalendarSpec. Throws CalendarSpecError listing every problem found, among them: unknown or
 * missing properties, a version that is not a positive integer, years outside 1970–9999 or duplicated
 * or spanning more than 100 years, a covered year without a notice or without any holiday, invalid
 * dates, a holiday whose `from` is after its `to` or that lasts more than 31 days or lies (partly)
 * outside the covered years, overlapping holidays, a make-up working day that is not a Saturday or
 * Sunday, lies outside the covered years, is listed twice, falls inside a holiday, or is `for` a
 * festival that no holiday of the definition is named after.
 */
export function validateCalendarSpec(spec: unknown): CalendarSpec {
  const issues = new Issues();
  if (!isPlainObject(spec)) {
    throw new CalendarSpecError('calendar spec', [`a calendar spec must be an object, got ${show(spec)}`]);
  }
  checkKeys(issues, '', spec, SPEC_KEYS);

  // version
  const { version } = spec;
  if (version !== undefined && !(Number.isSafeInteger(version) && (version as number) >= 1)) {
    issues.add(`version must be a positive integer, got ${show(version)}`);
  }

  // years
  const years: number[] = [];
  if (spec.years !== undefined) {
    if (!Array.isArray(spec.years) || spec.years.length === 0) {
      issues.add(`years must be a non-empty array of years, got ${show(spec.years)}`);
    } else {
      (spec.years as unknown[]).forEach((year, i) => {
        if (!Number.isInteger(year) || (year as number) < MIN_YEAR || (year as number) > MAX_YEAR) {
          issues.add(
            `years[${i}] must be an integer year between ${MIN_YEAR} and ${MAX_YEAR}, got ${show(year)}`,
          );
        } else if (years.includes(year as number)) {
          issues.add(`years[${i}]: ${year as number} is listed twice`);
        } else {
          years.push(year as number);
        }
      });
      if (years.length > 0) {
        const span = Math.max(...years) - Math.min(...years) + 1;
        if (span > MAX_YEAR_SPAN) {
          issues.add(`years must lie within ${MAX_YEAR_SPAN} consecutive years, got a span of ${span}`);
        }
      }
    }
  }
  const covered = (day: number): boolean => years.includes(yearOfEpochDay(day));

  // notices
  const notices: Record<string, string> = {};
  if (spec.notices !== undefined) {
    if (!isPlainObject(spec.notices)) {
      issues.add(
        `notices must be an object mapping each covered year to its notice, got ${show(spec.notices)}`,
      );
    } else {
      for (const [key, notice] of Object.entries(spec.notices)) {
        if (!years.includes(Number(key)) || String(Number(key)) !== key) {
          issues.add(`notices[${JSON.stringify(key)}] is not one of the covered years`);
        } else {
          const text = textAt(issues, `notices[${JSON.stringify(key)}]`, notice);
          if (text !== undefined) notices[key] = text;
        }
      }
      for (const year of years) {
        if (!(String(year) in spec.notices)) issues.add(`notices has no entry for covered year ${year}`);
      }
    }
  }

  // holidays
  const holidays: CalendarSpec['holidays'] = [];
  const holidaySpans: { i: number; name: string; from: number; to: number }[] = [];
  if (spec.holidays !== undefined) {
    if (!Array.isArray(spec.holidays)) {
      issues.add(`holidays must be an array, got ${show(spec.holidays)}`);
    } else {
      (spec.holidays as unknown[]).forEach((h, i) => {
        const path = `holidays[${i}]`;
        if (!isPlainObject(h)) {
          issues.add(`${path} must be an object {name, from, to}, got ${show(h)}`);
          return;
        }
        checkKeys(issues, path, h, ['name', 'from', 'to']);
        const name = textAt(issues, `${path}.name`, h.name);
        const from = dateAt(issues, `${path}.from`, h.from);
        const to = dateAt(issues, `${path}.to`, h.to);
        if (name === undefined || from === undefined || to === undefined) return;
        const label = `${path} (${name} ${h.from as string}..${h.to as string})`;
        if (from > to) {
          issues.add(`${label}: from is after to`);
          return;
        }
        if (to - from + 1 > MAX_HOLIDAY_DAYS) {
          issues.add(`${label} lasts ${to - from + 1} days, more than ${MAX_HOLIDAY_DAYS}`);
          return;
        }
        if (years.length > 0 && (!covered(from) || !covered(to))) {
          const outside = !covered(from) ? yearOfEpochDay(from) : yearOfEpochDay(to);
          issues.add(`${label} lies in ${outside}, which is not one of the covered years`);
          return;
        }
        holidays.push({ name, from: h.from as IsoDate, to: h.to as IsoDate });
        holidaySpans.push({ i, name, from, to });
      });
      const sorted = [...holidaySpans].sort((a, b) => a.from - b.from);
      for (let k = 1; k < sorted.length; k++) {
        const [a, b] = [sorted[k - 1], sorted[k]];
        if (b.from <= a.to) {
          issues.add(`holidays[${b.i}] (${b.name}) overlaps holidays[${a.i}] (${a.name})`);
        }
      }
      for (const year of years) {
        if (!holidaySpans.some((s) => yearOfEpochDay(s.from) === year || yearOfEpochDay(s.to) === year)) {
          issues.add(`covered year ${year} has no holiday: its arrangement is missing or incomplete`);
        }
      }
    }
  }

  // make-up working days
  const makeupWorkdays: CalendarSpec['makeupWorkdays'] = [];
  if (spec.makeupWorkdays !== undefined) {
    if (!Array.isArray(spec.makeupWorkdays)) {
      issues.add(`makeupWorkdays must be an array, got ${show(spec.makeupWorkdays)}`);
    } else {
      const seen = new Map<number, number>();
      const holidayNames = new Set(holidaySpans.map((s) => s.name));
      (spec.makeupWorkdays as unknown[]).forEach((m, i) => {
        const path = `makeupWorkdays[${i}]`;
        if (!isPlainObject(m)) {
          issues.add(`${path} must be an object {date, for}, got ${show(m)}`);
          return;
        }
        checkKeys(issues, path, m, ['date', 'for']);
        const day = dateAt(issues, `${path}.date`, m.date);
        const festival = textAt(issues, `${path}.for`, m.for);
        if (day === undefined || festival === undefined) return;
        const label = `${path} (${m.date as string})`;
        const dow = epochDayOfWeek(day);
        if (dow < 6) {
          const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
          issues.add(`${label} is a ${names[dow - 1]}; a make-up working day must be a Saturday or Sunday`);
          return;
        }
        if (years.length > 0 && !covered(day)) {
          issues.add(`${label} lies in ${yearOfEpochDay(day)}, which is not one of the covered years`);
          return;
        }
        const first = seen.get(day);
        if (first !== undefined) {
          issues.add(`${label} is listed twice (also makeupWorkdays[${first}])`);
          return;
        }
        seen.set(day, i);
        const clash = holidaySpans.find((s) => s.from <= day && day <= s.to);
        if (clash) {
          issues.add(
            `${label} is both a make-up working day and inside holiday holidays[${clash.i}] (${clash.name})`,
          );
          return;
        }
        if (holidaySpans.length > 0 && !holidayNames.has(festival)) {
          issues.add(`${path}.for ${show(festival)} is not the name of any holiday in this spec`);
          return;
        }
        makeupWorkdays.push({ date: m.date as IsoDate, for: festival });
      });
    }
  }

  issues.throwIfAny('calendar spec');
  return { version: version as number, years, holidays, makeupWorkdays, notices };
}

const OVERRIDE_KINDS: readonly string[] = ['day-off', 'working-day'] satisfies CalendarOverride['kind'][];

/**
 * Validates a list of local overrides arriving from outside and returns a deep copy. Throws
 * CalendarSpecError listing every problem: not an array, unknown or missing properties, an invalid
 * date, a kind other than 'day-off' / 'working-day', an empty (or over-long) reason, or two overrides
 * for the same date. Overrides are not checked against a calendar here: one may fall in a year no
 * official arrangement covers yet (such dates stay refused until the year is covered).
 */
export function validateOverrides(x: unknown): CalendarOverride[] {
  if (!Array.isArray(x)) {
    throw new CalendarSpecError('calendar overrides', [`overrides must be an array, got ${show(x)}`]);
  }
  const issues = new Issues();
  const result: CalendarOverride[] = [];
  const seen = new Map<number, number>();
  (x as unknown[]).forEach((o, i) => {
    const path = `overrides[${i}]`;
    if (!isPlainObject(o)) {
      issues.add(`${path} must be an object {date, kind, reason}, got ${show(o)}`);
      return;
    }
    checkKeys(issues, path, o, ['date', 'kind', 'reason']);
    const day = dateAt(issues, `${path}.date`, o.date);
    const reason = textAt(issues, `${path}.reason`, o.reason, MAX_REASON_LENGTH);
    let kindOk = true;
    if (o.kind !== undefined && (typeof o.kind !== 'string' || !OVERRIDE_KINDS.includes(o.kind))) {
      issues.add(`${path}.kind must be 'day-off' or 'working-day', got ${show(o.kind)}`);
      kindOk = false;
    }
    if (day === undefined || reason === undefined || o.kind === undefined || !kindOk) return;
    const first = seen.get(day);
    if (first !== undefined) {
      issues.add(`${path}: ${o.date as string} is already overridden by overrides[${first}]`);
      return;
    }
    seen.set(day, i);
    result.push({ date: o.date as IsoDate, kind: o.kind as CalendarOverride['kind'], reason });
  });
  issues.throwIfAny('calendar overrides');
  return result;
}
