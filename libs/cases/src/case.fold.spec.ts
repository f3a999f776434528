import {
  CASE_FILED,
  CaseAction,
  CaseSnapshot,
  emptyLifecycle,
  FederationEvent,
  LifecycleEventType,
  ACTION_EVENT_TYPES,
  TierName,
} from '@fed/contracts';
import { Candidate, CurrentCase, foldCase, FoldError, planApply } from './case.fold';

const X = '1502020010012026112600000001';
const Y = '1502040030012026112600000002';
const DISTRICT = '150202';

function snapshotOf(caseNo: string, decidingTier: TierName = 'community'): CaseSnapshot {
  const community = caseNo.slice(0, 12);
  return {
    caseNo,
    communityCode: community,
    districtCode: community.slice(0, 6),
    cityCode: '150200',
    itemCode: '150200-MZ-001',
    item: {
      code: '150200-MZ-001',
      version: 1,
      name: '最低生活保障申请',
      department: '民政局',
      decidingTier,
      promisedDays: 10,
      legalDays: 20,
    },
    channel: 'window',
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formData: { household: 2 },
    status: 'submitted',
    filedAt: '2026-11-26T01:02:03.456Z',
    handlingNode: community,
    queryCodeHash: '0123456789abcdef'.repeat(4),
    lifecycle: emptyLifecycle(),
  };
}

/** Version n occurs n minutes after 02:00Z on the filing day, after the filing at 01:02Z. */
const occurredAt = (version: number) => new Date(Date.UTC(2026, 10, 26, 2, version));

function event(
  caseNo: string,
  version: number,
  body: FederationEvent['body'],
  id: string,
  origin: [string, TierName] = [caseNo.slice(0, 12), 'community'],
): FederationEvent {
  return {
    eventId: id,
    originNode: origin[0],
    originTier: origin[1],
    caseNo,
    caseVersion: version,
    occurredAt: occurredAt(version),
    schemaVersion: 1,
    body,
  };
}

const filed = (
  caseNo: string,
  version = 1,
  id = `${caseNo}@${version}`,
  decidingTier: TierName = 'community',
) => event(caseNo, version, { type: CASE_FILED, record: snapshotOf(caseNo, decidingTier) }, id);

/** A lifecycle event: `action` by officer 张三 at `origin` (the case's community unless said otherwise). */
const lifecycle = (
  caseNo: string,
  version: number,
  action: CaseAction,
  id = `${caseNo}@${version}`,
  origin?: [string, TierName],
) => {
  const type: LifecycleEventType = ACTION_EVENT_TYPES[action.action];
  return event(caseNo, version, { type, officer: '张三', action }, id, origin);
};

/** `{ type: 'case.accepted', officer: '张三', action: { action: 'accept' } }` by the case's community. */
const accepted = (caseNo: string, version: number, id?: string) =>
  lifecycle(caseNo, version, { action: 'accept' }, id);

/** The history every case of the scenarios follows, by the case's community: version → action. */
const HISTORY: Record<number, CaseAction> = {
  2: { action: 'accept' },
  3: { action: 'start-step', step: 'undertake' },
  4: { action: 'end-step', step: 'undertake', opinion: '材料齐全' },
  5: { action: 'decide', outcome: 'approved', result: '准予低保' },
};

/** Event `version` of a case's history (`id` defaults to `<caseNo>@<version>`). */
const next = (caseNo: string, version: number, id?: string) =>
  version === 1 ? filed(caseNo, 1, id) : lifecycle(caseNo, version, HISTORY[version], id);

/** The case after its history up to `version`. */
function caseAt(caseNo: string, version: number): CaseSnapshot {
  let c = foldCase(undefined, filed(caseNo));
  for (let v = 2; v <= version; v++) c = foldCase(c, next(caseNo, v));
  return c;
}

/** A candidate labelled so the plan can be read back; `from` tells an inbound message from a parked one. */
interface Labelled extends Candidate {
  label: string;
  from: 'inbound' | 'parked';
}

