import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case lifecycle (item terms, folded lifecycle, citizen query code) and the reference data that
 * flows down: the service-item catalog and the working-day calendar, each kept at its newest version
 * with every version it went through.
 */
export class LifecycleAndReferenceData1764300000000 implements MigrationInterface {
  name = 'LifecycleAndReferenceData1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // Rows from before this migration keep an empty item and lifecycle; the read side treats them as legacy.
    await q.query(`
      ALTER TABLE case_record
        ADD COLUMN item            jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN query_code_hash text  NOT NULL DEFAULT '',
        ADD COLUMN lifecycle       jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE case_record ALTER COLUMN item DROP DEFAULT`);
    await q.query(`ALTER TABLE case_record ALTER COLUMN query_code_hash DROP DEFAULT`);
    await q.query(`ALTER TABLE case_record ALTER COLUMN lifecycle DROP DEFAULT`);
    await q.query(`CREATE INDEX ix_case_record_status ON case_record (status, handling_node)`);

    // The newest version of each reference subject ("catalog/<owner>/<code>", "calendar/<owner>",
    // "calendar-overrides/<owner>") this node knows, published here or received from above.
    await q.query(`
      CREATE TABLE reference_data (
        subject     text        NOT NULL,
        kind        text        NOT NULL,
        owner       text        NOT NULL,
        version     integer     NOT NULL,
        event_id    uuid        NOT NULL,
        body        jsonb       NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_reference_data PRIMARY KEY (subject),
        CONSTRAINT ck_reference_data_kind CHECK (kind IN ('catalog', 'calendar', 'calendar-overrides')),
        CONSTRAINT ck_reference_data_version CHECK (version >= 1)
      )`);
    await q.query(`CREATE INDEX ix_reference_data_kind_owner ON reference_data (kind, owner)`);

    // Every version of every subject: what a case filed under an older item version ran under, and
    // when the calendar changed.
    await q.query(`
      CREATE TABLE reference_history (
        subject     text        NOT NULL,
        version     integer     NOT NULL,
        event_id    uuid        NOT NULL,
        body        jsonb       NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_reference_history PRIMARY KEY (subject, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reference_history`);
    await q.query(`DROP TABLE reference_data`);
    await q.query(`DROP INDEX ix_case_record_status`);
    await q.query(
      `ALTER TABLE case_record DROP COLUMN item, DROP COLUMN query_code_hash, DROP COLUMN lifecycle`,
    );
  }
}
