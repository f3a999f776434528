import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ReferenceBody, ReferenceEvent } from '@fed/contracts';

/** Reference data stored here: the newest version of a subject, as its body. */
export interface StoredReference<B extends ReferenceBody = ReferenceBody> {
  subject: string;
  owner: string;
  version: number;
  eventId: string;
  body: B;
  occurredAt: string;
}

type ReferenceKind = 'catalog' | 'calendar' | 'calendar-overrides';

const kindOf = (subject: string): ReferenceKind => subject.split('/')[0] as ReferenceKind;

/** Catalog and calendar as this node knows them: newest version per subject, and every version seen. */
@Injectable()
export class ReferenceRepository {
  private changes = 0;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Bumped after a commit that changed reference data here (this node's process is the only writer
   * of its database), so readers can cache what they derive from it until the next change.
   */
  get generation(): number {
    return this.changes;
  }

  /** To be called after the commit of a transaction in which `storeIfNewer` returned something. */
  changed(): void {
    this.changes++;
  }

  /**
   * Records reference events in the caller's transaction. Returns those not seen before (a new
   * version of their subject); the newest version of each subject becomes current.
   */
  async storeIfNewer(m: EntityManager, events: { event: ReferenceEvent }[]): Promise<ReferenceEvent[]> {
    if (events.length === 0) return [];
    const all = events.map((e) => e.event);
    const inserted: { subject: string; version: number }[] = await m.query(
      `WITH inserted AS (
         INSERT INTO reference_history (subject, version, event_id, body, occurred_at)
         SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::jsonb[], $5::timestamptz[])
         ON CONFLICT (subject, version) DO NOTHING
         RETURNING subject, version)
       SELECT * FROM inserted`,
      [
        all.map((e) => e.subject),
        all.map((e) => e.version),
        all.map((e) => e.eventId),
        all.map((e) => JSON.stringify(e.body)),
        all.map((e) => e.occurredAt.toISOString()),
      ],
    );
    const fresh = new Set(inserted.map((r) => `${r.subject}@${r.version}`));
    // One per subject and version, even when a batch carries two copies of an event.
    const newer = all.filter((e) => fresh.delete(`${e.subject}@${e.version}`));
    // The newest of each subject in this batch; it replaces the stored one only if it is newer.
    const newest = new Map<string, ReferenceEvent>();
    for (const e of newer) {
      const seen = newest.get(e.subject);
      if (!seen || seen.version < e.version) newest.set(e.subject, e);
    }
    const current = [...newest.values()].sort((a, b) => a.subject.localeCompare(b.subject));
    if (current.length > 0) {
      await m.query(
        `INSERT INTO reference_data (subject, kind, owner, version, event_id, body, occurred_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::uuid[], $6::jsonb[], $7::timestamptz[])
         ON CONFLICT (subject) DO UPDATE SET
           version = EXCLUDED.version, event_id = EXCLUDED.event_id, body = EXCLUDED.body,
           occurred_at = EXCLUDED.occurred_at, received_at = now()
         WHERE reference_data.version < EXCLUDED.version`,
        [
          current.map((e) => e.subject),
          current.map((e) => kindOf(e.subject)),
          current.map((e) => e.originNode),
          current.map((e) => e.version),
          current.map((e) => e.eventId),
          current.map((e) => JSON.stringify(e.body)),
          current.map((e) => e.occurredAt.toISOString()),
        ],
      );
    }
    return newer;
  }

  /** The bodies of the given subject versions this node holds, keyed `subject@version`. */
  async versions(
    m: EntityManager,
    keys: { subject: string; version: number }[],
  ): Promise<Map<string, ReferenceBody>> {
    // A batch of filings names the same few items many times: ask for each version once.
    const unique = [...new Map(keys.map((k) => [`${k.subject}@${k.version}`, k])).values()];
    if (unique.length === 0) return new Map();
    const rows: { subject: string; version: number; body: ReferenceBody }[] = await m.query(
      `SELECT h.subject, h.version, h.body FROM reference_history h
       JOIN unnest($1::text[], $2::int[]) AS k(subject, version) USING (subject, version)`,
      [unique.map((k) => k.subject), unique.map((k) => k.version)],
    );
    return new Map(rows.map((r) => [`${r.subject}@${r.version}`, r.body]));
  }

  /** Locks a subject for a publisher's read-modify-write; returns its current version (0 if none). */
  async lockSubject(m: EntityManager, subject: string): Promise<number> {
    // A transaction-scoped advisory lock also covers a subject that does not exist yet.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [subject]);
    const rows: { version: number }[] = await m.query(
      `SELECT version FROM reference_data WHERE subject = $1`,
      [subject],
    );
    return rows[0]?.version ?? 0;
  }

  /** Current reference data of one kind from the given owners. */
  async current<B extends ReferenceBody>(
    kind: ReferenceKind,
    owners: string[],
  ): Promise<StoredReference<B>[]> {
    return this.select<B>(`WHERE kind = $1 AND owner = ANY($2::text[])`, [kind, owners]);
  }

  /** The current version of every subject held here. */
  all(): Promise<StoredReference[]> {
    return this.select('', []);
  }

  private async select<B extends ReferenceBody>(
    where: string,
    params: unknown[],
  ): Promise<StoredReference<B>[]> {
    const rows: {
      subject: string;
      owner: string;
      version: number;
      event_id: string;
      body: B;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `SELECT subject, owner, version, event_id, body, occurred_at FROM reference_data ${where} ORDER BY subject`,
      params,
    );
    return rows.map((r) => ({
      subject: r.subject,
      owner: r.owner,
      version: r.version,
      eventId: r.event_id,
      body: r.body,
      occurredAt: r.occurred_at.toISOString(),
    }));
  }
}
