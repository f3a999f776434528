import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Columns the oversight queries filter and sort on, kept from the case's JSON by a row trigger (a
 * generated column cannot cast text to timestamptz), with the indexes those queries use.
 */
export class OversightColumns1764400000002 implements MigrationInterface {
  name = 'OversightColumns1764400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE case_record
        ADD COLUMN department        text,
        ADD COLUMN accepted_at       timestamptz,
        ADD COLUMN decided_at        timestamptz,
        ADD COLUMN warning_level     text,
        ADD COLUMN legal_breached    boolean NOT NULL DEFAULT false,
        ADD COLUMN promised_deadline date`);
    await q.query(`
      CREATE FUNCTION case_record_derive() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        NEW.department := NEW.item->>'department';
        NEW.accepted_at := (NEW.lifecycle->>'acceptedAt')::timestamptz;
        NEW.decided_at := (NEW.lifecycle->>'decidedAt')::timestamptz;
        NEW.warning_level := NEW.lifecycle->'warning'->>'level';
        NEW.legal_breached := coalesce((NEW.lifecycle->'warning'->>'legalBreached')::boolean, false);
        NEW.promised_deadline := coalesce(NEW.lifecycle->'timing'->>'promisedDeadline',
                                          NEW.lifecycle->'warning'->>'promisedDeadline')::date;
        RETURN NEW;
      END
      $fn$`);
    await q.query(`
      CREATE TRIGGER tr_case_record_derive BEFORE INSERT OR UPDATE ON case_record
      FOR EACH ROW EXECUTE FUNCTION case_record_derive()`);
    // Touching every row runs the trigger (and the statistics trigger, which nets to nothing).
    await q.query(`UPDATE case_record SET updated_at = updated_at`);
    await q.query(`CREATE INDEX ix_case_record_open_warning ON case_record (warning_level, promised_deadline)
                   WHERE status IN ('accepted', 'supplement', 'special-procedure', 'suspended')`);
    await q.query(`CREATE INDEX ix_case_record_item ON case_record (item_code, filed_at DESC)`);
    await q.query(`CREATE INDEX ix_case_record_department ON case_record (department, filed_at DESC)`);
    await q.query(`CREATE INDEX ix_case_record_accepted ON case_record (accepted_at DESC)`);
    await q.query(`CREATE INDEX ix_case_record_decided ON case_record (decided_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const ix of ['open_warning', 'item', 'department', 'accepted', 'decided']) {
      await q.query(`DROP INDEX ix_case_record_${ix}`);
    }
    await q.query(`DROP TRIGGER tr_case_record_derive ON case_record`);
    await q.query(`DROP FUNCTION case_record_derive()`);
    await q.query(`
      ALTER TABLE case_record DROP COLUMN department, DROP COLUMN accepted_at, DROP COLUMN decided_at,
        DROP COLUMN warning_level, DROP COLUMN legal_breached, DROP COLUMN promised_deadline`);
  }
}
