import { MigrationInterface, QueryRunner } from 'typeorm';

/** The alerts list reads the newest case.warning-changed events: an index keeps it bounded. */
export class WarningEventsIndex1764400000000 implements MigrationInterface {
  name = 'WarningEventsIndex1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_case_event_type_occurred ON case_event (event_type, occurred_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_case_event_type_occurred`);
  }
}
