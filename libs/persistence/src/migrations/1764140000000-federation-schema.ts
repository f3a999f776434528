import { MigrationInterface, QueryRunner } from 'typeorm';

/** The replica schema every node holds: cases, their event history (the inbox), outbox, sync bookkeeping. */
export class FederationSchema1764140000000 implements MigrationInterface {
  name = 'FederationSchema1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_record (
        case_no        text        NOT NULL,
        version        integer     NOT NULL,
        community_code text        NOT NULL,
        district_code  text        NOT NULL,
        city_code      text        NOT NULL,
        item_code      text        NOT NULL,
        channel        text        NOT NULL,
        status         text        NOT NULL,
        applicant      jsonb       NOT NULL,
        form_data      jsonb       NOT NULL,
        filed_at       timestamptz NOT NULL,
        handling_node  text        NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_case_record PRIMARY KEY (case_no),
        CONSTRAINT ck_case_record_version CHECK (version >= 1)
      )`);
    await q.query(`CREATE INDEX ix_case_record_filed ON case_record (filed_at DESC, case_no DESC)`);
    await q.query(
      `CREATE INDEX ix_case_record_district_filed ON case_record (district_code, filed_at DESC, case_no DESC)`,
    );
    await q.query(
      `CREATE INDEX ix_case_record_community_filed ON case_record (community_code, filed_at DESC, case_no DESC)`,
    );

    // Every applied event of every case, in version order: the case history and the inbox at once.
    await q.query(`
      CREATE TABLE case_event (
        case_no     text        NOT NULL,
        version     integer     NOT NULL,
        event_id    uuid        NOT NULL,
        event_type  text        NOT NULL,
        origin_node text        NOT NULL,
        occurred_at timestamptz NOT NULL,
        -- clock_timestamp(), not now(): the moment the row is written, not the start of the transaction.
        applied_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        envelope    bytea       NOT NULL,
        CONSTRAINT pk_case_event PRIMARY KEY (case_no, version),
        CONSTRAINT uq_case_event_event_id UNIQUE (event_id)
      )`);

    // Personal data of applicants stays at the community that filed the case (DESIGN §5).
    await q.query(`
      CREATE TABLE case_applicant (
        case_no   text NOT NULL,
        name      text NOT NULL,
        id_number text NOT NULL,
        phone     text NOT NULL,
        CONSTRAINT pk_case_applicant PRIMARY KEY (case_no)
      )`);

    // Written in the same transaction as the change it announces; the relay publishes and deletes.
    await q.query(`
      CREATE TABLE outbox (
        id         bigserial   NOT NULL,
        topic      text        NOT NULL,
        message_key text       NOT NULL,
        payload    bytea       NOT NULL,
        headers    jsonb       NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_outbox PRIMARY KEY (id)
      )`);

    // Events that arrived before an earlier version of their case; applied once the gap is filled.
    await q.query(`
      CREATE TABLE parked_event (
        case_no   text        NOT NULL,
        version   integer     NOT NULL,
        event_id  uuid        NOT NULL,
        sender    text,
        envelope  bytea       NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_parked_event PRIMARY KEY (case_no, version)
      )`);

    // Per origin node: how much of it this node holds and how fresh it is.
    await q.query(`
      CREATE TABLE sync_source (
        origin_node         text        NOT NULL,
        origin_tier         text        NOT NULL,
        events_applied      bigint      NOT NULL DEFAULT 0,
        duplicates_skipped  bigint      NOT NULL DEFAULT 0,
        last_event_at       timestamptz,
        last_applied_at     timestamptz,
        last_delay_ms       bigint,
        CONSTRAINT pk_sync_source PRIMARY KEY (origin_node)
      )`);

    // Messages set aside with the reason; also published to the node's dead-letter topic.
    await q.query(`
      CREATE TABLE dead_letter (
        id          bigserial   NOT NULL,
        topic       text        NOT NULL,
        partition   integer     NOT NULL,
        "offset"    text        NOT NULL,
        message_key text,
        sender      text,
        reason      text        NOT NULL,
        payload     bytea,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_dead_letter PRIMARY KEY (id),
        CONSTRAINT uq_dead_letter_position UNIQUE (topic, partition, "offset")
      )`);

    // Case numbers are handed out in blocks of 1000 per sequence value (fewer round trips on filing).
    await q.query(`CREATE SEQUENCE case_no_block_seq START 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SEQUENCE case_no_block_seq`);
    for (const table of [
      'dead_letter',
      'sync_source',
      'parked_event',
      'outbox',
      'case_applicant',
      'case_event',
      'case_record',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
