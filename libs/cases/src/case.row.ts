import {
  CaseLifecycle,
  CaseSnapshot,
  CaseStatus,
  ChannelName,
  ItemTerms,
  OPEN_STATUSES,
} from '@fed/contracts';
import { JsonRun, jsonRuns } from '@fed/persistence';

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

/**
 * The case_record rows of `cases` as JSON arrays of a few hundred kilobytes each (`jsonRuns`), the
 * parameter `caseRows` reads. JSON instead of a text or jsonb array per column: pg escapes every
 * element of an array parameter (quotes and backslashes, element by element in JavaScript), and that
 * escaping, with the UTF-8 length and copy of the escaped text, was 19 % of a district's CPU in a
 * profile of bulk filing.
 */
export function caseRowRuns(cases: { version: number; snapshot: CaseSnapshot }[]): JsonRun[] {
  return jsonRuns(cases.map((c) => caseRow(c.version, c.snapshot)));
}

/** One row of a `caseRowRuns` array; a writer may add fields of its own (declared in `caseRows`). */
export function caseRow(version: number, s: CaseSnapshot): Record<string, unknown> {
  return {
    case_no: s.caseNo,
    version,
    community_code: s.communityCode,
    district_code: s.districtCode,
    city_code: s.cityCode,
    item_code: s.itemCode,
    channel: s.channel,
    status: s.status,
    applicant: s.applicant,
    form_data: s.formData,
    filed_at: s.filedAt,
    handling_node: s.handlingNode,
    item: s.item,
    query_code_hash: s.queryCodeHash,
    lifecycle: s.lifecycle,
  };
}

/**
 * The rows of a `caseRowRuns` parameter `$n` as a FROM item `t`, with `extra` column definitions and
 * `ordinality`, each row's place in the array (from 1), to order by. A JSON null or a missing field is
 * SQL NULL, even in a jsonb column.
 */
export const caseRows = (n: number, extra = ''): string => `
  ROWS FROM (jsonb_to_recordset($${n}::jsonb) AS (case_no text, version int, community_code text,
    district_code text, city_code text, item_code text, channel text, status text, applicant jsonb,
    form_data jsonb, filed_at timestamptz, handling_node text, item jsonb, query_code_hash text,
    lifecycle jsonb${extra ? `, ${extra}` : ''})) WITH ORDINALITY AS t`;

/** SQL condition: the case is open (OPEN_STATUSES; constants only). */
export const OPEN_SQL = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Upsert of case_record from a `caseRowRuns` parameter, newer versions win. */
export const UPSERT_CASES_SQL = `
  INSERT INTO case_record (case_no, version, community_code, district_code, city_code, item_code, channel,
                           status, applicant, form_data, filed_at, handling_node, item, query_code_hash, lifecycle)
  SELECT case_no, version, community_code, district_code, city_code, item_code, channel, status, applicant,
         form_data, filed_at, handling_node, item, query_code_hash, lifecycle
  FROM ${caseRows(1)}
  ON CONFLICT (case_no) DO UPDATE SET
    version = EXCLUDED.version, status = EXCLUDED.status, item_code = EXCLUDED.item_code,
    applicant = EXCLUDED.applicant, form_data = EXCLUDED.form_data, handling_node = EXCLUDED.handling_node,
    item = EXCLUDED.item, query_code_hash = EXCLUDED.query_code_hash, lifecycle = EXCLUDED.lifecycle,
    updated_at = now()
  WHERE case_record.version < EXCLUDED.version`;
