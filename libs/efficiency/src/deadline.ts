import { DayKind, IsoDate, shanghaiDate, WorkingCalendar } from '@fed/calendar';
import { CaseSnapshot } from '@fed/contracts';

export { OPEN_STATUSES } from '@fed/contracts';

/** A working day on which the clock was stopped, and why. */
export interface PausedDay {
  date: IsoDate;
  reason: 'supplement' | 'special-procedure' | 'suspension';
}

/** A day after the acceptance day up to a deadline that did not count, and why. */
export type ExcludedDay = (DayKind & { working: false }) | (PausedDay & { working: true });

/** One limit (promised or legal) worked out day by day. */
export interface LimitDeadline {
  /** Working days the limit grants. */
  limitDays: number;
  /** Working days added because the clock was stopped. */
  pausedWorkingDays: number;
  /** The last day to finish on time (Asia/Shanghai date). */
  date: IsoDate;
  excludedDays: ExcludedDay[];
  /**
   * True when the days counted (after the acceptance day, up to `date`) reach a year without an
   * official arrangement: the date follows the law alone and may move when the notice is published.
   */
  provisional: boolean;
}

export interface CaseDeadlines {
  /** The acceptance day (not counted: 民法典 art. 201). */
  acceptedOn: IsoDate;
  promised: LimitDeadline;
  legal: LimitDeadline;
  /** True while a pause is open: the dates assume the clock runs again after `asOf`. */
  clockStopped: boolean;
  /** The day an open pause is counted up to. */
  asOf: IsoDate;
  calendarVersion: number;
  localOverrides: number;
  /** The provisional years either deadline reached (empty when both are exact). */
  provisionalYears: number[];
}

/**
 * The promised and legal deadlines of an accepted case: the N-th working day after the acceptance
 * day, moved later by every working day the clock was stopped (补正, 特别程序, 挂起) on or before the
 * deadline as it stood. A pause from day F to day T stops the working days after F up to and
 * including T (the day the material came, the procedure ended or the case resumed); an open pause
 * counts up to `asOf`. Null for a case not
 * accepted. Pure and time-zone independent: dates are Asia/Shanghai dates, `asOf` is given. The two
 * limits are worked out independently: one may be exact while the other reaches a provisional year.
 * @throws CalendarGapError when a date lies outside the calendar's range (past its provisional horizon)
 */
export function caseDeadlines(
  c: Omit<CaseSnapshot, 'queryCodeHash'>,
  calendar: WorkingCalendar,
  asOf: IsoDate,
): CaseDeadlines | null {
  const l = c.lifecycle;
  if (!l.acceptedAt) return null;
  const acceptedOn = shanghaiDate(new Date(l.acceptedAt));
  const paused = new Map<IsoDate, PausedDay>();
  let clockStopped = false;
  for (const p of l.pauses) {
    const from = shanghaiDate(new Date(p.from));
    let to = asOf;
    if (p.to === null) clockStopped = true;
    else to = shanghaiDate(new Date(p.to));
    const stopped = calendar.countWorkingDays(from, to);
    // The working days in (from, to]; a day is never counted twice.
    for (let i = 1, d = from; i <= stopped; i++) {
      d = calendar.addWorkingDays(d, 1);
      if (!paused.has(d)) paused.set(d, { date: d, reason: p.kind });
    }
  }
  const pausedDays = [...paused.values()].sort((a, b) => a.date.localeCompare(b.date));
  const limit = (limitDays: number): LimitDeadline => {
    // A stopped working day moves the deadline only if it falls on or before the deadline as it then
    // stands: a pause that begins once the case is overdue does not make it timely again.
    let date = calendar.addWorkingDays(acceptedOn, limitDays);
    const counted: PausedDay[] = [];
    for (const p of pausedDays) {
      if (p.date > date) break;
      counted.push(p);
      date = calendar.addWorkingDays(date, 1);
    }
    const excludedDays: ExcludedDay[] = [
      ...calendar.nonWorkingDays(acceptedOn, date).map((d) => ({ ...d, working: false as const })),
      ...counted.map((p) => ({ ...p, working: true as const })),
    ].sort((a, b) => a.date.localeCompare(b.date));
    const provisional = calendar.provisionalYearsIn(acceptedOn, date).length > 0;
    return { limitDays, pausedWorkingDays: counted.length, date, excludedDays, provisional };
  };
  const promised = limit(c.item.promisedDays);
  const legal = limit(c.item.legalDays);
  const last = promised.date > legal.date ? promised.date : legal.date;
  return {
    acceptedOn,
    promised,
    legal,
    clockStopped,
    asOf,
    calendarVersion: calendar.version,
    localOverrides: calendar.overrides.length,
    provisionalYears: calendar.provisionalYearsIn(acceptedOn, last),
  };
}
