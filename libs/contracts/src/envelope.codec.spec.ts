import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { CASE_ACCEPTED, CASE_FILED, CaseSnapshot, CHANNELS, FederationEvent, TIERS } from './case.types';
import { ContractError, decodeEvent, encodeEvent } from './envelope.codec';
import {
  CaseAccepted,
  CaseAcceptedSchema,
  CaseFiledSchema,
  CaseRecord,
  CaseRecordSchema,
  Channel,
  MaskedApplicantSchema,
} from './gen/fed/v1/case_pb';
import { EventEnvelope, EventEnvelopeSchema, Tier } from './gen/fed/v1/envelope_pb';

const COMMUNITY = '150202001001';
const CASE_NO = `${COMMUNITY}2026112600000042`;
const EVENT_ID = '0190c1b2-e3f4-4a5b-8c6d-7e8f9a0b1c2d';

const record: CaseSnapshot = {
  caseNo: CASE_NO,
  communityCode: COMMUNITY,
  districtCode: '150202',
  cityCode: '150200',
  itemCode: '150200-MZ-001',
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

const accepted: FederationEvent = {
  eventId: '7d444840-9dc0-11d1-b245-5ffdce74fad2',
  originNode: '150202',
  originTier: 'district',
  caseNo: CASE_NO,
  caseVersion: 2,
  occurredAt: new Date('2026-11-26T03:04:05.678Z'),
  schemaVersion: 1,
  body: { type: CASE_ACCEPTED, acceptedAt: '2026-11-26T03:04:05.001Z', acceptedBy: '150202' },
};

/** The fields of a generated message, any of which a test may replace. */
type Fields<M> = Partial<Omit<M, '$typeName' | '$unknown'>>;

/** A valid case.filed record on the wire, with some fields replaced. */
function filedPayload(over: Fields<CaseRecord> = {}): Uint8Array {
  const record = create(CaseRecordSchema, {
    caseNo: CASE_NO,
    communityCode: COMMUNITY,
    districtCode: '150202',
    cityCode: '150200',
    itemCode: '150200-MZ-001',
    channel: Channel.WINDOW,
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formDataJson: '{"household":2}',
    status: 'submitted',
    filedAt: timestampFromDate(new Date('2026-11-26T01:02:03.456Z')),
    handlingNode: COMMUNITY,
  });
  return toBinary(CaseFiledSchema, create(CaseFiledSchema, { record: { ...record, ...over } }));
}

function acceptedPayload(over: Fields<CaseAccepted> = {}): Uint8Array {
  const accepted = create(CaseAcceptedSchema, {
    acceptedAt: timestampFromDate(new Date('2026-11-26T03:04:05.001Z')),
    acceptedBy: '150202',
  });
  return toBinary(CaseAcceptedSchema, { ...accepted, ...over });
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

function acceptedEnvelope(over: Fields<CaseAccepted> = {}): Uint8Array {
  return envelope({
    originNode: '150202',
    originTier: Tier.DISTRICT,
    caseVersion: 2,
    eventType: CASE_ACCEPTED,
    payload: acceptedPayload(over),
  });
}

/** The error decodeEvent throws for `bytes`; fails the test when it decodes. */
function rejection(bytes: Uint8Array): Error {
  let decoded: FederationEvent;
  try {
    decoded = decodeEvent(bytes);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`decodeEvent accepted the bytes (occurredAt ${decoded.occurredAt.toString()})`);
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

describe('encodeEvent → decodeEvent', () => {
  it('keeps every field of a case.filed event', () => {
    const decoded = decodeEvent(encodeEvent(filed));

    expect(decoded).toEqual(filed);
    expect(decoded.occurredAt.toISOString()).toBe('2026-11-26T01:02:03.457Z');
  });

  it('keeps nested form data and Chinese text exactly', () => {
    const decoded = decodeEvent(encodeEvent(filed));

    if (decoded.body.type !== CASE_FILED) throw new Error(`decoded as ${decoded.body.type}`);
    expect(decoded.body.record.formData).toStrictEqual(record.formData);
    expect(decoded.body.record.applicant.name).toBe('王*明');
    expect(decoded.body.record.itemCode).toBe('150200-MZ-001');
    expect(decoded.body.record.filedAt).toBe('2026-11-26T01:02:03.456Z');
  });

  it('keeps every field of a case.accepted event', () => {
    const decoded = decodeEvent(encodeEvent(accepted));

    expect(decoded).toEqual(accepted);
    expect(decoded.occurredAt.getTime()).toBe(Date.parse('2026-11-26T03:04:05.678Z'));
  });

  it.each(TIERS)('keeps origin tier %s', (tier) => {
    expect(decodeEvent(encodeEvent({ ...accepted, originTier: tier })).originTier).toBe(tier);
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

  it('lower-cases the event id, so the same event is recognised however it was spelled', () => {
    const decoded = decodeEvent(encodeEvent({ ...filed, eventId: EVENT_ID.toUpperCase() }));
    expect(decoded.eventId).toBe(EVENT_ID);
  });
});

describe('decodeEvent', () => {
  it('decodes the unmodified test envelopes, so each rejection below is caused by its one change', () => {
    expect(decodeEvent(envelope()).caseNo).toBe(CASE_NO);
    expect(decodeEvent(acceptedEnvelope()).body).toEqual({
      type: CASE_ACCEPTED,
      acceptedAt: '2026-11-26T03:04:05.001Z',
      acceptedBy: '150202',
    });
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
    // case.accepted payload.
    ['case.accepted with a bad acceptedBy', acceptedEnvelope({ acceptedBy: '王*明' }), /^acceptedBy must be/],
    ['case.accepted with no acceptedBy', acceptedEnvelope({ acceptedBy: '' }), /^acceptedBy must be/],
    [
      'case.accepted by a 7-digit code',
      acceptedEnvelope({ acceptedBy: '1502020' }),
      /^acceptedBy must be a node code$/,
    ],
    [
      'case.accepted with no acceptedAt',
      acceptedEnvelope({ acceptedAt: undefined }),
      /^acceptedAt is missing$/,
    ],
    [
      'a case.accepted payload that does not decode',
      envelope({ eventType: CASE_ACCEPTED, caseVersion: 2, payload: Uint8Array.of(0x0f) }),
      /^case.accepted payload does not decode: /,
    ],
  ])('rejects %s', (_name, bytes, reason) => {
    const error = rejection(bytes);

    expect(error).toBeInstanceOf(ContractError);
    expect(error.name).toBe('ContractError');
    expect(error.message).toMatch(reason);
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
    ['acceptedAt', acceptedEnvelope({ acceptedAt: farFuture })],
  ])('rejects %s outside the range of a Date with a ContractError', (_field, bytes) => {
    expect(rejection(bytes)).toBeInstanceOf(ContractError);
  });
});
