import {
  CASE_ACTIONS,
  CaseAction,
  StaffActionName,
  CaseLifecycle,
  CaseSnapshot,
  CaseStatus,
  emptyLifecycle,
  TierName,
} from '@fed/contracts';
import { ActionContext, applyAction, TransitionError } from './lifecycle';

const COMMUNITY = '150202001001';
const SIBLING = '150202001002';
const DISTRICT = '150202';
const CITY = '150200';
const CASE_NO = `${COMMUNITY}2026112600000042`;
const NODE_OF: Record<TierName, string> = { community: COMMUNITY, district: DISTRICT, city: CITY };

const T_FILED = '2026-11-26T01:02:03.456Z';
const T_ACCEPTED = '2026-11-26T02:00:00.000Z';
const T_STEP = '2026-11-26T03:00:00.000Z';
const T_PAUSE = '2026-11-26T04:00:00.000Z';
const T_DECIDED = '2026-11-27T05:00:00.000Z';
const T_DELIVERED = '2026-11-27T06:00:00.000Z';
const NOW = '2026-11-28T07:00:00.000Z';

/** Freezes `value` and everything it holds, so any write by the code under test throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A case filed at COMMUNITY under an item decided at `decidingTier`, with some fields replaced. */
function caseOf(
  over: Partial<Omit<CaseSnapshot, 'lifecycle'>> = {},
  lifecycle: Partial<CaseLifecycle> = {},
  decidingTier: TierName = 'community',
): CaseSnapshot {
  return deepFreeze({
    caseNo: CASE_NO,
    communityCode: COMMUNITY,
    districtCode: DISTRICT,
    cityCode: CITY,
    itemCode: '150200-MZ-001',
    item: {
      code: '150200-MZ-001',
      version: 3,
      name: '最低生活保障申请',
      department: '民政局',
      decidingTier,
      promisedDays: 10,
      legalDays: 20,
    },
    channel: 'window',
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formData: { household: 2, members: [{ name: '王*明' }] },
    status: 'submitted',
    filedAt: T_FILED,
    handlingNode: COMMUNITY,
    queryCodeHash: 'a'.repeat(64),
    ...over,
    lifecycle: { ...emptyLifecycle(), ...lifecycle },
  });
}

const ACCEPTED: Partial<CaseLifecycle> = { acceptedAt: T_ACCEPTED, acceptedBy: COMMUNITY };
const OPEN_STEP = {
  step: 'undertake',
  node: COMMUNITY,
  officer: '张三',
  startedAt: T_STEP,
  endedAt: null,
  opinion: null,
} as const;
const DECIDED: Partial<CaseLifecycle> = {
  ...ACCEPTED,
  decidedAt: T_DECIDED,
  decidedBy: COMMUNITY,
  outcome: 'approved',
  result: '准予低保，月保障金额 860 元',
};

/** One realistic value of every action; TypeScript makes sure none is missing. */
const ACTIONS: { [A in StaffActionName]: Extract<CaseAction, { action: A }> } = {
  accept: { action: 'accept' },
  reject: { action: 'reject', reason: '申请人户籍不在本社区' },
  'request-supplement': { action: 'request-supplement', materials: ['户口簿复印件'], note: '请于10日内补交' },
  'receive-supplement': { action: 'receive-supplement', note: '材料已补齐' },
  'start-special-procedure': {
    action: 'start-special-procedure',
    kind: 'hearing',
    reason: '涉及重大公共利益，依法举行听证',
    limitDays: 20,
  },
  'end-special-procedure': { action: 'end-special-procedure', note: '听证结束' },
  suspend: { action: 'suspend', reason: '等待不动产登记信息核查' },
  resume: { action: 'resume', note: '核查完成' },
  'start-step': { action: 'start-step', step: 'undertake' },
  'end-step': { action: 'end-step', step: 'undertake', opinion: '材料齐全，建议批准' },
  decide: { action: 'decide', outcome: 'approved', result: '准予低保，月保障金额 860 元' },
  deliver: { action: 'deliver', method: 'window' },
  withdraw: { action: 'withdraw', reason: '申请人主动撤回' },
  rate: { action: 'rate', score: 5, comment: '办事效率高' },
  'hand-up': { action: 'hand-up', toNode: DISTRICT, note: '报区级审批' },
  'answer-supervision': {
    action: 'answer-supervision',
    ticketId: '9d3c4a7e-1b2f-4c5d-8e9f-0a1b2c3d4e5f',
    answer: '已督促承办人办理',
  },
};
const ACTION_NAMES = Object.keys(ACTIONS) as StaffActionName[];

