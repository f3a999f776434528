import { IsoDate, WorkingCalendar } from '@fed/calendar';
import { WarningLevel } from '@fed/contracts';
import { CaseDeadlines } from './deadline';

export { WARNING_LEVELS } from '@fed/contracts';
export type { WarningLevel } from '@fed/contracts';

/** When a case turns yellow: local policy, per tier (each node's own) and per item. */
export interface WarningPolicy {
  /** Yellow when at most this many working days are left. */
  yellowWorkingDays: number;
  /** ... or when at most this share of the promised limit is left. */
  yellowShare: number;
  /** Overrides by item code. */
  items?: Record<string, { yellowWorkingDays?: number; yellowShare?: number }>;
}

export const DEFAULT_WARNING_POLICY: WarningPolicy = { yellowWorkingDays: 1, yellowShare: 0.2 };

export interface WarningState {
  level: WarningLevel;
  /** Past the legal deadline: flagged apart from the (promised) level. */
  legalBreached: boolean;
  /** Working days left until the promised deadline; when red, minus the working days overdue (0 right after). */
  workingDaysLeft: number;
}

/**
 * The warning state of an open case on `today`, from its deadlines. Red the day after the promised
 * deadline; yellow when at most `yellowWorkingDays` working days or `yellowShare` of the promised
 * limit are left; green otherwise. Pure.
 */
export function classify(
  d: CaseDeadlines,
  itemCode: string,
  today: IsoDate,
  calendar: WorkingCalendar,
  policy: WarningPolicy = DEFAULT_WARNING_POLICY,
): WarningState {
  const item = policy.items?.[itemCode];
  // An item's override replaces only the thresholds it names.
  const rules = {
    yellowWorkingDays: item?.yellowWorkingDays ?? policy.yellowWorkingDays,
    yellowShare: item?.yellowShare ?? policy.yellowShare,
  };
  const deadline = d.promised.date;
  const legalBreached = today > d.legal.date;
  if (today > deadline) {
    // Overdue by this many working days; 0 on a weekend right after the deadline day.
    return {
      level: 'red',
      legalBreached,
      workingDaysLeft: 0 - calendar.countWorkingDays(deadline, today) || 0,
    };
  }
  const left = calendar.countWorkingDays(today, deadline);
  // (a hair of tolerance: 0.58 × 50 is 28.999… in binary floating point)
  const near = left <= rules.yellowWorkingDays || left <= rules.yellowShare * d.promised.limitDays + 1e-9;
  return { level: near ? 'yellow' : 'green', legalBreached, workingDaysLeft: left };
}
