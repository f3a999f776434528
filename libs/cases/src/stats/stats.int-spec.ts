import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import {
  CaseLifecycle,
  CaseSnapshot,
  CaseStatus,
  CaseWarning,
  Completion,
  emptyLifecycle,
  ItemTerms,
  WarningLevel,
} from '@fed/contracts';
import { DomainError } from '@fed/platform';
import { createTestDatabase, newCaseNo, snapshotOf, testNodeConfig, uniqueNamespace } from '@fed/testing';
import { CurrentCase } from '../case.fold';
import { federationNodeImports } from '../federation-node';
import { ReplicaRepository } from '../replica.repository';
import { StatsQuery } from './stats.dto';
import { StatsService } from './stats.service';

/*
 * Compliance statistics of the district 东河区 (150202), kept by the triggers of case_record, on a
 * database of its own: a small hand-made set of cases is written as the replica writes them
 * (upsertCases), then some of them change, and every figure below is counted by hand.
 *
 * Asia/Shanghai is UTC+8: an instant of 16:30Z belongs to the NEXT Shanghai day, 15:59Z to the same.
 *
 * Items (one department and one deciding tier each; promised working days):
 *   MZ 高龄津贴       包头市民政局      community  10
 *   RS 失业登记       包头市人社局      district    5
 *   SC 个体户变更     包头市市场监管局  community   0 (即办件, instant)
 * C1 = 150202001001 (西脑包社区), C2 = 150202002003 (和平社区), D = 150202 (东河区).
 *
 * Final state of the 14 cases (Shanghai days; "acc"/"dec" = acceptedBy/decidedBy):
 *   K1  C1 MZ recv 03-02, acc C1 03-02, dec C1 03-10 ahead wdu 6, rated 5 on 03-10   [rating added in phase 2]
 *   K2  C1 MZ recv 03-16 (03-15T16:30Z), acc C1 03-16 (03-15T16:45Z), dec C1 03-30 on-time wdu 10
 *             (decidedAt 03-29T16:30Z), rated 2 on 04-01 (03-31T16:30Z), rectification open
 *                                                  [phase 1: accepted, yellow]
 *   K3  C2 RS recv 03-05, acc C2 03-05, handed up to D, dec D 03-20 overdue wdu 11, rated 1 on 03-21,
 *             rectification open                    [phase 1: accepted at D, green, undecided]
 *   K4  C2 MZ recv 03-31 (15:59Z), acc C2 04-01 (03-31T16:00Z), supplement pause, dec C2 04-20
 *             (04-19T16:20Z), timing null (unmeasured)
 *   K5  C1 SC recv 04-01, acc C1 04-01 (instant), dec C1 04-01 on-time wdu 0, rated 5 on 04-01
 *   K6  C1 MZ recv 03-03, rejected 03-04 (03-03T16:10Z)   [phase 1: submitted]
 *   K7  C2 RS recv 04-02, rejected 04-03
 *   K8  C1 MZ recv 04-06, acc C1 04-06, open green   [a stale lower version is written in phase 2]
 *   K9  C2 RS recv 04-07, acc C2 04-07, handled by D, open red   [phase 1: yellow]
 *   K10 C2 MZ recv 03-09, acc C2 03-09, open red, legal limit breached
 *   K11 C1 RS recv 04-08, acc C1 04-08, status supplement (open supplement pause), no warning yet (none)
 *   K12 C1 MZ recv 04-10 (04-09T16:30Z), submitted, not accepted
 *   K13 C2 MZ recv 03-25, acc C2 03-25, dec C2 04-03 ahead wdu 7   [phase 1: accepted, green]
 *   K14 C1 RS recv 04-14, acc C1 04-14, suspended (suspension pause), open yellow
 */

const DISTRICT = '150202';
const C1 = '150202001001';
const C2 = '150202002003';
const C1_NAME = '西脑包街道 西脑包社区';
const C2_NAME = '和平路街道 和平社区';

const MZ: ItemTerms = {
  code: '150200-MZ-003',
  version: 1,
  name: '高龄津贴',
  department: '包头市民政局',
  decidingTier: 'community',
  promisedDays: 10,
  legalDays: 20,
};
const RS: ItemTerms = {
  code: '150200-RS-001',
  version: 1,
  name: '失业登记',
  department: '包头市人社局',
  decidingTier: 'district',
  promisedDays: 5,
  legalDays: 15,
};
const SC: ItemTerms = {
  code: '150200-SC-002',
  version: 1,
  name: '个体户变更登记',
  department: '包头市市场监管局',
  decidingTier: 'community',
  promisedDays: 0,
  legalDays: 1,
};

const OPEN_STATUSES = `('accepted', 'supplement', 'special-procedure', 'suspended')`;

/** A case of `community` under `item`, filed at `filedAt`, in `status`, with these lifecycle fields. */
function kase(
  caseNo: string,
  item: ItemTerms,
  filedAt: string,
  status: CaseStatus,
  lifecycle: Partial<CaseLifecycle> = {},
  handlingNode?: string,
): CaseSnapshot {
  const base = snapshotOf(caseNo);
  return {
    ...base,
    itemCode: item.code,
    item: { ...item },
    filedAt,
    status,
    handlingNode: handlingNode ?? base.communityCode,
    lifecycle: { ...emptyLifecycle(), ...lifecycle },
  };
}

const accepted = (at: string, by: string): Partial<CaseLifecycle> => ({ acceptedAt: at, acceptedBy: by });

const decided = (
  at: string,
  by: string,
  timing: { on: string; used: number; completion: Completion } | null,
): Partial<CaseLifecycle> => ({
  decidedAt: at,
  decidedBy: by,
  outcome: 'approved',
  result: '准予',
  timing: timing && {
    promisedDeadline: '2026-12-31',
    legalDeadline: '2026-12-31',
    decidedOn: timing.on,
    workingDaysUsed: timing.used,
    completion: timing.completion,
    calendarVersion: 1,
  },
});

const rated = (score: number, at: string): Partial<CaseLifecycle> => ({
  rating: { score, comment: '', at },
  rectification: score <= 2 ? 'open' : null,
});

const warning = (level: WarningLevel, legalBreached = false): { warning: CaseWarning } => ({
  warning: {
    level,
    legalBreached,
    promisedDeadline: '2026-04-20',
    legalDeadline: '2026-05-06',
    workingDaysLeft: level === 'red' ? 0 : 3,
    calendarVersion: 1,
    at: '2026-04-15T01:00:00.000Z',
  },
});

const pause = (kind: 'supplement' | 'suspension', from: string, to: string | null) => ({
  pauses: [{ kind, from, to, reason: kind === 'supplement' ? '缺户口本' : '等待公示' }],
});

