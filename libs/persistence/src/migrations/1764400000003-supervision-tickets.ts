import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervision tickets (督办): at the supervisor's node and every node on the way to the node handling
 * the case, with where each one stands (issued → delivered → answered).
 */
export class SupervisionTickets1764400000003 implements MigrationInterface {
  name = 'SupervisionTickets1764400000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supervision_ticket (
        ticket_id    uuid        NOT NULL,
        case_no      text        NOT NULL,
        issuer       text        NOT NULL,
        officer      text        NOT NULL DEFAULT '',
        reason       text        NOT NULL,
        due_date     date,
        issued_at    timestamptz NOT NULL,
        status       text        NOT NULL DEFAULT 'issued',
        delivered_to text,
        delivered_at timestamptz,
        answer       text,
        answered_at  timestamptz,
        received_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_supervision_ticket PRIMARY KEY (ticket_id),
        CONSTRAINT ck_supervision_ticket_status CHECK (status IN ('issued', 'delivered', 'answered'))
      )`);
    await q.query(`CREATE INDEX ix_supervision_ticket_status ON supervision_ticket (status, issued_at DESC)`);
    await q.query(`CREATE INDEX ix_supervision_ticket_case ON supervision_ticket (case_no)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_ticket`);
  }
}
