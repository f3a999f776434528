import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { FederationEvent, SupervisionTicket } from '@fed/contracts';

export interface TicketRow {
  ticketId: string;
  caseNo: string;
  issuer: string;
  officer: string;
  reason: string;
  dueDate: string | null;
  issuedAt: string;
  status: 'issued' | 'delivered' | 'answered';
  deliveredTo: string | null;
  deliveredAt: string | null;
  answer: string | null;
  answeredAt: string | null;
}

type Raw = {
  ticket_id: string;
  case_no: string;
  issuer: string;
  officer: string;
  reason: string;
  due_date: string | null;
  issued_at: Date;
  status: TicketRow['status'];
  delivered_to: string | null;
  delivered_at: Date | null;
  answer: string | null;
  answered_at: Date | null;
};

/** due_date as text: pg would make a Date of it at local midnight. */
const COLUMNS =
  'ticket_id, case_no, issuer, officer, reason, due_date::text AS due_date, issued_at, status, delivered_to, delivered_at, answer, answered_at';

const toRow = (r: Raw): TicketRow => ({
  ticketId: r.ticket_id,
  caseNo: r.case_no,
  issuer: r.issuer,
  officer: r.officer,
  reason: r.reason,
  dueDate: r.due_date,
  issuedAt: r.issued_at.toISOString(),
  status: r.status,
  deliveredTo: r.delivered_to,
  deliveredAt: r.delivered_at?.toISOString() ?? null,
  answer: r.answer,
  answeredAt: r.answered_at?.toISOString() ?? null,
});

@Injectable()
export class SupervisionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores tickets not seen before; returns the new ones. */
  async store(
    m: EntityManager,
    tickets: { ticket: SupervisionTicket; issuer: string; issuedAt: Date }[],
  ): Promise<string[]> {
    if (tickets.length === 0) return [];
    const rows: { ticket_id: string }[] = await m.query(
      `WITH inserted AS (
         INSERT INTO supervision_ticket (ticket_id, case_no, issuer, officer, reason, due_date, issued_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::timestamptz[])
         ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id)
       SELECT ticket_id FROM inserted`,
      [
        tickets.map((t) => t.ticket.ticketId),
        tickets.map((t) => t.ticket.caseNo),
        tickets.map((t) => t.issuer),
        tickets.map((t) => t.ticket.officer),
        tickets.map((t) => t.ticket.reason),
        tickets.map((t) => t.ticket.dueDate || null),
        tickets.map((t) => t.issuedAt.toISOString()),
      ],
    );
    return rows.map((r) => r.ticket_id);
  }

  /** Follows tickets as their case events arrive: delivered, then answered. */
  async track(m: EntityManager, events: { event: FederationEvent }[]): Promise<void> {
    for (const { event } of events) {
      const body = event.body;
      if (body.type === 'case.supervision-received' && body.action.action === 'acknowledge-supervision') {
        await m.query(
          `UPDATE supervision_ticket SET status = 'delivered', delivered_to = $2, delivered_at = $3
           WHERE ticket_id = $1 AND status = 'issued'`,
          [body.action.ticketId, event.originNode, event.occurredAt.toISOString()],
        );
      } else if (body.type === 'case.supervision-answered' && body.action.action === 'answer-supervision') {
        await m.query(
          `UPDATE supervision_ticket SET status = 'answered', answer = $2, answered_at = $3,
             delivered_to = coalesce(delivered_to, $4), delivered_at = coalesce(delivered_at, $3)
           WHERE ticket_id = $1`,
          [body.action.ticketId, body.action.answer, event.occurredAt.toISOString(), event.originNode],
        );
      }
    }
  }

  /** Tickets this node stored that are not yet delivered, for cases it handles. */
  async undeliveredHandledBy(node: string): Promise<TicketRow[]> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM supervision_ticket
       WHERE status = 'issued' AND case_no IN (SELECT case_no FROM case_record WHERE handling_node = $1)
       ORDER BY issued_at LIMIT 500`,
      [node],
    );
    return rows.map(toRow);
  }

  async list(filter: { status?: string; caseNo?: string }, limit: number): Promise<TicketRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.caseNo) where.push(`case_no = $${params.push(filter.caseNo)}`);
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM supervision_ticket ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY issued_at DESC LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map(toRow);
  }

  async get(ticketId: string): Promise<TicketRow | null> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM supervision_ticket WHERE ticket_id = $1`,
      [ticketId],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }
}