type Figures = Awaited<ReturnType<StatsService['query']>>['total'];
type Open = NonNullable<Figures['open']>;

/** Zero counters and null rates: a group or period with nothing in it. */
const NOTHING: Omit<Figures, 'open'> = {
  received: 0,
  accepted: 0,
  notAccepted: 0,
  completed: 0,
  completedAhead: 0,
  completedOnTime: 0,
  completedOverdue: 0,
  completedUnmeasured: 0,
  measuredProvisional: 0,
  measuredProvisionalShare: null,
  aheadRate: null,
  onTimeRate: null,
  overdueRate: null,
  averagePromisedDays: null,
  averageWorkingDaysUsed: null,
  instantShare: null,
  supplementRate: null,
  satisfaction: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0, average: null },
};
const stars = (s: Partial<Record<'1' | '2' | '3' | '4' | '5', number>>, average: number | null) => ({
  '1': 0,
  '2': 0,
  '3': 0,
  '4': 0,
  '5': 0,
  ...s,
  average,
});
const NO_OPEN: Open = {
  cases: 0,
  green: 0,
  yellow: 0,
  overdue: 0,
  inWarning: 0,
  legalBreached: 0,
  rectifications: 0,
};

/*
 * Open now, whatever the period (final state): K8 green, K9 red, K10 red + legal breach, K11 none,
 * K14 yellow = 5 cases; rectifications open: K2 (rated 2) and K3 (rated 1). `inWarning` is the yellow
 * level (预警), `overdue` the red one.
 */
const OPEN_NOW: Open = {
  cases: 5,
  green: 1,
  yellow: 1,
  overdue: 2,
  inWarning: 1,
  legalBreached: 1,
  rectifications: 2,
};
// C1: K8 green, K11 none, K14 yellow; rectification of K2.
const OPEN_C1: Open = { ...NO_OPEN, cases: 3, green: 1, yellow: 1, inWarning: 1, rectifications: 1 };
// C2: K9 red, K10 red + breach; rectification of K3.
const OPEN_C2: Open = { ...NO_OPEN, cases: 2, overdue: 2, legalBreached: 1, rectifications: 1 };

