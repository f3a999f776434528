import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseSnapshot, FederationEvent } from '@fed/contracts';
import { OutboxRow } from '@fed/federation';
import { byteStrings } from '@fed/persistence';
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
  private readonly batcher = new MicroBatcher<FiledCase>((cases) => this.insertMany(cases));

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
   * Stores a new case with its first event, the applicant's personal data and the outbox row, atomically.
   * Filings arriving together share one statement and one commit (group commit).
   */
  insert(c: FiledCase): Promise<void> {
    return this.batcher.add(c);
  }

  /** Stores several new cases in one statement: all of them or none. */
  insertAll(cases: FiledCase[]): Promise<void> {
    return this.insertMany(cases);
  }

  /** All of them in one statement, so one transaction: each case with its event, personal data and outbox row. */
  private async insertMany(cases: FiledCase[]): Promise<void> {
    const col = <V>(f: (c: FiledCase) => V) => cases.map(f);
    const envelopes = byteStrings(col((c) => c.raw));
    await this.dataSource.query(
      `WITH new_case AS (
         INSERT INTO case_record (case_no, version, community_code, district_code, city_code, item_code, channel,
                                  status, applicant, form_data, filed_at, handling_node, item, query_code_hash,
                                  lifecycle)
         SELECT c, 1, cc, dc, ci, it, ch, st, ap, fd, fa, hn, itm, qh, lc
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                     $8::jsonb[], $9::jsonb[], $10::timestamptz[], $11::text[], $20::jsonb[], $21::text[],
                     $22::jsonb[])
           AS t(c, cc, dc, ci, it, ch, st, ap, fd, fa, hn, itm, qh, lc)),
       new_event AS (
         INSERT INTO case_event (case_no, version, event_id, event_type, origin_node, occurred_at, envelope)
         SELECT c, 1, e, et, cc, fa, substring($14::bytea FROM bo FOR bl)
         FROM unnest($1::text[], $12::uuid[], $13::text[], $2::text[], $10::timestamptz[], $23::int[], $24::int[])
           AS t(c, e, et, cc, fa, bo, bl)),
       personal AS (
         INSERT INTO case_applicant (case_no, name, id_number, phone)
         SELECT * FROM unnest($1::text[], $15::text[], $16::text[], $17::text[]))
       INSERT INTO outbox (topic, message_key, payload, headers)
       SELECT t, k, substring($14::bytea FROM bo FOR bl), h
       FROM unnest($18::text[], $1::text[], $23::int[], $24::int[], $19::jsonb[]) AS u(t, k, bo, bl, h)`,
      [
        col((c) => c.snapshot.caseNo),
        col((c) => c.snapshot.communityCode),
        col((c) => c.snapshot.districtCode),
        col((c) => c.snapshot.cityCode),
        col((c) => c.snapshot.itemCode),
        col((c) => c.snapshot.channel),
        col((c) => c.snapshot.status),
        col((c) => JSON.stringify(c.snapshot.applicant)),
        col((c) => JSON.stringify(c.snapshot.formData)),
        col((c) => c.snapshot.filedAt),
        col((c) => c.snapshot.handlingNode),
        col((c) => c.event.eventId),
        col((c) => c.event.body.type),
        envelopes.bytes,
        col((c) => c.personal.name),
        col((c) => c.personal.idNumber),
        col((c) => c.personal.phone),
        col((c) => c.outbox.topic),
        col((c) => JSON.stringify(c.outbox.headers)),
        col((c) => JSON.stringify(c.snapshot.item)),
        col((c) => c.snapshot.queryCodeHash),
        col((c) => JSON.stringify(c.snapshot.lifecycle)),
        envelopes.offsets,
        envelopes.lengths,
      ],
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