const ctx = (node = COMMUNITY, tier: TierName = 'community', at = NOW): ActionContext => ({
  node,
  tier,
  at,
  officer: '张三',
});

/** The TransitionError `fn` throws; fails the test when it does not throw one. */
function refusal(fn: () => unknown): TransitionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransitionError) return e;
    throw e;
  }
  throw new Error('the action was allowed');
}

interface State {
  name: string;
  snapshot: CaseSnapshot;
  /** Allowed actions (at the handling node's tier) and the status each leads to; every other action is forbidden. */
  allowed: Partial<Record<StaffActionName, CaseStatus>>;
}

/** Written from the rules as a reader states them, not from allowedActions. */
const STATES: State[] = [
  {
    name: 'submitted',
    snapshot: caseOf(),
    allowed: { accept: 'accepted', reject: 'rejected', withdraw: 'withdrawn' },
  },
  {
    name: 'accepted at the deciding tier, no open step',
    snapshot: caseOf({ status: 'accepted' }, ACCEPTED),
    allowed: {
      'start-step': 'accepted',
      decide: 'decided',
      'request-supplement': 'supplement',
      'start-special-procedure': 'special-procedure',
      suspend: 'suspended',
      withdraw: 'withdrawn',
    },
  },
  {
    name: 'accepted below the deciding tier, no open step',
    snapshot: caseOf({ status: 'accepted' }, ACCEPTED, 'district'),
    allowed: {
      'start-step': 'accepted',
      'hand-up': 'accepted',
      'request-supplement': 'supplement',
      'start-special-procedure': 'special-procedure',
      suspend: 'suspended',
      withdraw: 'withdrawn',
    },
  },
  {
    name: 'accepted with an open step',
    snapshot: caseOf({ status: 'accepted' }, { ...ACCEPTED, steps: [OPEN_STEP] }),
    allowed: {
      'end-step': 'accepted',
      'request-supplement': 'supplement',
      'start-special-procedure': 'special-procedure',
      suspend: 'suspended',
      withdraw: 'withdrawn',
    },
  },
  {
    name: 'supplement',
    snapshot: caseOf(
      { status: 'supplement' },
      {
        ...ACCEPTED,
        pauses: [
          { kind: 'supplement', from: T_PAUSE, to: null, reason: '补正告知', materials: ['户口簿复印件'] },
        ],
      },
    ),
    allowed: { 'receive-supplement': 'accepted', withdraw: 'withdrawn' },
  },
  {
    name: 'special-procedure',
    snapshot: caseOf(
      { status: 'special-procedure' },
      {
        ...ACCEPTED,
        pauses: [
          {
            kind: 'special-procedure',
            from: T_PAUSE,
            to: null,
            reason: '专家评审',
            procedure: 'expert-review',
            limitDays: 15,
          },
        ],
      },
    ),
    allowed: { 'end-special-procedure': 'accepted', withdraw: 'withdrawn' },
  },
  {
    name: 'suspended',
    snapshot: caseOf(
      { status: 'suspended' },
      { ...ACCEPTED, pauses: [{ kind: 'suspension', from: T_PAUSE, to: null, reason: '等待核查' }] },
    ),
    allowed: { resume: 'accepted', withdraw: 'withdrawn' },
  },
  {
    name: 'decided',
    snapshot: caseOf({ status: 'decided' }, DECIDED),
    allowed: { deliver: 'delivered' },
  },
  {
    name: 'delivered',
    snapshot: caseOf(
      { status: 'delivered' },
      { ...DECIDED, deliveredAt: T_DELIVERED, deliveryMethod: 'mail' },
    ),
    allowed: { rate: 'delivered' },
  },
  {
    name: 'rejected',
    snapshot: caseOf({ status: 'rejected' }, { rejectedReason: '申请人户籍不在本社区' }),
    allowed: { rate: 'rejected' },
  },
  {
    name: 'withdrawn',
    snapshot: caseOf({ status: 'withdrawn' }, { withdrawnAt: T_PAUSE, withdrawnReason: '申请人主动撤回' }),
    allowed: {},
  },
];

