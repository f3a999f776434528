import { MigrationInterface, QueryRunner } from 'typeorm';

/** Held by a transaction from its first case write until it ends: the counters' one lock. */
const STATS_LOCK = 74_651_001;
const INSERTED = 'SELECT r.* FROM new_cases n, %ROWS%(n, 1) r';
const UPDATED =
  'SELECT r.* FROM old_cases o, %ROWS%(o, -1) r UNION ALL SELECT r.* FROM new_cases n, %ROWS%(n, 1) r';

// The counters as 1764400000001-compliance-statistics left them (a migration is fixed text: it
// imports nothing from another).
const DAILY_KEYS =
  'day, district_code, community_code, item_code, department, deciding_tier, accepted_by, decided_by';
const OPEN_KEYS =
  'district_code, community_code, item_code, department, deciding_tier, handling_node, level, legal_breached';
const OPEN_COUNTERS = ['open_cases', 'rectifications_open'];
const DAILY_COUNTERS = [
  'received',
  'accepted',
  'not_accepted',
  'instant',
  'with_supplement',
  'promised_days_sum',
  'completed',
  'completed_ahead',
  'completed_on_time',
  'completed_overdue',
  'completed_measured',
  'working_days_used_sum',
  'rated_1',
  'rated_2',
  'rated_3',
  'rated_4',
  'rated_5',
];

/** The statements that add a trigger's rows (`rows`, with %ROWS% for the row function) to the counters. */
function applyChanges(rows: string): string {
  const upsert = (table: string, keys: string, counters: string[], fn: string, where: string) => `
        INSERT INTO ${table} AS s
        SELECT ${keys}, ${counters.map((c) => `sum(${c})`).join(', ')}
        FROM (${rows.replaceAll('%ROWS%', fn)}) x
        ${where}
        GROUP BY ${keys}
        HAVING ${counters.map((c) => `sum(${c}) <> 0`).join(' OR ')}
        ORDER BY ${keys}
        ON CONFLICT ON CONSTRAINT pk_${table} DO UPDATE SET
          ${counters.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')};`;
  return (
    upsert('stats_daily', DAILY_KEYS, DAILY_COUNTERS, 'stats_daily_rows', 'WHERE day IS NOT NULL') +
    upsert('stats_open', OPEN_KEYS, OPEN_COUNTERS, 'stats_open_rows', '')
  );
}

/**
 * One upsert statement fires both statistics triggers (insert, then update), each locking counter
 * rows in key order — but not in one order across the two, so two concurrent writers could
 * deadlock on the counters. Each transaction now takes one advisory lock before its first counter
 * write and keeps it to the end: writers of case_record queue on it, after their own case rows.
 */
export class StatisticsLock1764400000005 implements MigrationInterface {
  name = 'StatisticsLock1764400000005';

  async up(q: QueryRunner): Promise<void> {
    await this.functions(q, `PERFORM pg_advisory_xact_lock(${STATS_LOCK});`);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.functions(q, '');
  }

  private async functions(q: QueryRunner, lock: string): Promise<void> {
    for (const [name, rows] of [
      ['stats_after_insert', INSERTED],
      ['stats_after_update', UPDATED],
    ]) {
      await q.query(`
        CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          ${lock}
          ${applyChanges(rows)}
          RETURN NULL;
        END
        $fn$`);
    }
  }
}
