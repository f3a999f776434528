import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Timestamp, timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CaseActionTakenSchema, CaseFiledSchema, Channel } from './gen/fed/v1/case_pb';
import { EventEnvelopeSchema, Tier } from './gen/fed/v1/envelope_pb';
import {
  ACTION_EVENT_TYPES,
  CASE_FILED,
  CASE_STATUSES,
  CaseEventBody,
  CaseSnapshot,
  CaseStatus,
  ChannelName,
  emptyLifecycle,
  FederationEvent,
  LifecycleEventType,
  TierName,
  TIERS,
} from './case.types';
import { actionFromWire, actionToWire } from './action.codec';
import { MessageWriter, timestampMessage } from './message-writer';
import { ReferenceEvent } from './reference.types';
import { decodeReferenceBody, encodeReferenceBody, SUBJECT_PATTERN } from './reference.codec';
import {
  CASE_NO_PATTERN,
  check,
  COMMUNITY_CODE,
  ContractError,
  DISTRICT_CODE,
  ITEM_CODE,
  MAX_VERSION,
  MAX_YEAR,
  MIN_YEAR,
  NODE_CODE,
  QUERY_CODE_HASH,
  text,
  UUID,
} from './wire';

export { CASE_NO_PATTERN, ContractError } from './wire';

const TIER_TO_WIRE: Record<TierName, Tier> = {
  community: Tier.COMMUNITY,
  district: Tier.DISTRICT,
  city: Tier.CITY,
};
const CHANNEL_TO_WIRE: Record<ChannelName, Channel> = {
  window: Channel.WINDOW,
  online: Channel.ONLINE,
  wechat: Channel.WECHAT,
  qr: Channel.QR,
};

function invert<K extends string, V extends number>(map: Record<K, V>): Map<V, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as V, k as K]));
}
const TIER_FROM_WIRE = invert(TIER_TO_WIRE);
const CHANNEL_FROM_WIRE = invert(CHANNEL_TO_WIRE);

const LIFECYCLE_TYPES = new Set<string>(Object.values(ACTION_EVENT_TYPES));

/** Payload schema versions this build can decode, per event type. */
const SCHEMA_VERSIONS: Record<string, number> = {
  [CASE_FILED]: 1,
  ...Object.fromEntries([...LIFECYCLE_TYPES].map((t) => [t, 1])),
  'catalog.item-published': 1,
  'calendar.published': 1,
  'calendar.overrides-published': 1,
  'supervision.issued': 1,
};

export function encodeEvent(event: FederationEvent): Uint8Array {
  if (event.body.type === CASE_FILED) return encodeFiled(event, event.body.record);
  return encodeEnvelope(event, {
    caseNo: event.caseNo,
    caseVersion: event.caseVersion,
    payload: encodeBody(event.body),
  });
}

export function encodeReference(event: ReferenceEvent): Uint8Array {
  return encodeEnvelope(event, {
    subject: event.subject,
    caseVersion: event.version,
    payload: encodeReferenceBody(event.body),
  });
}

/** The envelope fields every event has, and what tells a case event from reference data. */
function encodeEnvelope(
  event: FederationEvent | ReferenceEvent,
  specific: { caseNo?: string; subject?: string; caseVersion: number; payload: Uint8Array },
): Uint8Array {
  return toBinary(
    EventEnvelopeSchema,
    create(EventEnvelopeSchema, {
      eventId: event.eventId,
      originNode: event.originNode,
      originTier: TIER_TO_WIRE[event.originTier],
      eventType: event.body.type,
      occurredAt: timestampFromDate(event.occurredAt),
      schemaVersion: event.schemaVersion,
      ...specific,
    }),
  );
}

/** A case.filed envelope written by hand (message-writer.ts): the generated encoder's bytes, faster. */
function encodeFiled(event: FederationEvent, r: CaseSnapshot): Uint8Array {
  const applicant = new MessageWriter()
    .string(1, r.applicant.name)
    .string(2, r.applicant.idNumber)
    .string(3, r.applicant.phone);
  const item = new MessageWriter()
    .string(1, r.item.code)
    .uint32(2, r.item.version)
    .string(3, r.item.name)
    .string(4, r.item.department)
    .string(5, r.item.decidingTier)
    .uint32(6, r.item.promisedDays)
    .uint32(7, r.item.legalDays);
  const record = new MessageWriter()
    .string(1, r.caseNo)
    .string(2, r.communityCode)
    .string(3, r.districtCode)
    .string(4, r.cityCode)
    .string(5, r.itemCode)
    .uint32(6, CHANNEL_TO_WIRE[r.channel])
    .message(7, applicant)
    .string(8, JSON.stringify(r.formData))
    .string(9, r.status)
    .message(10, timestampMessage(new Date(r.filedAt)))
    .string(11, r.handlingNode)
    .message(12, item)
    .string(13, r.queryCodeHash);
  return new MessageWriter()
    .string(1, event.eventId)
    .string(2, event.originNode)
    .uint32(3, TIER_TO_WIRE[event.originTier])
    .string(4, event.caseNo)
    .uint32(5, event.caseVersion)
    .string(6, CASE_FILED)
    .message(7, timestampMessage(event.occurredAt))
    .uint32(8, event.schemaVersion)
    .bytes(9, new MessageWriter().message(1, record).finish())
    .finish();
}

