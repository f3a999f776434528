import { IsoDate, WorkingCalendar } from '@fed/calendar';
import { CaseSnapshot, CaseTiming } from '@fed/contracts';
import { caseDeadlines } from './deadline';

/**
 * How long an accepted case took when it is decided on `decidedOn`: its deadlines, the working days
 * used from the acceptance day (not counted) to the decision day net of the days the clock was
 * stopped, and whether it finished ahead of (提前), on (按时) or after (超期) the promised deadline.
 * Null for a case never accepted. Flagged `provisional` when the promised deadline or the days counted
 * reach a year without an official arrangement. Pure.
 * @throws CalendarGapError when the calendar's range does not reach the dates involved
 */
export function measureTiming(
  c: CaseSnapshot,
  calendar: WorkingCalendar,
  decidedOn: IsoDate,
): CaseTiming | null {
  const d = caseDeadlines(c, calendar, decidedOn);
  if (!d) return null;
  const paused = d.legal.excludedDays.filter((x) => x.working && x.date <= decidedOn).length;
  const used = Math.max(0, calendar.countWorkingDays(d.acceptedOn, decidedOn) - paused);
  const promised = d.promised.date;
  const provisional =
    d.promised.provisional ||
    d.legal.provisional ||
    calendar.provisionalYearsIn(d.acceptedOn, decidedOn).length > 0;
  return {
    promisedDeadline: promised,
    legalDeadline: d.legal.date,
    decidedOn,
    workingDaysUsed: used,
    completion: decidedOn < promised ? 'ahead' : decidedOn === promised ? 'on-time' : 'overdue',
    calendarVersion: calendar.version,
    ...(provisional ? { provisional: true } : {}),
  };
}
