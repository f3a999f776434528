import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_COLUMNS, CaseRow, OPEN_SQL, rowToSnapshot } from '../case.row';
import { caseView, CaseView } from '../cases.repository';
import { OversightQuery } from './stats.dto';

const OPEN = OPEN_SQL;
const SORT_COLUMN = {
  filedAt: 'filed_at',
  acceptedAt: 'accepted_at',
  decidedAt: 'decided_at',
  promisedDeadline: 'promised_deadline',
  caseNo: 'case_no',
} as const;
/** Shanghai day bounds as instants: `[from 00:00, to+1 00:00)` in Asia/Shanghai. */
const dayStart = (p: number) => `($${p}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
const dayEnd = (p: number) => `(($${p}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

/** Oversight queries over the cases this node holds: every filter a parameter, sorts from a fixed list. */
@Injectable()
export class OversightRepository {
  constructor(private readonly dataSource: DataSource) {}

  private where(q: OversightQuery, params: unknown[]): string {
    const c: string[] = [];
    const eq = (column: string, value: unknown) => c.push(`${column} = $${params.push(value)}`);
    if (q.districtCode) eq('district_code', q.districtCode);
    if (q.communityCode) eq('community_code', q.communityCode);
    if (q.itemCode) eq('item_code', q.itemCode);
    if (q.department) eq('department', q.department);
    if (q.handlingNode) eq('handling_node', q.handlingNode);
    // The open condition once, however many filters imply it (the planner misjudges it repeated).
    const open =
      q.status === 'open' ||
      q.warningLevel !== undefined ||
      q.overdue === 'true' ||
      q.legalBreached === 'true';
    if (open) c.push(OPEN);
    if (q.status && q.status !== 'open') eq('status', q.status);
    if (q.warningLevel === 'none') c.push(`warning_level IS NULL`);
    else if (q.warningLevel) eq('warning_level', q.warningLevel);
    if (q.overdue === 'true') c.push(`warning_level = 'red'`);
    if (q.overdue === 'false') c.push(`NOT (${OPEN} AND warning_level IS NOT DISTINCT FROM 'red')`);
    if (q.legalBreached) c.push(`legal_breached = $${params.push(q.legalBreached === 'true')}`);
    const range = (column: string, from?: string, to?: string) => {
      if (from) c.push(`${column} >= ${dayStart(params.push(from))}`);
      if (to) c.push(`${column} < ${dayEnd(params.push(to))}`);
    };
    range('filed_at', q.filedFrom, q.filedTo);
    range('accepted_at', q.acceptedFrom, q.acceptedTo);
    range('decided_at', q.decidedFrom, q.decidedTo);
    return c.length ? `WHERE ${c.join(' AND ')}` : '';
  }

  async page(q: OversightQuery): Promise<{ items: CaseView[]; total: number }> {
    const params: unknown[] = [];
    const where = this.where(q, params);
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    // Nulls (not accepted, not decided yet) last, as the date indexes are ordered; the filing date
    // and the case number are never null, and the indexes on them name no null order.
    const nulls = q.sort === 'filedAt' || q.sort === 'caseNo' ? '' : ' NULLS LAST';
    const order = `${SORT_COLUMN[q.sort]} ${dir}${nulls}, case_no ${dir}`;
    const [rows, count] = await Promise.all([
      this.dataSource.query<CaseRow[]>(
        `SELECT ${CASE_COLUMNS} FROM case_record ${where} ORDER BY ${order}
         LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM case_record ${where}`, params),
    ]);
    return { items: rows.map((r) => caseView(rowToSnapshot(r), r.version)), total: count[0].n };
  }

  /** Every matching case, newest filing first, in pages of `size` (keyset: never an unbounded read). */
  async *all(q: OversightQuery, size = 1000): AsyncGenerator<CaseView[]> {
    let after: { filedAt: Date; caseNo: string } | null = null;
    for (;;) {
      const params: unknown[] = [];
      let where = this.where(q, params);
      if (after) {
        const keyset = `(filed_at, case_no) < ($${params.push(after.filedAt)}, $${params.push(after.caseNo)})`;
        where = where ? `${where} AND ${keyset}` : `WHERE ${keyset}`;
      }
      const rows = await this.dataSource.query<CaseRow[]>(
        `SELECT ${CASE_COLUMNS} FROM case_record ${where} ORDER BY filed_at DESC, case_no DESC LIMIT $${params.length + 1}`,
        [...params, size],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => caseView(rowToSnapshot(r), r.version));
      if (rows.length < size) return;
      const last = rows[rows.length - 1];
      after = { filedAt: last.filed_at, caseNo: last.case_no };
    }
  }
}
