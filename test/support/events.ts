import { createHash, randomInt, randomUUID } from 'node:crypto';
import {
  ACTION_EVENT_TYPES,
  CASE_FILED,
  CaseAction,
  CaseSnapshot,
  emptyLifecycle,
  encodeEvent,
  FederationEvent,
  ItemTerms,
  TierName,
} from '@fed/contracts';
import type { InboundEvent, MessagePosition } from '@fed/federation';

/** The query code of every test case; its hash is in the record. */
export const TEST_QUERY_CODE = 'TESTCODE';

/** The service item every test case is filed under: decided by the community that accepts it. */
/** 高龄津贴 of deploy/catalog/demo-catalog.json at version 1: districts check the terms a case carries. */
export const TEST_ITEM: Readonly<ItemTerms> = Object.freeze({
  code: '150200-MZ-003',
  version: 1,
  name: '高龄津贴',
  department: '包头市民政局',
  decidingTier: 'community',
  promisedDays: 10,
  legalDays: 20,
});

/** A fresh case number of `community`, unique within the test run (random: jest workers share no counter). */
export function newCaseNo(community: string): string {
  return `${community}20261126${String(randomInt(1e9)).padStart(10, '0')}`;
}

/** The tier a node code belongs to: 12 digits a community, 6 digits a district, or the city (…00). */
export function tierOf(node: string): TierName {
  if (/^\d{12}$/.test(node)) return 'community';
  if (/^\d{6}$/.test(node)) return node.endsWith('00') ? 'city' : 'district';
  throw new Error(`${node} is not a node code`);
}

/** The topology-consistent record of a case filed at one of the demo communities. */
export function snapshotOf(caseNo: string): CaseSnapshot {
  const community = caseNo.slice(0, 12);
  return {
    caseNo,
    communityCode: community,
    districtCode: community.slice(0, 6),
    cityCode: '150200',
    itemCode: TEST_ITEM.code,
    item: { ...TEST_ITEM },
    channel: 'window',
    applicant: { name: '王*明', idNumber: '150202********1234', phone: '139****0001' },
    formData: { household: 2 },
    status: 'submitted',
    filedAt: '2026-11-26T01:02:03.456Z',
    handlingNode: community,
    queryCodeHash: createHash('sha256').update(`${caseNo}:${TEST_QUERY_CODE}`).digest('hex'),
    lifecycle: emptyLifecycle(),
  };
}

export function filedEvent(caseNo: string, overrides: Partial<FederationEvent> = {}): FederationEvent {
  return {
    eventId: randomUUID(),
    originNode: caseNo.slice(0, 12),
    originTier: 'community',
    caseNo,
    caseVersion: 1,
    occurredAt: new Date('2026-11-26T01:02:03.456Z'),
    schemaVersion: 1,
    body: { type: CASE_FILED, record: snapshotOf(caseNo) },
    ...overrides,
  };
}

/**
 * Lifecycle event `version` of a case: `action`, taken by officer 张三 at the case's community (or at
 * `overrides.originNode`, whose tier follows from its code unless `overrides.originTier` says otherwise).
 * Version n occurs at 01:0(3+n) UTC on the filing day, so versions are in time order.
 */
export function lifecycleEvent(
  caseNo: string,
  version: number,
  action: CaseAction,
  overrides: Partial<FederationEvent> = {},
): FederationEvent {
  const originNode = overrides.originNode ?? caseNo.slice(0, 12);
  return {
    eventId: randomUUID(),
    originNode,
    originTier: tierOf(originNode),
    caseNo,
    caseVersion: version,
    occurredAt: new Date(Date.UTC(2026, 10, 26, 1, 3 + version)),
    schemaVersion: 1,
    body: { type: ACTION_EVENT_TYPES[action.action], officer: '张三', action },
    ...overrides,
  };
}

/** The case accepted by its community (version 2 unless said otherwise). */
export function acceptedEvent(
  caseNo: string,
  version = 2,
  overrides: Partial<FederationEvent> = {},
): FederationEvent {
  return lifecycleEvent(caseNo, version, { action: 'accept' }, overrides);
}

let offset = 0;

/** An event as the transport hands it to the replica, from `sender` on `topic` (`<ns>.up.<receiver>`). */
export function inbound(event: FederationEvent, sender: string, topic: string): InboundEvent {
  const position: MessagePosition = {
    topic,
    partition: 0,
    offset: String(offset++),
    index: 0,
    key: event.caseNo,
    sender,
  };
  return { position, event, raw: Buffer.from(encodeEvent(event)) };
}