const c = (label: string, e: FederationEvent, from: Labelled['from'] = 'inbound'): Labelled => ({
  label,
  event: e,
  from,
});

/** A case this node holds at `version` of the history. */
const held = (caseNo: string, version: number): [string, CurrentCase] => [
  caseNo,
  { version, snapshot: caseAt(caseNo, version) },
];

interface Scenario {
  name: string;
  current?: [string, CurrentCase][];
  batch: Labelled[];
  /** `caseNo:version` → stored event id, as the repository would report it. */
  appliedIds?: [string, string][];
  apply?: string[];
  duplicates?: string[];
  park?: string[];
  rejects?: [string, RegExp][];
  /** caseNo → [version, status] of every case that changed. */
  results?: Record<string, [number, string]>;
}

const scenarios: Scenario[] = [
  {
    name: 'an in-order batch',
    batch: [c('X1', filed(X)), c('X2', next(X, 2))],
    apply: ['X1', 'X2'],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'a batch in reverse order',
    batch: [c('X3', next(X, 3)), c('X2', next(X, 2)), c('X1', filed(X))],
    apply: ['X1', 'X2', 'X3'],
    results: { [X]: [3, 'accepted'] },
  },
  {
    name: 'a filing alone',
    batch: [c('X1', filed(X))],
    apply: ['X1'],
    results: { [X]: [1, 'submitted'] },
  },
  {
    name: 'a gap: the case is at 1 and version 3 arrives',
    current: [held(X, 1)],
    batch: [c('X3', next(X, 3))],
    park: ['X3'],
  },
  {
    name: 'a gap at the start: version 2 of an unknown case',
    batch: [c('X2', next(X, 2))],
    park: ['X2'],
  },
  {
    name: 'the gap filled by a later batch together with the parked event',
    current: [held(X, 1)],
    batch: [c('X3', next(X, 3), 'parked'), c('X2', next(X, 2))],
    apply: ['X2', 'X3'],
    results: { [X]: [3, 'accepted'] },
  },
  {
    name: 'a batch that fills only part of a gap',
    current: [held(X, 1)],
    batch: [c('X4', next(X, 4), 'parked'), c('X2', next(X, 2))],
    apply: ['X2'],
    park: ['X4'],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'a redelivered event this node applied',
    current: [held(X, 2)],
    appliedIds: [[`${X}:2`, `${X}@2`]],
    batch: [c('X2', next(X, 2))],
    duplicates: ['X2'],
  },
  {
    name: 'another event at a version this node applied',
    current: [held(X, 2)],
    appliedIds: [[`${X}:2`, 'someone-else']],
    batch: [c('X2', next(X, 2))],
    rejects: [['X2', new RegExp(`^version 2 of ${X} is already another event$`)]],
  },
  {
    name: 'a redelivered filing next to the event that follows it',
    current: [held(X, 1)],
    appliedIds: [[`${X}:1`, `${X}@1`]],
    batch: [c('X1', filed(X)), c('X2', next(X, 2))],
    duplicates: ['X1'],
    apply: ['X2'],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'the same event twice in one batch',
    batch: [c('X1', filed(X)), c('X1 again', filed(X), 'parked')],
    apply: ['X1'],
    duplicates: ['X1 again'],
    results: { [X]: [1, 'submitted'] },
  },
  {
    name: 'two different events at the same new version in one batch',
    batch: [c('X1', filed(X)), c('X2', next(X, 2)), c('X2 other', next(X, 2, 'other'))],
    apply: ['X1', 'X2'],
    rejects: [['X2 other', /^version 2 of .* is already another event$/]],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'the same parked event twice',
    current: [held(X, 1)],
    batch: [c('X3', next(X, 3)), c('X3 again', next(X, 3), 'parked')],
    park: ['X3'],
    duplicates: ['X3 again'],
  },
  {
    name: 'two cases interleaved',
    current: [held(Y, 1)],
    batch: [
      c('Y3', next(Y, 3)),
      c('X2', next(X, 2)),
      c('X1', filed(X)),
      c('Y2', next(Y, 2)),
      c('X3', next(X, 3)),
    ],
    apply: ['X1', 'X2', 'X3', 'Y2', 'Y3'],
    results: { [X]: [3, 'accepted'], [Y]: [3, 'accepted'] },
  },
  {
    name: 'two cases, one blocked by a gap',
    current: [held(Y, 1)],
    batch: [c('Y3', next(Y, 3)), c('X1', filed(X))],
    apply: ['X1'],
    park: ['Y3'],
    results: { [X]: [1, 'submitted'] },
  },
  {
    name: 'case.accepted before case.filed for an unknown case',
    batch: [c('X1 accepted', accepted(X, 1))],
    rejects: [['X1 accepted', new RegExp(`^case ${X} is not filed$`)]],
  },
  {
    // A rejected event does not advance the case: what follows it waits.
    name: 'an event after a rejected one',
    batch: [c('X1 accepted', accepted(X, 1)), c('X2', next(X, 2))],
    rejects: [['X1 accepted', /is not filed$/]],
    park: ['X2'],
  },
  {
    name: 'case.filed at version 2 of a filed case',
    current: [held(X, 1)],
    batch: [c('X2 filed', filed(X, 2))],
    rejects: [['X2 filed', new RegExp(`^case ${X} is already filed$`)]],
  },
  {
    name: 'case.filed at version 2 parked earlier, once version 1 arrives',
    batch: [c('X2 filed', filed(X, 2), 'parked'), c('X1', filed(X))],
    apply: ['X1'],
    rejects: [['X2 filed', /is already filed$/]],
    results: { [X]: [1, 'submitted'] },
  },
  {
    // Version 2 of an unknown case is a gap, whatever its type. The codec already refuses case.filed
    // at any version but 1, so this only guards the planner on its own.
    name: 'case.filed at version 2 of an unknown case',
    batch: [c('X2 filed', filed(X, 2))],
    park: ['X2 filed'],
  },
  {
    name: 'a lifecycle event from a node that does not handle the case',
    current: [held(X, 1)],
    batch: [
      c('X2 by the district', lifecycle(X, 2, { action: 'accept' }, undefined, [DISTRICT, 'district'])),
    ],
    rejects: [['X2 by the district', /^case\.accepted refused: .*handled by node 150202001001/]],
  },
  {
    name: 'a lifecycle event from another community, with the event after it',
    current: [held(X, 1)],
    batch: [
      c('X2 by a sibling', lifecycle(X, 2, { action: 'accept' }, undefined, ['150202001002', 'community'])),
      c('X3', next(X, 3)),
    ],
    rejects: [['X2 by a sibling', /handled by/]],
    park: ['X3'],
  },
  {
    name: 'an action the case does not allow in its status',
    current: [held(X, 2)],
    batch: [c('X3 accepted again', accepted(X, 3))],
    rejects: [
      ['X3 accepted again', /^case\.accepted refused: accept is not allowed for a case in status accepted/],
    ],
  },
  {
    name: 'a history that runs to the decision',
    batch: [
      c('X5', next(X, 5)),
      c('X3', next(X, 3)),
      c('X1', filed(X)),
      c('X4', next(X, 4)),
      c('X2', next(X, 2)),
    ],
    apply: ['X1', 'X2', 'X3', 'X4', 'X5'],
    results: { [X]: [5, 'decided'] },
  },
];

