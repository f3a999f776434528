import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CASE_FILED,
  CaseAction,
  CaseSnapshot,
  CaseWarning,
  ContractError,
  decodeEvent,
  FederationEvent,
} from '@fed/contracts';
import { CASE_COLUMNS, CaseRow, OPEN_SQL, rowToSnapshot } from './case.row';

/**
 * A case as every tier shows it, with its version; without the query code's hash, which only the
 * citizen lookup compares (an 8-character code is found from its unsalted hash offline).
 */
export type CaseView = Omit<CaseSnapshot, 'queryCodeHash'> & { version: number };

export interface CaseEventView {
  version: number;
  eventId: string;
  type: string;
  originNode: string;
  occurredAt: string;
  appliedAt: string;
  /** Who acted, for lifecycle events (empty when the system acted). */
  officer?: string;
  /** What the action carried (reason, materials, outcome, ...), for lifecycle events. */
  action?: CaseAction;
}

/** A warning transition as the alerts list shows it: the case, the node that recorded it, and the warning. */
export type WarningEventView = CaseWarning & { caseNo: string; version: number; node: string };

/** Warning events read per page when filtering by level, and at most per request. */
const WARNING_PAGE = 500;
const WARNING_SCAN_LIMIT = 50_000;

export interface CaseFilter {
  districtCode?: string;
  communityCode?: string;
  status?: string;
  handlingNode?: string;
}

