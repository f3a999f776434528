import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { OutgoingMessage } from './kafka.adapter';

/** A row to append to the outbox, in the caller's transaction. */
export type OutboxRow = OutgoingMessage;

interface ClaimedRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends rows in one statement, inside the transaction of `manager`. */
  async append(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (topic, message_key, payload, headers)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[])`,
      [
        rows.map((r) => r.topic),
        rows.map((r) => r.key),
        rows.map((r) => r.value),
        rows.map((r) => JSON.stringify(r.headers)),
      ],
    );
  }

  /**
   * Claims the oldest unpublished rows (skipping rows another relay holds), lets `publish` send them,
   * and deletes them in the same transaction. If publishing fails nothing is deleted.
   * @returns how many rows were published
   */
  async publishBatch(limit: number, publish: (rows: OutgoingMessage[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const rows: ClaimedRow[] = await m.query(
        `SELECT id, topic, message_key, payload, headers FROM outbox
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      await publish(
        rows.map((r) => ({ topic: r.topic, key: r.message_key, value: r.payload, headers: r.headers })),
      );
      await m.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM outbox`);
    return row.n;
  }
}
