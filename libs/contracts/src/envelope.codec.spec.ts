import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { actionToWire } from './action.codec';
import {
  ACTION_EVENT_TYPES,
  CASE_FILED,
  CaseAction,
  CaseActionName,
  CaseSnapshot,
  CHANNELS,
  DeliveryMethod,
  emptyLifecycle,
  FederationEvent,
  Outcome,
  SpecialProcedureKind,
  StepName,
  TIERS,
} from './case.types';
import {
  ContractError,
  decodeEvent,
  decodeMessage,
  encodeEvent,
  encodeReference,
  isReferenceEvent,
} from './envelope.codec';
import {
  CaseActionTakenSchema,
  CaseFiledSchema,
  CaseRecord,
  CaseRecordSchema,
  Channel,
  ItemTerms as WireItemTerms,
  ItemTermsSchema,
  MaskedApplicantSchema,
} from './gen/fed/v1/case_pb';
import { EventEnvelope, EventEnvelopeSchema, Tier } from './gen/fed/v1/envelope_pb';
import { CatalogItem as WireCatalogItem, CatalogItemPublishedSchema } from './gen/fed/v1/reference_pb';
import { CatalogItem, ReferenceEvent } from './reference.types';

const COMMUNITY = '150202001001';
const DISTRICT = '150202';
const CITY = '150200';
const CASE_NO = `${COMMUNITY}2026112600000042`;
const EVENT_ID = '0190c1b2-e3f4-4a5b-8c6d-7e8f9a0b1c2d';
const ITEM_CODE = '150200-MZ-001';
/** SHA-256 hex of `${CASE_NO}:<query code>`: any 64 lower-case hex digits will do for the codec. */
const QUERY_CODE_HASH = '9f2b5c0e7a1d4f8b3c6e9a2d5f8b1c4e7a0d3f6b9c2e5a8d1f4b7c0e3a6d9f2b';

const ITEM = {
  code: ITEM_CODE,
  version: 3,
  name: '最低生活保障申请',
  department: '包头市民政局',
  decidingTier: 'district',
  promisedDays: 10,
  legalDays: 20,
} as const;

const record: CaseSnapshot = {
  caseNo: CASE_NO,
  communityCode: COMMUNITY,
  districtCode: DISTRICT,
  cityCode: CITY,
  itemCode: ITEM_CODE,
  item: { ...ITEM },
  channel: 'wechat',
  applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
  formData: {
    户籍: { 地址: '包头市东河区西脑包街道', 人口: 3, 低保: true },
    members: [
      { name: '王*明', relation: '本人', income: 1234.5 },
      { name: '李*', relation: '配偶', income: 0 },
    ],
    note: null,
    emoji: '🏠',
  },
  status: 'submitted',
  filedAt: '2026-11-26T01:02:03.456Z',
  handlingNode: COMMUNITY,
  queryCodeHash: QUERY_CODE_HASH,
  lifecycle: emptyLifecycle(),
};

const filed: FederationEvent = {
  eventId: EVENT_ID,
  originNode: COMMUNITY,
  originTier: 'community',
  caseNo: CASE_NO,
  caseVersion: 1,
  occurredAt: new Date('2026-11-26T01:02:03.457Z'),
  schemaVersion: 1,
  body: { type: CASE_FILED, record },
};

/** A lifecycle event of the case, taken at the district (to which the case was handed up). */
function lifecycleEvent(action: CaseAction, officer = '张三'): FederationEvent {
  return {
    eventId: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
    originNode: DISTRICT,
    originTier: 'district',
    caseNo: CASE_NO,
    caseVersion: 4,
    occurredAt: new Date('2026-11-26T03:04:05.678Z'),
    schemaVersion: 1,
    body: { type: ACTION_EVENT_TYPES[action.action], officer, action },
  };
}

