import {
  CALENDAR_OVERRIDES_PUBLISHED,
  CATALOG_ITEM_PUBLISHED,
  FederationEvent,
  ReferenceEvent,
} from '@fed/contracts';
import { acceptedEvent, demoTopology, filedEvent, lifecycleEvent, snapshotOf, TEST_ITEM } from '@fed/testing';
import { Admission } from './admission';

const NS = 'fed';
const CITY = '150200';
const D1 = '150202';
const D2 = '150204';
const C1 = '150202001001';
const C2 = '150202002003';
const C3 = '150204001002';
const topology = demoTopology();
const at = (code: string) => new Admission(topology.get(code), topology, NS);
const up = (to: string) => `${NS}.up.${to}`;
const down = (to: string) => `${NS}.down.${to}`;
const caseOf = (community: string) => `${community}2026120800000001`;

type Row = [
  what: string,
  receiver: string,
  event: FederationEvent,
  sender: string | null,
  topic: string,
  refusal: RegExp | null,
];

describe('which case events a node admits', () => {
  const rows: Row[] = [
    ['a filing from its community, up', D1, filedEvent(caseOf(C1)), C1, up(D1), null],
    ['a filing relayed by its district, up', CITY, filedEvent(caseOf(C1)), D1, up(CITY), null],
    ['an acceptance from below, up', D1, acceptedEvent(caseOf(C1)), C1, up(D1), null],
    [
      'a decision of its parent about a case below, down',
      C1,
      lifecycleEvent(
        caseOf(C1),
        4,
        { action: 'decide', outcome: 'approved', result: '同意' },
        { originNode: D1 },
      ),
      D1,
      down(C1),
      null,
    ],
    ['no sender', D1, filedEvent(caseOf(C1)), null, up(D1), /sender \(none\) is not a node/],
    [
      'a sender outside the federation',
      D1,
      filedEvent(caseOf(C1)),
      '150299001001',
      up(D1),
      /not a node of the federation/,
    ],
    [
      'a case of another district’s community',
      D1,
      filedEvent(caseOf(C3)),
      C1,
      up(D1),
      /not within sender|does not belong/,
    ],
    ['a community writing for its neighbour', D1, filedEvent(caseOf(C2)), C1, up(D1), /not within sender/],
    [
      'a child of another district writing up here',
      D1,
      filedEvent(caseOf(C3)),
      C3,
      up(D1),
      /neither a child/,
    ],
    ['a sender on the wrong topic', D1, filedEvent(caseOf(C1)), C1, down(D1), /neither a child/],
    [
      'a filing sent down',
      C1,
      filedEvent(caseOf(C1), { originNode: D1, originTier: 'district' }),
      D1,
      down(C1),
      /never sent down/,
    ],
    [
      'an event from above whose origin is below the sender',
      D1,
      acceptedEvent(caseOf(C1)),
      CITY,
      down(D1),
      /is not 150200 or above it/,
    ],
    [
      'an origin of the wrong tier',
      D1,
      filedEvent(caseOf(C1), { originTier: 'district' }),
      C1,
      up(D1),
      /is a community, not a district/,
    ],
    [
      'a case number of no community',
      D1,
      filedEvent('1502029990012026120800000001', { originNode: C1 }),
      C1,
      up(D1),
      /does not belong to a community/,
    ],
    [
      'a filing whose codes do not match the topology',
      D1,
      filedEvent(caseOf(C1), {
        body: { type: 'case.filed', record: { ...snapshotOf(caseOf(C1)), districtCode: D2 } },
      }),
      C1,
      up(D1),
      /do not match the topology/,
    ],
    [
      'a hand-up past the parent',
      D1,
      lifecycleEvent(caseOf(C1), 3, { action: 'hand-up', toNode: CITY, note: '' }),
      C1,
      up(D1),
      /only to the parent/,
    ],
    [
      'its own event coming back up',
      D1,
      acceptedEvent(caseOf(C1), 2, { originNode: D1 }),
      C1,
      up(D1),
      /not within sender/,
    ],
  ];
  it.each(rows)('%s', (_what, receiver, event, sender, topic, refusal) => {
    const answer = at(receiver).eventRefusal(event, { topic, sender });
    if (refusal) expect(answer).toMatch(refusal);
    else expect(answer).toBeNull();
  });
});

describe('which reference data a node admits', () => {
  const calendarOf = (owner: string, tier: 'city' | 'district'): ReferenceEvent => ({
    eventId: '00000000-0000-4000-8000-000000000001',
    originNode: owner,
    originTier: tier,
    subject: `calendar-overrides/${owner}`,
    version: 1,
    occurredAt: new Date('2026-12-08T00:00:00Z'),
    schemaVersion: 1,
    body: { type: CALENDAR_OVERRIDES_PUBLISHED, overrides: [] },
  });
  const rows: [string, string, ReferenceEvent, string | null, string, RegExp | null][] = [
    ['from its parent, published by it', C1, calendarOf(D1, 'district'), D1, down(C1), null],
    ['from its parent, published above it', C1, calendarOf(CITY, 'city'), D1, down(C1), null],
    ['from a child', D1, calendarOf(D1, 'district'), C1, up(D1), /must come down from the parent 150200/],
    [
      'published by another district',
      C1,
      calendarOf(D2, 'district'),
      D1,
      down(C1),
      /is not 150202 or above it/,
    ],
    ['of the wrong tier', C1, calendarOf(D1, 'city'), D1, down(C1), /is a district, not a city/],
  ];
  it.each(rows)('%s', (_what, receiver, event, sender, topic, refusal) => {
    const answer = at(receiver).referenceRefusal(event, { topic, sender });
    if (refusal) expect(answer).toMatch(refusal);
    else expect(answer).toBeNull();
  });
});

describe('the item terms a new case carries, at its district', () => {
  const caseNo = caseOf(C1);
  const record = snapshotOf(caseNo);
  const published = {
    type: CATALOG_ITEM_PUBLISHED,
    item: { ...TEST_ITEM, materials: [], guide: '', feeFen: 0, status: 'active' },
  } as const;
  it.each([
    ['the catalog’s own', published, null],
    ['a version the catalog does not know', undefined, /which the catalog here does not know/],
    [
      'a shorter promise than published',
      { ...published, item: { ...published.item, promisedDays: 3 } },
      /differ from the catalog/,
    ],
    [
      'another deciding tier',
      { ...published, item: { ...published.item, decidingTier: 'district' } },
      /differ from the catalog/,
    ],
  ] as const)('%s', (_what, terms, refusal) => {
    const answer = Admission.termsRefusal(caseNo, record, terms as never);
    if (refusal) expect(answer).toMatch(refusal);
    else expect(answer).toBeNull();
  });
});