describe('the action table', () => {
  it('covers every action of the contract and every status', () => {
    expect([...ACTION_NAMES].sort()).toEqual([...CASE_ACTIONS].sort());
    expect(ACTION_NAMES).toHaveLength(16);
    expect(new Set(STATES.map((s) => s.snapshot.status)).size).toBe(9);
  });
});

describe('applyAction: every status × every action', () => {
  const rows = STATES.flatMap((s) =>
    ACTION_NAMES.map((action) => ({ state: s.name, action, s, next: s.allowed[action] })),
  );

  it.each(rows)('$state: $action → $next', ({ s, action, next }) => {
    const run = () => applyAction(s.snapshot, ACTIONS[action], ctx());
    if (next) {
      const after = run();
      expect(after.status).toBe(next);
      expect(after.caseNo).toBe(CASE_NO);
      expect(after.item).toEqual(s.snapshot.item);
    } else {
      const e = refusal(run);
      expect(e.refusal).toBe('forbidden');
      expect([...e.allowed].sort()).toEqual(Object.keys(s.allowed).sort());
      expect(e.handlingNode).toBe(COMMUNITY);
      expect(e.message).toContain(action);
      expect(e.message).toContain(s.snapshot.status);
    }
  });
});

describe('applyAction: single writer', () => {
  const rows = [DISTRICT, CITY, SIBLING].flatMap((node) => ACTION_NAMES.map((action) => ({ node, action })));
  const tierOf = (node: string): TierName =>
    node.length === 12 ? 'community' : node.endsWith('00') ? 'city' : 'district';

  it.each(rows)('refuses $action by $node as not-handler, naming the handling node', ({ node, action }) => {
    // A state in which the handling node may take the action, so only the writer is wrong.
    const s = STATES.find((x) => x.allowed[action]) ?? STATES[0];
    const e = refusal(() => applyAction(s.snapshot, ACTIONS[action], ctx(node, tierOf(node))));
    expect(e.refusal).toBe('not-handler');
    expect(e.handlingNode).toBe(COMMUNITY);
    expect(e.allowed).toEqual([]);
    expect(e.message).toContain(COMMUNITY);
  });
});

/** Applies `steps` in order, one minute apart from 2026-11-26T02:00Z; returns every intermediate case. */
function journey(start: CaseSnapshot, steps: [node: string, tier: TierName, action: CaseAction][]) {
  const cases = [start];
  steps.forEach(([node, tier, action], i) => {
    const at = new Date(Date.parse(T_ACCEPTED) + i * 60_000).toISOString();
    cases.push(deepFreeze(applyAction(cases[cases.length - 1], action, ctx(node, tier, at))));
  });
  return cases;
}
const at = (i: number) => new Date(Date.parse(T_ACCEPTED) + i * 60_000).toISOString();