function encodeBody(body: Exclude<CaseEventBody, { type: typeof CASE_FILED }>): Uint8Array {
  return toBinary(
    CaseActionTakenSchema,
    create(CaseActionTakenSchema, { officer: body.officer, action: actionToWire(body.action) }),
  );
}

/**
 * Decodes and validates one message from a federation topic: a case event or reference data.
 * @throws ContractError naming what is wrong; the caller dead-letters the message.
 */
export function decodeMessage(bytes: Uint8Array): FederationEvent | ReferenceEvent {
  let env;
  try {
    env = fromBinary(EventEnvelopeSchema, bytes);
  } catch (e) {
    throw new ContractError(`envelope does not decode: ${(e as Error).message}`);
  }
  if (!UUID.test(env.eventId)) throw new ContractError('eventId must be a UUID');
  if (!NODE_CODE.test(env.originNode))
    throw new ContractError('originNode must be a 6 or 12 digit node code');
  const originTier = TIER_FROM_WIRE.get(env.originTier);
  if (!originTier) throw new ContractError('originTier is missing');
  // Stored as a PostgreSQL integer at every tier.
  if (env.caseVersion < 1 || env.caseVersion > MAX_VERSION) {
    throw new ContractError(`caseVersion must be between 1 and ${MAX_VERSION}`);
  }
  const occurredAt = dateOf(env.occurredAt, 'occurredAt');
  const supported = SCHEMA_VERSIONS[env.eventType];
  if (supported === undefined) throw new ContractError(`unknown eventType "${env.eventType}"`);
  if (env.schemaVersion !== supported) {
    throw new ContractError(`eventType ${env.eventType} schemaVersion ${env.schemaVersion} is not supported`);
  }
  if (env.subject !== '') {
    if (env.caseNo !== '') throw new ContractError('an event has either a caseNo or a subject, not both');
    if (!SUBJECT_PATTERN.test(env.subject)) throw new ContractError('subject is malformed');
    const body = decodeReferenceBody(
      env.eventType,
      env.payload,
      env.subject,
      env.originNode,
      env.caseVersion,
    );
    return {
      eventId: env.eventId.toLowerCase(),
      originNode: env.originNode,
      originTier,
      subject: env.subject,
      version: env.caseVersion,
      occurredAt,
      schemaVersion: env.schemaVersion,
      body,
    };
  }
  if (!CASE_NO_PATTERN.test(env.caseNo)) throw new ContractError('caseNo is malformed');
  const body = decodeBody(env.eventType, env.payload);
  if (body.type === CASE_FILED && body.record.caseNo !== env.caseNo) {
    throw new ContractError('payload caseNo differs from the envelope');
  }
  if (body.type === CASE_FILED && env.caseVersion !== 1)
    throw new ContractError('case.filed must be version 1');
  if (body.type !== CASE_FILED && env.caseVersion === 1)
    throw new ContractError(`${body.type} cannot be version 1: a case begins with case.filed`);
  return {
    eventId: env.eventId.toLowerCase(),
    originNode: env.originNode,
    originTier,
    caseNo: env.caseNo,
    caseVersion: env.caseVersion,
    occurredAt,
    schemaVersion: env.schemaVersion,
    body,
  };
}

/** A case event; reference data is refused. */
export function decodeEvent(bytes: Uint8Array): FederationEvent {
  const m = decodeMessage(bytes);
  if (isReferenceEvent(m)) throw new ContractError(`${m.body.type} is not a case event`);
  return m;
}

export function isReferenceEvent(m: FederationEvent | ReferenceEvent): m is ReferenceEvent {
  return 'subject' in m;
}