describe('planApply', () => {
  it.each(scenarios)('$name', (s) => {
    const current = new Map(s.current ?? []);
    const before = structuredClone([...current]);

    const plan = planApply(current, s.batch, new Map(s.appliedIds ?? []));

    // Apply order matters within a case only; cases are independent.
    const byCase = (list: Labelled[]) => {
      const out: Record<string, string[]> = {};
      for (const x of list) (out[x.event.caseNo] ??= []).push(x.label);
      return out;
    };
    const expected = (labels: string[] = []) => {
      const picked = labels.map((label) => s.batch.find((x) => x.label === label));
      expect(picked).not.toContain(undefined); // a typo in the table must not pass as "nothing"
      return byCase(picked.filter((x) => x !== undefined));
    };
    expect(byCase(plan.apply)).toEqual(expected(s.apply));
    expect(byCase(plan.duplicates)).toEqual(expected(s.duplicates));
    expect(byCase(plan.park)).toEqual(expected(s.park));
    const rejects = s.rejects ?? [];
    expect(plan.rejects.map((r) => r.candidate.label)).toEqual(rejects.map(([label]) => label));
    rejects.forEach(([, reason], i) => expect(plan.rejects[i].reason).toMatch(reason));
    expect(
      Object.fromEntries([...plan.results].map(([no, r]) => [no, [r.version, r.snapshot.status]])),
    ).toEqual(s.results ?? {});
    // Every candidate lands in exactly one list, and the input is left alone.
    expect(plan.apply.length + plan.duplicates.length + plan.park.length + plan.rejects.length).toBe(
      s.batch.length,
    );
    expect([...current]).toEqual(before);
  });

  it('hands back the candidates themselves, parked or inbound', () => {
    const parked = c('X2', accepted(X, 2), 'parked');
    const inbound = c('X1', filed(X));

    const plan = planApply(new Map(), [parked, inbound], new Map());

    expect(plan.apply[0]).toBe(inbound);
    expect(plan.apply[1]).toBe(parked);
  });

  it('gives the case as filed, then accepted with every other field kept', () => {
    const plan = planApply(new Map(), [c('X2', accepted(X, 2)), c('X1', filed(X))], new Map());

    expect(plan.results.get(X)).toEqual({
      version: 2,
      snapshot: {
        ...snapshotOf(X),
        status: 'accepted',
        lifecycle: {
          ...emptyLifecycle(),
          acceptedAt: occurredAt(2).toISOString(),
          acceptedBy: X.slice(0, 12),
        },
      },
    });
  });

  it('does not change a case when nothing applies', () => {
    const plan = planApply(new Map([held(X, 1)]), [c('X3', next(X, 3))], new Map());
    expect(plan.results.has(X)).toBe(false);
  });

  describe('a case handed up from its community to the district', () => {
    const community = X.slice(0, 12);
    const byDistrict: [string, TierName] = [DISTRICT, 'district'];
    // A district-decided item: the community accepts and hands up, the district decides, the community delivers.
    const history = [
      c('v1', filed(X, 1, undefined, 'district')),
      c('v2', accepted(X, 2)),
      c('v3', lifecycle(X, 3, { action: 'hand-up', toNode: DISTRICT, note: '报区级审批' })),
      c('v4', lifecycle(X, 4, { action: 'start-step', step: 'review' }, undefined, byDistrict)),
      c(
        'v5',
        lifecycle(X, 5, { action: 'end-step', step: 'review', opinion: '同意' }, undefined, byDistrict),
      ),
      c(
        'v6',
        lifecycle(X, 6, { action: 'decide', outcome: 'approved', result: '准予' }, undefined, byDistrict),
      ),
      c('v7', lifecycle(X, 7, { action: 'deliver', method: 'window' })),
    ];
    const labels = history.map((h) => h.label);
    /** Fixed shuffles, so a failure can be replayed. */
    const orders = [
      [6, 5, 4, 3, 2, 1, 0],
      [3, 0, 6, 1, 5, 2, 4],
      [4, 6, 2, 0, 5, 3, 1],
      [1, 3, 5, 0, 2, 4, 6],
    ];

    it.each(orders)('applies the events of both tiers in version order when delivered as %j', (...order) => {
      const batch = order.map((i) => history[i]);

      const plan = planApply(new Map(), batch, new Map());

      expect(plan.apply.map((x) => x.label)).toEqual(labels);
      expect(plan.rejects).toEqual([]);
      const result = plan.results.get(X)!;
      expect(result.version).toBe(7);
      expect(result.snapshot.status).toBe('delivered');
      expect(result.snapshot.handlingNode).toBe(community);
      expect(result.snapshot.lifecycle).toMatchObject({
        acceptedBy: community,
        decidedBy: DISTRICT,
        handOffs: [{ from: community, to: DISTRICT, at: occurredAt(3).toISOString() }],
        steps: [{ step: 'review', node: DISTRICT, officer: '张三', endedAt: occurredAt(5).toISOString() }],
      });
    });

    it('leaves the district handling the case until it decides', () => {
      const plan = planApply(new Map(), [...history.slice(0, 5)].reverse(), new Map());

      expect(plan.results.get(X)).toMatchObject({ version: 5, snapshot: { handlingNode: DISTRICT } });
    });

    it('refuses the community acting on the case while the district handles it', () => {
      const early = c('v4 by the community', lifecycle(X, 4, { action: 'start-step', step: 'review' }));

      const plan = planApply(new Map(), [early, ...history.slice(0, 3)], new Map());

      expect(plan.apply.map((x) => x.label)).toEqual(['v1', 'v2', 'v3']);
      expect(plan.rejects.map((r) => [r.candidate.label, r.reason])).toEqual([
        ['v4 by the community', expect.stringContaining(`handled by node ${DISTRICT}`)],
      ]);
    });
  });
});

