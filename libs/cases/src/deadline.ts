import { shanghaiDate, WorkingCalendar } from '@fed/calendar';
import { CaseSnapshot } from '@fed/contracts';

/**
 * The promised completion date of an accepted case: the N-th working day after the acceptance day
 * (the acceptance day is not counted: 民法典 art. 201), moved later by every working day the clock
 * was stopped (补正, 特别程序, 挂起). Null before acceptance, once finished, and while the clock is stopped
 * (the date is not known until it runs again). Dates are Asia/Shanghai whatever the process TZ.
 * @throws CalendarGapError when the calendar does not reach that far
 */
export function promisedCompletionDate(c: CaseSnapshot, calendar: WorkingCalendar): string | null {
  const l = c.lifecycle;
  if (!l.acceptedAt || c.status !== 'accepted') return null;
  let paused = 0;
  for (const p of l.pauses) {
    if (p.to === null) return null;
    paused += calendar.countWorkingDays(shanghaiDate(new Date(p.from)), shanghaiDate(new Date(p.to)));
  }
  return calendar.addWorkingDays(shanghaiDate(new Date(l.acceptedAt)), c.item.promisedDays + paused);
}
