import { MigrationInterface, QueryRunner } from 'typeorm';

/** The counters' one lock (as 1764400000005-statistics-lock takes it). */
const STATS_LOCK = 74_651_001;

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
  'completed_provisional',
];

/**
 * Anti-entropy between tiers:
 * - `reconcile_child`: at a parent, the last check with each child and what it found and repaired;
 * - `broker_cluster`: every Kafka cluster this node has worked with (a new one: the broker's data is
 *   gone, and what was in flight with it);
 * - a statistics trigger for deleted case rows, so that a case removed by hand and then repaired
 *   from the event log is counted once, not twice.
 */
export class Reconciliation1764900000000 implements MigrationInterface {
  name = 'Reconciliation1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reconcile_child (
        child            text        NOT NULL,
        check_id         uuid,
        started_at       timestamptz,
        finished_at      timestamptz,
        outcome          text,
        references_agree boolean,
        cases_compared   integer     NOT NULL DEFAULT 0,
        messages         integer     NOT NULL DEFAULT 0,
        divergent        jsonb       NOT NULL DEFAULT '[]',
        unrepaired       jsonb       NOT NULL DEFAULT '[]',
        orphans          jsonb       NOT NULL DEFAULT '[]',
        conflicts        jsonb       NOT NULL DEFAULT '[]',
        counts           jsonb       NOT NULL DEFAULT '{}',
        checks_total     bigint      NOT NULL DEFAULT 0,
        repaired_total   bigint      NOT NULL DEFAULT 0,
        resent_total     bigint      NOT NULL DEFAULT 0,
        last_agreed_at   timestamptz,
        child_cluster_id text,
        CONSTRAINT pk_reconcile_child PRIMARY KEY (child)
      )`);
    await q.query(`
      CREATE TABLE broker_cluster (
        cluster_id text        NOT NULL,
        first_seen timestamptz NOT NULL DEFAULT now(),
        last_seen  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_broker_cluster PRIMARY KEY (cluster_id)
      )`);
    const upsert = (table: string, keys: string, list: string[], fn: string, where: string) => `
        INSERT INTO ${table} AS s
        SELECT ${keys}, ${list.map((c) => `sum(${c})`).join(', ')}
        FROM (SELECT r.* FROM old_cases o, ${fn}(o, -1) r) x
        ${where}
        GROUP BY ${keys}
        HAVING ${list.map((c) => `sum(${c}) <> 0`).join(' OR ')}
        ORDER BY ${keys}
        ON CONFLICT ON CONSTRAINT pk_${table} DO UPDATE SET
          ${list.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')};`;
    await q.query(`
      CREATE FUNCTION stats_after_delete() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(${STATS_LOCK});
        ${upsert('stats_daily', DAILY_KEYS, DAILY_COUNTERS, 'stats_daily_rows', 'WHERE day IS NOT NULL')}
        ${upsert('stats_open', OPEN_KEYS, OPEN_COUNTERS, 'stats_open_rows', '')}
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER tr_case_record_stats_delete AFTER DELETE ON case_record
      REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION stats_after_delete()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_case_record_stats_delete ON case_record`);
    await q.query(`DROP FUNCTION stats_after_delete()`);
    await q.query(`DROP TABLE broker_cluster`);
    await q.query(`DROP TABLE reconcile_child`);
  }
}