/** Reads of the case replica. */
@Injectable()
export class CasesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByCaseNo(caseNo: string): Promise<(CaseView & { applicantPersonal?: unknown }) | null> {
    const rows: (CaseRow & { personal: unknown })[] = await this.dataSource.query(
      `SELECT ${CASE_COLUMNS.replace(/(\w+)/g, 'c.$1')},
              CASE WHEN a.case_no IS NULL THEN NULL
                   ELSE json_build_object('name', a.name, 'idNumber', a.id_number, 'phone', a.phone) END AS personal
       FROM case_record c LEFT JOIN case_applicant a USING (case_no) WHERE c.case_no = $1`,
      [caseNo],
    );
    const row = rows[0];
    if (!row) return null;
    const view = toView(row);
    return row.personal ? { ...view, applicantPersonal: row.personal } : view;
  }

  /** The query code's hash of a case held here (for the citizen lookup only), or null. */
  async queryCodeHashOf(caseNo: string): Promise<string | null> {
    const rows: { query_code_hash: string }[] = await this.dataSource.query(
      `SELECT query_code_hash FROM case_record WHERE case_no = $1`,
      [caseNo],
    );
    return rows[0]?.query_code_hash ?? null;
  }

  /** One page, newest filings first, and the total matching. */
  async findPage(
    filter: CaseFilter,
    page: number,
    pageSize: number,
  ): Promise<{ items: CaseView[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.districtCode) where.push(`district_code = $${params.push(filter.districtCode)}`);
    if (filter.communityCode) where.push(`community_code = $${params.push(filter.communityCode)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.handlingNode) where.push(`handling_node = $${params.push(filter.handlingNode)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, count] = await Promise.all([
      this.dataSource.query<CaseRow[]>(
        `SELECT ${CASE_COLUMNS} FROM case_record ${clause}
         ORDER BY filed_at DESC, case_no DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, pageSize, (page - 1) * pageSize],
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM case_record ${clause}`, params),
    ]);
    return { items: rows.map(toView), total: count[0].n };
  }

  /** Open accepted cases this node handles, by case number after `after`: the warning clock's work. */
  async findOpenHandledBy(node: string, after: string, limit: number): Promise<CaseSnapshot[]> {
    const rows = await this.dataSource.query<CaseRow[]>(
      `SELECT ${CASE_COLUMNS} FROM case_record
       WHERE handling_node = $1 AND ${OPEN_SQL}
         AND case_no > $2
       ORDER BY case_no LIMIT $3`,
      [node, after, limit],
    );
    return rows.map(rowToSnapshot);
  }

  /**
   * Decided cases this node handles whose decision is not measured or was measured on a provisional
   * calendar, by case number after `after`: what a new official arrangement may correct.
   */
  async findRemeasurableHandledBy(node: string, after: string, limit: number): Promise<CaseSnapshot[]> {
    const rows = await this.dataSource.query<CaseRow[]>(
      `SELECT ${CASE_COLUMNS} FROM case_record
       WHERE handling_node = $1 AND lifecycle->>'decidedAt' IS NOT NULL AND lifecycle->>'acceptedAt' IS NOT NULL
         AND (jsonb_typeof(lifecycle->'timing') IS DISTINCT FROM 'object'
              OR lifecycle->'timing'->>'provisional' = 'true')
         AND case_no > $2
       ORDER BY case_no LIMIT $3`,
      [node, after, limit],
    );
    return rows.map(rowToSnapshot);
  }

  /**
   * The latest case.warning-changed events held here, newest first; with `level`, the latest of that
   * level. The level is inside the envelope: pages of events are read newest first (keyset) and
   * filtered until `limit` are found, or WARNING_SCAN_LIMIT events have been read.
   */
  async findWarningEvents(level: string | null, limit: number) {
    const items: WarningEventView[] = [];
    let after: { at: string; caseNo: string; version: number } | null = null;
    for (let read = 0; items.length < limit && read < WARNING_SCAN_LIMIT;) {
      const size = level ? WARNING_PAGE : limit - items.length;
      const params: unknown[] = [size];
      const keyset = after
        ? // The first bound alone lets the index start the scan at the cursor.
          `AND occurred_at <= $2::timestamptz
           AND (occurred_at < $2::timestamptz OR (case_no > $3 OR (case_no = $3 AND version < $4)))`
        : '';
      if (after) params.push(after.at, after.caseNo, after.version);
      const rows: {
        case_no: string;
        version: number;
        origin_node: string;
        occurred_at: Date;
        /** Exact (microseconds), for the next page's keyset. */
        occurred_text: string;
        envelope: Buffer;
      }[] = await this.dataSource.query(
        `SELECT case_no, version, origin_node, occurred_at, occurred_at::text AS occurred_text, envelope
           FROM case_event WHERE event_type = 'case.warning-changed' ${keyset}
           ORDER BY occurred_at DESC, case_no, version DESC LIMIT $1`,
        params,
      );
      read += rows.length;
      for (const r of rows) {
        // One stored under an older contract that no longer decodes is left out.
        const body = storedBody(r.envelope);
        if (!body || body.type === CASE_FILED || body.action.action !== 'warn') continue;
        const w = body.action;
        if (level && w.level !== level) continue;
        items.push({
          caseNo: r.case_no,
          version: r.version,
          node: r.origin_node,
          at: r.occurred_at.toISOString(),
          level: w.level,
          legalBreached: w.legalBreached,
          promisedDeadline: w.promisedDeadline,
          legalDeadline: w.legalDeadline,
          workingDaysLeft: w.workingDaysLeft,
          calendarVersion: w.calendarVersion,
        });
      }
      if (rows.length < size) break;
      const last = rows[rows.length - 1];
      after = { at: last.occurred_text, caseNo: last.case_no, version: last.version };
    }
    return items.slice(0, limit);
  }

  async findEvents(caseNo: string): Promise<CaseEventView[]> {
    const rows: {
      version: number;
      event_id: string;
      event_type: string;
      origin_node: string;
      occurred_at: Date;
      applied_at: Date;
      envelope: Buffer;
    }[] = await this.dataSource.query(
      `SELECT version, event_id, event_type, origin_node, occurred_at, applied_at, envelope
       FROM case_event WHERE case_no = $1 ORDER BY version`,
      [caseNo],
    );
    return rows.map((r) => {
      // The stored envelope was validated when it was applied; its details are the event's own.
      // One stored under an older contract that no longer decodes is listed without them.
      const body = storedBody(r.envelope);
      return {
        version: r.version,
        eventId: r.event_id,
        type: r.event_type,
        originNode: r.origin_node,
        occurredAt: r.occurred_at.toISOString(),
        appliedAt: r.applied_at.toISOString(),
        ...(!body || body.type === CASE_FILED ? {} : { officer: body.officer, action: body.action }),
      };
    });
  }
}

/** The body of a stored envelope, or null for one stored under an older contract that no longer decodes. */
function storedBody(envelope: Buffer): FederationEvent['body'] | null {
  try {
    return decodeEvent(envelope).body;
  } catch (e) {
    if (!(e instanceof ContractError)) throw e;
    return null;
  }
}

/** The view of a case at `version`: the snapshot without the query code's hash. */
export function caseView(snapshot: CaseSnapshot, version: number): CaseView {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- what the view leaves out
  const { queryCodeHash, ...shown } = snapshot;
  return { ...shown, version };
}

function toView(row: CaseRow): CaseView {
  return caseView(rowToSnapshot(row), row.version);
}
