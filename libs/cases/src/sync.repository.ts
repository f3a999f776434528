import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SourceRow {
  origin_node: string;
  origin_tier: string;
  events_applied: string;
  duplicates_skipped: string;
  last_event_at: Date | null;
  last_applied_at: Date | null;
  last_delay_ms: string | null;
}

@Injectable()
export class SyncRepository {
  constructor(private readonly dataSource: DataSource) {}

  async sources(): Promise<SourceRow[]> {
    return this.dataSource.query(`SELECT * FROM sync_source ORDER BY origin_node`);
  }

  /** Parked events, dead letters and unpublished outbox rows, counted in one round trip. */
  async backlogs(): Promise<{ parked: number; deadLetters: number; outbox: number }> {
    const [row] = await this.dataSource.query<{ parked: number; dead_letters: number; outbox: number }[]>(
      `SELECT (SELECT count(*) FROM parked_event)::int AS parked,
              (SELECT count(*) FROM dead_letter)::int AS dead_letters,
              (SELECT count(*) FROM outbox)::int AS outbox`,
    );
    return { parked: row.parked, deadLetters: row.dead_letters, outbox: row.outbox };
  }

  async recentDeadLetters(limit: number) {
    const rows: {
      id: string;
      topic: string;
      partition: number;
      offset: string;
      message_index: number;
      message_key: string | null;
      sender: string | null;
      reason: string;
      received_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id, topic, partition, "offset", message_index, message_key, sender, reason, received_at
       FROM dead_letter ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      index: r.message_index,
      key: r.message_key,
      sender: r.sender,
      reason: r.reason,
      receivedAt: r.received_at.toISOString(),
    }));
  }
}
