import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CONTROL_CHARACTERS, FederationEvent } from '@fed/contracts';
import { byteStrings, jsonRuns, runValues, VALUE_OFFSET_SQL } from '@fed/persistence';
import { CurrentCase } from './case.fold';
import { CASE_COLUMNS, CaseRow, rowToSnapshot, caseRowRuns, UPSERT_CASES_SQL } from './case.row';

/** An event to record in the case history. */
export interface EventToStore {
  event: FederationEvent;
  raw: Buffer;
}

export interface ParkedRow {
  case_no: string;
  version: number;
  event_id: string;
  sender: string | null;
  envelope: Buffer;
}

export interface DeadLetterToStore {
  /**
   * Short class of the reason, a metric label: undecodable, not-allowed, conflict, or cannot-apply
   * (well-formed, but the database refuses it).
   */
  kind: 'undecodable' | 'not-allowed' | 'conflict' | 'cannot-apply';
  /**
   * The refused event's id, when it decoded: a copy of it arriving later from the same sender is not
   * set aside again.
   */
  eventId: string | null;
  topic: string;
  partition: number;
  offset: string;
  /** The envelope's place in the message's batch; -1 for the message as a whole. */
  index: number;
  key: string | null;
  sender: string | null;
  reason: string;
  payload: Buffer | null;
}

export interface SourceProgress {
  originNode: string;
  originTier: string;
  applied: number;
  duplicates: number;
  lastEventAt: Date | null;
  lastDelayMs: number | null;
}

/**
 * The advisory lock an applying transaction holds (beside the statistics' 74_651_001, taken at the
 * first write of a case).
 */
const APPLY_LOCK = 74_651_002;

