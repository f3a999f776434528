import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to `reference_data` (catalog, calendar) notifies channel `fed_reference_changed` on
 * commit, whoever wrote it: each process of a node (two during a rolling restart) listens, and drops
 * what it derived from the old data.
 */
export class ReferenceNotify1764900000001 implements MigrationInterface {
  name = 'ReferenceNotify1764900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION reference_data_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_notify('fed_reference_changed', '');
        RETURN NULL;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER tr_reference_data_notify AFTER INSERT OR UPDATE OR DELETE ON reference_data
      FOR EACH STATEMENT EXECUTE FUNCTION reference_data_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tr_reference_data_notify ON reference_data`);
    await q.query(`DROP FUNCTION reference_data_notify()`);
  }
}