/** One realistic value of every action; TypeScript makes sure none is missing. */
const ACTIONS: { [A in CaseActionName]: Extract<CaseAction, { action: A }> } = {
  accept: { action: 'accept' },
  reject: { action: 'reject', reason: '申请人户籍不在本社区，请向户籍地社区申请' },
  'request-supplement': {
    action: 'request-supplement',
    materials: ['户口簿复印件', '近6个月收入证明'],
    note: '请于10个工作日内补交',
  },
  'receive-supplement': { action: 'receive-supplement', note: '材料已补齐' },
  'start-special-procedure': {
    action: 'start-special-procedure',
    kind: 'expert-review',
    reason: '涉及残疾等级认定，需专家评审',
    limitDays: 30,
  },
  'end-special-procedure': { action: 'end-special-procedure', note: '专家评审意见已出具' },
  suspend: { action: 'suspend', reason: '等待不动产登记信息核查' },
  resume: { action: 'resume', note: '' },
  'start-step': { action: 'start-step', step: 'review' },
  'end-step': { action: 'end-step', step: 'review', opinion: '材料齐全，符合条件，建议批准' },
  decide: { action: 'decide', outcome: 'approved', result: '准予纳入最低生活保障，月保障金额 860 元' },
  deliver: { action: 'deliver', method: 'electronic' },
  withdraw: { action: 'withdraw', reason: '申请人已迁出本市' },
  rate: { action: 'rate', score: 5, comment: '窗口服务热情，办理高效' },
  'hand-up': { action: 'hand-up', toNode: CITY, note: '报市级批准' },
  remeasure: {
    action: 'remeasure',
    timing: {
      promisedDeadline: '2027-01-08',
      legalDeadline: '2027-01-22',
      decidedOn: '2027-01-06',
      workingDaysUsed: 3,
      completion: 'ahead',
      calendarVersion: 2,
      provisional: true,
    },
  },
  warn: {
    action: 'warn',
    level: 'yellow',
    legalBreached: false,
    promisedDeadline: '2026-12-04',
    legalDeadline: '2026-12-24',
    workingDaysLeft: -2,
    calendarVersion: 3,
  },
  'acknowledge-supervision': {
    action: 'acknowledge-supervision',
    ticketId: '9d3c4a7e-1b2f-4c5d-8e9f-0a1b2c3d4e5f',
    issuer: '150200',
    reason: '超期未办结，请说明原因并限期办结',
    dueDate: '2026-12-04',
  },
  'answer-supervision': {
    action: 'answer-supervision',
    ticketId: '9d3c4a7e-1b2f-4c5d-8e9f-0a1b2c3d4e5f',
    answer: '已督促承办人，预计12月3日办结',
  },
};

/** The fields of a generated message, any of which a test may replace. */
type Fields<M> = Partial<Omit<M, '$typeName' | '$unknown'>>;

/** The item terms of a valid record on the wire, with some fields replaced. */
function itemTerms(over: Fields<WireItemTerms> = {}): WireItemTerms {
  return create(ItemTermsSchema, { ...ITEM, ...over });
}

/** A valid case.filed record on the wire, with some fields replaced. */
function filedPayload(over: Fields<CaseRecord> = {}): Uint8Array {
  const record = create(CaseRecordSchema, {
    caseNo: CASE_NO,
    communityCode: COMMUNITY,
    districtCode: DISTRICT,
    cityCode: CITY,
    itemCode: ITEM_CODE,
    channel: Channel.WINDOW,
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formDataJson: '{"household":2}',
    status: 'submitted',
    filedAt: timestampFromDate(new Date('2026-11-26T01:02:03.456Z')),
    handlingNode: COMMUNITY,
    item: itemTerms(),
    queryCodeHash: QUERY_CODE_HASH,
  });
  return toBinary(CaseFiledSchema, create(CaseFiledSchema, { record: { ...record, ...over } }));
}

/** A valid case.filed envelope on the wire, with some fields replaced. */
function envelope(over: Fields<EventEnvelope> = {}): Uint8Array {
  const env = create(EventEnvelopeSchema, {
    eventId: EVENT_ID,
    originNode: COMMUNITY,
    originTier: Tier.COMMUNITY,
    caseNo: CASE_NO,
    caseVersion: 1,
    eventType: CASE_FILED,
    occurredAt: timestampFromDate(new Date('2026-11-26T01:02:03.457Z')),
    schemaVersion: 1,
    payload: filedPayload(),
  });
  return toBinary(EventEnvelopeSchema, { ...env, ...over });
}

/**
 * A lifecycle envelope at version 4 from the district carrying `action` as given, valid or not (the
 * encoder does not validate), under the event type of its action unless `over` says otherwise.
 */
function actionEnvelope(action: CaseAction, over: Fields<EventEnvelope> = {}, officer = '张三'): Uint8Array {
  const payload = toBinary(
    CaseActionTakenSchema,
    create(CaseActionTakenSchema, { officer, action: actionToWire(action) }),
  );
  return envelope({
    originNode: DISTRICT,
    originTier: Tier.DISTRICT,
    caseVersion: 4,
    eventType: ACTION_EVENT_TYPES[action.action],
    payload,
    ...over,
  });
}

/** The same envelope with some fields replaced. */
function reenvelope(bytes: Uint8Array, over: Fields<EventEnvelope>): Uint8Array {
  return toBinary(EventEnvelopeSchema, { ...fromBinary(EventEnvelopeSchema, bytes), ...over });
}