describe('applyAction: journeys', () => {
  it('a community-decided item: accept, undertake, decide, deliver, rate', () => {
    const cases = journey(caseOf(), [
      [COMMUNITY, 'community', ACTIONS.accept],
      [COMMUNITY, 'community', { action: 'start-step', step: 'undertake' }],
      [COMMUNITY, 'community', { action: 'end-step', step: 'undertake', opinion: '同意' }],
      [COMMUNITY, 'community', ACTIONS.decide],
      [COMMUNITY, 'community', { action: 'deliver', method: 'electronic' }],
      [COMMUNITY, 'community', { action: 'rate', score: 5, comment: '满意' }],
    ]);

    expect(cases.map((c) => c.status)).toEqual([
      'submitted',
      'accepted',
      'accepted',
      'accepted',
      'decided',
      'delivered',
      'delivered',
    ]);
    expect(cases.every((c) => c.handlingNode === COMMUNITY)).toBe(true);
    const last = cases[6];
    expect(last.lifecycle).toEqual({
      ...emptyLifecycle(),
      acceptedAt: at(0),
      acceptedBy: COMMUNITY,
      steps: [
        {
          step: 'undertake',
          node: COMMUNITY,
          officer: '张三',
          startedAt: at(1),
          endedAt: at(2),
          opinion: '同意',
        },
      ],
      decidedAt: at(3),
      decidedBy: COMMUNITY,
      outcome: 'approved',
      result: ACTIONS.decide.result,
      deliveredAt: at(4),
      deliveryMethod: 'electronic',
      rating: { score: 5, comment: '满意', at: at(5) },
    });
    // Everything outside the lifecycle stays as filed, apart from the status.
    expect({ ...last, status: 'submitted', lifecycle: null }).toEqual({ ...cases[0], lifecycle: null });
  });

  it('a district-decided item: accepted by the community, decided by the district, delivered by the community', () => {
    const [, accepted, handedUp] = journey(caseOf({}, {}, 'district'), [
      [COMMUNITY, 'community', ACTIONS.accept],
      [COMMUNITY, 'community', { action: 'hand-up', toNode: DISTRICT, note: '报区级审批' }],
    ]);
    expect(accepted.handlingNode).toBe(COMMUNITY);
    expect(handedUp.status).toBe('accepted');
    expect(handedUp.handlingNode).toBe(DISTRICT);
    expect(handedUp.lifecycle.handOffs).toEqual([{ from: COMMUNITY, to: DISTRICT, at: at(1) }]);

    // The community no longer writes the case.
    const e = refusal(() => applyAction(handedUp, { action: 'start-step', step: 'review' }, ctx()));
    expect(e.refusal).toBe('not-handler');
    expect(e.handlingNode).toBe(DISTRICT);
    expect(e.message).toContain(DISTRICT);

    const cases = journey(handedUp, [
      [DISTRICT, 'district', { action: 'start-step', step: 'review' }],
      [DISTRICT, 'district', { action: 'end-step', step: 'review', opinion: '审核通过' }],
      [DISTRICT, 'district', ACTIONS.decide],
    ]);
    const decided = cases[3];
    expect(decided.status).toBe('decided');
    expect(decided.handlingNode).toBe(COMMUNITY);
    expect(decided.lifecycle).toMatchObject({
      acceptedBy: COMMUNITY,
      decidedBy: DISTRICT,
      decidedAt: at(2),
      steps: [{ step: 'review', node: DISTRICT, endedAt: at(1), opinion: '审核通过' }],
    });
    // The district no longer writes it; the community delivers.
    expect(refusal(() => applyAction(decided, ACTIONS.deliver, ctx(DISTRICT, 'district'))).refusal).toBe(
      'not-handler',
    );
    const delivered = applyAction(decided, ACTIONS.deliver, ctx());
    expect(delivered.status).toBe('delivered');
    expect(delivered.handlingNode).toBe(COMMUNITY);
  });

  it('a city-decided item: handed up community → district → city, delivered by the community', () => {
    const cases = journey(caseOf({}, {}, 'city'), [
      [COMMUNITY, 'community', ACTIONS.accept],
      [COMMUNITY, 'community', { action: 'start-step', step: 'undertake' }],
      [COMMUNITY, 'community', { action: 'end-step', step: 'undertake', opinion: '初审通过' }],
      [COMMUNITY, 'community', { action: 'hand-up', toNode: DISTRICT, note: '' }],
      [DISTRICT, 'district', { action: 'start-step', step: 'review' }],
      [DISTRICT, 'district', { action: 'end-step', step: 'review', opinion: '' }],
      [DISTRICT, 'district', { action: 'hand-up', toNode: CITY, note: '报市级批准' }],
      [CITY, 'city', { action: 'start-step', step: 'approve' }],
      [CITY, 'city', { action: 'end-step', step: 'approve', opinion: '批准' }],
      [CITY, 'city', { action: 'decide', outcome: 'not-approved', result: '家庭收入超过低保标准' }],
      [COMMUNITY, 'community', { action: 'deliver', method: 'mail' }],
    ]);

    expect(cases.map((c) => c.handlingNode)).toEqual([
      COMMUNITY,
      COMMUNITY,
      COMMUNITY,
      COMMUNITY,
      DISTRICT,
      DISTRICT,
      DISTRICT,
      CITY,
      CITY,
      CITY,
      COMMUNITY,
      COMMUNITY,
    ]);
    const last = cases[cases.length - 1];
    expect(last.status).toBe('delivered');
    expect(last.lifecycle.handOffs).toEqual([
      { from: COMMUNITY, to: DISTRICT, at: at(3) },
      { from: DISTRICT, to: CITY, at: at(6) },
    ]);
    expect(last.lifecycle.steps.map((s) => [s.step, s.node, s.opinion])).toEqual([
      ['undertake', COMMUNITY, '初审通过'],
      ['review', DISTRICT, null],
      ['approve', CITY, '批准'],
    ]);
    expect(last.lifecycle).toMatchObject({
      acceptedBy: COMMUNITY,
      decidedBy: CITY,
      outcome: 'not-approved',
      deliveryMethod: 'mail',
    });
  });
});

