import {
  CaseLifecycle,
  CaseSnapshot,
  CaseStatus,
  ChannelName,
  ItemTerms,
  OPEN_STATUSES,
} from '@fed/contracts';

/** A case_record row as pg returns it. */
export interface CaseRow {
  case_no: string;
  version: number;
  community_code: string;
  district_code: string;
  city_code: string;
  item_code: string;
  channel: string;
  status: string;
  applicant: CaseSnapshot['applicant'];
  form_data: Record<string, unknown>;
  filed_at: Date;
  handling_node: string;
  item: ItemTerms;
  query_code_hash: string;
  lifecycle: CaseLifecycle;
  updated_at: Date;
}

export const CASE_COLUMNS = `case_no, version, community_code, district_code, city_code, item_code, channel, status,
  applicant, form_data, filed_at, handling_node, item, query_code_hash, lifecycle, updated_at`;

export function rowToSnapshot(r: CaseRow): CaseSnapshot {
  return {
    caseNo: r.case_no,
    communityCode: r.community_code,
    districtCode: r.district_code,
    cityCode: r.city_code,
    itemCode: r.item_code,
    channel: r.channel as ChannelName,
    applicant: r.applicant,
    formData: r.form_data,
    item: r.item,
    status: r.status as CaseStatus,
    filedAt: r.filed_at.toISOString(),
    handlingNode: r.handling_node,
    queryCodeHash: r.query_code_hash,
    lifecycle: r.lifecycle,
  };
}

/** Column arrays for a multi-row `unnest` upsert of case_record. */
export function snapshotColumns(cases: { version: number; snapshot: CaseSnapshot }[]): unknown[] {
  return [
    cases.map((c) => c.snapshot.caseNo),
    cases.map((c) => c.version),
    cases.map((c) => c.snapshot.communityCode),
    cases.map((c) => c.snapshot.districtCode),
    cases.map((c) => c.snapshot.cityCode),
    cases.map((c) => c.snapshot.itemCode),
    cases.map((c) => c.snapshot.channel),
    cases.map((c) => c.snapshot.status),
    cases.map((c) => JSON.stringify(c.snapshot.applicant)),
    cases.map((c) => JSON.stringify(c.snapshot.formData)),
    cases.map((c) => c.snapshot.filedAt),
    cases.map((c) => c.snapshot.handlingNode),
    cases.map((c) => JSON.stringify(c.snapshot.item)),
    cases.map((c) => c.snapshot.queryCodeHash),
    cases.map((c) => JSON.stringify(c.snapshot.lifecycle)),
  ];
}

/** SQL condition: the case is open (OPEN_STATUSES; constants only). */
export const OPEN_SQL = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** `INSERT ... SELECT FROM unnest(...)` of case_record, newer versions win. */
export const UPSERT_CASES_SQL = `
  INSERT INTO case_record (case_no, version, community_code, district_code, city_code, item_code, channel,
                           status, applicant, form_data, filed_at, handling_node, item, query_code_hash, lifecycle)
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::jsonb[], $10::jsonb[], $11::timestamptz[], $12::text[], $13::jsonb[],
                       $14::text[], $15::jsonb[])
  ON CONFLICT (case_no) DO UPDATE SET
    version = EXCLUDED.version, status = EXCLUDED.status, item_code = EXCLUDED.item_code,
    applicant = EXCLUDED.applicant, form_data = EXCLUDED.form_data, handling_node = EXCLUDED.handling_node,
    item = EXCLUDED.item, query_code_hash = EXCLUDED.query_code_hash, lifecycle = EXCLUDED.lifecycle,
    updated_at = now()
  WHERE case_record.version < EXCLUDED.version`;
