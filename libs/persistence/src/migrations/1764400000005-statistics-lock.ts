import { MigrationInterface, QueryRunner } from 'typeorm';
import { applyChanges } from './1764400000001-compliance-statistics';

/** Held by a transaction from its first case write until it ends: the counters' one lock. */
const STATS_LOCK = 74_651_001;
const INSERTED = 'SELECT r.* FROM new_cases n, %ROWS%(n, 1) r';
const UPDATED =
  'SELECT r.* FROM old_cases o, %ROWS%(o, -1) r UNION ALL SELECT r.* FROM new_cases n, %ROWS%(n, 1) r';

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
