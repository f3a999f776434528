import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
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

/** The channel a trigger on `reference_data` notifies on every change (1764900000001-reference-notify). */
const CHANNEL = 'fed_reference_changed';
/** A safety net beside the notifications: how often the data's watermark is compared. */
const WATERMARK_POLL_MS = 5_000;
const RELISTEN_MS = 1_000;

/** Catalog and calendar as this node knows them: newest version per subject, and every version seen. */
@Injectable()
export class ReferenceRepository implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReferenceRepository.name);
  private changes = 0;
  private listener?: Client;
  private watermark?: string;
  private poll?: NodeJS.Timeout;
  private relisten?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Bumped whenever reference data changed in this node's database, by this process or another (a
   * rolling restart runs two), so that readers can cache what they derive from it until the next
   * change. This process bumps it itself after its own commits; a PostgreSQL notification tells it of
   * the others', and a watermark compared every few seconds of any it missed.
   */
  get generation(): number {
    return this.changes;
  }

  /** To be called after the commit of a transaction in which `storeIfNewer` returned something. */
  changed(): void {
    this.changes++;
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
    this.poll = setInterval(() => void this.compareWatermark(), WATERMARK_POLL_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    clearTimeout(this.relisten);
    await this.listener?.end().catch(() => undefined);
  }

  /** A connection of its own that LISTENs; lost, it is opened again and caches are dropped meanwhile. */
  private async listen(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url || this.closed) return;
    const client = new Client({ connectionString: url });
    const retry = (err: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.changes++;
      this.logger.warn({ msg: 'reference notifications lost; listening again', err: err.message });
      void client.end().catch(() => undefined);
      if (!this.closed) this.relisten = setTimeout(() => void this.listen(), RELISTEN_MS);
    };
    client.on('notification', () => this.changes++);
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection ended')));
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.changes++; // whatever changed before the LISTEN
    } catch (e) {
      retry(e as Error);
    }
  }

  /** Count and sum of versions of the current subjects: they grow with every change. */
  private async compareWatermark(): Promise<void> {
    try {
      const [row] = await this.dataSource.query<{ w: string }[]>(
        `SELECT count(*) || ':' || coalesce(sum(version), 0) AS w FROM reference_data`,
      );
      if (this.watermark !== undefined && row.w !== this.watermark) this.changes++;
      this.watermark = row.w;
    } catch (e) {
      this.logger.warn({ msg: 'reference data watermark not read', err: (e as Error).message });
    }
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
