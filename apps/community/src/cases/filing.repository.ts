import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseSnapshot, FederationEvent } from '@fed/contracts';
import { caseRow, caseRows } from '@fed/cases';
import { OutboxRow } from '@fed/federation';
import { isDatabaseUnavailable, JsonRun, jsonRuns, runValues, VALUE_OFFSET_SQL } from '@fed/persistence';
import { MicroBatcher } from '@fed/platform';
import { CASE_NO_BLOCK } from './case-number';

export interface ApplicantPersonal {
  name: string;
  idNumber: string;
  phone: string;
}

/** A filing sent with an Idempotency-Key, stored with its cases (see idempotency.ts). */
export interface FilingRequestRow {
  keyHash: Buffer;
  requestHash: Buffer;
  /** The answer, sealed with the client's key. */
  response: Buffer;
}

/** One filing's cases (one, or a bulk's) and, when it carried a key, its request. */
export interface Filing {
  cases: FiledCase[];
  request?: FilingRequestRow;
}

/** A new case with everything written with it. */
export interface FiledCase {
  snapshot: CaseSnapshot;
  personal: ApplicantPersonal;
  /** Given to the applicant to look the case up; stored only as a hash. */
  queryCode: string;
  event: FederationEvent;
  raw: Buffer;
  outbox: OutboxRow;
}

@Injectable()
export class FilingRepository {
  private block?: Promise<{ next: number; end: number }>;
  /**
   * Filings, single or bulk, that arrive while a filing transaction runs share the next one (group
   * commit): one set of statements (one per run of STATEMENT_PARAM_BYTES) and one commit for all of
   * them. A shared transaction that fails is retried filing by filing, so one request's fault fails
   * no other; not when the database could not be reached or dropped the connection: the commit may
   * have happened with only its answer lost, and a filing alone would fail on its own stored case
   * number. Every filing of the group then fails as unavailable (the filing service's 503: send it
   * again with the same Idempotency-Key).
   */
  private readonly batcher = new MicroBatcher<Filing>((filings) => this.insertMany(filings), {
    maxWeight: 2000,
    weight: (filing) => filing.cases.length,
    retryAlone: (e) => !isDatabaseUnavailable(e),
  });

  constructor(private readonly dataSource: DataSource) {}

  /** Next case sequence number; a database sequence hands out blocks so filing needs no extra round trip. */
  async nextSequence(): Promise<number> {
    for (;;) {
      const block = await (this.block ??= this.takeBlock());
      if (block.next < block.end) return block.next++;
      const current = this.block;
      if (current !== undefined && (await current) === block) this.block = undefined;
    }
  }

  /**
   * Stores a filing's cases, each with its first event, the applicant's personal data and the outbox
   * row, and its request when it carried a key: all of it or none. A key stored already fails it with
   * a unique violation on pk_filing_request (isRepeatedKey).
   */
  insert(filing: Filing): Promise<void> {
    return this.batcher.add(filing);
  }

  /** The request stored under a key's hash, if any. */
  async findRequest(keyHash: Buffer): Promise<FilingRequestRow | undefined> {
    const [row] = await this.dataSource.query<{ request_hash: Buffer; response: Buffer }[]>(
      `SELECT request_hash, response FROM filing_request WHERE key_hash = $1`,
      [keyHash],
    );
    return row && { keyHash, requestHash: row.request_hash, response: row.response };
  }

  /** Forgets the requests stored before `before`; returns how many. */
  async forgetRequests(before: Date): Promise<number> {
    // Counted in a SELECT: TypeORM answers a bare DELETE with [rows, count], not the rows.
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM filing_request WHERE created_at < $1 RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before],
    );
    return row.n;
  }

  /**
   * All of them in one transaction: each case with its event, personal data and outbox row, in runs of
   * a few hundred kilobytes (STATEMENT_PARAM_BYTES), one statement per run.
   */
  private async insertMany(filings: Filing[]): Promise<void> {
    const cases = filings.length === 1 ? filings[0].cases : filings.flatMap((f) => f.cases);
    const requests = filings.flatMap((f) => (f.request ? [f.request] : []));
    const rows = cases.map((c) => {
      // Fields added to the row rather than spread into a new object: the spread was 5 % of a
      // community's CPU under bulk filing.
      const row = caseRow(1, c.snapshot);
      row.event_id = c.event.eventId;
      row.event_type = c.event.body.type;
      row.name = c.personal.name;
      row.id_number = c.personal.idNumber;
      row.phone = c.personal.phone;
      row.topic = c.outbox.topic;
      row.headers = c.outbox.headers;
      row.bl = c.raw.length;
      return row;
    });
    const envelopes = cases.map((c) => c.raw);
    const runs = jsonRuns(rows, envelopes);
    // One statement is atomic by itself: no BEGIN and COMMIT round trips for the common case.
    if (runs.length === 1 && requests.length === 0) {
      return this.insertRun(this.dataSource.manager, runs[0], envelopes);
    }
    await this.dataSource.transaction(async (m) => {
      // The requests first: a repeated key fails the transaction before any case is written.
      if (requests.length > 0) {
        await m.query(
          `INSERT INTO filing_request (key_hash, request_hash, response)
           SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::bytea[])`,
          [
            requests.map((r) => r.keyHash),
            requests.map((r) => r.requestHash),
            requests.map((r) => r.response),
          ],
        );
      }
      for (const run of runs) await this.insertRun(m, run, envelopes);
    });
  }

  private async insertRun(m: EntityManager, run: JsonRun, envelopes: Buffer[]): Promise<void> {
    await m.query(
      `WITH t AS MATERIALIZED (
         SELECT *, ${VALUE_OFFSET_SQL} AS bo
         FROM ${caseRows(1, 'event_id uuid, event_type text, name text, id_number text, phone text, topic text, headers jsonb, bl int')}),
       new_case AS (
         INSERT INTO case_record (case_no, version, community_code, district_code, city_code, item_code, channel,
                                  status, applicant, form_data, filed_at, handling_node, item, query_code_hash,
                                  lifecycle)
         SELECT case_no, 1, community_code, district_code, city_code, item_code, channel, status, applicant,
                form_data, filed_at, handling_node, item, query_code_hash, lifecycle
         FROM t),
       new_event AS (
         INSERT INTO case_event (case_no, version, event_id, event_type, origin_node, occurred_at, envelope)
         SELECT case_no, 1, event_id, event_type, community_code, filed_at, substring($2::bytea FROM bo FOR bl)
         FROM t),
       personal AS (
         INSERT INTO case_applicant (case_no, name, id_number, phone)
         SELECT case_no, name, id_number, phone FROM t)
       INSERT INTO outbox (topic, message_key, payload, headers)
       SELECT topic, case_no, substring($2::bytea FROM bo FOR bl), headers FROM t ORDER BY ordinality`,
      [run.json, runValues(run, envelopes)],
    );
  }

  private async takeBlock(): Promise<{ next: number; end: number }> {
    const [row] = await this.dataSource.query<{ b: string }[]>(
      `SELECT nextval('case_no_block_seq')::bigint AS b`,
    );
    const start = Number(row.b) * CASE_NO_BLOCK;
    return { next: start, end: start + CASE_NO_BLOCK };
  }
}

/**
 * Whether `e` is the unique violation of a key stored already (a repeated or concurrent request).
 * TypeORM's QueryFailedError carries the driver's `code` and `constraint` itself.
 */
export function isRepeatedKey(e: unknown): boolean {
  const err = e as { code?: unknown; constraint?: unknown } | null;
  return err?.code === '23505' && err.constraint === 'pk_filing_request';
}
