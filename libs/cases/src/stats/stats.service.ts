import { Inject, Injectable } from '@nestjs/common';
import {
  addDays,
  dayOfWeek,
  daysInMonth,
  InvalidDateError,
  IsoDate,
  MAX_YEAR,
  MIN_YEAR,
  parseIsoDate,
  shanghaiToday,
  toEpochDay,
} from '@fed/calendar';
import { DomainError, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { CatalogService } from '../catalog/catalog.service';
import { Clock } from '../warning/clock';
import { GroupBy, StatsQuery } from './stats.dto';
import { OpenRow, StatsRepository, StatsRow } from './stats.repository';

/** The longest custom period: ten years. */
const MAX_PERIOD_DAYS = 3660;

/**
 * The first and last day of the period asked (`today` when no date is given), checked: 400 for an
 * inverted or absurd range, or a period that runs outside the dates the calendar holds.
 */
export function statsPeriod(q: StatsQuery, today: IsoDate): { from: IsoDate; to: IsoDate } {
  const bad = (message: string) => new DomainError('invalid', 'STATS_BAD_PERIOD', message);
  const date = (value: string, field: string) => {
    try {
      return parseIsoDate(value);
    } catch (e) {
      throw bad(`${field}: ${(e as Error).message}`);
    }
  };
  if (q.period === 'custom') {
    if (!q.from || !q.to) throw bad('a custom period needs from and to');
    const from = date(q.from, 'from');
    const to = date(q.to, 'to');
    if (to < from) throw bad(`to (${to}) is before from (${from})`);
    // Counted in days, not as from + MAX: near 9999-12-31 that sum has no date.
    if (toEpochDay(to) - toEpochDay(from) > MAX_PERIOD_DAYS) {
      throw bad(`a period spans at most ${MAX_PERIOD_DAYS} days`);
    }
    return { from, to };
  }
  if (q.from || q.to) throw bad('from and to go with period=custom');
  const day = q.date ? date(q.date, 'date') : today;
  switch (q.period) {
    case 'day':
      return { from: day, to: day };
    case 'week': {
      // The weeks of 1970-01-01 and of 9999-12-31 run past the dates the calendar holds.
      try {
        const monday = addDays(day, 1 - dayOfWeek(day));
        return { from: monday, to: addDays(monday, 6) };
      } catch (e) {
        if (!(e instanceof InvalidDateError)) throw e;
        throw bad(
          `date: the week of ${day} runs outside ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31, the dates statistics cover`,
        );
      }
    }
    case 'month': {
      const month = day.slice(0, 7);
      const last = daysInMonth(Number(day.slice(0, 4)), Number(day.slice(5, 7)));
      return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
    }
    case 'year':
      return { from: `${day.slice(0, 4)}-01-01`, to: `${day.slice(0, 4)}-12-31` };
  }
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);

/** One group's figures, as a supervisor reads them. */
export interface StatsFigures {
  received: number;
  accepted: number;
  notAccepted: number;
  completed: number;
  completedAhead: number;
  completedOnTime: number;
  completedOverdue: number;
  /** Completed but not measured (the decider's calendar did not reach the dates). */
  completedUnmeasured: number;
  /**
   * Of the measured completions, those measured on a provisional calendar (a year without an official
   * notice yet; corrected when it is published), and their share: the rates include them.
   */
  measuredProvisional: number;
  measuredProvisionalShare: number | null;
  /** Shares of the measured completions; `onTimeRate` counts ahead and on the day. */
  aheadRate: number | null;
  onTimeRate: number | null;
  overdueRate: number | null;
  averagePromisedDays: number | null;
  averageWorkingDaysUsed: number | null;
  instantShare: number | null;
  supplementRate: number | null;
  satisfaction: { '1': number; '2': number; '3': number; '4': number; '5': number; average: number | null };
  /** Now, whatever the period: open cases, by warning level; open rectifications. */
  open: {
    cases: number;
    green: number;
    yellow: number;
    overdue: number;
    inWarning: number;
    legalBreached: number;
    rectifications: number;
  } | null;
}

/**
 * Compliance statistics for this node's scope (a community: its own cases; a district: its own and
 * its communities'; the city: everything), for a period, grouped, read from the counters the
 * database keeps as cases change.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async query(q: StatsQuery) {
    const { from, to } = statsPeriod(q, shanghaiToday(this.clock.now()));
    const filter = {
      districtCode: q.districtCode,
      communityCode: q.communityCode,
      itemCode: q.itemCode,
      department: q.department,
    };
    const [rows, open, names] = await Promise.all([
      this.stats.period(from, to, q.groupBy, filter),
      this.stats.open(q.groupBy, filter),
      this.names(q.groupBy),
    ]);
    const openByKey = new Map(open?.map((o) => [o.key, o]));
    const keys = [...new Set([...rows.map((r) => r.key), ...(open ?? []).map((o) => o.key)])].sort();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const groups = keys.map((key) => ({
      key,
      ...(names.has(key) ? { name: names.get(key) } : {}),
      ...figures(byKey.get(key), open ? (openByKey.get(key) ?? emptyOpen(key)) : null),
      ...(this.drillDown(q.groupBy, key) ?? {}),
    }));
    const total = figures(sum(rows), open ? sumOpen(open) : null);
    const { node } = this.config;
    return {
      scope: { node: node.code, tier: node.tier, name: node.name },
      period: { kind: q.period, from, to },
      groupBy: q.groupBy,
      filter,
      total,
      groups: q.groupBy === 'none' ? [] : groups,
    };
  }

  private async names(groupBy: GroupBy): Promise<Map<string, string>> {
    const { topology } = this.config;
    if (['district', 'community', 'acceptedBy', 'decidedBy'].includes(groupBy)) {
      return new Map(topology.all().map((n) => [n.code, n.name]));
    }
    if (groupBy === 'item') return new Map((await this.catalog.list(true)).map((i) => [i.code, i.name]));
    return new Map();
  }

  /** Where a supervisor goes next from a group: from district to community to cases. */
  private drillDown(groupBy: GroupBy, key: string): { drillDown: string } | null {
    switch (groupBy) {
      case 'district':
        return { drillDown: `/api/v1/stats?groupBy=community&districtCode=${key}` };
      case 'community':
        return { drillDown: `/api/v1/oversight/cases?communityCode=${key}` };
      case 'item':
        return { drillDown: `/api/v1/oversight/cases?itemCode=${encodeURIComponent(key)}` };
      case 'department':
        return { drillDown: `/api/v1/oversight/cases?department=${encodeURIComponent(key)}` };
      case 'none':
      case 'decidingTier':
      case 'acceptedBy':
      case 'decidedBy':
        return null;
    }
  }
}