describe('applyAction: pauses', () => {
  const accepted = caseOf({ status: 'accepted' }, ACCEPTED);

  it('records a supplement request with its materials from the moment it is made, and closes it on receipt', () => {
    const [, requested, received] = journey(accepted, [
      [
        COMMUNITY,
        'community',
        { action: 'request-supplement', materials: ['户口簿复印件', '收入证明'], note: '请补交' },
      ],
      [COMMUNITY, 'community', { action: 'receive-supplement', note: '' }],
    ]);

    expect(requested.status).toBe('supplement');
    expect(requested.lifecycle.pauses).toEqual([
      {
        kind: 'supplement',
        from: at(0),
        to: null,
        reason: '请补交',
        materials: ['户口簿复印件', '收入证明'],
      },
    ]);
    expect(received.status).toBe('accepted');
    expect(received.lifecycle.pauses).toEqual([{ ...requested.lifecycle.pauses[0], to: at(1) }]);
  });

  it('gives a supplement request without a note a default reason', () => {
    const next = applyAction(
      accepted,
      { action: 'request-supplement', materials: ['户口簿复印件'], note: '' },
      ctx(),
    );
    expect(next.lifecycle.pauses[0].reason).toBe('补正告知');
  });

  it('keeps the kind and the limit of a special procedure', () => {
    const [, started, ended] = journey(accepted, [
      [
        COMMUNITY,
        'community',
        { action: 'start-special-procedure', kind: 'expert-review', reason: '需专家评审', limitDays: 30 },
      ],
      [COMMUNITY, 'community', { action: 'end-special-procedure', note: '评审完成' }],
    ]);

    expect(started.lifecycle.pauses).toEqual([
      {
        kind: 'special-procedure',
        from: at(0),
        to: null,
        reason: '需专家评审',
        procedure: 'expert-review',
        limitDays: 30,
      },
    ]);
    expect(ended.status).toBe('accepted');
    expect(ended.lifecycle.pauses[0]).toMatchObject({ procedure: 'expert-review', limitDays: 30, to: at(1) });
  });

  it('suspends and resumes, keeping earlier pauses', () => {
    const cases = journey(accepted, [
      [COMMUNITY, 'community', ACTIONS['request-supplement']],
      [COMMUNITY, 'community', ACTIONS['receive-supplement']],
      [COMMUNITY, 'community', ACTIONS.suspend],
      [COMMUNITY, 'community', ACTIONS.resume],
    ]);

    expect(cases[4].lifecycle.pauses.map((p) => [p.kind, p.from, p.to])).toEqual([
      ['supplement', at(0), at(1)],
      ['suspension', at(2), at(3)],
    ]);
  });

  it('leaves a step open through a pause', () => {
    const cases = journey(accepted, [
      [COMMUNITY, 'community', ACTIONS['start-step']],
      [COMMUNITY, 'community', ACTIONS.suspend],
      [COMMUNITY, 'community', ACTIONS.resume],
      [COMMUNITY, 'community', ACTIONS['end-step']],
    ]);
    expect(cases[3].lifecycle.steps[0].endedAt).toBeNull();
    expect(cases[4].lifecycle.steps[0].endedAt).toBe(at(3));
  });

  it('closes an open pause and an open step on withdrawal', () => {
    const cases = journey(accepted, [
      [COMMUNITY, 'community', ACTIONS['start-step']],
      [COMMUNITY, 'community', ACTIONS['start-special-procedure']],
      [COMMUNITY, 'community', ACTIONS.withdraw],
    ]);
    const last = cases[3];

    expect(last.status).toBe('withdrawn');
    expect(last.lifecycle).toMatchObject({ withdrawnAt: at(2), withdrawnReason: '申请人主动撤回' });
    expect(last.lifecycle.pauses).toEqual([expect.objectContaining({ from: at(1), to: at(2) })]);
    expect(last.lifecycle.steps).toEqual([
      expect.objectContaining({ startedAt: at(0), endedAt: at(2), opinion: null }),
    ]);
  });
});

