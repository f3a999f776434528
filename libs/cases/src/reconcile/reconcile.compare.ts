import type { CaseMark, SyncBucket } from '@fed/contracts';

/** The finest bucket: a 4096th of a day ("20261208-a3f"). */
export const FINEST_KEY_LENGTH = 12;

/** Where a mismatch of buckets leads: one level down, or to the list of their cases. */
export interface Narrowing {
  /** Buckets to split one level further. */
  deeper: string[];
  /** Buckets small enough (or fine enough) to compare case by case. */
  leaves: string[];
}

/**
 * Compares a child's buckets with the parent's own for the same prefixes (Merkle-style): equal
 * buckets are done with; a differing one is listed case by case when either side holds at most
 * `leafMax` cases in it, else split further.
 */
export function narrow(parent: SyncBucket[], child: SyncBucket[], leafMax: number): Narrowing {
  const mine = new Map(parent.map((b) => [b.key, b]));
  const theirs = new Map(child.map((b) => [b.key, b]));
  const out: Narrowing = { deeper: [], leaves: [] };
  for (const key of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const a = mine.get(key);
    const b = theirs.get(key);
    if (a && b && a.count === b.count && a.hash === b.hash) continue;
    const most = Math.max(a?.count ?? 0, b?.count ?? 0);
    if (key.length >= FINEST_KEY_LENGTH || most <= leafMax) out.leaves.push(key);
    else out.deeper.push(key);
  }
  return out;
}

/** What a case-by-case comparison found, from the parent's side. */
export interface Classified {
  /** The child holds events the parent lacks: the child sends again those after `afterVersion`. */
  childAhead: { caseNo: string; afterVersion: number }[];
  /** The parent holds events the child lacks (decisions flowing down): after the child's version. */
  parentAhead: { caseNo: string; childVersion: number; childEventId: string; parentVersion: number }[];
  /** At the parent, not at the child: reported, never deleted, never sent down. */
  orphans: string[];
  /** Same version, different events: no side can be trusted to repair the other. */
  conflicts: { caseNo: string; version: number; parentEventId: string; childEventId: string }[];
}

/**
 * Compares the cases of the same buckets at the parent and at the child, both described as of the
 * same instant.
 */
export function classify(parent: CaseMark[], child: CaseMark[]): Classified {
  const out: Classified = { childAhead: [], parentAhead: [], orphans: [], conflicts: [] };
  const mine = new Map(parent.map((m) => [m.caseNo, m]));
  const theirs = new Map(child.map((m) => [m.caseNo, m]));
  for (const caseNo of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const p = mine.get(caseNo);
    const c = theirs.get(caseNo);
    if (p && c && p.version === c.version) {
      if (p.lastEventId !== c.lastEventId)
        out.conflicts.push({
          caseNo,
          version: p.version,
          parentEventId: p.lastEventId,
          childEventId: c.lastEventId,
        });
    } else if (!c) {
      out.orphans.push(caseNo);
    } else if (!p || c.version > p.version) {
      out.childAhead.push({ caseNo, afterVersion: p?.version ?? 0 });
    } else {
      out.parentAhead.push({
        caseNo,
        childVersion: c.version,
        childEventId: c.lastEventId,
        parentVersion: p.version,
      });
    }
  }
  return out;
}

/**
 * Splits `keys` into groups whose cases (by the larger side's count) add up to at most `budget`, so
 * that each answer listing them stays a small message.
 */
export function groupByBudget(keys: string[], countOf: (key: string) => number, budget: number): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let sum = 0;
  for (const key of keys) {
    const n = countOf(key);
    if (current.length > 0 && sum + n > budget) {
      groups.push(current);
      current = [];
      sum = 0;
    }
    current.push(key);
    sum += n;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** `list` in pieces of at most `size`. */
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Keys grouped by their length (their level), in the order given. */
export function byLength(keys: string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const k of keys) out.set(k.length, [...(out.get(k.length) ?? []), k]);
  return out;
}
