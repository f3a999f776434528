import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseMark, SyncBucket } from '@fed/contracts';
import { byLength } from './reconcile.compare';

/**
 * Which of this node's cases a digest covers: all of them (at the child), or one child's (at the
 * parent, `filter`); and the communities they belong to, whose case numbers begin with their code,
 * so that a bucket below the top level is read by ranges of the primary key.
 */
export interface DigestScope {
  filter: { column: 'community_code' | 'district_code'; code: string } | null;
  communities: string[];
}

/** A case's event as stored here, to publish again. */
export interface StoredEvent {
  caseNo: string;
  version: number;
  eventId: string;
  originNode: string;
  envelope: Buffer;
}

/** The last check with a child, as kept in `reconcile_child`. */
export interface ChildCheckRow {
  child: string;
  check_id: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  outcome: string | null;
  references_agree: boolean | null;
  cases_compared: number;
  messages: number;
  divergent: string[];
  unrepaired: string[];
  orphans: string[];
  conflicts: { caseNo: string; version: number; parentEventId: string; childEventId: string }[];
  counts: { divergent: number; unrepaired: number; orphans: number; conflicts: number; unexamined: number };
  checks_total: string;
  repaired_total: string;
  resent_total: string;
  last_agreed_at: Date | null;
  child_cluster_id: string | null;
}

const NO_EVENT = '00000000-0000-0000-0000-000000000000';

/** The md5 hex digits of the case number a key of `length` characters holds after the day. */
const hexDigits = (length: number) => length - 9;

/**
 * The bucket key of a case one level below a prefix of `prefixLength` characters: the filing month
 * (characters 13-18 of the case number), the day (13-20), then the day and one, two or three hex
 * digits of md5(case number).
 */
function keyExpr(prefixLength: number, col: string): string {
  if (prefixLength === 0) return `substr(${col}, 13, 6)`;
  if (prefixLength === 6) return `substr(${col}, 13, 8)`;
  return prefixExpr(prefixLength === 8 ? 10 : prefixLength + 1, col);
}

/** The expression a prefix (or key) of `length` characters is a value of. */
function prefixExpr(length: number, col: string): string {
  if (length <= 8) return `substr(${col}, 13, ${length})`;
  return `substr(${col}, 13, 8) || '-' || substr(md5(${col}), 1, ${hexDigits(length)})`;
}