/** The error `decode` throws for `bytes`; fails the test when it decodes. */
function rejection(bytes: Uint8Array, decode: (b: Uint8Array) => unknown = decodeEvent): Error {
  try {
    decode(bytes);
  } catch (e) {
    return e as Error;
  }
  throw new Error('the bytes decoded');
}

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function noise(seed: number, length: number): Uint8Array {
  let s = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const catalogItem: CatalogItem = {
  code: ITEM_CODE,
  version: 3,
  name: '最低生活保障申请',
  department: '包头市民政局',
  decidingTier: 'district',
  promisedDays: 10,
  legalDays: 20,
  materials: ['身份证', '户口簿复印件', '近6个月收入证明'],
  guide: '申请人向户籍所在地社区提出申请；材料齐全的当场受理。',
  feeFen: 0,
  status: 'active',
};

const catalogPublished: ReferenceEvent = {
  eventId: '3b241101-e2bb-4255-8caf-4136c566a962',
  originNode: CITY,
  originTier: 'city',
  subject: `catalog/${CITY}/${ITEM_CODE}`,
  version: 3,
  occurredAt: new Date('2026-11-20T08:00:00.000Z'),
  schemaVersion: 1,
  body: { type: 'catalog.item-published', item: catalogItem },
};

const calendarPublished: ReferenceEvent = {
  eventId: '3b241101-e2bb-4255-8caf-4136c566a963',
  originNode: CITY,
  originTier: 'city',
  subject: `calendar/${CITY}`,
  version: 2,
  occurredAt: new Date('2026-11-20T08:00:00.000Z'),
  schemaVersion: 1,
  body: {
    type: 'calendar.published',
    calendar: {
      years: [2026],
      holidays: [
        { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
        { name: '春节', from: '2026-02-15', to: '2026-02-23' },
      ],
      makeupWorkdays: [{ date: '2026-02-14', for: '春节' }],
      notices: { '2026': '国务院办公厅关于2026年部分节假日安排的通知' },
    },
  },
};

const overridesPublished: ReferenceEvent = {
  eventId: '3b241101-e2bb-4255-8caf-4136c566a964',
  originNode: DISTRICT,
  originTier: 'district',
  subject: `calendar-overrides/${DISTRICT}`,
  version: 5,
  occurredAt: new Date('2026-11-21T08:00:00.000Z'),
  schemaVersion: 1,
  body: {
    type: 'calendar.overrides-published',
    overrides: [
      { date: '2026-12-01', kind: 'day-off', reason: '办公楼电力检修' },
      { date: '2026-12-05', kind: 'working-day', reason: '补班' },
    ],
  },
};

/** A catalog.item-published envelope from the city whose item has some fields replaced. */
function catalogEnvelope(over: Fields<WireCatalogItem>): Uint8Array {
  const payload = toBinary(
    CatalogItemPublishedSchema,
    create(CatalogItemPublishedSchema, { item: { ...catalogItem, ...over } }),
  );
  return reenvelope(encodeReference(catalogPublished), { payload });
}

describe('encodeEvent → decodeEvent', () => {
  it('keeps every field of a case.filed event', () => {
    const decoded = decodeEvent(encodeEvent(filed));

    expect(decoded).toEqual(filed);
    expect(decoded.occurredAt.toISOString()).toBe('2026-11-26T01:02:03.457Z');
  });

  it('keeps nested form data, the item terms and Chinese text exactly', () => {
    const decoded = decodeEvent(encodeEvent(filed));

    if (decoded.body.type !== CASE_FILED) throw new Error(`decoded as ${decoded.body.type}`);
    expect(decoded.body.record.formData).toStrictEqual(record.formData);
    expect(decoded.body.record.applicant.name).toBe('王*明');
    expect(decoded.body.record.itemCode).toBe(ITEM_CODE);
    expect(decoded.body.record.item).toStrictEqual(ITEM);
    expect(decoded.body.record.queryCodeHash).toBe(QUERY_CODE_HASH);
    expect(decoded.body.record.filedAt).toBe('2026-11-26T01:02:03.456Z');
  });

  it('gives a filed case an empty lifecycle', () => {
    const decoded = decodeEvent(encodeEvent(filed));

    if (decoded.body.type !== CASE_FILED) throw new Error(`decoded as ${decoded.body.type}`);
    expect(decoded.body.record.lifecycle).toEqual(emptyLifecycle());
  });

  it('keeps an instant item (promised 0 working days)', () => {
    const instant = { ...ITEM, promisedDays: 0, legalDays: 1, decidingTier: 'community' } as const;
    const event: FederationEvent = {
      ...filed,
      body: { type: CASE_FILED, record: { ...record, item: instant } },
    };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it.each(Object.entries(ACTIONS))('keeps every field of a %s event', (_name, action) => {
    const event = lifecycleEvent(action);

    const decoded = decodeEvent(encodeEvent(event));

    expect(decoded).toEqual(event);
    expect(decoded.body.type).toBe(ACTION_EVENT_TYPES[action.action]);
  });

  it('has a round trip for every action of the contract', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual(Object.keys(ACTION_EVENT_TYPES).sort());
  });

  it.each<[string, CaseAction]>([
    ['a rating of 1 without a comment', { action: 'rate', score: 1, comment: '' }],
    [
      '50 materials of 200 characters',
      { action: 'request-supplement', materials: Array<string>(50).fill('材'.repeat(200)), note: '' },
    ],
    ['a 365-day special procedure', { ...ACTIONS['start-special-procedure'], limitDays: 365 }],
    ['a 1-day special procedure', { ...ACTIONS['start-special-procedure'], limitDays: 1 }],
    ['a hand-up to a community code', { action: 'hand-up', toNode: COMMUNITY, note: '' }],
    [
      'a decision of 2000 characters',
      { action: 'decide', outcome: 'not-approved', result: '不'.repeat(2000) },
    ],
    ['an end-step without an opinion', { action: 'end-step', step: 'approve', opinion: '' }],
  ])('keeps %s', (_name, action) => {
    const event = lifecycleEvent(action);
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('keeps an event the system took (no officer)', () => {
    const event = lifecycleEvent(ACTIONS.decide, '');
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it.each(TIERS)('keeps origin tier %s', (tier) => {
    const event = { ...lifecycleEvent(ACTIONS.accept), originTier: tier };
    expect(decodeEvent(encodeEvent(event)).originTier).toBe(tier);
  });

  it.each(CHANNELS)('keeps channel %s', (channel) => {
    const event: FederationEvent = { ...filed, body: { type: CASE_FILED, record: { ...record, channel } } };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('keeps an empty form', () => {
    const event: FederationEvent = {
      ...filed,
      body: { type: CASE_FILED, record: { ...record, formData: {} } },
    };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('refuses case.filed at any version but 1', () => {
    expect(() => decodeEvent(encodeEvent({ ...filed, caseVersion: 2 }))).toThrow(
      'case.filed must be version 1',
    );
  });

  it('refuses a lifecycle event at version 1', () => {
    const error = rejection(encodeEvent({ ...lifecycleEvent(ACTIONS.accept), caseVersion: 1 }));
    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toBe('case.accepted cannot be version 1: a case begins with case.filed');
  });

  it('lower-cases the event id, so the same event is recognised however it was spelled', () => {
    const decoded = decodeEvent(encodeEvent({ ...filed, eventId: EVENT_ID.toUpperCase() }));
    expect(decoded.eventId).toBe(EVENT_ID);
  });
});

describe('encodeReference → decodeMessage', () => {
  it.each([catalogPublished, calendarPublished, overridesPublished])(
    'keeps every field of a $body.type event ($subject)',
    (event) => {
      const decoded = decodeMessage(encodeReference(event));

      expect(decoded).toEqual(event);
      expect(isReferenceEvent(decoded)).toBe(true);
    },
  );

  it('keeps an empty set of calendar overrides (all withdrawn)', () => {
    const event: ReferenceEvent = {
      ...overridesPublished,
      body: { type: 'calendar.overrides-published', overrides: [] },
    };
    expect(decodeMessage(encodeReference(event))).toEqual(event);
  });

  it('decodes case events too, which are not reference events', () => {
    const decoded = decodeMessage(encodeEvent(filed));

    expect(decoded).toEqual(filed);
    expect(isReferenceEvent(decoded)).toBe(false);
    expect(isReferenceEvent(decodeMessage(encodeEvent(lifecycleEvent(ACTIONS.rate))))).toBe(false);
  });

  it('refuses reference data where a case event is expected', () => {
    const error = rejection(encodeReference(catalogPublished));

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toBe('catalog.item-published is not a case event');
  });

  it.each<[string, Uint8Array, RegExp]>([
    [
      'a catalog subject naming another item',
      encodeReference({ ...catalogPublished, subject: `catalog/${CITY}/150200-MZ-002` }),
      /^subject catalog\/150200\/150200-MZ-002 does not match a catalog.item-published from 150200$/,
    ],
    [
      'a catalog subject naming another owner than the origin',
      encodeReference({ ...catalogPublished, originNode: DISTRICT, originTier: 'district' }),
      /^subject catalog\/150200\/150200-MZ-001 does not match a catalog.item-published from 150202$/,
    ],
    [
      'a calendar published under the overrides subject',
      encodeReference({ ...calendarPublished, subject: `calendar-overrides/${CITY}` }),
      /^subject calendar-overrides\/150200 does not match a calendar.published from 150200$/,
    ],
    [
      'overrides published under another district',
      encodeReference({ ...overridesPublished, subject: 'calendar-overrides/150204' }),
      /does not match a calendar.overrides-published from 150202$/,
    ],
    [
      'a malformed subject',
      encodeReference({ ...calendarPublished, subject: 'calendar/150200/extra' }),
      /^subject is malformed$/,
    ],
    [
      'an unknown kind of subject',
      encodeReference({ ...calendarPublished, subject: 'holidays/150200' }),
      /^subject is malformed$/,
    ],
    [
      'both a caseNo and a subject',
      reenvelope(encodeReference(calendarPublished), { caseNo: CASE_NO }),
      /^an event has either a caseNo or a subject, not both$/,
    ],
    [
      'a case event type under a subject',
      reenvelope(encodeReference(calendarPublished), { eventType: CASE_FILED, payload: filedPayload() }),
      /^"case.filed" is not reference data$/,
    ],
    [
      'a reference event type under a caseNo',
      envelope({ eventType: 'catalog.item-published' }),
      /^"catalog.item-published" is not a case event$/,
    ],
    [
      'a catalog item promising more days than the law allows',
      catalogEnvelope({ promisedDays: 21 }),
      /^item.promisedDays exceeds item.legalDays$/,
    ],
    [
      'a catalog item of an unknown deciding tier',
      catalogEnvelope({ decidingTier: 'province' }),
      /^item.decidingTier must be one of/,
    ],
    [
      'a catalog item of an unknown status',
      catalogEnvelope({ status: 'draft' }),
      /^item.status must be one of/,
    ],
    [
      'a catalog item without its item',
      reenvelope(encodeReference(catalogPublished), { payload: new Uint8Array(0) }),
      /^item is missing$/,
    ],
    [
      'an override with a malformed date',
      encodeReference({
        ...overridesPublished,
        body: {
          type: 'calendar.overrides-published',
          overrides: [{ date: '2026-12-1', kind: 'day-off', reason: '检修' }],
        },
      }),
      /^overrides\[0\].date is malformed$/,
    ],
    [
      'a reference payload that does not decode',
      reenvelope(encodeReference(calendarPublished), { payload: Uint8Array.of(0x0a, 0x10, 0x61) }),
      /^calendar.published payload does not decode: /,
    ],
    [
      'reference data at version 0',
      encodeReference({ ...calendarPublished, version: 0 }),
      /^caseVersion must be between 1/,
    ],
  ])('refuses %s', (_name, bytes, reason) => {
    const error = rejection(bytes, decodeMessage);

    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toMatch(reason);
  });
});

describe('decodeEvent', () => {
  it('decodes the unmodified test envelopes, so each rejection below is caused by its one change', () => {
    expect(decodeEvent(envelope()).caseNo).toBe(CASE_NO);
    expect(decodeEvent(actionEnvelope(ACTIONS.accept)).body).toEqual({
      type: 'case.accepted',
      officer: '张三',
      action: { action: 'accept' },
    });
    expect(decodeEvent(actionEnvelope(ACTIONS.rate)).caseVersion).toBe(4);
    expect(decodeMessage(catalogEnvelope({}))).toEqual(catalogPublished);
  });

  it.each<[string, Uint8Array, RegExp]>([
    // Raw bytes that are not an envelope.
    ['truncated bytes', Uint8Array.of(0x0a, 0x10, 0x61), /^envelope does not decode: .*EOF/],
    ['an illegal wire type', Uint8Array.of(0x0f), /^envelope does not decode: illegal tag/],
    ['an empty message', new Uint8Array(0), /^eventId must be a UUID$/],
    // Envelope fields.
    ['a non-UUID eventId', envelope({ eventId: 'not-a-uuid' }), /^eventId must be a UUID$/],
    [
      'a UUID without dashes',
      envelope({ eventId: '0190c1b2e3f44a5b8c6d7e8f9a0b1c2d' }),
      /^eventId must be a UUID$/,
    ],
    ['a UUID with a trailing newline', envelope({ eventId: `${EVENT_ID}\n` }), /^eventId must be a UUID$/],
    ['an 11-digit originNode', envelope({ originNode: '15020200100' }), /^originNode must be/],
    ['the monitor as originNode', envelope({ originNode: '150200-monitor' }), /^originNode must be/],
    ['no originNode', envelope({ originNode: '' }), /^originNode must be/],
    ['no originTier', envelope({ originTier: Tier.UNSPECIFIED }), /^originTier is missing$/],
    ['an unknown originTier', envelope({ originTier: 9 as Tier }), /^originTier is missing$/],
    ['a caseNo without a sequence', envelope({ caseNo: `${COMMUNITY}20261126` }), /^caseNo is malformed$/],
    ['a caseNo with letters', envelope({ caseNo: `${COMMUNITY}2026112600000A` }), /^caseNo is malformed$/],
    ['a too long caseNo', envelope({ caseNo: `${CASE_NO}12345` }), /^caseNo is malformed$/],
    ['version 0', envelope({ caseVersion: 0 }), /^caseVersion must be between 1 and 2147483647$/],
    [
      'a NUL in the applicant name',
      envelope({
        payload: filedPayload({
          applicant: create(MaskedApplicantSchema, {
            name: '王\u0000明',
            idNumber: '150202********1234',
            phone: '139****0001',
          }),
        }),
      }),
      /^record.applicant.name contains control characters$/,
    ],
    [
      'an escaped NUL in the form',
      envelope({ payload: filedPayload({ formDataJson: '{"a":"\\u0000"}' }) }),
      /contains NUL$/,
    ],
    [
      'a malformed item code',
      envelope({ payload: filedPayload({ itemCode: 'x' }) }),
      /^record.itemCode is malformed$/,
    ],
    [
      'a version beyond a PostgreSQL integer',
      envelope({ caseVersion: 2 ** 31 }),
      /^caseVersion must be between 1/,
    ],
    [
      'an instant before 1970',
      envelope({ occurredAt: timestampFromDate(new Date('1969-12-31T23:59:59Z')) }),
      /^occurredAt is out of range/,
    ],
    ['no occurredAt', envelope({ occurredAt: undefined }), /^occurredAt is missing$/],
    ['an unknown eventType', envelope({ eventType: 'case.closed' }), /^unknown eventType "case.closed"$/],
    ['no eventType', envelope({ eventType: '' }), /^unknown eventType ""$/],
    [
      'schemaVersion 2',
      envelope({ schemaVersion: 2 }),
      /^eventType case.filed schemaVersion 2 is not supported$/,
    ],
    ['schemaVersion 0', envelope({ schemaVersion: 0 }), /schemaVersion 0 is not supported$/],
    // case.filed payload.
    ['an empty case.filed payload', envelope({ payload: new Uint8Array(0) }), /^case.filed has no record$/],
    [
      'a case.filed payload that does not decode',
      envelope({ payload: Uint8Array.of(0x0a, 0x10, 0x61) }),
      /^case.filed payload does not decode: /,
    ],
    [
      'a payload caseNo different from the envelope',
      envelope({ payload: filedPayload({ caseNo: `${COMMUNITY}2026112600000043` }) }),
      /^payload caseNo differs from the envelope$/,
    ],
    [
      'a community code that is not a prefix of the caseNo',
      envelope({ payload: filedPayload({ communityCode: '150202002003' }) }),
      /^record codes do not nest/,
    ],
    [
      'a district code that is not a prefix of the community code',
      envelope({ payload: filedPayload({ districtCode: '150204' }) }),
      /^record codes do not nest/,
    ],
    ['no channel', envelope({ payload: filedPayload({ channel: Channel.UNSPECIFIED }) }), /^record.channel/],
    [
      'no filedAt',
      envelope({ payload: filedPayload({ filedAt: undefined }) }),
      /^record.filedAt is missing$/,
    ],
    ['no applicant', envelope({ payload: filedPayload({ applicant: undefined }) }), /^record.applicant/],
    [
      'formDataJson that is an array',
      envelope({ payload: filedPayload({ formDataJson: '[{"household":2}]' }) }),
      /^record.formDataJson is not a JSON object$/,
    ],
    [
      'formDataJson that is null',
      envelope({ payload: filedPayload({ formDataJson: 'null' }) }),
      /^record.formDataJson is not a JSON object$/,
    ],
    [
      'formDataJson that is a string',
      envelope({ payload: filedPayload({ formDataJson: '"户籍"' }) }),
      /^record.formDataJson is not a JSON object$/,
    ],
    [
      'formDataJson that is not JSON',
      envelope({ payload: filedPayload({ formDataJson: '{"household":' }) }),
      /^record.formDataJson is not JSON$/,
    ],
    [
      'empty formDataJson',
      envelope({ payload: filedPayload({ formDataJson: '' }) }),
      /^record.formDataJson is not JSON$/,
    ],
    // record.item and the query code hash.
    ['no item terms', envelope({ payload: filedPayload({ item: undefined }) }), /^record.item is missing$/],
    [
      'a promised limit above the legal one',
      envelope({ payload: filedPayload({ item: itemTerms({ promisedDays: 21, legalDays: 20 }) }) }),
      /^record.item limits must satisfy promised ≤ legal, 1 ≤ legal ≤ 3660 working days$/,
    ],
    [
      'a legal limit beyond ten years of working days',
      envelope({ payload: filedPayload({ item: itemTerms({ legalDays: 3661 }) }) }),
      /^record.item limits must satisfy/,
    ],
    [
      'an unknown deciding tier',
      envelope({ payload: filedPayload({ item: itemTerms({ decidingTier: 'province' }) }) }),
      /^record.item.decidingTier is unknown$/,
    ],
    [
      'no deciding tier',
      envelope({ payload: filedPayload({ item: itemTerms({ decidingTier: '' }) }) }),
      /^record.item.decidingTier is unknown$/,
    ],
    [
      'item terms of another item than the itemCode',
      envelope({ payload: filedPayload({ item: itemTerms({ code: '150200-MZ-002' }) }) }),
      /^record.item.code differs from record.itemCode$/,
    ],
    [
      'a malformed item terms code',
      envelope({ payload: filedPayload({ item: itemTerms({ code: '-MZ' }) }) }),
      /^record.item.code is malformed$/,
    ],
    [
      'item terms at version 0',
      envelope({ payload: filedPayload({ item: itemTerms({ version: 0 }) }) }),
      /^record.item.version is out of range$/,
    ],
    [
      'item terms without a name',
      envelope({ payload: filedPayload({ item: itemTerms({ name: '' }) }) }),
      /^record.item.name must be 1–200 characters$/,
    ],
    [
      'item terms with a control character in the department',
      envelope({ payload: filedPayload({ item: itemTerms({ department: '民政局\u0000' }) }) }),
      /^record.item.department contains control characters$/,
    ],
    [
      'an upper-case query code hash',
      envelope({ payload: filedPayload({ queryCodeHash: QUERY_CODE_HASH.toUpperCase() }) }),
      /^record.queryCodeHash is malformed$/,
    ],
    [
      'a 63-digit query code hash',
      envelope({ payload: filedPayload({ queryCodeHash: QUERY_CODE_HASH.slice(1) }) }),
      /^record.queryCodeHash is malformed$/,
    ],
    [
      'a query code in clear instead of its hash',
      envelope({ payload: filedPayload({ queryCodeHash: 'A7K9Q2' }) }),
      /^record.queryCodeHash is malformed$/,
    ],
    [
      'no query code hash',
      envelope({ payload: filedPayload({ queryCodeHash: '' }) }),
      /^record.queryCodeHash/,
    ],
    [
      'an unknown status',
      envelope({ payload: filedPayload({ status: 'closed' }) }),
      /^record.status is unknown$/,
    ],
    [
      'a malformed handling node',
      envelope({ payload: filedPayload({ handlingNode: '1502' }) }),
      /^record.handlingNode is malformed$/,
    ],
    // Lifecycle envelopes.
    [
      'an event type that does not match its action',
      actionEnvelope(ACTIONS.reject, { eventType: 'case.accepted' }),
      /^eventType case.accepted does not match the action reject$/,
    ],
    [
      'case.rated carrying a decision',
      actionEnvelope(ACTIONS.decide, { eventType: 'case.rated' }),
      /^eventType case.rated does not match the action decide$/,
    ],
    [
      'a lifecycle event at version 1',
      actionEnvelope(ACTIONS.accept, { caseVersion: 1 }),
      /^case.accepted cannot be version 1: a case begins with case.filed$/,
    ],
    [
      'a lifecycle payload naming no action',
      actionEnvelope(ACTIONS.accept, { payload: new Uint8Array(0) }),
      /^the payload names no action$/,
    ],
    [
      'a lifecycle payload that does not decode',
      actionEnvelope(ACTIONS['start-step'], { payload: Uint8Array.of(0x0a, 0x10, 0x61) }),
      /^case.step-started payload does not decode: /,
    ],
    // Action fields: each names the field.
    [
      'a rating of 0',
      actionEnvelope({ action: 'rate', score: 0, comment: '' }),
      /^score must be an integer from 1 to 5$/,
    ],
    [
      'a rating of 6',
      actionEnvelope({ action: 'rate', score: 6, comment: '' }),
      /^score must be an integer from 1 to 5$/,
    ],
    [
      'an unknown step to start',
      actionEnvelope({ action: 'start-step', step: 'sign' as StepName }),
      /^step must be one of undertake, review, approve$/,
    ],
    [
      'an unknown step to end',
      actionEnvelope({ action: 'end-step', step: 'Review' as StepName, opinion: '' }),
      /^step must be one of/,
    ],
    [
      'an unknown special procedure',
      actionEnvelope({ ...ACTIONS['start-special-procedure'], kind: 'audit' as SpecialProcedureKind }),
      /^kind must be one of hearing, expert-review, testing, extension$/,
    ],
    [
      'an unknown outcome',
      actionEnvelope({ action: 'decide', outcome: 'pending' as Outcome, result: '待定' }),
      /^outcome must be one of approved, not-approved$/,
    ],
    [
      'an unknown delivery method',
      actionEnvelope({ action: 'deliver', method: 'fax' as DeliveryMethod }),
      /^method must be one of window, mail, electronic, sms$/,
    ],
    [
      'a rejection without a reason',
      actionEnvelope({ action: 'reject', reason: '' }),
      /^reason must be 1–500 characters$/,
    ],
    [
      'a withdrawal without a reason',
      actionEnvelope({ action: 'withdraw', reason: '' }),
      /^reason must be 1–500/,
    ],
    [
      'a suspension without a reason',
      actionEnvelope({ action: 'suspend', reason: '' }),
      /^reason must be 1–500/,
    ],
    [
      'a special procedure without a reason',
      actionEnvelope({ ...ACTIONS['start-special-procedure'], reason: '' }),
      /^reason must be 1–500/,
    ],
    [
      'a reason of 501 characters',
      actionEnvelope({ action: 'reject', reason: '理'.repeat(501) }),
      /^reason must be 1–500/,
    ],
    [
      'a control character in a reason',
      actionEnvelope({ action: 'suspend', reason: '等待\u0007核查' }),
      /^reason contains control characters$/,
    ],
    [
      'a NUL in a withdrawal reason',
      actionEnvelope({ action: 'withdraw', reason: '撤回\u0000' }),
      /^reason contains control characters$/,
    ],
    [
      '51 materials',
      actionEnvelope({
        action: 'request-supplement',
        materials: Array<string>(51).fill('户口簿复印件'),
        note: '',
      }),
      /^materials must list 1–50 items$/,
    ],
    [
      'no materials',
      actionEnvelope({ action: 'request-supplement', materials: [], note: '请补正' }),
      /^materials must list 1–50 items$/,
    ],
    [
      'an empty material',
      actionEnvelope({ action: 'request-supplement', materials: ['户口簿复印件', ''], note: '' }),
      /^materials\[1\] must be 1–200 characters$/,
    ],
    [
      'a special procedure of 0 days',
      actionEnvelope({ ...ACTIONS['start-special-procedure'], limitDays: 0 }),
      /^limitDays must be an integer from 1 to 365$/,
    ],
    [
      'a special procedure of 366 days',
      actionEnvelope({ ...ACTIONS['start-special-procedure'], limitDays: 366 }),
      /^limitDays must be an integer from 1 to 365$/,
    ],
    [
      'a decision without a result',
      actionEnvelope({ action: 'decide', outcome: 'approved', result: '' }),
      /^result must be 1–2000 characters$/,
    ],
    [
      'a note of 501 characters',
      actionEnvelope({ action: 'resume', note: '注'.repeat(501) }),
      /^note must be 1–500 characters$/,
    ],
    [
      'a comment with a control character',
      actionEnvelope({ action: 'rate', score: 4, comment: '好\u001b' }),
      /^comment contains control characters$/,
    ],
    [
      'a hand-up to something that is not a node code',
      actionEnvelope({ action: 'hand-up', toNode: '150200-monitor', note: '' }),
      /^toNode is malformed$/,
    ],
    [
      'a hand-up to nobody',
      actionEnvelope({ action: 'hand-up', toNode: '', note: '' }),
      /^toNode is malformed$/,
    ],
    [
      'an officer of 65 characters',
      actionEnvelope(ACTIONS.accept, {}, '张'.repeat(65)),
      /^officer must be 1–64 characters$/,
    ],
    [
      'an officer with a control character',
      actionEnvelope(ACTIONS.accept, {}, '张三\u0007'),
      /^officer contains control characters$/,
    ],
  ])('rejects %s', (_name, bytes, reason) => {
    const error = rejection(bytes);

    expect(error).toBeInstanceOf(ContractError);
    expect(error.name).toBe('ContractError');
    expect(error.message).toMatch(reason);
  });

  it('accepts an officer of exactly 64 characters', () => {
    expect(decodeEvent(actionEnvelope(ACTIONS.accept, {}, '张'.repeat(64))).body).toMatchObject({
      officer: '张'.repeat(64),
    });
  });

  // Anything on a topic must either decode or be dead-lettered: the consumer rethrows other errors.
  it.each(Array.from({ length: 40 }, (_, i) => [i + 1, 1 + ((i * 7) % 64)]))(
    'rejects random bytes (seed %i, %i bytes) with a ContractError',
    (seed, length) => {
      expect(rejection(noise(seed, length))).toBeInstanceOf(ContractError);
    },
  );

  // Seconds beyond ±8.64e12 are a valid protobuf Timestamp but not a JavaScript Date.
  const farFuture = create(TimestampSchema, { seconds: 10n ** 15n });
  it.each<[string, Uint8Array]>([
    ['occurredAt', envelope({ occurredAt: farFuture })],
    ['record.filedAt', envelope({ payload: filedPayload({ filedAt: farFuture }) })],
    ['occurredAt of a lifecycle event', actionEnvelope(ACTIONS.accept, { occurredAt: farFuture })],
    [
      'occurredAt of reference data',
      reenvelope(encodeReference(calendarPublished), { occurredAt: farFuture }),
    ],
  ])('rejects %s outside the range of a Date with a ContractError', (_field, bytes) => {
    expect(rejection(bytes, decodeMessage)).toBeInstanceOf(ContractError);
  });
});
