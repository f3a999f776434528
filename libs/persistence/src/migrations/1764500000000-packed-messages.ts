import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Kafka message now carries a batch of envelopes: a dead letter is placed by its envelope's index in
 * the message as well (-1: the message as a whole), and one message can leave several.
 */
export class PackedMessages1764500000000 implements MigrationInterface {
  name = 'PackedMessages1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letter ADD COLUMN message_index integer NOT NULL DEFAULT -1`);
    await q.query(`ALTER TABLE dead_letter DROP CONSTRAINT uq_dead_letter_position`);
    await q.query(
      `ALTER TABLE dead_letter ADD CONSTRAINT uq_dead_letter_position UNIQUE (topic, partition, "offset", message_index)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letter DROP CONSTRAINT uq_dead_letter_position`);
    await q.query(`DELETE FROM dead_letter WHERE message_index > 0`);
    await q.query(
      `ALTER TABLE dead_letter ADD CONSTRAINT uq_dead_letter_position UNIQUE (topic, partition, "offset")`,
    );
    await q.query(`ALTER TABLE dead_letter DROP COLUMN message_index`);
  }
}
