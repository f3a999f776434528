import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { jsonRuns, runValues, VALUE_OFFSET_SQL } from '@fed/persistence';
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

  /**
   * Appends rows inside the transaction of `manager`, in runs of a few hundred kilobytes
   * (STATEMENT_PARAM_BYTES), one statement per run.
   */
  async append(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    const described = rows.map((r) => ({ t: r.topic, k: r.key, h: r.headers, bl: r.value.length }));
    const payloads = rows.map((r) => r.value);
    for (const run of jsonRuns(described, payloads)) {
      // One JSON parameter rather than an array per column: pg escapes array elements one by one.
      // Ids follow the order of `rows` (ORDER BY the ordinality): the relay publishes in id order.
      await manager.query(
        `INSERT INTO outbox (topic, message_key, payload, headers)
         SELECT t, k, substring($2::bytea FROM ${VALUE_OFFSET_SQL} FOR bl), h
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (t text, k text, h jsonb, bl int)) WITH ORDINALITY
         ORDER BY ordinality`,
        [run.json, runValues(run, payloads)],
      );
    }
  }

  /**
   * Reads the oldest unpublished rows, lets `publish` send them, then deletes them: two round trips,
   * no transaction held across the broker call. If publishing fails nothing is deleted.
   *
   * No row lock is needed: each node runs one relay, and every pass reads all rows still present in
   * id order, so a row that commits late is simply published by the next pass (nothing is skipped,
   * unlike an "id greater than the last one" cursor). A second relay of the same node would only
   * publish some rows twice, which the receiving inbox absorbs.
   * @returns how many rows were published
   */
  async publishBatch(limit: number, publish: (rows: OutgoingMessage[]) => Promise<void>): Promise<number> {
    const rows = await this.dataSource.query<ClaimedRow[]>(
      `SELECT id, topic, message_key, payload, headers FROM outbox ORDER BY id LIMIT $1`,
      [limit],
    );
    if (rows.length === 0) return 0;
    await publish(
      rows.map((r) => ({ topic: r.topic, key: r.message_key, value: r.payload, headers: r.headers })),
    );
    await this.dataSource.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
    return rows.length;
  }

  async backlog(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM outbox`);
    return row.n;
  }
}