describe('StatsService (district 150202, statistics kept by triggers, real PostgreSQL)', () => {
  let app: INestApplicationContext;
  let stats: StatsService;
  let replica: ReplicaRepository;
  let db: DataSource;
  const K: Record<string, string> = {};
  const phase1: Record<string, Awaited<ReturnType<StatsService['query']>>> = {};

  const query = (q: Partial<StatsQuery>) => stats.query({ period: 'month', groupBy: 'none', ...q });
  const upsert = (cases: CurrentCase[]) => db.transaction((m) => replica.upsertCases(m, cases));

  beforeAll(async () => {
    const base = testNodeConfig(DISTRICT, await createTestDatabase('stats'), uniqueNamespace('stats'));
    // The warning clock must not touch the hand-made warnings (there is no calendar here anyway).
    const config = { ...base, warning: { ...base.warning, intervalMs: 3_600_000 } };
    const moduleRef = await Test.createTestingModule({ imports: federationNodeImports(config) }).compile();
    app = await moduleRef.init();
    stats = app.get(StatsService);
    replica = app.get(ReplicaRepository);
    db = app.get(DataSource);

    for (let i = 1; i <= 14; i++) K[`K${i}`] = newCaseNo([1, 2, 5, 6, 8, 11, 12, 14].includes(i) ? C1 : C2);

    // Phase 1: every case as it first reaches the district, in one multi-row statement.
    await upsert([
      {
        version: 5,
        snapshot: kase(K.K1, MZ, '2026-03-02T02:00:00.000Z', 'delivered', {
          ...accepted('2026-03-02T03:00:00.000Z', C1),
          ...decided('2026-03-10T08:00:00.000Z', C1, { on: '2026-03-10', used: 6, completion: 'ahead' }),
        }),
      },
      {
        version: 3,
        snapshot: kase(K.K2, MZ, '2026-03-15T16:30:00.000Z', 'accepted', {
          ...accepted('2026-03-15T16:45:00.000Z', C1),
          ...warning('yellow'),
        }),
      },
      {
        version: 4,
        snapshot: kase(
          K.K3,
          RS,
          '2026-03-05T01:00:00.000Z',
          'accepted',
          { ...accepted('2026-03-05T02:00:00.000Z', C2), ...warning('green') },
          DISTRICT,
        ),
      },
      {
        version: 6,
        snapshot: kase(K.K4, MZ, '2026-03-31T15:59:00.000Z', 'decided', {
          ...accepted('2026-03-31T16:00:00.000Z', C2),
          ...pause('supplement', '2026-04-02T02:00:00.000Z', '2026-04-07T02:00:00.000Z'),
          ...decided('2026-04-19T16:20:00.000Z', C2, null),
        }),
      },
      {
        version: 5,
        snapshot: kase(K.K5, SC, '2026-04-01T01:00:00.000Z', 'delivered', {
          ...accepted('2026-04-01T01:05:00.000Z', C1),
          ...decided('2026-04-01T01:30:00.000Z', C1, { on: '2026-04-01', used: 0, completion: 'on-time' }),
          ...rated(5, '2026-04-01T02:00:00.000Z'),
        }),
      },
      { version: 1, snapshot: kase(K.K6, MZ, '2026-03-03T05:00:00.000Z', 'submitted') },
      {
        version: 2,
        snapshot: kase(K.K7, RS, '2026-04-02T03:00:00.000Z', 'rejected', {
          rejectedAt: '2026-04-03T02:00:00.000Z',
          rejectedReason: '不属于本事项',
        }),
      },
      {
        version: 3,
        snapshot: kase(K.K8, MZ, '2026-04-06T02:00:00.000Z', 'accepted', {
          ...accepted('2026-04-06T03:00:00.000Z', C1),
          ...warning('green'),
        }),
      },
      {
        version: 3,
        snapshot: kase(
          K.K9,
          RS,
          '2026-04-07T01:00:00.000Z',
          'accepted',
          { ...accepted('2026-04-07T02:00:00.000Z', C2), ...warning('yellow') },
          DISTRICT,
        ),
      },
      {
        version: 4,
        snapshot: kase(K.K10, MZ, '2026-03-09T02:00:00.000Z', 'accepted', {
          ...accepted('2026-03-09T03:00:00.000Z', C2),
          ...warning('red', true),
        }),
      },
      {
        version: 3,
        snapshot: kase(K.K11, RS, '2026-04-08T01:00:00.000Z', 'supplement', {
          ...accepted('2026-04-08T01:30:00.000Z', C1),
          ...pause('supplement', '2026-04-08T06:00:00.000Z', null),
        }),
      },
      { version: 1, snapshot: kase(K.K12, MZ, '2026-04-09T16:30:00.000Z', 'submitted') },
      {
        version: 3,
        snapshot: kase(K.K13, MZ, '2026-03-25T01:00:00.000Z', 'accepted', {
          ...accepted('2026-03-25T02:00:00.000Z', C2),
          ...warning('green'),
        }),
      },
      {
        version: 4,
        snapshot: kase(K.K14, RS, '2026-04-14T01:00:00.000Z', 'suspended', {
          ...accepted('2026-04-14T02:00:00.000Z', C1),
          ...pause('suspension', '2026-04-15T02:00:00.000Z', null),
          ...warning('yellow'),
        }),
      },
    ]);
    phase1.march = await query({ date: '2026-03-10' });
    phase1.april = await query({ date: '2026-04-10' });
    phase1.decidedBy = await query({ period: 'year', date: '2026-06-01', groupBy: 'decidedBy' });

    // Phase 2: cases move on (higher versions), in two statements of one transaction, with a stale
    // copy of K8 (lower version, claims a rejection) that must change nothing.
    const k1 = kase(K.K1, MZ, '2026-03-02T02:00:00.000Z', 'delivered', {
      ...accepted('2026-03-02T03:00:00.000Z', C1),
      ...decided('2026-03-10T08:00:00.000Z', C1, { on: '2026-03-10', used: 6, completion: 'ahead' }),
      ...rated(5, '2026-03-10T09:00:00.000Z'),
    });
    const k2 = kase(K.K2, MZ, '2026-03-15T16:30:00.000Z', 'decided', {
      ...accepted('2026-03-15T16:45:00.000Z', C1),
      ...warning('yellow'), // the last warning stays on a finished case: it no longer counts as open
      ...decided('2026-03-29T16:30:00.000Z', C1, { on: '2026-03-30', used: 10, completion: 'on-time' }),
      ...rated(2, '2026-03-31T16:30:00.000Z'),
    });
    const k3 = kase(
      K.K3,
      RS,
      '2026-03-05T01:00:00.000Z',
      'delivered',
      {
        ...accepted('2026-03-05T02:00:00.000Z', C2),
        ...warning('green'),
        handOffs: [{ from: C2, to: DISTRICT, at: '2026-03-05T03:00:00.000Z' }],
        ...decided('2026-03-20T07:00:00.000Z', DISTRICT, {
          on: '2026-03-20',
          used: 11,
          completion: 'overdue',
        }),
        ...rated(1, '2026-03-21T01:00:00.000Z'),
      },
      DISTRICT,
    );
    const k6 = kase(K.K6, MZ, '2026-03-03T05:00:00.000Z', 'rejected', {
      rejectedAt: '2026-03-03T16:10:00.000Z',
      rejectedReason: '材料不全',
    });
    const k9 = kase(
      K.K9,
      RS,
      '2026-04-07T01:00:00.000Z',
      'accepted',
      { ...accepted('2026-04-07T02:00:00.000Z', C2), ...warning('red') },
      DISTRICT,
    );
    const k13 = kase(K.K13, MZ, '2026-03-25T01:00:00.000Z', 'decided', {
      ...accepted('2026-03-25T02:00:00.000Z', C2),
      ...warning('green'),
      ...decided('2026-04-03T02:00:00.000Z', C2, { on: '2026-04-03', used: 7, completion: 'ahead' }),
    });
    const staleK8 = kase(K.K8, MZ, '2026-04-06T02:00:00.000Z', 'rejected', {
      rejectedAt: '2026-04-06T03:00:00.000Z',
      rejectedReason: 'stale',
    });
    await db.transaction(async (m) => {
      await replica.upsertCases(m, [
        { version: 6, snapshot: k1 },
        { version: 6, snapshot: k2 },
        { version: 8, snapshot: k3 },
        { version: 2, snapshot: k6 },
      ]);
      await replica.upsertCases(m, [
        { version: 4, snapshot: k9 },
        { version: 5, snapshot: k13 },
        { version: 2, snapshot: staleK8 },
      ]);
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  const group = (result: Awaited<ReturnType<StatsService['query']>>, key: string) =>
    result.groups.find((g) => g.key === key);

  describe('phase 1, before the cases moved on', () => {
    it('counted what was written then', () => {
      // March: received K1 K2 K3 K4 K6 K10 K13 = 7; accepted K1 K2 K3 K10 K13 = 5; K6 not yet
      // rejected; only K1 decided (ahead, 6 days); nobody rated yet.
      expect(phase1.march.total).toMatchObject({
        received: 7,
        accepted: 5,
        notAccepted: 0,
        completed: 1,
        completedAhead: 1,
        aheadRate: 1,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        averageWorkingDaysUsed: 6,
        satisfaction: stars({}, null),
      });
      // April: K4 (unmeasured) and K5 decided, K13 not yet; K7 rejected; K5 rated 5, K2 not yet.
      expect(phase1.april.total).toMatchObject({
        received: 7,
        accepted: 6,
        notAccepted: 1,
        completed: 2,
        completedOnTime: 1,
        completedUnmeasured: 1,
        satisfaction: stars({ '5': 1 }, 5),
      });
      // Open: K2 yellow, K3 green, K8 green, K9 yellow, K10 red + breach, K11 none, K13 green,
      // K14 yellow; no rectification yet.
      expect(phase1.march.total.open).toEqual({
        cases: 8,
        green: 3,
        yellow: 3,
        overdue: 1,
        inWarning: 3,
        legalBreached: 1,
        rectifications: 0,
      });
      // K3 was not decided yet: the district had decided nothing; undecided cases under ''.
      expect(phase1.decidedBy.groups.map((g) => [g.key, g.received])).toEqual([
        ['', 11], // K2 K3 K6 K7 K8 K9 K10 K11 K12 K13 K14
        [C1, 2], // K1 K5
        [C2, 1], // K4
      ]);
    });
  });

  describe('periods', () => {
    it('totals a month: March 2026', async () => {
      const r = await query({ period: 'month', date: '2026-03-10' });
      expect(r.scope).toEqual({ node: DISTRICT, tier: 'district', name: '东河区' });
      expect(r.period).toEqual({ kind: 'month', from: '2026-03-01', to: '2026-03-31' });
      expect(r.groups).toEqual([]);
      expect(r.total).toEqual({
        // K1 03-02, K2 03-16, K3 03-05, K4 03-31 (15:59Z is still 23:59 in Shanghai), K6 03-03,
        // K10 03-09, K13 03-25
        received: 7,
        // K1 K2 K3 K10 K13 (K4 was accepted at 03-31T16:00Z = 04-01 00:00 in Shanghai)
        accepted: 5,
        notAccepted: 1, // K6 (rejected 03-03T16:10Z = 03-04 in Shanghai)
        completed: 3, // K1 03-10 ahead, K3 03-20 overdue, K2 03-30 on-time (decidedOn)
        completedAhead: 1,
        completedOnTime: 1,
        completedOverdue: 1,
        completedUnmeasured: 0,
        aheadRate: 0.3333,
        measuredProvisional: 0,
        measuredProvisionalShare: 0, // 1/3
        onTimeRate: 0.6667, // (ahead 1 + on time 1)/3
        overdueRate: 0.3333, // 1/3
        averagePromisedDays: 9, // (10 + 10 + 5 + 10 + 10)/5
        averageWorkingDaysUsed: 9, // (6 + 10 + 11)/3
        instantShare: 0, // no item of 0 days accepted in March
        supplementRate: 0, // K4's supplement counts on its acceptance day, in April
        satisfaction: stars({ '1': 1, '5': 1 }, 3), // K3 1 (03-21), K1 5 (03-10); K2's 2 is on 04-01
        open: OPEN_NOW,
      });
    });

    it('totals a month: April 2026, with an unmeasured completion', async () => {
      const r = await query({ period: 'month', date: '2026-04-30' });
      expect(r.period).toEqual({ kind: 'month', from: '2026-04-01', to: '2026-04-30' });
      expect(r.total).toEqual({
        received: 7, // K5 K7 K8 K9 K11 K12 (04-09T16:30Z = 04-10) K14
        accepted: 6, // K4 (04-01 00:00) K5 K8 K9 K11 K14
        notAccepted: 1, // K7
        completed: 3, // K5 04-01 on-time, K13 04-03 ahead, K4 04-20 (timing null)
        completedAhead: 1,
        completedOnTime: 1,
        completedOverdue: 0,
        completedUnmeasured: 1, // K4
        aheadRate: 0.5,
        measuredProvisional: 0,
        measuredProvisionalShare: 0, // 1 of the 2 measured
        onTimeRate: 1, // 2/2
        overdueRate: 0,
        averagePromisedDays: 5.8333, // (10 + 0 + 10 + 5 + 5 + 5)/6 = 35/6
        averageWorkingDaysUsed: 3.5, // (0 + 7)/2 measured
        instantShare: 0.1667, // K5: 1/6
        supplementRate: 0.3333, // K4 and K11 (open supplement): 2/6
        satisfaction: stars({ '2': 1, '5': 1 }, 3.5), // K2 2 (03-31T16:30Z = 04-01), K5 5
        open: OPEN_NOW,
      });
    });

    it('puts an instant of 16:30Z on the next Shanghai day', async () => {
      // K2 filed 03-15T16:30Z and accepted 03-15T16:45Z: both on 03-16 in Shanghai, nothing on 03-15.
      const d16 = await query({ period: 'day', date: '2026-03-16' });
      expect(d16.period).toEqual({ kind: 'day', from: '2026-03-16', to: '2026-03-16' });
      expect(d16.total).toEqual({
        ...NOTHING,
        received: 1,
        accepted: 1,
        averagePromisedDays: 10,
        instantShare: 0,
        supplementRate: 0,
        open: OPEN_NOW,
      });
      expect((await query({ period: 'day', date: '2026-03-15' })).total).toEqual({
        ...NOTHING,
        open: OPEN_NOW,
      });

      // 03-31: K4 filed at 15:59Z (23:59 Shanghai); its acceptance at 16:00Z and K2's rating at
      // 16:30Z are on 04-01.
      expect((await query({ period: 'day', date: '2026-03-31' })).total).toEqual({
        ...NOTHING,
        received: 1,
        open: OPEN_NOW,
      });
      // 04-01: received K5; accepted K4 (supplement) and K5 (instant); K5 decided on time in 0
      // days; rated K2 2 and K5 5.
      expect((await query({ period: 'day', date: '2026-04-01' })).total).toEqual({
        ...NOTHING,
        received: 1,
        accepted: 2,
        completed: 1,
        completedOnTime: 1,
        aheadRate: 0,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 1,
        overdueRate: 0,
        averagePromisedDays: 5, // (10 + 0)/2
        averageWorkingDaysUsed: 0,
        instantShare: 0.5,
        supplementRate: 0.5,
        satisfaction: stars({ '2': 1, '5': 1 }, 3.5),
        open: OPEN_NOW,
      });
      // K6 filed 03-03T05:00Z, rejected 03-03T16:10Z: received on 03-03, refused on 03-04.
      expect((await query({ period: 'day', date: '2026-03-03' })).total).toMatchObject({
        received: 1,
        notAccepted: 0,
      });
      expect((await query({ period: 'day', date: '2026-03-04' })).total).toMatchObject({
        received: 0,
        notAccepted: 1,
      });
      // K4 decided 04-19T16:20Z without timing: completed on 04-20 (Shanghai), not on 04-19.
      expect((await query({ period: 'day', date: '2026-04-19' })).total.completed).toBe(0);
      expect((await query({ period: 'day', date: '2026-04-20' })).total).toMatchObject({
        completed: 1,
        completedUnmeasured: 1,
        aheadRate: null,
        measuredProvisional: 0,
        measuredProvisionalShare: null,
        averageWorkingDaysUsed: null,
      });
    });

    it('totals an ISO week across the month boundary, whichever day of it is asked', async () => {
      // Monday 2026-03-30 .. Sunday 2026-04-05.
      const expected = {
        received: 3, // K4 03-31, K5 04-01, K7 04-02
        accepted: 2, // K4 K5 (04-01)
        notAccepted: 1, // K7 04-03
        completed: 3, // K2 03-30 on-time (10), K5 04-01 on-time (0), K13 04-03 ahead (7)
        completedAhead: 1,
        completedOnTime: 2,
        completedOverdue: 0,
        completedUnmeasured: 0,
        aheadRate: 0.3333,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 1,
        overdueRate: 0,
        averagePromisedDays: 5, // (10 + 0)/2
        averageWorkingDaysUsed: 5.6667, // 17/3
        instantShare: 0.5,
        supplementRate: 0.5,
        satisfaction: stars({ '2': 1, '5': 1 }, 3.5),
        open: OPEN_NOW,
      };
      for (const date of ['2026-03-30', '2026-04-01', '2026-04-05']) {
        const r = await query({ period: 'week', date });
        expect(r.period).toEqual({ kind: 'week', from: '2026-03-30', to: '2026-04-05' });
        expect(r.total).toEqual(expected);
      }
      // The next week, 04-06 .. 04-12: received K8 K9 K11 K12, accepted K8 K9 K11.
      const next = await query({ period: 'week', date: '2026-04-06' });
      expect(next.period).toEqual({ kind: 'week', from: '2026-04-06', to: '2026-04-12' });
      expect(next.total).toMatchObject({ received: 4, accepted: 3, averagePromisedDays: 6.6667 });
    });

    it('totals a year, and an empty year', async () => {
      const r = await query({ period: 'year', date: '2026-07-01' });
      expect(r.period).toEqual({ kind: 'year', from: '2026-01-01', to: '2026-12-31' });
      expect(r.total).toEqual({
        received: 14,
        accepted: 11, // all but K6 K7 (rejected) and K12 (submitted)
        notAccepted: 2,
        completed: 6, // K1 K2 K3 K4 K5 K13
        completedAhead: 2, // K1 K13
        completedOnTime: 2, // K2 K5
        completedOverdue: 1, // K3
        completedUnmeasured: 1, // K4
        aheadRate: 0.4,
        measuredProvisional: 0,
        measuredProvisionalShare: 0, // 2/5 measured
        onTimeRate: 0.8, // 4/5
        overdueRate: 0.2, // 1/5
        averagePromisedDays: 7.2727, // (45 + 35)/11
        averageWorkingDaysUsed: 6.8, // (6 + 10 + 11 + 0 + 7)/5
        instantShare: 0.0909, // 1/11
        supplementRate: 0.1818, // 2/11
        satisfaction: stars({ '1': 1, '2': 1, '5': 2 }, 3.25), // (1 + 2 + 5 + 5)/4
        open: OPEN_NOW,
      });
      expect((await query({ period: 'year', date: '2025-12-31' })).total).toEqual({
        ...NOTHING,
        open: OPEN_NOW,
      });
    });

    it('totals a custom range, bounds included', async () => {
      const r = await query({ period: 'custom', from: '2026-03-16', to: '2026-04-01' });
      expect(r.period).toEqual({ kind: 'custom', from: '2026-03-16', to: '2026-04-01' });
      expect(r.total).toEqual({
        received: 4, // K2 03-16, K13 03-25, K4 03-31, K5 04-01
        accepted: 4, // K2 03-16, K13 03-25, K4 04-01, K5 04-01
        notAccepted: 0, // K6 03-04 and K7 04-03 are outside
        completed: 3, // K3 03-20 overdue (11), K2 03-30 on-time (10), K5 04-01 on-time (0)
        completedAhead: 0,
        completedOnTime: 2,
        completedOverdue: 1,
        completedUnmeasured: 0,
        aheadRate: 0,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 0.6667,
        overdueRate: 0.3333,
        averagePromisedDays: 7.5, // (10 + 10 + 10 + 0)/4
        averageWorkingDaysUsed: 7, // 21/3
        instantShare: 0.25,
        supplementRate: 0.25,
        satisfaction: stars({ '1': 1, '2': 1, '5': 1 }, 2.6667), // K3 1 (03-21), K2 2, K5 5 (04-01)
        open: OPEN_NOW,
      });
      // A one-day custom range is the day.
      const one = await query({ period: 'custom', from: '2026-03-16', to: '2026-03-16' });
      expect(one.total).toEqual((await query({ period: 'day', date: '2026-03-16' })).total);
    });
  });

  describe('grouping', () => {
    it('groups March by community, with the open cases of each', async () => {
      const r = await query({ period: 'month', date: '2026-03-01', groupBy: 'community' });
      expect(r.groups).toEqual([
        {
          key: C1,
          name: C1_NAME,
          drillDown: `/api/v1/oversight/cases?communityCode=${C1}`,
          received: 3, // K1 K2 K6
          accepted: 2, // K1 K2
          notAccepted: 1, // K6
          completed: 2, // K1 ahead (6), K2 on-time (10)
          completedAhead: 1,
          completedOnTime: 1,
          completedOverdue: 0,
          completedUnmeasured: 0,
          aheadRate: 0.5,
          measuredProvisional: 0,
          measuredProvisionalShare: 0,
          onTimeRate: 1,
          overdueRate: 0,
          averagePromisedDays: 10,
          averageWorkingDaysUsed: 8,
          instantShare: 0,
          supplementRate: 0,
          satisfaction: stars({ '5': 1 }, 5), // K1
          open: OPEN_C1,
        },
        {
          key: C2,
          name: C2_NAME,
          drillDown: `/api/v1/oversight/cases?communityCode=${C2}`,
          received: 4, // K3 K4 K10 K13
          accepted: 3, // K3 K10 K13
          notAccepted: 0,
          completed: 1, // K3 overdue (11)
          completedAhead: 0,
          completedOnTime: 0,
          completedOverdue: 1,
          completedUnmeasured: 0,
          aheadRate: 0,
          measuredProvisional: 0,
          measuredProvisionalShare: 0,
          onTimeRate: 0,
          overdueRate: 1,
          averagePromisedDays: 8.3333, // (5 + 10 + 10)/3
          averageWorkingDaysUsed: 11,
          instantShare: 0,
          supplementRate: 0,
          satisfaction: stars({ '1': 1 }, 1), // K3
          open: OPEN_C2,
        },
      ]);
      // The groups add up to the total.
      expect(r.total.received).toBe(7);
      expect(r.total.open).toEqual(OPEN_NOW);
    });

    it('shows a community with open cases in a month where nothing happened', async () => {
      const r = await query({ period: 'month', date: '2026-05-15', groupBy: 'community' });
      expect(r.groups.map((g) => [g.key, g.received, g.aheadRate, g.open])).toEqual([
        [C1, 0, null, OPEN_C1],
        [C2, 0, null, OPEN_C2],
      ]);
    });

    it('groups the year by item', async () => {
      const r = await query({ period: 'year', date: '2026-01-01', groupBy: 'item' });
      expect(r.groups.map((g) => g.key)).toEqual([MZ.code, RS.code, SC.code]);
      expect(group(r, MZ.code)).toMatchObject({
        drillDown: `/api/v1/oversight/cases?itemCode=${MZ.code}`,
        received: 8, // K1 K2 K4 K6 K8 K10 K12 K13
        accepted: 6, // K1 K2 K4 K8 K10 K13
        notAccepted: 1, // K6
        completed: 4, // K1 ahead 6, K2 on-time 10, K13 ahead 7, K4 unmeasured
        completedAhead: 2,
        completedOnTime: 1,
        completedOverdue: 0,
        completedUnmeasured: 1,
        aheadRate: 0.6667,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 1,
        overdueRate: 0,
        averagePromisedDays: 10,
        averageWorkingDaysUsed: 7.6667, // 23/3
        instantShare: 0,
        supplementRate: 0.1667, // K4: 1/6
        satisfaction: stars({ '2': 1, '5': 1 }, 3.5),
        // K8 green, K10 red + breach; rectification of K2
        open: { ...NO_OPEN, cases: 2, green: 1, overdue: 1, legalBreached: 1, rectifications: 1 },
      });
      expect(group(r, RS.code)).toMatchObject({
        received: 5, // K3 K7 K9 K11 K14
        accepted: 4, // K3 K9 K11 K14
        notAccepted: 1, // K7
        completed: 1, // K3 overdue 11
        aheadRate: 0,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 0,
        overdueRate: 1,
        averagePromisedDays: 5,
        averageWorkingDaysUsed: 11,
        instantShare: 0,
        supplementRate: 0.25, // K11
        satisfaction: stars({ '1': 1 }, 1),
        // K9 red, K11 none, K14 yellow; rectification of K3
        open: { ...NO_OPEN, cases: 3, yellow: 1, inWarning: 1, overdue: 1, rectifications: 1 },
      });
      expect(group(r, SC.code)).toMatchObject({
        received: 1, // K5
        accepted: 1,
        completed: 1,
        completedOnTime: 1,
        onTimeRate: 1,
        averagePromisedDays: 0,
        averageWorkingDaysUsed: 0,
        instantShare: 1,
        supplementRate: 0,
        satisfaction: stars({ '5': 1 }, 5),
        open: NO_OPEN, // nothing open under SC: an empty open figure, not null
      });
    });

    it('groups April by department, and the year by deciding tier', async () => {
      const r = await query({ period: 'month', date: '2026-04-01', groupBy: 'department' });
      // Code-point order: 人 (U+4EBA) < 市 (U+5E02) < 民 (U+6C11).
      expect(r.groups.map((g) => g.key)).toEqual([RS.department, SC.department, MZ.department]);
      expect(r.groups.map((g) => [g.key, g.received, g.accepted, g.notAccepted, g.completed])).toEqual([
        [RS.department, 4, 3, 1, 0], // received K7 K9 K11 K14, accepted K9 K11 K14, refused K7
        [SC.department, 1, 1, 0, 1], // K5
        [MZ.department, 2, 2, 0, 2], // received K8 K12, accepted K4 K8, decided K4 K13
      ]);
      expect(group(r, MZ.department)).toMatchObject({
        drillDown: `/api/v1/oversight/cases?department=${encodeURIComponent(MZ.department)}`,
        completedUnmeasured: 1, // K4
        aheadRate: 1,
        measuredProvisional: 0,
        measuredProvisionalShare: 0, // K13 of 1 measured
        supplementRate: 0.5, // K4 of K4 K8
        satisfaction: stars({ '2': 1 }, 2), // K2 rated on 04-01
      });

      const tiers = await query({ period: 'year', date: '2026-01-01', groupBy: 'decidingTier' });
      expect(tiers.groups.map((g) => [g.key, g.received, g.completed, g.open?.cases])).toEqual([
        ['community', 9, 5, 2], // MZ + SC: K1 K2 K4 K5 K13 decided; K8 K10 open
        ['district', 5, 1, 3], // RS: K3 decided; K9 K11 K14 open
      ]);
    });

    it('counts a case accepted at a community and decided at the district once in each grouping', async () => {
      const byAcceptor = await query({ period: 'year', date: '2026-01-01', groupBy: 'acceptedBy' });
      expect(byAcceptor.groups).toEqual([
        // not accepted: K6 K7 (refused), K12 (submitted)
        { ...NOTHING, key: '', received: 3, notAccepted: 2, open: null },
        expect.objectContaining({
          key: C1,
          name: C1_NAME,
          received: 6, // K1 K2 K5 K8 K11 K14
          accepted: 6,
          completed: 3, // K1 K2 K5
          completedOverdue: 0,
          open: null, // open cases are not kept by acceptor
        }),
        expect.objectContaining({
          key: C2,
          name: C2_NAME,
          received: 5, // K3 K4 K9 K10 K13: K3 is here, accepted by C2 ...
          accepted: 5,
          completed: 3, // K3 K4 K13
          completedOverdue: 1, // K3
          satisfaction: stars({ '1': 1 }, 1), // K3
          open: null,
        }),
      ]);
      expect(byAcceptor.total.open).toBeNull();
      expect(byAcceptor.total.received).toBe(14);

      const byDecider = await query({ period: 'year', date: '2026-01-01', groupBy: 'decidedBy' });
      expect(byDecider.groups.map((g) => g.key)).toEqual(['', DISTRICT, C1, C2]);
      expect(byDecider.groups).toEqual([
        // undecided: K6 K7 K8 K9 K10 K11 K12 K14
        expect.objectContaining({ key: '', received: 8, accepted: 5, notAccepted: 2, completed: 0 }),
        // ... and K3 is here, decided by the district, and nowhere else in this grouping.
        {
          ...NOTHING,
          key: DISTRICT,
          name: '东河区',
          received: 1,
          accepted: 1,
          completed: 1,
          completedOverdue: 1,
          aheadRate: 0,
          measuredProvisional: 0,
          measuredProvisionalShare: 0,
          onTimeRate: 0,
          overdueRate: 1,
          averagePromisedDays: 5,
          averageWorkingDaysUsed: 11,
          instantShare: 0,
          supplementRate: 0,
          satisfaction: stars({ '1': 1 }, 1),
          open: null,
        },
        // K1 K2 K5
        expect.objectContaining({ key: C1, received: 3, accepted: 3, completed: 3, completedAhead: 1 }),
        // K4 K13
        expect.objectContaining({ key: C2, received: 2, accepted: 2, completed: 2, completedUnmeasured: 1 }),
      ]);
      expect(byDecider.groups.reduce((n, g) => n + g.received, 0)).toBe(14);
      expect(byDecider.groups.reduce((n, g) => n + g.completed, 0)).toBe(6);
    });
  });

  describe('filters', () => {
    it('filters by community: April at C2', async () => {
      const r = await query({ period: 'month', date: '2026-04-15', communityCode: C2 });
      expect(r.filter).toEqual({
        communityCode: C2,
        districtCode: undefined,
        itemCode: undefined,
        department: undefined,
      });
      expect(r.total).toEqual({
        received: 2, // K7 K9 (K4 was received on 03-31)
        accepted: 2, // K4 K9
        notAccepted: 1, // K7
        completed: 2, // K13 ahead (7), K4 unmeasured
        completedAhead: 1,
        completedOnTime: 0,
        completedOverdue: 0,
        completedUnmeasured: 1,
        aheadRate: 1,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 1,
        overdueRate: 0,
        averagePromisedDays: 7.5, // (10 + 5)/2
        averageWorkingDaysUsed: 7,
        instantShare: 0,
        supplementRate: 0.5, // K4
        satisfaction: stars({}, null), // no C2 case rated in April
        open: OPEN_C2,
      });
    });

    it('filters by item, by community and item, by department and by another district', async () => {
      const rs = await query({ period: 'year', date: '2026-01-01', itemCode: RS.code });
      expect(rs.total).toMatchObject({
        received: 5,
        accepted: 4,
        notAccepted: 1,
        completed: 1,
        overdueRate: 1,
        averagePromisedDays: 5,
        supplementRate: 0.25,
        satisfaction: stars({ '1': 1 }, 1),
        open: { ...NO_OPEN, cases: 3, yellow: 1, inWarning: 1, overdue: 1, rectifications: 1 },
      });

      // C1 under MZ: K1 K2 K6 K8 K12.
      const c1mz = await query({ period: 'year', date: '2026-01-01', communityCode: C1, itemCode: MZ.code });
      expect(c1mz.total).toMatchObject({
        received: 5,
        accepted: 3, // K1 K2 K8
        notAccepted: 1, // K6
        completed: 2, // K1 ahead, K2 on-time
        aheadRate: 0.5,
        measuredProvisional: 0,
        measuredProvisionalShare: 0,
        onTimeRate: 1,
        averagePromisedDays: 10,
        averageWorkingDaysUsed: 8,
        satisfaction: stars({ '2': 1, '5': 1 }, 3.5),
        open: { ...NO_OPEN, cases: 1, green: 1, rectifications: 1 }, // K8; K2's rectification
      });

      const sc = await query({ period: 'year', date: '2026-01-01', department: SC.department });
      expect(sc.total).toMatchObject({ received: 1, accepted: 1, instantShare: 1, averagePromisedDays: 0 });

      const mine = await query({ period: 'year', date: '2026-01-01', districtCode: DISTRICT });
      expect(mine.total).toEqual((await query({ period: 'year', date: '2026-01-01' })).total);
      const other = await query({ period: 'year', date: '2026-01-01', districtCode: '150204' });
      expect(other.total).toEqual({ ...NOTHING, open: NO_OPEN });
    });
  });

  describe('bad periods', () => {
    // 2016-01-01 + 3660 days = 2026-01-08 (3653 days to 2026-01-01, with three leap years).
    const BAD: [string, Partial<StatsQuery>, RegExp][] = [
      ['an inverted custom range', { period: 'custom', from: '2026-04-02', to: '2026-04-01' }, /before/],
      ['a custom period without to', { period: 'custom', from: '2026-04-01' }, /needs from and to/],
      ['a custom period without from', { period: 'custom', to: '2026-04-01' }, /needs from and to/],
      [
        'a range of 3661 days',
        { period: 'custom', from: '2016-01-01', to: '2026-01-09' },
        /at most 3660 days/,
      ],
      ['a day that does not exist', { period: 'custom', from: '2026-02-01', to: '2026-02-30' }, /^to:/],
      [
        'from and to without custom',
        { period: 'month', from: '2026-04-01', to: '2026-04-30' },
        /period=custom/,
      ],
      ['a month 13', { period: 'day', date: '2026-13-01' }, /^date:/],
    ];

    it.each(BAD)('refuses %s (DomainError invalid: 400)', async (_what, q, message) => {
      const error = await query(q).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: 'invalid', code: 'STATS_BAD_PERIOD' });
      expect((error as DomainError).message).toMatch(message);
    });

    it('accepts a custom period of exactly 3660 days', async () => {
      const r = await query({ period: 'custom', from: '2016-01-01', to: '2026-01-08' });
      expect(r.period).toEqual({ kind: 'custom', from: '2016-01-01', to: '2026-01-08' });
      expect(r.total.received).toBe(0);
    });
  });

  describe('the counters never drift from the cases', () => {
    it('holds in stats_daily exactly what a naive recount of case_record gives, day by day and key by key', async () => {
      // Every case fact as (day, keys, counter, amount), straight from the JSON of case_record.
      const recount = await db.query<unknown[]>(`
        WITH c AS (
          SELECT district_code AS d, community_code AS cc, item_code AS it,
                 coalesce(item->>'department', '') AS dep, coalesce(item->>'decidingTier', '') AS tier,
                 coalesce(lifecycle->>'acceptedBy', '') AS acc, coalesce(lifecycle->>'decidedBy', '') AS dec,
                 status, filed_at, item, lifecycle AS l,
                 ((lifecycle->>'acceptedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AS acc_day
          FROM case_record),
        facts (day, d, cc, it, dep, tier, acc, dec, counter, n) AS (
          SELECT (filed_at AT TIME ZONE 'Asia/Shanghai')::date, d, cc, it, dep, tier, acc, dec, 'received', 1 FROM c
          UNION ALL
          SELECT acc_day, d, cc, it, dep, tier, acc, dec, 'accepted', 1 FROM c WHERE acc_day IS NOT NULL
          UNION ALL
          SELECT acc_day, d, cc, it, dep, tier, acc, dec, 'promised_days_sum', (item->>'promisedDays')::int
          FROM c WHERE acc_day IS NOT NULL
          UNION ALL
          SELECT acc_day, d, cc, it, dep, tier, acc, dec, 'instant', 1
          FROM c WHERE acc_day IS NOT NULL AND item->>'promisedDays' = '0'
          UNION ALL
          SELECT acc_day, d, cc, it, dep, tier, acc, dec, 'with_supplement', 1
          FROM c WHERE acc_day IS NOT NULL
            AND EXISTS (SELECT 1 FROM jsonb_array_elements(l->'pauses') p WHERE p->>'kind' = 'supplement')
          UNION ALL
          SELECT ((l->>'rejectedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date,
                 d, cc, it, dep, tier, acc, dec, 'not_accepted', 1
          FROM c WHERE status = 'rejected'
          UNION ALL
          SELECT coalesce((l->'timing'->>'decidedOn')::date,
                          ((l->>'decidedAt')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date),
                 d, cc, it, dep, tier, acc, dec, x.counter, x.n
          FROM c CROSS JOIN LATERAL (VALUES
            ('completed', 1),
            ('completed_measured', CASE WHEN jsonb_typeof(l->'timing') = 'object' THEN 1 ELSE 0 END),
            ('completed_ahead', CASE WHEN l->'timing'->>'completion' = 'ahead' THEN 1 ELSE 0 END),
            ('completed_on_time', CASE WHEN l->'timing'->>'completion' = 'on-time' THEN 1 ELSE 0 END),
            ('completed_overdue', CASE WHEN l->'timing'->>'completion' = 'overdue' THEN 1 ELSE 0 END),
            ('working_days_used_sum', coalesce((l->'timing'->>'workingDaysUsed')::int, 0))
          ) x (counter, n)
          WHERE l->>'decidedAt' IS NOT NULL
          UNION ALL
          SELECT ((l->'rating'->>'at')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date,
                 d, cc, it, dep, tier, acc, dec, 'rated_' || (l->'rating'->>'score'), 1
          FROM c WHERE jsonb_typeof(l->'rating') = 'object')
        SELECT day::text AS day, d, cc, it, dep, tier, acc, dec, counter, sum(n)::int AS n
        FROM facts GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`);
      const kept = await db.query<unknown[]>(`
        SELECT s.day::text AS day, s.district_code AS d, s.community_code AS cc, s.item_code AS it,
               s.department AS dep, s.deciding_tier AS tier, s.accepted_by AS acc, s.decided_by AS dec,
               x.counter, sum(x.n)::int AS n
        FROM stats_daily s CROSS JOIN LATERAL (VALUES
          ('received', s.received::bigint), ('accepted', s.accepted), ('not_accepted', s.not_accepted),
          ('instant', s.instant), ('with_supplement', s.with_supplement),
          ('promised_days_sum', s.promised_days_sum), ('completed', s.completed),
          ('completed_ahead', s.completed_ahead), ('completed_on_time', s.completed_on_time),
          ('completed_overdue', s.completed_overdue), ('completed_measured', s.completed_measured),
          ('working_days_used_sum', s.working_days_used_sum), ('rated_1', s.rated_1), ('rated_2', s.rated_2),
          ('rated_3', s.rated_3), ('rated_4', s.rated_4), ('rated_5', s.rated_5)
        ) x (counter, n)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 HAVING sum(x.n) <> 0
        ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`);
      expect(kept).toEqual(recount);

      // The whole data set at once, against the hand count (K1..K14).
      const [naive] = await db.query<Record<string, number>[]>(`
        SELECT count(*)::int AS received,
               count(*) FILTER (WHERE lifecycle->>'acceptedAt' IS NOT NULL)::int AS accepted,
               count(*) FILTER (WHERE status = 'rejected')::int AS not_accepted,
               count(*) FILTER (WHERE lifecycle->>'acceptedAt' IS NOT NULL
                                  AND (item->>'promisedDays')::int = 0)::int AS instant,
               coalesce(sum((item->>'promisedDays')::int)
                          FILTER (WHERE lifecycle->>'acceptedAt' IS NOT NULL), 0)::int AS promised_days_sum,
               count(*) FILTER (WHERE lifecycle->>'decidedAt' IS NOT NULL)::int AS completed,
               count(*) FILTER (WHERE lifecycle->'timing'->>'completion' IS NOT NULL)::int AS completed_measured,
               coalesce(sum((lifecycle->'timing'->>'workingDaysUsed')::int), 0)::int AS working_days_used_sum,
               count(*) FILTER (WHERE lifecycle->'rating'->>'score' IN ('1', '2'))::int AS rated_low,
               count(*) FILTER (WHERE lifecycle->'rating'->>'score' = '5')::int AS rated_5
        FROM case_record`);
      const [sums] = await db.query<Record<string, number>[]>(`
        SELECT sum(received)::int AS received, sum(accepted)::int AS accepted,
               sum(not_accepted)::int AS not_accepted, sum(instant)::int AS instant,
               sum(promised_days_sum)::int AS promised_days_sum, sum(completed)::int AS completed,
               sum(completed_measured)::int AS completed_measured,
               sum(working_days_used_sum)::int AS working_days_used_sum,
               (sum(rated_1) + sum(rated_2))::int AS rated_low, sum(rated_5)::int AS rated_5
        FROM stats_daily`);
      const hand = {
        received: 14,
        accepted: 11,
        not_accepted: 2,
        instant: 1,
        promised_days_sum: 80,
        completed: 6,
        completed_measured: 5,
        working_days_used_sum: 34,
        rated_low: 2,
        rated_5: 2,
      };
      expect(naive).toEqual(hand);
      expect(sums).toEqual(hand);
      // No counter went below zero on the way (a take-back under the wrong keys would).
      const [{ negative }] = await db.query<{ negative: number }[]>(
        `SELECT count(*)::int AS negative FROM stats_daily
         WHERE least(received, accepted, not_accepted, instant, with_supplement, promised_days_sum, completed,
                     completed_measured, working_days_used_sum, rated_1, rated_2, rated_3, rated_4, rated_5) < 0`,
      );
      expect(negative).toBe(0);
    });

    it('holds in stats_open exactly the open cases and rectifications of case_record', async () => {
      const recount = await db.query<unknown[]>(`
        SELECT community_code AS cc, item_code AS it, handling_node AS node,
               coalesce(lifecycle->'warning'->>'level', 'none') AS level,
               coalesce((lifecycle->'warning'->>'legalBreached')::boolean, false) AS breached,
               count(*)::int AS n
        FROM case_record WHERE status IN ${OPEN_STATUSES}
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`);
      const kept = await db.query<unknown[]>(`
        SELECT community_code AS cc, item_code AS it, handling_node AS node, level, legal_breached AS breached,
               sum(open_cases)::int AS n
        FROM stats_open GROUP BY 1, 2, 3, 4, 5 HAVING sum(open_cases) <> 0 ORDER BY 1, 2, 3, 4, 5`);
      expect(kept).toEqual(recount);
      expect(recount).toHaveLength(5); // K8 K9 K10 K11 K14, each in a group of its own

      const [{ open, rect }] = await db.query<{ open: number; rect: number }[]>(
        `SELECT (SELECT count(*) FROM case_record WHERE status IN ${OPEN_STATUSES})::int AS open,
                (SELECT count(*) FROM case_record WHERE lifecycle->>'rectification' = 'open')::int AS rect`,
      );
      const [{ keptOpen, keptRect }] = await db.query<{ keptOpen: number; keptRect: number }[]>(
        `SELECT sum(open_cases)::int AS "keptOpen", sum(rectifications_open)::int AS "keptRect" FROM stats_open`,
      );
      expect({ open, rect }).toEqual({ open: 5, rect: 2 });
      expect({ keptOpen, keptRect }).toEqual({ keptOpen: 5, keptRect: 2 });
    });

    it('ignored the stale lower version of K8', async () => {
      const [row] = await db.query<{ version: number; status: string }[]>(
        'SELECT version, status FROM case_record WHERE case_no = $1',
        [K.K8],
      );
      expect(row).toEqual({ version: 3, status: 'accepted' });
    });
  });
});