function emptyOpen(key: string): OpenRow {
  return {
    key,
    openCases: 0,
    openGreen: 0,
    openYellow: 0,
    openRed: 0,
    openLegalBreached: 0,
    rectificationsOpen: 0,
  };
}

function sum(rows: StatsRow[]): StatsRow {
  const total: StatsRow = {
    key: '',
    received: 0,
    accepted: 0,
    notAccepted: 0,
    instant: 0,
    withSupplement: 0,
    promisedDaysSum: 0,
    completed: 0,
    completedAhead: 0,
    completedOnTime: 0,
    completedOverdue: 0,
    completedMeasured: 0,
    completedProvisional: 0,
    workingDaysUsedSum: 0,
    rated: [0, 0, 0, 0, 0],
  };
  for (const r of rows) {
    for (const k of Object.keys(total) as (keyof StatsRow)[]) {
      if (k === 'key') continue;
      if (k === 'rated') total.rated = total.rated.map((v, i) => v + r.rated[i]) as StatsRow['rated'];
      else total[k] += r[k];
    }
  }
  return total;
}

function sumOpen(rows: OpenRow[]): OpenRow {
  const total = emptyOpen('');
  for (const r of rows) {
    total.openCases += r.openCases;
    total.openGreen += r.openGreen;
    total.openYellow += r.openYellow;
    total.openRed += r.openRed;
    total.openLegalBreached += r.openLegalBreached;
    total.rectificationsOpen += r.rectificationsOpen;
  }
  return total;
}

function figures(r: StatsRow | undefined, o: OpenRow | null): StatsFigures {
  const s = r ?? sum([]);
  const ratings = s.rated.reduce((a, b) => a + b, 0);
  return {
    received: s.received,
    accepted: s.accepted,
    notAccepted: s.notAccepted,
    completed: s.completed,
    completedAhead: s.completedAhead,
    completedOnTime: s.completedOnTime,
    completedOverdue: s.completedOverdue,
    completedUnmeasured: s.completed - s.completedMeasured,
    measuredProvisional: s.completedProvisional,
    measuredProvisionalShare: ratio(s.completedProvisional, s.completedMeasured),
    aheadRate: ratio(s.completedAhead, s.completedMeasured),
    onTimeRate: ratio(s.completedAhead + s.completedOnTime, s.completedMeasured),
    overdueRate: ratio(s.completedOverdue, s.completedMeasured),
    averagePromisedDays: ratio(s.promisedDaysSum, s.accepted),
    averageWorkingDaysUsed: ratio(s.workingDaysUsedSum, s.completedMeasured),
    instantShare: ratio(s.instant, s.accepted),
    supplementRate: ratio(s.withSupplement, s.accepted),
    satisfaction: {
      '1': s.rated[0],
      '2': s.rated[1],
      '3': s.rated[2],
      '4': s.rated[3],
      '5': s.rated[4],
      average: ratio(
        s.rated.reduce((a, n, i) => a + n * (i + 1), 0),
        ratings,
      ),
    },
    open: o && {
      cases: o.openCases,
      green: o.openGreen,
      yellow: o.openYellow,
      overdue: o.openRed,
      inWarning: o.openYellow,
      legalBreached: o.openLegalBreached,
      rectifications: o.rectificationsOpen,
    },
  };
}
