import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseSnapshot, FederationEvent } from '@fed/contracts';
import { caseRow, caseRows } from '@fed/cases';
import { OutboxRow } from '@fed/federation';
import { JsonRun, jsonRuns, runValues, VALUE_OFFSET_SQL } from '@fed/persistence';
import { MicroBatcher } from '@fed/platform';
import { CASE_NO_BLOCK } from './case-number';

export interface ApplicantPersonal {
  name: string;
  idNumber: string;
  phone: string;
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
   * no other.
   */
  private readonly batcher = new MicroBatcher<FiledCase[]>((groups) => this.insertMany(groups.flat()), {
    maxWeight: 2000,
    weight: (cases) => cases.length,
    retryAlone: true,
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

  /** Stores a new case with its first event, the applicant's personal data and the outbox row, atomically. */
  insert(c: FiledCase): Promise<void> {
    return this.batcher.add([c]);
  }

  /** Stores several new cases in one transaction: all of them or none. */
  insertAll(cases: FiledCase[]): Promise<void> {
    return this.batcher.add(cases);
  }

  /**
   * All of them in one transaction: each case with its event, personal data and outbox row, in runs of
   * a few hundred kilobytes (STATEMENT_PARAM_BYTES), one statement per run.
   */
  private async insertMany(cases: FiledCase[]): Promise<void> {
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
    if (runs.length === 1) return this.insertRun(this.dataSource.manager, runs[0], envelopes);
    await this.dataSource.transaction(async (m) => {
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