describe('foldCase', () => {
  it('creates the case from its filing', () => {
    expect(foldCase(undefined, filed(X))).toEqual(snapshotOf(X));
  });

  it('marks a filed case accepted by the node that accepted it and keeps everything else', () => {
    const prev = snapshotOf(X);

    const next = foldCase(prev, accepted(X, 2));

    expect(next).toEqual({
      ...snapshotOf(X),
      status: 'accepted',
      lifecycle: { ...emptyLifecycle(), acceptedAt: '2026-11-26T02:02:00.000Z', acceptedBy: X.slice(0, 12) },
    });
    expect(prev).toEqual(snapshotOf(X));
  });

  it('records the officer and the time of the event', () => {
    const started = foldCase(caseAt(X, 2), next(X, 3));
    expect(started.lifecycle.steps).toEqual([
      {
        step: 'undertake',
        node: X.slice(0, 12),
        officer: '张三',
        startedAt: occurredAt(3).toISOString(),
        endedAt: null,
        opinion: null,
      },
    ]);
  });

  it('gives the same case for the same history', () => {
    const history = [filed(X), next(X, 2), next(X, 3), next(X, 4), next(X, 5)];
    const replay = () => history.reduce<CaseSnapshot | undefined>(foldCase, undefined);
    expect(replay()).toEqual(replay());
    expect(replay()?.status).toBe('decided');
  });

  it.each<[string, CaseSnapshot | undefined, FederationEvent, RegExp]>([
    ['a second filing', snapshotOf(X), filed(X, 2), new RegExp(`^case ${X} is already filed$`)],
    ['a filing at version 2', undefined, filed(X, 2), /^case.filed must be version 1$/],
    ['an acceptance of an unknown case', undefined, accepted(X, 1), new RegExp(`^case ${X} is not filed$`)],
    [
      'an acceptance by the district of a case its community handles',
      snapshotOf(X),
      lifecycle(X, 2, { action: 'accept' }, undefined, [DISTRICT, 'district']),
      /^case\.accepted refused: case .* is handled by node 150202001001/,
    ],
    [
      'a decision before acceptance',
      snapshotOf(X),
      lifecycle(X, 2, HISTORY[5]),
      /^case\.decided refused: decide is not allowed for a case in status submitted; allowed: accept, reject, withdraw$/,
    ],
  ])('refuses %s with a FoldError', (_name, prev, e, reason) => {
    expect(() => foldCase(prev, e)).toThrow(FoldError);
    expect(() => foldCase(prev, e)).toThrow(reason);
  });
});
