import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compliance statistics maintained as cases change, never recomputed per query (效能统计).
 *
 * `stats_daily` holds counters by Asia/Shanghai day and by every dimension a supervisor groups by;
 * a case adds to the day it was received, the day it was accepted (or refused), the day it was
 * decided and the day it was rated. `stats_open` holds what is true now: open cases by warning
 * level, open rectifications. Statement-level triggers on case_record turn each write (filing,
 * action, replicated batch) into the difference between the case's old and new contribution, in
 * the same transaction: a case counts once at every tier that holds it, whoever wrote it.
 */
export class ComplianceStatistics1764400000001 implements MigrationInterface {
  name = 'ComplianceStatistics1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_daily (
        day                   date    NOT NULL,
        district_code         text    NOT NULL,
        community_code        text    NOT NULL,
        item_code             text    NOT NULL,
        department            text    NOT NULL,
        deciding_tier         text    NOT NULL,
        accepted_by           text    NOT NULL,
        decided_by            text    NOT NULL,
        received              integer NOT NULL DEFAULT 0,
        accepted              integer NOT NULL DEFAULT 0,
        not_accepted          integer NOT NULL DEFAULT 0,
        instant               integer NOT NULL DEFAULT 0,
        with_supplement       integer NOT NULL DEFAULT 0,
        promised_days_sum     bigint  NOT NULL DEFAULT 0,
        completed             integer NOT NULL DEFAULT 0,
        completed_ahead       integer NOT NULL DEFAULT 0,
        completed_on_time     integer NOT NULL DEFAULT 0,
        completed_overdue     integer NOT NULL DEFAULT 0,
        completed_measured    integer NOT NULL DEFAULT 0,
        working_days_used_sum bigint  NOT NULL DEFAULT 0,
        rated_1               integer NOT NULL DEFAULT 0,
        rated_2               integer NOT NULL DEFAULT 0,
        rated_3               integer NOT NULL DEFAULT 0,
        rated_4               integer NOT NULL DEFAULT 0,
        rated_5               integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_stats_daily PRIMARY KEY
          (day, district_code, community_code, item_code, department, deciding_tier, accepted_by, decided_by)
      )`);

    await q.query(`
      CREATE TABLE stats_open (
        district_code        text    NOT NULL,
        community_code       text    NOT NULL,
        item_code            text    NOT NULL,
        department           text    NOT NULL,
        deciding_tier        text    NOT NULL,
        handling_node        text    NOT NULL,
        -- 'none' (accepted, clock not run yet), 'green', 'yellow', 'red'; 'closed' for a finished case
        level                text    NOT NULL,
        legal_breached       boolean NOT NULL,
        open_cases           integer NOT NULL DEFAULT 0,
        rectifications_open  integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_stats_open PRIMARY KEY
          (district_code, community_code, item_code, department, deciding_tier, handling_node, level, legal_breached)
      )`);

    // What one case adds to the counters (sign +1) or takes back (sign -1).
    await q.query(`
      CREATE FUNCTION stats_daily_rows(c case_record, sign integer)
      RETURNS TABLE (day date, district_code text, community_code text, item_code text, department text,
                     deciding_tier text, accepted_by text, decided_by text, received integer, accepted integer,
                     not_accepted integer, instant integer, with_supplement integer, promised_days_sum bigint,
                     completed integer, completed_ahead integer, completed_on_time integer,
                     completed_overdue integer, completed_measured integer, working_days_used_sum bigint,
                     rated_1 integer, rated_2 integer, rated_3 integer, rated_4 integer, rated_5 integer)
      LANGUAGE sql STABLE AS $fn$
        WITH k AS (
          SELECT c.district_code AS d, c.community_code AS cc, c.item_code AS it,
                 coalesce(c.item->>'department', '') AS dep, coalesce(c.item->>'decidingTier', '') AS tier,
                 coalesce(c.lifecycle->>'acceptedBy', '') AS acc, coalesce(c.lifecycle->>'decidedBy', '') AS dec,
                 c.lifecycle AS l, c.item AS i)
        -- received
        SELECT (c.filed_at AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec,
               sign, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0 FROM k
        UNION ALL -- accepted
        SELECT ((l->>'acceptedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec,
               0, sign, 0,
               CASE WHEN (i->>'promisedDays')::int = 0 THEN sign ELSE 0 END,
               CASE WHEN jsonb_path_exists(l, '$.pauses[*] ? (@.kind == "supplement")') THEN sign ELSE 0 END,
               sign * coalesce((i->>'promisedDays')::bigint, 0),
               0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0
        FROM k WHERE l->>'acceptedAt' IS NOT NULL
        UNION ALL -- not accepted (不予受理)
        SELECT ((coalesce(l->>'rejectedAt', c.updated_at::text))::timestamptz AT TIME ZONE 'Asia/Shanghai')::date,
               d, cc, it, dep, tier, acc, dec,
               0, 0, sign, 0, 0, 0::bigint, 0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0
        FROM k WHERE c.status = 'rejected'
        UNION ALL -- completed (办结)
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
        FROM k WHERE l->>'decidedAt' IS NOT NULL
        UNION ALL -- rated (好差评)
        SELECT ((l->'rating'->>'at')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec,
               0, 0, 0, 0, 0, 0::bigint, 0, 0, 0, 0, 0, 0::bigint,
               CASE WHEN (l->'rating'->>'score')::int = 1 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 2 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 3 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 4 THEN sign ELSE 0 END,
               CASE WHEN (l->'rating'->>'score')::int = 5 THEN sign ELSE 0 END
        FROM k WHERE jsonb_typeof(l->'rating') = 'object'
      $fn$`);

    await q.query(`
      CREATE FUNCTION stats_open_rows(c case_record, sign integer)
      RETURNS TABLE (district_code text, community_code text, item_code text, department text, deciding_tier text,
                     handling_node text, level text, legal_breached boolean, open_cases integer,
                     rectifications_open integer)
      LANGUAGE sql STABLE AS $fn$
        SELECT c.district_code, c.community_code, c.item_code, coalesce(c.item->>'department', ''),
               coalesce(c.item->>'decidingTier', ''), c.handling_node,
               CASE WHEN c.status IN ('accepted', 'supplement', 'special-procedure', 'suspended')
                    THEN coalesce(c.lifecycle->'warning'->>'level', 'none') ELSE 'closed' END,
               coalesce((c.lifecycle->'warning'->>'legalBreached')::boolean, false)
                 AND c.status IN ('accepted', 'supplement', 'special-procedure', 'suspended'),
               CASE WHEN c.status IN ('accepted', 'supplement', 'special-procedure', 'suspended') THEN sign ELSE 0 END,
               CASE WHEN c.lifecycle->>'rectification' = 'open' THEN sign ELSE 0 END
        WHERE c.status IN ('accepted', 'supplement', 'special-procedure', 'suspended')
           OR c.lifecycle->>'rectification' = 'open'
      $fn$`);

    // The triggers apply the difference between old and new contributions (transition tables are
    // visible only to the trigger function itself, so each holds its statements), keys in one order
    // (no deadlocks between concurrent writers), rows that net to nothing skipped.
    const insertRows = 'SELECT r.* FROM new_cases n, %ROWS%(n, 1) r';
    const updateRows =
      'SELECT r.* FROM old_cases o, %ROWS%(o, -1) r UNION ALL SELECT r.* FROM new_cases n, %ROWS%(n, 1) r';
    await q.query(`
      CREATE FUNCTION stats_after_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        ${applyChanges(insertRows)}
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE FUNCTION stats_after_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        ${applyChanges(updateRows)}
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER tr_case_record_stats_insert AFTER INSERT ON case_record
      REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION stats_after_insert()`);
    await q.query(`
      CREATE TRIGGER tr_case_record_stats_update AFTER UPDATE ON case_record
      REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION stats_after_update()`);

    // Cases already stored count from the start.
    await q.query(`DO $do$ BEGIN ${applyChanges('SELECT r.* FROM case_record n, %ROWS%(n, 1) r')} END $do$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_case_record_stats_update ON case_record`);
    await q.query(`DROP TRIGGER tr_case_record_stats_insert ON case_record`);
    await q.query(`DROP FUNCTION stats_after_update()`);
    await q.query(`DROP FUNCTION stats_after_insert()`);
    await q.query(`DROP FUNCTION stats_open_rows(case_record, integer)`);
    await q.query(`DROP FUNCTION stats_daily_rows(case_record, integer)`);
    await q.query(`DROP TABLE stats_open`);
    await q.query(`DROP TABLE stats_daily`);
  }
}

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
const DAILY_KEYS =
  'day, district_code, community_code, item_code, department, deciding_tier, accepted_by, decided_by';
const OPEN_KEYS =
  'district_code, community_code, item_code, department, deciding_tier, handling_node, level, legal_breached';
const OPEN_COUNTERS = ['open_cases', 'rectifications_open'];

/** The two upserts that add `rows` (a SELECT over %ROWS%(case, sign)) to the counters. */
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