/** The SQL of applying inbound events; every method runs inside the caller's transaction. */
@Injectable()
export class ReplicaRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one database transaction: a batch is applied entirely or not at all. */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Waits for any other applying transaction of this node to end; held until this one ends. */
  async lockApply(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock($1)`, [APPLY_LOCK]);
  }

  /** Current state of the cases, locked until the transaction ends. */
  async lockCases(m: EntityManager, caseNos: string[]): Promise<Map<string, CurrentCase>> {
    const rows: CaseRow[] = await m.query(
      `SELECT ${CASE_COLUMNS} FROM case_record WHERE case_no = ANY($1::text[]) ORDER BY case_no FOR UPDATE`,
      [caseNos],
    );
    return new Map(rows.map((r) => [r.case_no, { version: r.version, snapshot: rowToSnapshot(r) }]));
  }

  /** The node handling a case held here (a plain read: no lock), or null. */
  async handlingNode(m: EntityManager, caseNo: string): Promise<string | null> {
    const rows: { handling_node: string }[] = await m.query(
      `SELECT handling_node FROM case_record WHERE case_no = $1`,
      [caseNo],
    );
    return rows[0]?.handling_node ?? null;
  }

  /** Removes and returns the parked events of these cases (re-parked by the caller if still early). */
  async takeParked(m: EntityManager, caseNos: string[]): Promise<ParkedRow[]> {
    // Wrapped in a SELECT: TypeORM answers a bare DELETE ... RETURNING with [rows, count].
    return m.query(
      `WITH taken AS (DELETE FROM parked_event WHERE case_no = ANY($1::text[])
                      RETURNING case_no, version, event_id, sender, envelope)
       SELECT * FROM taken`,
      [caseNos],
    );
  }

  /** Stored event ids of the given `caseNo:version` keys. */
  async appliedEventIds(
    m: EntityManager,
    keys: { caseNo: string; version: number }[],
  ): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows: { case_no: string; version: number; event_id: string }[] = await m.query(
      `SELECT e.case_no, e.version, e.event_id FROM case_event e
       JOIN unnest($1::text[], $2::int[]) AS k(case_no, version) USING (case_no, version)`,
      [keys.map((k) => k.caseNo), keys.map((k) => k.version)],
    );
    return new Map(rows.map((r) => [`${r.case_no}:${r.version}`, r.event_id]));
  }

  /** In runs of a few hundred kilobytes (STATEMENT_PARAM_BYTES), one statement per run. */
  async insertEvents(m: EntityManager, events: EventToStore[]): Promise<void> {
    const rows = events.map(({ event, raw }) => ({
      c: event.caseNo,
      v: event.caseVersion,
      e: event.eventId,
      t: event.body.type,
      o: event.originNode,
      a: event.occurredAt.toISOString(),
      bl: raw.length,
    }));
    const envelopes = events.map((e) => e.raw);
    for (const run of jsonRuns(rows, envelopes)) {
      await m.query(
        `INSERT INTO case_event (case_no, version, event_id, event_type, origin_node, occurred_at, envelope)
         SELECT c, v, e, t, o, a, substring($2::bytea FROM ${VALUE_OFFSET_SQL} FOR bl)
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
           AS (c text, v int, e uuid, t text, o text, a timestamptz, bl int)) WITH ORDINALITY`,
        [run.json, runValues(run, envelopes)],
      );
    }
  }

  /** In runs of a few hundred kilobytes (STATEMENT_PARAM_BYTES), one statement per run. */
  async upsertCases(m: EntityManager, cases: CurrentCase[]): Promise<void> {
    for (const run of caseRowRuns(cases)) await m.query(UPSERT_CASES_SQL, [run.json]);
  }

  async park(m: EntityManager, events: (EventToStore & { sender: string | null })[]): Promise<void> {
    if (events.length === 0) return;
    const envelopes = byteStrings(events.map((e) => e.raw));
    await m.query(
      `INSERT INTO parked_event (case_no, version, event_id, sender, envelope)
       SELECT c, v, e, s, substring($5::bytea FROM bo FOR bl)
       FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $6::int[], $7::int[]) AS u(c, v, e, s, bo, bl)
       ON CONFLICT (case_no, version) DO NOTHING`,
      [
        events.map((e) => e.event.caseNo),
        events.map((e) => e.event.caseVersion),
        events.map((e) => e.event.eventId),
        events.map((e) => e.sender),
        envelopes.bytes,
        envelopes.offsets,
        envelopes.lengths,
      ],
    );
  }

  /**
   * Records dead letters and returns those recorded now, their texts made storable (see
   * `storableText`). One seen before — the same position (topic, partition, offset and index in the
   * message), or the same event from the same sender arriving again — is not recorded twice.
   */
  async insertDeadLetters(m: EntityManager, given: DeadLetterToStore[]): Promise<DeadLetterToStore[]> {
    if (given.length === 0) return [];
    const letters = given.map(storableLetter);
    const payloads = byteStrings(letters.map((l) => l.payload));
    const rows: { topic: string; partition: number; offset: string; message_index: number }[] = await m.query(
      `WITH inserted AS (INSERT INTO dead_letter (topic, partition, "offset", message_index, message_key, sender, reason,
                                                  payload, event_id)
       SELECT t, p, o, i, k, s, r, substring($7::bytea FROM bo FOR bl), e
       FROM unnest($1::text[], $2::int[], $3::text[], $8::int[], $4::text[], $5::text[], $6::text[], $9::int[], $10::int[],
                   $11::uuid[])
         AS u(t, p, o, i, k, s, r, bo, bl, e)
       ON CONFLICT DO NOTHING
       RETURNING topic, partition, "offset", message_index) SELECT * FROM inserted`,
      [
        letters.map((l) => l.topic),
        letters.map((l) => l.partition),
        letters.map((l) => l.offset),
        letters.map((l) => l.key),
        letters.map((l) => l.sender),
        letters.map((l) => l.reason),
        payloads.bytes,
        letters.map((l) => l.index),
        payloads.offsets,
        payloads.lengths,
        letters.map((l) => l.eventId),
      ],
    );
    const at = (topic: string, partition: number, offset: string, index: number) =>
      `${topic}/${partition}/${offset}#${index}`;
    const fresh = new Set(rows.map((r) => at(r.topic, r.partition, r.offset, r.message_index)));
    return letters.filter((l) => fresh.has(at(l.topic, l.partition, l.offset, l.index)));
  }

  async recordProgress(m: EntityManager, progress: SourceProgress[]): Promise<void> {
    if (progress.length === 0) return;
    const sorted = [...progress].sort((a, b) => a.originNode.localeCompare(b.originNode));
    await m.query(
      `INSERT INTO sync_source (origin_node, origin_tier, events_applied, duplicates_skipped, last_event_at,
                                last_applied_at, last_delay_ms)
       SELECT o, t, a, d, e, CASE WHEN a > 0 THEN now() END, l
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::timestamptz[], $6::bigint[])
         AS p(o, t, a, d, e, l)
       ON CONFLICT (origin_node) DO UPDATE SET
         events_applied = sync_source.events_applied + EXCLUDED.events_applied,
         duplicates_skipped = sync_source.duplicates_skipped + EXCLUDED.duplicates_skipped,
         last_event_at = GREATEST(sync_source.last_event_at, EXCLUDED.last_event_at),
         last_applied_at = COALESCE(EXCLUDED.last_applied_at, sync_source.last_applied_at),
         last_delay_ms = COALESCE(EXCLUDED.last_delay_ms, sync_source.last_delay_ms)`,
      [
        sorted.map((p) => p.originNode),
        sorted.map((p) => p.originTier),
        sorted.map((p) => p.applied),
        sorted.map((p) => p.duplicates),
        sorted.map((p) => p.lastEventAt?.toISOString() ?? null),
        sorted.map((p) => p.lastDelayMs),
      ],
    );
  }
}

/** The control characters free text may not hold, wherever they are. */
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`, 'g');
/** Longest reason kept; a reason quotes what it refuses, which may be long. */
const MAX_REASON = 2000;
/** Longest sender or key kept (a node code is 6 or 12 digits, a case number about 30). */
const MAX_LABEL = 200;

/**
 * A text PostgreSQL, a jsonb header and a log line all take: control characters (NUL above all, which
 * a text column refuses and which a reason quoting a hostile header or event type carries) written as
 * `\u0000`, and no more than `max` characters. Without it, a dead letter that cannot be stored would
 * stop its partition.
 */
export function storableText(text: string, max: number): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped.length <= max) return escaped;
  // Not half of a surrogate pair: a jsonb header refuses one.
  const end = /[\ud800-\udbff]/.test(escaped[max - 2]) ? max - 2 : max - 1;
  return `${escaped.slice(0, end)}…`;
}

function storableLetter(l: DeadLetterToStore): DeadLetterToStore {
  const label = (s: string | null) => (s === null ? null : storableText(s, MAX_LABEL));
  return { ...l, reason: storableText(l.reason, MAX_REASON), sender: label(l.sender), key: label(l.key) };
}
