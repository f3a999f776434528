import { CASE_ACCEPTED, CASE_FILED, CaseSnapshot, FederationEvent } from '@fed/contracts';
import { Candidate, CurrentCase, foldCase, FoldError, planApply } from './case.fold';

const X = '1502020010012026112600000001';
const Y = '1502040030012026112600000002';

function snapshotOf(caseNo: string, status = 'submitted'): CaseSnapshot {
  const community = caseNo.slice(0, 12);
  return {
    caseNo,
    communityCode: community,
    districtCode: community.slice(0, 6),
    cityCode: '150200',
    itemCode: '150200-MZ-001',
    channel: 'window',
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formData: { household: 2 },
    status,
    filedAt: '2026-11-26T01:02:03.456Z',
    handlingNode: community,
  };
}

function event(caseNo: string, version: number, body: FederationEvent['body'], id: string): FederationEvent {
  return {
    eventId: id,
    originNode: caseNo.slice(0, 12),
    originTier: 'community',
    caseNo,
    caseVersion: version,
    occurredAt: new Date('2026-11-26T01:02:03.456Z'),
    schemaVersion: 1,
    body,
  };
}

const filed = (caseNo: string, version = 1, id = `${caseNo}:filed@${version}`) =>
  event(caseNo, version, { type: CASE_FILED, record: snapshotOf(caseNo) }, id);

const accepted = (caseNo: string, version: number, id = `${caseNo}:accepted@${version}`) =>
  event(
    caseNo,
    version,
    { type: CASE_ACCEPTED, acceptedAt: '2026-11-26T02:00:00.000Z', acceptedBy: caseNo.slice(0, 12) },
    id,
  );

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

/** A case this node holds at `version`; accepted once it is past the filing. */
const held = (caseNo: string, version: number): [string, CurrentCase] => [
  caseNo,
  { version, snapshot: snapshotOf(caseNo, version > 1 ? 'accepted' : 'submitted') },
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
    batch: [c('X1', filed(X)), c('X2', accepted(X, 2))],
    apply: ['X1', 'X2'],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'a batch in reverse order',
    batch: [c('X3', accepted(X, 3)), c('X2', accepted(X, 2)), c('X1', filed(X))],
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
    batch: [c('X3', accepted(X, 3))],
    park: ['X3'],
  },
  {
    name: 'a gap at the start: version 2 of an unknown case',
    batch: [c('X2', accepted(X, 2))],
    park: ['X2'],
  },
  {
    name: 'the gap filled by a later batch together with the parked event',
    current: [held(X, 1)],
    batch: [c('X3', accepted(X, 3), 'parked'), c('X2', accepted(X, 2))],
    apply: ['X2', 'X3'],
    results: { [X]: [3, 'accepted'] },
  },
  {
    name: 'a batch that fills only part of a gap',
    current: [held(X, 1)],
    batch: [c('X4', accepted(X, 4), 'parked'), c('X2', accepted(X, 2))],
    apply: ['X2'],
    park: ['X4'],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'a redelivered event this node applied',
    current: [held(X, 2)],
    appliedIds: [[`${X}:2`, `${X}:accepted@2`]],
    batch: [c('X2', accepted(X, 2))],
    duplicates: ['X2'],
  },
  {
    name: 'another event at a version this node applied',
    current: [held(X, 2)],
    appliedIds: [[`${X}:2`, 'someone-else']],
    batch: [c('X2', accepted(X, 2))],
    rejects: [['X2', new RegExp(`^version 2 of ${X} is already another event$`)]],
  },
  {
    name: 'a redelivered filing next to the event that follows it',
    current: [held(X, 1)],
    appliedIds: [[`${X}:1`, `${X}:filed@1`]],
    batch: [c('X1', filed(X)), c('X2', accepted(X, 2))],
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
    batch: [c('X1', filed(X)), c('X2', accepted(X, 2)), c('X2 other', accepted(X, 2, 'other'))],
    apply: ['X1', 'X2'],
    rejects: [['X2 other', /^version 2 of .* is already another event$/]],
    results: { [X]: [2, 'accepted'] },
  },
  {
    name: 'the same parked event twice',
    current: [held(X, 1)],
    batch: [c('X3', accepted(X, 3)), c('X3 again', accepted(X, 3), 'parked')],
    park: ['X3'],
    duplicates: ['X3 again'],
  },
  {
    name: 'two cases interleaved',
    current: [held(Y, 1)],
    batch: [
      c('Y3', accepted(Y, 3)),
      c('X2', accepted(X, 2)),
      c('X1', filed(X)),
      c('Y2', accepted(Y, 2)),
      c('X3', accepted(X, 3)),
    ],
    apply: ['X1', 'X2', 'X3', 'Y2', 'Y3'],
    results: { [X]: [3, 'accepted'], [Y]: [3, 'accepted'] },
  },
  {
    name: 'two cases, one blocked by a gap',
    current: [held(Y, 1)],
    batch: [c('Y3', accepted(Y, 3)), c('X1', filed(X))],
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
    batch: [c('X1 accepted', accepted(X, 1)), c('X2', accepted(X, 2))],
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

    expect(plan.results.get(X)).toEqual({ version: 2, snapshot: { ...snapshotOf(X), status: 'accepted' } });
  });

  it('does not change a case when nothing applies', () => {
    const plan = planApply(new Map([held(X, 1)]), [c('X3', accepted(X, 3))], new Map());
    expect(plan.results.has(X)).toBe(false);
  });
});

describe('foldCase', () => {
  it('creates the case from its filing', () => {
    expect(foldCase(undefined, filed(X))).toEqual(snapshotOf(X));
  });

  it('marks a filed case accepted and keeps everything else', () => {
    const prev = snapshotOf(X);

    const next = foldCase(prev, accepted(X, 2));

    expect(next).toEqual({ ...snapshotOf(X), status: 'accepted' });
    expect(prev.status).toBe('submitted');
  });

  it('gives the same case for the same history', () => {
    const history = [filed(X), accepted(X, 2)];
    const replay = () => history.reduce<CaseSnapshot | undefined>(foldCase, undefined);
    expect(replay()).toEqual(replay());
  });

  it.each<[string, CaseSnapshot | undefined, FederationEvent, RegExp]>([
    ['a second filing', snapshotOf(X), filed(X, 2), new RegExp(`^case ${X} is already filed$`)],
    ['a filing at version 2', undefined, filed(X, 2), /^case.filed must be version 1$/],
    ['an acceptance of an unknown case', undefined, accepted(X, 1), new RegExp(`^case ${X} is not filed$`)],
  ])('refuses %s with a FoldError', (_name, prev, e, reason) => {
    expect(() => foldCase(prev, e)).toThrow(FoldError);
    expect(() => foldCase(prev, e)).toThrow(reason);
  });
});
