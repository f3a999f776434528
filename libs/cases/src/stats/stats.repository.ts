import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupBy } from './stats.dto';

/** Counters of one group for a period (stats_daily) and now (stats_open). */
export interface StatsRow {
  key: string;
  received: number;
  accepted: number;
  notAccepted: number;
  instant: number;
  withSupplement: number;
  promisedDaysSum: number;
  completed: number;
  completedAhead: number;
  completedOnTime: number;
  completedOverdue: number;
  completedMeasured: number;
  /** Of the measured, those measured on a provisional calendar. */
  completedProvisional: number;
  workingDaysUsedSum: number;
  rated: [number, number, number, number, number];
}

export interface OpenRow {
  key: string;
  openCases: number;
  openGreen: number;
  openYellow: number;
  openRed: number;
  openLegalBreached: number;
  rectificationsOpen: number;
}

export interface StatsFilter {
  districtCode?: string;
  communityCode?: string;
  itemCode?: string;
  department?: string;
}

/** The column a grouping reads, in each table (null: the table has no such dimension). */
const DAILY_KEY: Record<GroupBy, string> = {
  none: `''`,
  district: 'district_code',
  community: 'community_code',
  item: 'item_code',
  department: 'department',
  decidingTier: 'deciding_tier',
  acceptedBy: 'accepted_by',
  decidedBy: 'decided_by',
};
const OPEN_KEY: Record<GroupBy, string | null> = { ...DAILY_KEY, acceptedBy: null, decidedBy: null };

function where(filter: StatsFilter, params: unknown[]): string[] {
  const clauses: string[] = [];
  if (filter.districtCode) clauses.push(`district_code = $${params.push(filter.districtCode)}`);
  if (filter.communityCode) clauses.push(`community_code = $${params.push(filter.communityCode)}`);
  if (filter.itemCode) clauses.push(`item_code = $${params.push(filter.itemCode)}`);
  if (filter.department) clauses.push(`department = $${params.push(filter.department)}`);
  return clauses;
}

/** Reads of the statistics the triggers keep: a few thousand rows at most per query, never the cases. */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A read without parallel workers (measured: 277 ms with, 57 ms without on 2 cores). */
  private serial(sql: string, params: unknown[]): Promise<Record<string, string>[]> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      return m.query<Record<string, string>[]>(sql, params);
    });
  }

  async period(from: string, to: string, groupBy: GroupBy, filter: StatsFilter): Promise<StatsRow[]> {
    const params: unknown[] = [from, to];
    const clauses = ['day BETWEEN $1::date AND $2::date', ...where(filter, params)];
    // A few thousand small rows: parallel workers cost more than they save on a busy machine.
    const rows: Record<string, string>[] = await this.serial(
      `SELECT ${DAILY_KEY[groupBy]} AS key,
              sum(received) AS received, sum(accepted) AS accepted, sum(not_accepted) AS not_accepted,
              sum(instant) AS instant, sum(with_supplement) AS with_supplement,
              sum(promised_days_sum) AS promised_days_sum, sum(completed) AS completed,
              sum(completed_ahead) AS completed_ahead, sum(completed_on_time) AS completed_on_time,
              sum(completed_overdue) AS completed_overdue, sum(completed_measured) AS completed_measured,
              sum(completed_provisional) AS completed_provisional,
              sum(working_days_used_sum) AS working_days_used_sum, sum(rated_1) AS rated_1,
              sum(rated_2) AS rated_2, sum(rated_3) AS rated_3, sum(rated_4) AS rated_4, sum(rated_5) AS rated_5
       FROM stats_daily WHERE ${clauses.join(' AND ')}
       GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((r) => ({
      key: r.key,
      received: Number(r.received),
      accepted: Number(r.accepted),
      notAccepted: Number(r.not_accepted),
      instant: Number(r.instant),
      withSupplement: Number(r.with_supplement),
      promisedDaysSum: Number(r.promised_days_sum),
      completed: Number(r.completed),
      completedAhead: Number(r.completed_ahead),
      completedOnTime: Number(r.completed_on_time),
      completedOverdue: Number(r.completed_overdue),
      completedMeasured: Number(r.completed_measured),
      completedProvisional: Number(r.completed_provisional),
      workingDaysUsedSum: Number(r.working_days_used_sum),
      rated: [r.rated_1, r.rated_2, r.rated_3, r.rated_4, r.rated_5].map(Number) as StatsRow['rated'],
    }));
  }

  /** What is open now; null when the grouping has no meaning for open cases (acceptedBy, decidedBy). */
  async open(groupBy: GroupBy, filter: StatsFilter): Promise<OpenRow[] | null> {
    const key = OPEN_KEY[groupBy];
    if (key === null) return null;
    const params: unknown[] = [];
    const clauses = where(filter, params);
    const rows: Record<string, string>[] = await this.dataSource.query(
      `SELECT ${key} AS key, sum(open_cases) AS open_cases,
              sum(open_cases) FILTER (WHERE level = 'green') AS open_green,
              sum(open_cases) FILTER (WHERE level = 'yellow') AS open_yellow,
              sum(open_cases) FILTER (WHERE level = 'red') AS open_red,
              sum(open_cases) FILTER (WHERE legal_breached) AS open_legal_breached,
              sum(rectifications_open) AS rectifications_open
       FROM stats_open ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
       GROUP BY 1 ORDER BY 1`,
      params,
    );
    return rows.map((r) => ({
      key: r.key,
      openCases: Number(r.open_cases ?? 0),
      openGreen: Number(r.open_green ?? 0),
      openYellow: Number(r.open_yellow ?? 0),
      openRed: Number(r.open_red ?? 0),
      openLegalBreached: Number(r.open_legal_breached ?? 0),
      rectificationsOpen: Number(r.rectifications_open ?? 0),
    }));
  }
}
