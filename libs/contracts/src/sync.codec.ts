import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { SyncMessageSchema } from './gen/fed/v1/sync_pb';
import { CASE_NO_PATTERN, ContractError, MAX_VERSION, UUID } from './wire';

/**
 * Anti-entropy messages between a node and its parent (proto `fed.v1.SyncMessage`): never stored, so
 * they are plain objects here rather than events.
 */
export type SyncBody =
  | { kind: 'digest-request'; prefixes: string[]; cases: boolean; asOf: Date }
  | {
      kind: 'digest';
      prefixes: string[];
      cases: boolean;
      asOf: Date;
      buckets: SyncBucket[];
      marks: CaseMark[];
      referencesHash: string;
      clusterId: string;
    }
  | { kind: 'resend-request'; cases: { caseNo: string; afterVersion: number }[] };

export interface SyncMessage {
  checkId: string;
  sentAt: Date;
  body: SyncBody;
}

export interface SyncBucket {
  key: string;
  count: number;
  hash: string;
}

/** Where a case stands at one node: its version and the id and time of the event that made it. */
export interface CaseMark {
  caseNo: string;
  version: number;
  lastEventId: string;
  lastEventAt: Date;
}

/** "" (the top level), a month, a day, or a 16th, 256th or 4096th of a day. */
export const BUCKET_KEY = /^(\d{6}(\d{2}(-[0-9a-f]{1,3})?)?)?$/;
const HASH = /^([0-9a-f]{32})?$/;
/** Most prefixes, buckets or cases one message may name: keeps it well under the broker's limit. */
export const SYNC_LIMIT = 4000;

export function encodeSync(m: SyncMessage): Uint8Array {
  const b = m.body;
  const body =
    b.kind === 'digest-request'
      ? {
          case: 'digestRequest' as const,
          value: { prefixes: b.prefixes, cases: b.cases, asOf: timestampFromDate(b.asOf) },
        }
      : b.kind === 'digest'
        ? {
            case: 'digest' as const,
            value: {
              prefixes: b.prefixes,
              cases: b.cases,
              buckets: b.buckets,
              marks: b.marks.map((c) => ({ ...c, lastEventAt: timestampFromDate(c.lastEventAt) })),
              referencesHash: b.referencesHash,
              clusterId: b.clusterId,
              asOf: timestampFromDate(b.asOf),
            },
          }
        : { case: 'resendRequest' as const, value: { cases: b.cases } };
  return toBinary(
    SyncMessageSchema,
    create(SyncMessageSchema, { checkId: m.checkId, sentAt: timestampFromDate(m.sentAt), body }),
  );
}

/** @throws ContractError when the bytes are not a well-formed sync message */
export function decodeSync(bytes: Uint8Array): SyncMessage {
  let m;
  try {
    m = fromBinary(SyncMessageSchema, bytes);
  } catch (e) {
    throw new ContractError(`sync message does not decode: ${(e as Error).message}`);
  }
  if (!UUID.test(m.checkId)) throw new ContractError('checkId must be a UUID');
  if (!m.sentAt) throw new ContractError('sentAt is missing');
  const sentAt = timestampDate(m.sentAt);
  const keys = (list: string[], field: string) => {
    if (list.length > SYNC_LIMIT) throw new ContractError(`${field} holds more than ${SYNC_LIMIT}`);
    for (const k of list) if (!BUCKET_KEY.test(k)) throw new ContractError(`${field} holds a malformed key`);
    return list;
  };
  const version = (v: number, field: string) => {
    if (!(v >= 0 && v <= MAX_VERSION)) throw new ContractError(`${field} is out of range`);
    return v;
  };
  const asOf = (t: (typeof m)['sentAt']) => {
    if (!t) throw new ContractError('asOf is missing');
    return timestampDate(t);
  };
  const b = m.body;
  switch (b.case) {
    case 'digestRequest':
      return {
        checkId: m.checkId,
        sentAt,
        body: {
          kind: 'digest-request',
          prefixes: keys(b.value.prefixes, 'prefixes'),
          cases: b.value.cases,
          asOf: asOf(b.value.asOf),
        },
      };
    case 'digest': {
      const d = b.value;
      keys(
        d.buckets.map((x) => x.key),
        'buckets',
      );
      if (d.marks.length > SYNC_LIMIT) throw new ContractError(`marks holds more than ${SYNC_LIMIT}`);
      if (!HASH.test(d.referencesHash) || d.buckets.some((x) => !HASH.test(x.hash) || x.hash === ''))
        throw new ContractError('a hash is malformed');
      if (d.clusterId.length > 200) throw new ContractError('clusterId is too long');
      return {
        checkId: m.checkId,
        sentAt,
        body: {
          kind: 'digest',
          prefixes: keys(d.prefixes, 'prefixes'),
          cases: d.cases,
          asOf: asOf(d.asOf),
          buckets: d.buckets.map((x) => ({ key: x.key, count: x.count, hash: x.hash })),
          marks: d.marks.map((c) => {
            if (!CASE_NO_PATTERN.test(c.caseNo) || !UUID.test(c.lastEventId) || !c.lastEventAt)
              throw new ContractError('a case mark is malformed');
            return {
              caseNo: c.caseNo,
              version: version(c.version, 'version'),
              lastEventId: c.lastEventId,
              lastEventAt: timestampDate(c.lastEventAt),
            };
          }),
          referencesHash: d.referencesHash,
          clusterId: d.clusterId,
        },
      };
    }
    case 'resendRequest': {
      const cases = b.value.cases;
      if (cases.length > SYNC_LIMIT) throw new ContractError(`cases holds more than ${SYNC_LIMIT}`);
      for (const c of cases) {
        if (!CASE_NO_PATTERN.test(c.caseNo)) throw new ContractError('a case number is malformed');
        version(c.afterVersion, 'afterVersion');
      }
      return {
        checkId: m.checkId,
        sentAt,
        body: {
          kind: 'resend-request',
          cases: cases.map((c) => ({ caseNo: c.caseNo, afterVersion: c.afterVersion })),
        },
      };
    }
    case undefined:
      throw new ContractError('sync message has no body');
  }
}
