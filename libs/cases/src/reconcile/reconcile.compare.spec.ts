import type { CaseMark } from '@fed/contracts';
import { chunks, classify, groupByBudget, narrow } from './reconcile.compare';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const OLD = new Date('2026-12-08T09:00:00+08:00');
const mark = (caseNo: string, version: number, id: number, at = OLD): CaseMark => ({
  caseNo,
  version,
  lastEventId: ID(id),
  lastEventAt: at,
});
const CASE = (seq: number) => `15020200100120261208${String(seq).padStart(8, '0')}`;

describe('narrowing a digest, Merkle-style', () => {
  it('leaves equal buckets alone, lists small differing ones case by case, splits large ones', () => {
    const parent = [
      { key: '202611', count: 10, hash: 'a'.repeat(32) },
      { key: '202612', count: 300, hash: 'b'.repeat(32) },
      { key: '202610', count: 5, hash: 'c'.repeat(32) },
    ];
    const child = [
      { key: '202611', count: 10, hash: 'a'.repeat(32) },
      { key: '202612', count: 301, hash: 'd'.repeat(32) },
      { key: '202610', count: 5, hash: 'e'.repeat(32) },
      { key: '202609', count: 1, hash: 'f'.repeat(32) },
    ];
    expect(narrow(parent, child, 256)).toEqual({ deeper: ['202612'], leaves: ['202609', '202610'] });
  });

  it('lists the finest bucket case by case whatever its size', () => {
    const parent = [
      { key: '20261208-a3f', count: 900, hash: 'a'.repeat(32) },
      { key: '20261208-a3', count: 900, hash: 'a'.repeat(32) },
    ];
    expect(narrow(parent, [], 256)).toEqual({ deeper: ['20261208-a3'], leaves: ['20261208-a3f'] });
  });

  it('finds nothing when both sides agree', () => {
    const same = [{ key: '202612', count: 3, hash: 'a'.repeat(32) }];
    expect(narrow(same, [...same], 256)).toEqual({ deeper: [], leaves: [] });
  });
});

describe('classifying the cases of differing buckets', () => {
  it('tells who is ahead, what is an orphan, and what is a conflict', () => {
    const parent = [
      mark(CASE(1), 2, 12), // the child is at 3
      mark(CASE(2), 5, 25), // the child is at 4: a decision flowing down was lost
      mark(CASE(3), 1, 31), // the child never had it
      mark(CASE(4), 2, 42), // same version, another event
      mark(CASE(7), 1, 71), // agrees
    ];
    const child = [
      mark(CASE(1), 3, 13),
      mark(CASE(2), 4, 24),
      mark(CASE(4), 2, 99),
      mark(CASE(5), 1, 51), // the parent never had it
      mark(CASE(7), 1, 71),
    ];
    expect(classify(parent, child)).toEqual({
      childAhead: [
        { caseNo: CASE(1), afterVersion: 2 },
        { caseNo: CASE(5), afterVersion: 0 },
      ],
      parentAhead: [{ caseNo: CASE(2), childVersion: 4, childEventId: ID(24), parentVersion: 5 }],
      orphans: [CASE(3)],
      conflicts: [{ caseNo: CASE(4), version: 2, parentEventId: ID(42), childEventId: ID(99) }],
    });
  });
});

describe('keeping messages small', () => {
  it('groups buckets so that each answer lists at most the budget of cases (one larger alone)', () => {
    const counts: Record<string, number> = { a: 100, b: 150, c: 60, d: 500, e: 1 };
    expect(groupByBudget(['a', 'b', 'c', 'd', 'e'], (k) => counts[k], 250)).toEqual([
      ['a', 'b'],
      ['c'],
      ['d'],
      ['e'],
    ]);
  });

  it('cuts a list in pieces', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });
});
