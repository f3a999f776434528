import { randomInt, randomUUID } from 'node:crypto';
import { CASE_ACCEPTED, CASE_FILED, CaseSnapshot, encodeEvent, FederationEvent } from '@fed/contracts';
import type { InboundEvent, MessagePosition } from '@fed/federation';

/** A fresh case number of `community`, unique within the test run (random: jest workers share no counter). */
export function newCaseNo(community: string): string {
  return `${community}20261126${String(randomInt(1e9)).padStart(10, '0')}`;
}

/** The topology-consistent record of a case filed at one of the demo communities. */
export function snapshotOf(caseNo: string): CaseSnapshot {
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
    status: 'submitted',
    filedAt: '2026-11-26T01:02:03.456Z',
    handlingNode: community,
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

export function acceptedEvent(
  caseNo: string,
  version: number,
  overrides: Partial<FederationEvent> = {},
): FederationEvent {
  return {
    eventId: randomUUID(),
    originNode: caseNo.slice(0, 12),
    originTier: 'community',
    caseNo,
    caseVersion: version,
    occurredAt: new Date('2026-11-26T01:05:00.000Z'),
    schemaVersion: 1,
    body: { type: CASE_ACCEPTED, acceptedAt: '2026-11-26T01:05:00.000Z', acceptedBy: caseNo.slice(0, 12) },
    ...overrides,
  };
}

let offset = 0;

/** An event as the transport hands it to the replica, from `sender` on `topic`. */
export function inbound(event: FederationEvent, sender: string, topic = 'test.topic'): InboundEvent {
  const position: MessagePosition = {
    topic,
    partition: 0,
    offset: String(offset++),
    key: event.caseNo,
    sender,
  };
  return { position, event, raw: Buffer.from(encodeEvent(event)) };
}