function decodeBody(eventType: string, payload: Uint8Array): CaseEventBody {
  if (LIFECYCLE_TYPES.has(eventType)) return decodeLifecycle(eventType as LifecycleEventType, payload);
  if (eventType !== CASE_FILED) throw new ContractError(`"${eventType}" is not a case event`);
  let filed;
  try {
    filed = fromBinary(CaseFiledSchema, payload);
  } catch (e) {
    throw new ContractError(`case.filed payload does not decode: ${(e as Error).message}`);
  }
  const r = filed.record;
  if (!r) throw new ContractError('case.filed has no record');
  const channel = CHANNEL_FROM_WIRE.get(r.channel);
  if (!channel) throw new ContractError('record.channel is missing');
  const filedAt = dateOf(r.filedAt, 'record.filedAt');
  if (!r.applicant) throw new ContractError('record.applicant is missing');
  check(r.communityCode, COMMUNITY_CODE, 'record.communityCode');
  check(r.districtCode, DISTRICT_CODE, 'record.districtCode');
  check(r.cityCode, DISTRICT_CODE, 'record.cityCode');
  check(r.itemCode, ITEM_CODE, 'record.itemCode');
  if (!CASE_STATUSES.includes(r.status as CaseStatus)) throw new ContractError('record.status is unknown');
  if (!r.item) throw new ContractError('record.item is missing');
  const item = r.item;
  check(item.code, ITEM_CODE, 'record.item.code');
  if (item.code !== r.itemCode) throw new ContractError('record.item.code differs from record.itemCode');
  if (item.version < 1 || item.version > MAX_VERSION)
    throw new ContractError('record.item.version is out of range');
  text(item.name, 'record.item.name', 200);
  text(item.department, 'record.item.department', 200);
  if (!TIERS.includes(item.decidingTier as TierName))
    throw new ContractError('record.item.decidingTier is unknown');
  if (item.legalDays < 1 || item.promisedDays > item.legalDays || item.legalDays > 3660)
    throw new ContractError(
      'record.item limits must satisfy promised ≤ legal, 1 ≤ legal ≤ 3660 working days',
    );
  check(r.queryCodeHash, QUERY_CODE_HASH, 'record.queryCodeHash');
  check(r.handlingNode, NODE_CODE, 'record.handlingNode');
  text(r.applicant.name, 'record.applicant.name', 64);
  text(r.applicant.idNumber, 'record.applicant.idNumber', 32);
  text(r.applicant.phone, 'record.applicant.phone', 32);
  if (!r.caseNo.startsWith(r.communityCode) || !r.communityCode.startsWith(r.districtCode)) {
    throw new ContractError('record codes do not nest: caseNo ⊂ community ⊂ district');
  }
  // PostgreSQL jsonb refuses NUL (raw or escaped).
  if (r.formDataJson.includes('\\u0000') || r.formDataJson.includes('\u0000')) {
    throw new ContractError('record.formDataJson contains NUL');
  }
  let formData: unknown;
  try {
    formData = JSON.parse(r.formDataJson);
  } catch {
    throw new ContractError('record.formDataJson is not JSON');
  }
  if (typeof formData !== 'object' || formData === null || Array.isArray(formData)) {
    throw new ContractError('record.formDataJson is not a JSON object');
  }
  return {
    type: CASE_FILED,
    record: {
      caseNo: r.caseNo,
      communityCode: r.communityCode,
      districtCode: r.districtCode,
      cityCode: r.cityCode,
      itemCode: r.itemCode,
      channel,
      applicant: { name: r.applicant.name, idNumber: r.applicant.idNumber, phone: r.applicant.phone },
      formData: formData as Record<string, unknown>,
      item: {
        code: item.code,
        version: item.version,
        name: item.name,
        department: item.department,
        decidingTier: item.decidingTier as TierName,
        promisedDays: item.promisedDays,
        legalDays: item.legalDays,
      },
      status: r.status as CaseStatus,
      filedAt: filedAt.toISOString(),
      handlingNode: r.handlingNode,
      queryCodeHash: r.queryCodeHash,
      lifecycle: emptyLifecycle(),
    },
  };
}

function decodeLifecycle(eventType: LifecycleEventType, payload: Uint8Array): CaseEventBody {
  let taken;
  try {
    taken = fromBinary(CaseActionTakenSchema, payload);
  } catch (e) {
    throw new ContractError(`${eventType} payload does not decode: ${(e as Error).message}`);
  }
  if (taken.officer !== '') text(taken.officer, 'officer', 64);
  const action = actionFromWire(taken.action);
  if (ACTION_EVENT_TYPES[action.action] !== eventType) {
    throw new ContractError(`eventType ${eventType} does not match the action ${action.action}`);
  }
  return { type: eventType, officer: taken.officer, action };
}

/** A timestamp that is present and within what a Date can hold (protobuf allows far more). */
function dateOf(ts: Timestamp | undefined, field: string): Date {
  if (!ts) throw new ContractError(`${field} is missing`);
  if (ts.nanos < 0 || ts.nanos > 999_999_999) throw new ContractError(`${field} has invalid nanos`);
  const date = timestampDate(ts);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new ContractError(`${field} is out of range (years ${MIN_YEAR}–${MAX_YEAR})`);
  }
  return date;
}
