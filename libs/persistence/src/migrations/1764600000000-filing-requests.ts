import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Filing requests sent with an Idempotency-Key (a community's own table): the key's hash, the hash of
 * the request, and the answer, sealed with a key only the client holds. A repeated request is answered
 * from here instead of filing its cases again; rows go after a day.
 */
export class FilingRequests1764600000000 implements MigrationInterface {
  name = 'FilingRequests1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE filing_request (
        key_hash bytea NOT NULL,
        request_hash bytea NOT NULL,
        response bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_filing_request PRIMARY KEY (key_hash)
      )`);
    await q.query(`CREATE INDEX ix_filing_request_created ON filing_request (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE filing_request`);
  }
}
