import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { decodeEvent } from '@fed/contracts';
import { HEADERS, KafkaAdapter, Topics } from '@fed/federation';
import {
  acceptedEvent,
  lifecycleEvent,
  collect,
  createTestDatabase,
  filedEvent,
  inbound,
  newCaseNo,
  testNodeConfig,
  uniqueNamespace,
} from '@fed/testing';
import { federationNodeImports } from './federation-node';
import { ReplicaService } from './replica.service';

// The district 东河区 (150202) applying events of its communities, on a database of its own.
const DISTRICT = '150202';
const COMMUNITY = '150202001001';
const OTHER_DISTRICT_COMMUNITY = '150204001002';

describe('ReplicaService (district, real PostgreSQL and Kafka)', () => {
  let app: INestApplicationContext;
  let replica: ReplicaService;
  let db: DataSource;
  let kafka: KafkaAdapter;
  let namespace: string;

  beforeAll(async () => {
    namespace = uniqueNamespace('replica');
    const config = testNodeConfig(DISTRICT, await createTestDatabase('replica'), namespace);
    const moduleRef = await Test.createTestingModule({
      imports: federationNodeImports(config),
    }).compile();
    app = await moduleRef.init();
    replica = app.get(ReplicaService);
    db = app.get(DataSource);
    kafka = app.get(KafkaAdapter);
  });

  afterAll(async () => {
    await app?.close();
  });

  const history = async (caseNo: string) =>
    (
      await db.query<{ version: number; event_type: string }[]>(
        'SELECT version, event_type FROM case_event WHERE case_no = $1 ORDER BY version',
        [caseNo],
      )
    ).map((r) => `${r.version}:${r.event_type}`);

  const caseRow = async (caseNo: string) =>
    (
      await db.query<{ version: number; status: string }[]>(
        'SELECT version, status FROM case_record WHERE case_no = $1',
        [caseNo],
      )
    )[0];

  const source = async (origin: string) =>
    (
      await db.query<{ events_applied: string; duplicates_skipped: string }[]>(
        'SELECT events_applied, duplicates_skipped FROM sync_source WHERE origin_node = $1',
        [origin],
      )
    )[0];

  it('applies a filed case and relays the identical message to the city with itself as sender', async () => {
    const caseNo = newCaseNo(COMMUNITY);
    const message = inbound(filedEvent(caseNo), COMMUNITY);
    await replica.applyBatch({ events: [message], references: [], rejects: [] });

    expect(await caseRow(caseNo)).toEqual({ version: 1, status: 'submitted' });
    expect(await history(caseNo)).toEqual(['1:case.filed']);

    const cityTopic = new Topics(namespace).inbound('150200');
    await kafka.ensureTopics([cityTopic]);
    const relayed = await collect(kafka, cityTopic, (ms) => ms.some((m) => m.key === caseNo));
    const copy = relayed.find((m) => m.key === caseNo);
    expect(copy?.headers[HEADERS.sender]).toBe(DISTRICT);
    expect(Buffer.compare(copy!.value, message.raw)).toBe(0);
    expect(decodeEvent(copy!.value).eventId).toBe(message.event.eventId);
  });

  it('skips a redelivered event: nothing changes, the duplicate is counted, nothing is relayed twice', async () => {
    const caseNo = newCaseNo(COMMUNITY);
    const message = inbound(filedEvent(caseNo), COMMUNITY);
    await replica.applyBatch({ events: [message], references: [], rejects: [] });
    const before = await source(COMMUNITY);

    // The same event again, in one batch twice and in a later batch.
    await replica.applyBatch({
      events: [inbound(message.event, COMMUNITY), inbound(message.event, COMMUNITY)],
      references: [],
      rejects: [],
    });

    expect(await history(caseNo)).toEqual(['1:case.filed']);
    const after = await source(COMMUNITY);
    expect(Number(after.events_applied)).toBe(Number(before.events_applied));
    expect(Number(after.duplicates_skipped)).toBe(Number(before.duplicates_skipped) + 2);
    const [{ n }] = await db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM case_event WHERE event_id = $1`,
      [message.event.eventId],
    );
    expect(n).toBe(1);
  });

  it('parks an event that arrives before the version it follows and applies both in order', async () => {
    const caseNo = newCaseNo(COMMUNITY);
    const v1 = filedEvent(caseNo);
    const v2 = acceptedEvent(caseNo, 2);
    const v3 = lifecycleEvent(caseNo, 3, { action: 'start-step', step: 'undertake' });

    await replica.applyBatch({ events: [inbound(v3, COMMUNITY)], references: [], rejects: [] });
    await replica.applyBatch({ events: [inbound(v2, COMMUNITY)], references: [], rejects: [] });
    expect(await caseRow(caseNo)).toBeUndefined();
    const parked = await db.query<{ version: number }[]>(
      'SELECT version FROM parked_event WHERE case_no = $1 ORDER BY version',
      [caseNo],
    );
    expect(parked.map((p) => p.version)).toEqual([2, 3]);

    await replica.applyBatch({ events: [inbound(v1, COMMUNITY)], references: [], rejects: [] });
    expect(await history(caseNo)).toEqual(['1:case.filed', '2:case.accepted', '3:case.step-started']);
    expect(await caseRow(caseNo)).toEqual({ version: 3, status: 'accepted' });
    const left = await db.query<unknown[]>('SELECT 1 FROM parked_event WHERE case_no = $1', [caseNo]);
    expect(left).toHaveLength(0);
  });

  it('dead-letters what this district must not apply, applies the rest of the batch, and counts each letter once', async () => {
    const good = newCaseNo(COMMUNITY);
    const foreign = newCaseNo(OTHER_DISTRICT_COMMUNITY);
    const forged = newCaseNo(COMMUNITY);
    const conflicting = newCaseNo(COMMUNITY);
    await replica.applyBatch({
      events: [inbound(filedEvent(conflicting), COMMUNITY)],
      references: [],
      rejects: [],
    });

    const batch = {
      events: [
        inbound(filedEvent(foreign), OTHER_DISTRICT_COMMUNITY), // a community of the other district
        inbound(filedEvent(forged), '150202002003'), // sent by a sibling community in another's name
        inbound(filedEvent(conflicting), COMMUNITY), // version 1 again, but another event
        inbound(filedEvent(good), COMMUNITY),
      ],
      references: [],
      rejects: [
        {
          position: { topic: 'test.topic', partition: 0, offset: 'garbage-1', key: null, sender: COMMUNITY },
          reason: 'envelope does not decode',
          raw: Buffer.from('garbage'),
        },
      ],
    };
    await replica.applyBatch(batch);
    // Redelivery of the whole batch: the letters are not recorded twice.
    await replica.applyBatch(batch);

    expect(await caseRow(good)).toEqual({ version: 1, status: 'submitted' });
    expect(await caseRow(foreign)).toBeUndefined();
    expect(await caseRow(forged)).toBeUndefined();
    const letters = await db.query<{ reason: string; message_key: string | null }[]>(
      `SELECT reason, message_key FROM dead_letter WHERE message_key = ANY($1::text[]) OR "offset" = 'garbage-1' ORDER BY id`,
      [[foreign, forged, conflicting]],
    );
    expect(letters.map((l) => l.reason)).toEqual([
      'envelope does not decode',
      expect.stringContaining('neither a child nor the parent of 150202'),
      expect.stringContaining('not within sender 150202002003'),
      expect.stringContaining('already another event'),
    ]);
  });
});