describe('applyAction: rating', () => {
  const delivered = STATES.find((s) => s.name === 'delivered')!.snapshot;
  const rejected = STATES.find((s) => s.name === 'rejected')!.snapshot;

  it.each([
    [1, 'open'],
    [2, 'open'],
    [3, null],
    [4, null],
    [5, null],
  ] as const)('score %i → rectification %s', (score, rectification) => {
    for (const c of [delivered, rejected]) {
      const next = applyAction(c, { action: 'rate', score, comment: '' }, ctx());
      expect(next.lifecycle.rating).toEqual({ score, comment: '', at: NOW });
      expect(next.lifecycle.rectification).toBe(rectification);
      expect(next.status).toBe(c.status);
    }
  });

  it.each([delivered, rejected])('refuses a second rating of a $status case', (c) => {
    const rated = deepFreeze(applyAction(c, { action: 'rate', score: 1, comment: '太慢' }, ctx()));
    const e = refusal(() => applyAction(rated, ACTIONS.rate, ctx()));
    expect(e.refusal).toBe('forbidden');
    expect(e.allowed).toEqual([]);
  });
});

describe('applyAction: steps', () => {
  it.each(['review', 'approve'] as const)('refuses to end %s while undertake is open', (step) => {
    const c = caseOf({ status: 'accepted' }, { ...ACCEPTED, steps: [OPEN_STEP] });
    const e = refusal(() => applyAction(c, { action: 'end-step', step, opinion: '' }, ctx()));
    expect(e.refusal).toBe('forbidden');
    expect(e.message).toContain('undertake');
  });
});

describe('applyAction: deciding tier', () => {
  /** By hand: decide only at the deciding tier, hand up only below it. */
  const rows: { item: TierName; at: TierName; decide: boolean; handUp: boolean }[] = [
    { item: 'community', at: 'community', decide: true, handUp: false },
    { item: 'community', at: 'district', decide: false, handUp: false },
    { item: 'community', at: 'city', decide: false, handUp: false },
    { item: 'district', at: 'community', decide: false, handUp: true },
    { item: 'district', at: 'district', decide: true, handUp: false },
    { item: 'district', at: 'city', decide: false, handUp: false },
    { item: 'city', at: 'community', decide: false, handUp: true },
    { item: 'city', at: 'district', decide: false, handUp: true },
    { item: 'city', at: 'city', decide: true, handUp: false },
  ];
  const parent: Record<TierName, string> = { community: DISTRICT, district: CITY, city: '150000' };

  it.each(rows)('a $item-decided item held at the $at: decide $decide, hand-up $handUp', (r) => {
    const node = NODE_OF[r.at];
    const c = caseOf({ status: 'accepted', handlingNode: node }, ACCEPTED, r.item);
    const decide = () => applyAction(c, ACTIONS.decide, ctx(node, r.at));
    const handUp = () =>
      applyAction(c, { action: 'hand-up', toNode: parent[r.at], note: '' }, ctx(node, r.at));

    if (r.decide) expect(decide().status).toBe('decided');
    else expect(refusal(decide).refusal).toBe('forbidden');
    if (r.handUp) expect(handUp().handlingNode).toBe(parent[r.at]);
    else expect(refusal(handUp).refusal).toBe('forbidden');
  });

  it('refuses to hand a case to its own node', () => {
    const c = caseOf({ status: 'accepted' }, ACCEPTED, 'district');
    const e = refusal(() => applyAction(c, { action: 'hand-up', toNode: COMMUNITY, note: '' }, ctx()));
    expect(e.refusal).toBe('forbidden');
  });
});

describe('applyAction: purity', () => {
  it('does not change the case it is given, whatever the action', () => {
    // Every snapshot in STATES is deep-frozen: a write would throw. Compare a copy as well.
    for (const s of STATES) {
      const before = structuredClone(s.snapshot);
      for (const action of Object.keys(s.allowed) as StaffActionName[]) {
        applyAction(s.snapshot, ACTIONS[action], ctx());
      }
      expect(s.snapshot).toEqual(before);
      expect(Object.isFrozen(s.snapshot.lifecycle.pauses)).toBe(true);
    }
  });

  it('shares no array with the case it was given', () => {
    const c = caseOf({ status: 'accepted' }, { ...ACCEPTED, steps: [OPEN_STEP] });
    const next = applyAction(c, ACTIONS.suspend, ctx());
    expect(next.lifecycle.pauses).not.toBe(c.lifecycle.pauses);
    expect(next.lifecycle.steps).not.toBe(c.lifecycle.steps);
    expect(next.lifecycle.handOffs).not.toBe(c.lifecycle.handOffs);
    expect(c.lifecycle.pauses).toEqual([]);
  });
});
