import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CASE_FILED,
  CaseSnapshot,
  CaseStatus,
  CHANNELS,
  emptyLifecycle,
  FederationEvent,
  TIERS,
} from './case.types';
import { decodeEvent, encodeEvent } from './envelope.codec';
import { MessageWriter } from './message-writer';
import { CaseFiledSchema, Channel } from './gen/fed/v1/case_pb';
import { EventEnvelopeSchema, Tier } from './gen/fed/v1/envelope_pb';

const CHANNEL: Record<string, Channel> = {
  window: Channel.WINDOW,
  online: Channel.ONLINE,
  wechat: Channel.WECHAT,
  qr: Channel.QR,
};
const TIER: Record<string, Tier> = { community: Tier.COMMUNITY, district: Tier.DISTRICT, city: Tier.CITY };

/** The same event through the generated (reflective) encoder, mapped field by field from the .proto. */
function generated(e: FederationEvent): Uint8Array {
  if (e.body.type !== CASE_FILED) throw new Error('a case.filed event is expected');
  const r = e.body.record;
  const payload = toBinary(
    CaseFiledSchema,
    create(CaseFiledSchema, {
      record: {
        caseNo: r.caseNo,
        communityCode: r.communityCode,
        districtCode: r.districtCode,
        cityCode: r.cityCode,
        itemCode: r.itemCode,
        channel: CHANNEL[r.channel],
        applicant: { name: r.applicant.name, idNumber: r.applicant.idNumber, phone: r.applicant.phone },
        formDataJson: JSON.stringify(r.formData),
        status: r.status,
        filedAt: timestampFromDate(new Date(r.filedAt)),
        handlingNode: r.handlingNode,
        item: {
          code: r.item.code,
          version: r.item.version,
          name: r.item.name,
          department: r.item.department,
          decidingTier: r.item.decidingTier,
          promisedDays: r.item.promisedDays,
          legalDays: r.item.legalDays,
        },
        queryCodeHash: r.queryCodeHash,
      },
    }),
  );
  return toBinary(
    EventEnvelopeSchema,
    create(EventEnvelopeSchema, {
      eventId: e.eventId,
      originNode: e.originNode,
      originTier: TIER[e.originTier],
      caseNo: e.caseNo,
      caseVersion: e.caseVersion,
      eventType: e.body.type,
      occurredAt: timestampFromDate(e.occurredAt),
      schemaVersion: e.schemaVersion,
      payload,
    }),
  );
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '',
  'a',
  '王',
  '包头市',
  '😀',
  'é',
  ' ',
  '"\\',
  'x'.repeat(130),
  '民政局'.repeat(50),
  '\n\t',
  // unpaired surrogates: both encoders write U+FFFD's bytes, and the lengths must agree
  '\ud800',
  'x\udc00',
  '\ude00\ud83d',
];

function sample(random: () => number): FederationEvent {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const text = () => Array.from({ length: Math.floor(random() * 4) }, () => pick(PIECES)).join('');
  const count = () => pick([0, 1, 127, 128, 300, 16_383, 16_384, 2_097_152, 2 ** 31 - 1, 2 ** 32 - 1]);
  const date = () =>
    new Date(pick([0, 999, 1000, -1, -1500, 1_764_000_000_123, 4_102_444_800_000, 86_400_000]));
  const record: CaseSnapshot = {
    caseNo: text(),
    communityCode: text(),
    districtCode: text(),
    cityCode: text(),
    itemCode: text(),
    channel: pick(CHANNELS),
    applicant: { name: text(), idNumber: text(), phone: text() },
    formData: random() < 0.3 ? {} : { note: text(), n: count(), nested: { list: [text(), count()] } },
    item: {
      code: text(),
      version: count(),
      name: text(),
      department: text(),
      decidingTier: pick(TIERS),
      promisedDays: count(),
      legalDays: count(),
    },
    // any text: the encoder does not judge, the decoder does
    status: text() as CaseStatus,
    filedAt: date().toISOString(),
    handlingNode: text(),
    queryCodeHash: text(),
    lifecycle: emptyLifecycle(),
  };
  return {
    eventId: text(),
    originNode: text(),
    originTier: pick(TIERS),
    caseNo: text(),
    caseVersion: count(),
    occurredAt: date(),
    schemaVersion: pick([0, 1, 2, 200]),
    body: { type: CASE_FILED, record },
  };
}

describe('hand-written case.filed encoder', () => {
  it('writes exactly the bytes of the generated encoder, over 2,000 varied events', () => {
    const random = prng(20261126);
    for (let i = 0; i < 2000; i++) {
      const event = sample(random);
      expect(Buffer.from(encodeEvent(event)).toString('hex')).toBe(
        Buffer.from(generated(event)).toString('hex'),
      );
    }
  });

  it('writes an event the decoder reads back unchanged', () => {
    const event: FederationEvent = {
      eventId: '0190c1b2-e3f4-4a5b-8c6d-7e8f9a0b1c2d',
      originNode: '150202001001',
      originTier: 'community',
      caseNo: '1502020010012026112600000042',
      caseVersion: 1,
      occurredAt: new Date('2026-11-26T08:55:00.123Z'),
      schemaVersion: 1,
      body: {
        type: CASE_FILED,
        record: {
          caseNo: '1502020010012026112600000042',
          communityCode: '150202001001',
          districtCode: '150202',
          cityCode: '150200',
          itemCode: '150200-MZ-001',
          channel: 'window',
          applicant: { name: '王*明', idNumber: '1502**********1234', phone: '138****5678' },
          formData: { household: 3, note: '春节前最后一个工作日' },
          item: {
            code: '150200-MZ-001',
            version: 1,
            name: '最低生活保障申请',
            department: '包头市民政局',
            decidingTier: 'district',
            promisedDays: 0,
            legalDays: 20,
          },
          status: 'submitted',
          filedAt: '2026-11-26T08:55:00.123Z',
          handlingNode: '150202001001',
          queryCodeHash: 'a'.repeat(64),
          lifecycle: emptyLifecycle(),
        },
      },
    };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('refuses what is no uint32 or safe int64, and fields whose key takes more than one byte', () => {
    expect(() => new MessageWriter().uint32(1, -1)).toThrow(RangeError);
    expect(() => new MessageWriter().uint32(1, 2 ** 32)).toThrow(RangeError);
    expect(() => new MessageWriter().uint32(1, 1.5)).toThrow(RangeError);
    expect(() => new MessageWriter().int64(1, 2 ** 53)).toThrow(RangeError);
    expect(() => new MessageWriter().string(16, 'x')).toThrow(RangeError);
  });
});
