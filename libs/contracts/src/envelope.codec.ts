import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Timestamp, timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { CaseAcceptedSchema, CaseFiledSchema, CaseRecordSchema, Channel } from './gen/fed/v1/case_pb';
import { EventEnvelopeSchema, Tier } from './gen/fed/v1/envelope_pb';
import {
  CASE_ACCEPTED,
  CASE_FILED,
  CaseEventBody,
  CaseSnapshot,
  ChannelName,
  FederationEvent,
  TierName,
} from './case.types';

/** Raised when bytes on a federation topic are not a valid event; the reason goes to the dead-letter topic. */
export class ContractError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ContractError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** 12-digit community code, 8-digit filing date, then a sequence of at least 6 digits. */
export const CASE_NO_PATTERN = /^\d{12}\d{8}\d{6,10}$/;
const NODE_CODE = /^\d{6}(\d{6})?$/;
const DISTRICT_CODE = /^\d{6}$/;
const COMMUNITY_CODE = /^\d{12}$/;
const ITEM_CODE = /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/;
const STATUS = /^[a-z][a-z-]{0,39}$/;
/** Control characters (NUL above all) are refused: PostgreSQL text and jsonb cannot hold NUL. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_VERSION = 2_147_483_647;
/** Instants outside these years are nonsense for a case, and beyond what PostgreSQL timestamptz holds. */
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

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

/** Payload schema versions this build can decode, per event type. */
const SCHEMA_VERSIONS: Record<string, number> = { [CASE_FILED]: 1, [CASE_ACCEPTED]: 1 };

export function encodeEvent(event: FederationEvent): Uint8Array {
  return toBinary(
    EventEnvelopeSchema,
    create(EventEnvelopeSchema, {
      eventId: event.eventId,
      originNode: event.originNode,
      originTier: TIER_TO_WIRE[event.originTier],
      caseNo: event.caseNo,
      caseVersion: event.caseVersion,
      eventType: event.body.type,
      occurredAt: timestampFromDate(event.occurredAt),
      schemaVersion: event.schemaVersion,
      payload: encodeBody(event.body),
    }),
  );
}

function encodeBody(body: CaseEventBody): Uint8Array {
  switch (body.type) {
    case CASE_FILED:
      return toBinary(CaseFiledSchema, create(CaseFiledSchema, { record: recordToWire(body.record) }));
    case CASE_ACCEPTED:
      return toBinary(
        CaseAcceptedSchema,
        create(CaseAcceptedSchema, {
          acceptedAt: timestampFromDate(new Date(body.acceptedAt)),
          acceptedBy: body.acceptedBy,
        }),
      );
  }
}

function recordToWire(r: CaseSnapshot) {
  return create(CaseRecordSchema, {
    caseNo: r.caseNo,
    communityCode: r.communityCode,
    districtCode: r.districtCode,
    cityCode: r.cityCode,
    itemCode: r.itemCode,
    channel: CHANNEL_TO_WIRE[r.channel],
    applicant: { ...r.applicant },
    formDataJson: JSON.stringify(r.formData),
    status: r.status,
    filedAt: timestampFromDate(new Date(r.filedAt)),
    handlingNode: r.handlingNode,
  });
}

/**
 * Decodes and validates one message from a federation topic.
 * @throws ContractError naming what is wrong; the caller dead-letters the message.
 */
export function decodeEvent(bytes: Uint8Array): FederationEvent {
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
  if (!CASE_NO_PATTERN.test(env.caseNo)) throw new ContractError('caseNo is malformed');
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
  const body = decodeBody(env.eventType, env.payload);
  if (body.type === CASE_FILED && body.record.caseNo !== env.caseNo) {
    throw new ContractError('payload caseNo differs from the envelope');
  }
  if (body.type === CASE_FILED && env.caseVersion !== 1)
    throw new ContractError('case.filed must be version 1');
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

function decodeBody(eventType: string, payload: Uint8Array): CaseEventBody {
  if (eventType === CASE_ACCEPTED) return decodeAccepted(payload);
  if (eventType !== CASE_FILED) throw new ContractError(`unknown eventType "${eventType}"`);
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
  check(r.status, STATUS, 'record.status');
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
      status: r.status,
      filedAt: filedAt.toISOString(),
      handlingNode: r.handlingNode,
    },
  };
}

function decodeAccepted(payload: Uint8Array): CaseEventBody {
  let accepted;
  try {
    accepted = fromBinary(CaseAcceptedSchema, payload);
  } catch (e) {
    throw new ContractError(`case.accepted payload does not decode: ${(e as Error).message}`);
  }
  const acceptedAt = dateOf(accepted.acceptedAt, 'acceptedAt');
  if (!NODE_CODE.test(accepted.acceptedBy)) throw new ContractError('acceptedBy must be a node code');
  return {
    type: CASE_ACCEPTED,
    acceptedAt: acceptedAt.toISOString(),
    acceptedBy: accepted.acceptedBy,
  };
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

function check(value: string, pattern: RegExp, field: string): string {
  if (!pattern.test(value)) throw new ContractError(`${field} is malformed`);
  return value;
}

/** Free text: bounded and without control characters. */
function text(value: string, field: string, maxLength = 200): string {
  if (value.length === 0 || value.length > maxLength)
    throw new ContractError(`${field} must be 1–${maxLength} characters`);
  if (CONTROL.test(value)) throw new ContractError(`${field} contains control characters`);
  return value;
}