/** The SQL behind anti-entropy: digests of the replica, its events, and what a check found. */
@Injectable()
export class ReconcileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The buckets one level below each prefix ("" for the top level): count and md5 of
   * "caseNo:version:lastEventId" in case-number order, each case as of `asOf` (its latest event that
   * occurred before). A case whose last event is missing here hashes with a zero id, so it differs.
   */
  async buckets(scope: DigestScope, prefixes: string[], asOf: Date): Promise<SyncBucket[]> {
    const out: SyncBucket[] = [];
    for (const [length, group] of byLength(prefixes)) {
      const params: unknown[] = [asOf];
      const rows: { key: string; n: number; hash: string }[] = await this.dataSource.query(
        `${this.asOf(scope, length, group, params)}
         SELECT ${keyExpr(length, 'a.case_no')} AS key, count(*)::int AS n,
                md5(string_agg(a.case_no || ':' || a.version || ':' || coalesce(a.event_id::text, '${NO_EVENT}'),
                               ',' ORDER BY a.case_no)) AS hash
         FROM asof a GROUP BY 1 ORDER BY 1`,
        params,
      );
      for (const r of rows) out.push({ key: r.key, count: r.n, hash: r.hash });
    }
    return out;
  }

  /** Every case of these buckets (keys of any level) as of `asOf`: its version and last event. */
  async marks(scope: DigestScope, prefixes: string[], asOf: Date): Promise<CaseMark[]> {
    const out: CaseMark[] = [];
    for (const [length, group] of byLength(prefixes)) {
      const params: unknown[] = [asOf];
      const rows: { case_no: string; version: number; event_id: string | null; occurred_at: Date | null }[] =
        await this.dataSource.query(
          `${this.asOf(scope, length, group, params)}
           SELECT a.case_no, a.version, a.event_id, a.occurred_at FROM asof a ORDER BY a.case_no`,
          params,
        );
      for (const r of rows)
        out.push({
          caseNo: r.case_no,
          version: r.version,
          lastEventId: r.event_id ?? NO_EVENT,
          lastEventAt: r.occurred_at ?? new Date(0),
        });
    }
    return out;
  }

  /**
   * `WITH asof`: the cases in scope under these prefixes as they stood at $1: the current version
   * when its event occurred before, else the latest earlier event that did (a case with none is left
   * out). Events occur at their origin, and the instant travels with them, so every tier that holds
   * them all answers alike.
   */
  private asOf(scope: DigestScope, length: number, prefixes: string[], params: unknown[]): string {
    const conditions: string[] = [];
    if (scope.filter) {
      params.push(scope.filter.code);
      conditions.push(`r.${scope.filter.column} = $${params.length}`);
    }
    let from = 'case_record r';
    if (length > 0) {
      params.push(prefixes);
      conditions.push(`${prefixExpr(length, 'r.case_no')} = ANY($${params.length}::text[])`);
      // Case numbers are community code, filing date, sequence (digits only): each community's
      // cases of a month or day are one range of the primary key.
      const dates = [...new Set(prefixes.map((p) => p.slice(0, 8)))];
      const lo = scope.communities.flatMap((c) => dates.map((d) => `${c}${d}`));
      const hi = scope.communities.flatMap((c) => dates.map((d) => `${c}${d}${'9'.repeat(20 - d.length)}`));
      params.push(lo, hi);
      from = `unnest($${params.length - 1}::text[], $${params.length}::text[]) AS b(lo, hi)
        JOIN case_record r ON r.case_no BETWEEN b.lo AND b.hi`;
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return `WITH cur AS (
        SELECT r.case_no, r.version, e.event_id, e.occurred_at
        FROM ${from}
        LEFT JOIN case_event e ON e.case_no = r.case_no AND e.version = r.version
        ${where}
      ), asof AS (
        SELECT c.case_no, c.version, c.event_id, c.occurred_at FROM cur c
        WHERE c.occurred_at IS NULL OR c.occurred_at < $1
        UNION ALL
        SELECT p.case_no, p.version, p.event_id, p.occurred_at FROM cur c
        CROSS JOIN LATERAL (
          SELECT e.case_no, e.version, e.event_id, e.occurred_at FROM case_event e
          WHERE e.case_no = c.case_no AND e.version < c.version AND e.occurred_at < $1
          ORDER BY e.version DESC LIMIT 1) p
        WHERE c.occurred_at >= $1
      )`;
  }

  /** The stored events of these cases after the given versions, in case and version order. */
  async eventsAfter(cases: { caseNo: string; afterVersion: number }[]): Promise<StoredEvent[]> {
    if (cases.length === 0) return [];
    const rows: {
      case_no: string;
      version: number;
      event_id: string;
      origin_node: string;
      envelope: Buffer;
    }[] = await this.dataSource.query(
      `SELECT e.case_no, e.version, e.event_id, e.origin_node, e.envelope
         FROM case_event e
         JOIN unnest($1::text[], $2::int[]) AS k(case_no, after_version) ON k.case_no = e.case_no
         WHERE e.version > k.after_version
         ORDER BY e.case_no, e.version`,
      [cases.map((c) => c.caseNo), cases.map((c) => c.afterVersion)],
    );
    return rows.map((r) => ({
      caseNo: r.case_no,
      version: r.version,
      eventId: r.event_id,
      originNode: r.origin_node,
      envelope: r.envelope,
    }));
  }

  /** Cases whose events are held here while their row is not (removed by hand), up to `limit`. */
  async casesWithoutRow(limit: number): Promise<string[]> {
    const rows: { case_no: string }[] = await this.dataSource.query(
      `SELECT DISTINCT e.case_no FROM case_event e
       WHERE NOT EXISTS (SELECT 1 FROM case_record r WHERE r.case_no = e.case_no)
       ORDER BY e.case_no LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.case_no);
  }

  /** Records the Kafka cluster id seen now; returns whether it is new and which ones were seen before. */
  async seeCluster(clusterId: string): Promise<{ isNew: boolean; previous: string[] }> {
    const before: { cluster_id: string }[] = await this.dataSource.query(
      `SELECT cluster_id FROM broker_cluster ORDER BY last_seen DESC`,
    );
    await this.dataSource.query(
      `INSERT INTO broker_cluster (cluster_id) VALUES ($1)
       ON CONFLICT (cluster_id) DO UPDATE SET last_seen = now()`,
      [clusterId],
    );
    const previous = before.map((r) => r.cluster_id).filter((id) => id !== clusterId);
    return { isNew: !before.some((r) => r.cluster_id === clusterId), previous };
  }

  async clusters(): Promise<{ clusterId: string; firstSeen: Date; lastSeen: Date }[]> {
    const rows: { cluster_id: string; first_seen: Date; last_seen: Date }[] = await this.dataSource.query(
      `SELECT cluster_id, first_seen, last_seen FROM broker_cluster ORDER BY last_seen DESC`,
    );
    return rows.map((r) => ({ clusterId: r.cluster_id, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }

  async children(): Promise<ChildCheckRow[]> {
    return this.dataSource.query(`SELECT * FROM reconcile_child ORDER BY child`);
  }

  /** Stores the outcome of a finished check with a child. */
  async saveCheck(c: {
    child: string;
    checkId: string;
    startedAt: Date;
    finishedAt: Date;
    outcome: string;
    referencesAgree: boolean | null;
    casesCompared: number;
    messages: number;
    divergent: string[];
    unrepaired: string[];
    orphans: string[];
    conflicts: ChildCheckRow['conflicts'];
    counts: ChildCheckRow['counts'];
    repaired: number;
    resent: number;
    childClusterId: string | null;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO reconcile_child AS s (child, check_id, started_at, finished_at, outcome, references_agree,
         cases_compared, messages, divergent, unrepaired, orphans, conflicts, counts, checks_total,
         repaired_total, resent_total, last_agreed_at, child_cluster_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $16, 1, $13, $14,
               CASE WHEN $5 = 'agreed' THEN $4::timestamptz END, $15)
       ON CONFLICT (child) DO UPDATE SET
         check_id = EXCLUDED.check_id, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
         outcome = EXCLUDED.outcome, references_agree = EXCLUDED.references_agree,
         cases_compared = EXCLUDED.cases_compared, messages = EXCLUDED.messages,
         divergent = EXCLUDED.divergent, unrepaired = EXCLUDED.unrepaired, orphans = EXCLUDED.orphans,
         conflicts = EXCLUDED.conflicts, counts = EXCLUDED.counts, checks_total = s.checks_total + 1,
         repaired_total = s.repaired_total + EXCLUDED.repaired_total,
         resent_total = s.resent_total + EXCLUDED.resent_total,
         last_agreed_at = coalesce(EXCLUDED.last_agreed_at, s.last_agreed_at),
         child_cluster_id = coalesce(EXCLUDED.child_cluster_id, s.child_cluster_id)`,
      [
        c.child,
        c.checkId,
        c.startedAt,
        c.finishedAt,
        c.outcome,
        c.referencesAgree,
        c.casesCompared,
        c.messages,
        JSON.stringify(c.divergent),
        JSON.stringify(c.unrepaired),
        JSON.stringify(c.orphans),
        JSON.stringify(c.conflicts),
        c.repaired,
        c.resent,
        c.childClusterId,
        JSON.stringify(c.counts),
      ],
    );
  }
}
