import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refused event is set aside once per sender, however many copies of it that sender publishes: a
 * relay that dies between publishing and deleting its outbox rows publishes them again, at new
 * offsets, and the position alone would record (and count) the refused one again. The same event
 * from another sender is another refusal, worth its own letter. Messages that never decoded have no
 * event id and stay unique by position.
 */
export class DeadLetterEventId1764700000000 implements MigrationInterface {
  name = 'DeadLetterEventId1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letter ADD COLUMN event_id uuid`);
    await q.query(
      `CREATE UNIQUE INDEX uq_dead_letter_event ON dead_letter (event_id, coalesce(sender, '')) WHERE event_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX uq_dead_letter_event`);
    await q.query(`ALTER TABLE dead_letter DROP COLUMN event_id`);
  }
}
