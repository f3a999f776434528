import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CalendarGapError, shanghaiDate, WorkingCalendar } from '@fed/calendar';
import { CaseAction, CaseSnapshot, isOpen } from '@fed/contracts';
import { caseDeadlines, classify, measureTiming } from '@fed/efficiency';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ActionsService } from '../actions.service';
import { CalendarError } from '../calendar/calendar.errors';
import { CalendarService } from '../calendar/calendar.service';
import { CasesRepository } from '../cases.repository';
import { Clock } from './clock';

const PAGE = 500;

export interface ScanResult {
  examined: number;
  changed: number;
  skipped: number;
  /** Decisions measured again (a new official calendar changed their answer). */
  remeasured: number;
  today: string;
}

/**
 * The warning clock (24/7 预警) of a node: every interval it looks at the open cases the node
 * handles and records a `case.warning-changed` event when a case's level (green, yellow, red), its
 * legal-limit breach or its deadlines change — with the passing of time, not only on events. The
 * state lives in the case, so a restart neither loses nor repeats a transition; only the handling
 * node runs it for a case (single writer), so each transition is recorded exactly once, and flows
 * to every tier like any case event.
 */
@Injectable()
export class WarningClock implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WarningClock.name);
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<ScanResult>;
  /** The calendar the decisions handled here were last measured again by (once per calendar). */
  private remeasuredWith?: WorkingCalendar;

  constructor(
    private readonly cases: CasesRepository,
    private readonly actions: ActionsService,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.warning.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning?.catch(() => undefined);
  }

  /** One scan at a time; a tick during a scan joins it. */
  tick(): Promise<ScanResult> {
    this.scanning ??= this.scan()
      .catch((e: unknown) => {
        this.logger.warn({ msg: 'warning clock scan failed; next tick retries', err: (e as Error).message });
        return { examined: 0, changed: 0, skipped: 0, remeasured: 0, today: shanghaiDate(this.clock.now()) };
      })
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scan(): Promise<ScanResult> {
    const today = shanghaiDate(this.clock.now());
    const result: ScanResult = { examined: 0, changed: 0, skipped: 0, remeasured: 0, today };
    let calendar: WorkingCalendar;
    try {
      calendar = (await this.calendar.inForce()).calendar;
    } catch (e) {
      if (e instanceof CalendarError) return result; // no calendar here yet: nothing to measure by
      throw e;
    }
    const gaps = new Set<number>();
    for (let after = ''; ;) {
      const page = await this.cases.findOpenHandledBy(this.config.node.code, after, PAGE);
      for (const c of page) {
        result.examined++;
        let wanted: CaseAction | null;
        try {
          wanted = this.evaluate(c, calendar, today);
        } catch (e) {
          if (!(e instanceof CalendarGapError)) throw e;
          gaps.add(e.year);
          result.skipped++;
          continue;
        }
        if (!wanted) continue;
        // Decided again under the case's lock: an action may have changed it since it was read.
        let recorded = false;
        try {
          recorded = await this.actions.system(c.caseNo, (current) =>
            this.evaluate(current.snapshot, calendar, today),
          );
        } catch (e) {
          // One case that cannot be recorded now (a lock conflict, a closed case) does not stop the scan.
          result.skipped++;
          this.logger.warn({
            msg: 'warning not recorded; next scan retries',
            caseNo: c.caseNo,
            err: (e as Error).message,
          });
          continue;
        }
        if (recorded) {
          result.changed++;
          this.metrics.warningTransitions.inc({ level: wanted.action === 'warn' ? wanted.level : '' });
        }
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].caseNo;
    }
    if (this.remeasuredWith !== calendar) {
      await this.remeasure(calendar, result, gaps);
      this.remeasuredWith = calendar;
    }
    for (const year of gaps) {
      this.metrics.calendarGaps.inc({ year: String(year) });
      this.logger.warn({
        msg: 'open cases run past the known working-day calendar; publish the missing year',
        alert: 'calendar-year-missing',
        year,
      });
    }
    if (result.changed > 0) this.logger.log({ msg: 'warning clock', ...result });
    return result;
  }

  /**
   * Decisions handled here that were measured on a provisional calendar (or not at all) are measured
   * again with the calendar now in force; a case whose answer does not change gets no event.
   */
  private async remeasure(calendar: WorkingCalendar, result: ScanResult, gaps: Set<number>): Promise<void> {
    for (let after = ''; ;) {
      const page = await this.cases.findRemeasurableHandledBy(this.config.node.code, after, PAGE);
      for (const c of page) {
        try {
          if (!this.remeasured(c, calendar)) continue;
          const recorded = await this.actions.system(c.caseNo, (current) =>
            this.remeasured(current.snapshot, calendar),
          );
          if (recorded) {
            result.remeasured++;
            this.logger.log({
              msg: 'decision measured again with the calendar in force',
              caseNo: c.caseNo,
              calendarVersion: calendar.version,
            });
          }
        } catch (e) {
          if (e instanceof CalendarGapError) gaps.add(e.year);
          else
            this.logger.warn({
              msg: 'decision not measured again; next calendar retries',
              caseNo: c.caseNo,
              err: (e as Error).message,
            });
        }
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].caseNo;
    }
  }

  /** The `remeasure` action a decided case needs under `calendar`, or null when its timing stands. */
  private remeasured(c: CaseSnapshot, calendar: WorkingCalendar): CaseAction | null {
    const l = c.lifecycle;
    if (c.handlingNode !== this.config.node.code || !l.decidedAt || !l.acceptedAt) return null;
    if (l.timing && !l.timing.provisional) return null;
    const timing = measureTiming(c, calendar, l.timing?.decidedOn ?? shanghaiDate(new Date(l.decidedAt)));
    if (!timing) return null;
    const was = l.timing;
    const same =
      was !== null &&
      was.promisedDeadline === timing.promisedDeadline &&
      was.legalDeadline === timing.legalDeadline &&
      was.workingDaysUsed === timing.workingDaysUsed &&
      was.completion === timing.completion &&
      (was.provisional ?? false) === (timing.provisional ?? false);
    return same ? null : { action: 'remeasure', timing };
  }

  /** The `warn` action the case needs now, or null when its recorded state still holds. */
  private evaluate(c: CaseSnapshot, calendar: WorkingCalendar, today: string): CaseAction | null {
    if (c.handlingNode !== this.config.node.code || !isOpen(c.status)) return null;
    const deadlines = caseDeadlines(c, calendar, today);
    // While the clock is stopped the case keeps its state; its deadline moves when it runs again.
    if (!deadlines || deadlines.clockStopped) return null;
    const state = classify(deadlines, c.item.code, today, calendar, this.config.warning.policy);
    const was = c.lifecycle.warning ?? null;
    if (
      was &&
      was.level === state.level &&
      was.legalBreached === state.legalBreached &&
      was.promisedDeadline === deadlines.promised.date &&
      was.legalDeadline === deadlines.legal.date
    ) {
      return null;
    }
    return {
      action: 'warn',
      level: state.level,
      legalBreached: state.legalBreached,
      promisedDeadline: deadlines.promised.date,
      legalDeadline: deadlines.legal.date,
      workingDaysLeft: state.workingDaysLeft,
      calendarVersion: calendar.version,
    };
  }
}
