import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseSnapshot, FederationEvent } from '@fed/contracts';
import { OutboxRow } from '@fed/federation';
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
  event: FederationEvent;
  raw: Buffer;
  outbox: OutboxRow;
}

@Injectable()
export class FilingRepository {
  private block?: Promise<{ next: number; end: number }>;

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

  /** Case, first event, applicant's personal data and outbox row: one statement, so one transaction. */
  async insert(c: FiledCase): Promise<void> {
    const s = c.snapshot;
    await this.dataSource.query(
      `WITH new_case AS (
         INSERT INTO case_record (case_no, version, community_code, district_code, city_code, item_code, channel,
                                  status, applicant, form_data, filed_at, handling_node)
         VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)),
       new_event AS (
         INSERT INTO case_event (case_no, version, event_id, event_type, origin_node, occurred_at, envelope)
         VALUES ($1, 1, $12, $13, $2, $10, $14)),
       personal AS (
         INSERT INTO case_applicant (case_no, name, id_number, phone) VALUES ($1, $15, $16, $17))
       INSERT INTO outbox (topic, message_key, payload, headers) VALUES ($18, $1, $14, $19)`,
      [
        s.caseNo,
        s.communityCode,
        s.districtCode,
        s.cityCode,
        s.itemCode,
        s.channel,
        s.status,
        JSON.stringify(s.applicant),
        JSON.stringify(s.formData),
        s.filedAt,
        s.handlingNode,
        c.event.eventId,
        c.event.body.type,
        c.raw,
        c.personal.name,
        c.personal.idNumber,
        c.personal.phone,
        c.outbox.topic,
        JSON.stringify(c.outbox.headers),
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
