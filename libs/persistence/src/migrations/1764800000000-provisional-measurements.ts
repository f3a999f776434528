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
];

/**
 * Completions measured on a provisional calendar (a year without an official holiday notice yet) are
 * counted apart, so that statistics show the share next to the exact figures: stats_daily gains
 * `completed_provisional`, and the statistics functions count it. This migration states the
 * statistics functions as they now stand, in full.
 */
export class ProvisionalMeasurements1764800000000 implements MigrationInterface {
  name = 'ProvisionalMeasurements1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stats_daily ADD COLUMN completed_provisional integer NOT NULL DEFAULT 0`);
    await this.functions(q, true);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.functions(q, false);
    await q.query(`ALTER TABLE stats_daily DROP COLUMN completed_provisional`);
  }

  private async functions(q: QueryRunner, provisional: boolean): Promise<void> {
    const counters = provisional ? [...DAILY_COUNTERS, 'completed_provisional'] : DAILY_COUNTERS;
    // Each row of the function lists every counter; the provisional one follows the others.
    const p = (value: string) => (provisional ? `, ${value}` : '');
    await q.query(`DROP FUNCTION stats_daily_rows(case_record, integer)`);
    await q.query(`
      CREATE FUNCTION stats_daily_rows(c case_record, sign integer)
      RETURNS TABLE (day date, district_code text, community_code text, item_code text, department text,
                     deciding_tier text, accepted_by text, decided_by text, received integer, accepted integer,
                     not_accepted integer, instant integer, with_supplement integer, promised_days_sum bigint,
                     completed integer, completed_ahead integer, completed_on_time integer,
                     completed_overdue integer, completed_measured integer, working_days_used_sum bigint,
                     rated_1 integer, rated_2 integer, rated_3 integer, rated_4 integer, rated_5 integer
                     ${p('completed_provisional integer')})
      LANGUAGE sql STABLE AS $fn$
        WITH k AS (
          SELECT c.district_code AS d, c.community_code AS cc, c.item_code AS it,
                 coalesce(c.item->>'department', '') AS dep, coalesce(c.item->>'decidingTier', '') AS tier,
                 coalesce(c.lifecycle->>'acceptedBy', '') AS acc, coalesce(c.lifecycle->>'decidedBy', '') AS dec,
                 c.lifecycle AS l, c.item AS i)
        -- received
        SELECT (c.filed_at AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec,
               sign, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0 ${p('0')} FROM k
        UNION ALL -- accepted
        SELECT ((l->>'acceptedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec,
               0, sign, 0,
               CASE WHEN (i->>'promisedDays')::int = 0 THEN sign ELSE 0 END,
               CASE WHEN jsonb_path_exists(l, '$.pauses[*] ? (@.kind == "supplement")') THEN sign ELSE 0 END,
               sign * coalesce((i->>'promisedDays')::bigint, 0),
               0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0 ${p('0')}
        FROM k WHERE l->>'acceptedAt' IS NOT NULL
        UNION ALL -- not accepted (不予受理)
        SELECT ((coalesce(l->>'rejectedAt', c.updated_at::text))::timestamptz AT TIME ZONE 'Asia/Shanghai')::date,
               d, cc, it, dep, tier, acc, dec,
               0, 0, sign, 0, 0, 0::bigint, 0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0 ${p('0')}
        FROM k WHERE c.status = 'rejected'
        UNION ALL -- completed (办结); measured on a provisional calendar counted apart too
        SELECT coalesce((l->'timing'->>'decidedOn')::date,
                        ((l->>'decidedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date),
               d, cc, it, dep, tier, acc, dec,
               0, 0, 0, 0, 0, 0::bigint, sign,
               CASE WHEN l->'timing'->>'completion' = 'ahead' THEN sign ELSE 0 END,
               CASE WHEN l->'timing'->>'completion' = 'on-time' THEN sign ELSE 0 END,
               CASE WHEN l->'timing'->>'completion' = 'overdue' THEN sign ELSE 0 END,
               CASE WHEN l->'timing'->>'completion' IS NOT NULL THEN sign ELSE 0 END,
               sign * coalesce((l->'timing'->>'workingDaysUsed')::bigint, 0),
               0, 0, 0, 0, 0
               ${p(`CASE WHEN l->'timing'->>'provisional' = 'true' THEN sign ELSE 0 END`)}
        FROM k WHERE l->>'decidedAt' IS NOT NULL
        UNION ALL -- rated (好差评)
        SELECT ((l->'rating'->>'at')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec,
               0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0, 0::bigint,
               CASE WHEN (l->'rating'->>'score')::int = 1 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 2 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 3 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 4 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 5 THEN sign ELSE 0 END
               ${p('0')}
        FROM k WHERE jsonb_typeof(l->'rating') = 'object'
      $fn$`);

    const upsert = (rows: string, table: string, keys: string, list: string[], fn: string, where: string) => `
        INSERT INTO ${table} AS s
        SELECT ${keys}, ${list.map((c) => `sum(${c})`).join(', ')}
        FROM (${rows.replaceAll('%ROWS%', fn)}) x
        ${where}
        GROUP BY ${keys}
        HAVING ${list.map((c) => `sum(${c}) <> 0`).join(' OR ')}
        ORDER BY ${keys}
        ON CONFLICT ON CONSTRAINT pk_${table} DO UPDATE SET
          ${list.map((c) => `${c} = s.${c} + EXCLUDED.${c}`).join(', ')};`;
    for (const [name, rows] of [
      ['stats_after_insert', 'SELECT r.* FROM new_cases n, %ROWS%(n, 1) r'],
      [
        'stats_after_update',
        'SELECT r.* FROM old_cases o, %ROWS%(o, -1) r UNION ALL SELECT r.* FROM new_cases n, %ROWS%(n, 1) r',
      ],
    ]) {
      await q.query(`
        CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          PERFORM pg_advisory_xact_lock(${STATS_LOCK});
          ${upsert(rows, 'stats_daily', DAILY_KEYS, counters, 'stats_daily_rows', 'WHERE day IS NOT NULL')}
          ${upsert(rows, 'stats_open', OPEN_KEYS, OPEN_COUNTERS, 'stats_open_rows', '')}
          RETURN NULL;
        END
        $fn$`);
    }
  }
}
