import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { CASE_FILED, CATALOG_ITEM_PUBLISHED, decodeEvent } from '@fed/contracts';
import { HEADERS, InboundReference, KafkaAdapter, Topics } from '@fed/federation';
import {
  acceptedEvent,
  lifecycleEvent,
  collect,
  CollectedMessage,
  createTestDatabase,
  filedEvent,
  inbound,
  newCaseNo,
  testNodeConfig,
  TEST_ITEM,
  uniqueNamespace,
} from '@fed/testing';
import { STATEMENT_PARAM_BYTES } from '@fed/persistence';
import { Metrics, NodeConfig } from '@fed/platform';
import { federationNodeImports } from './federation-node';
import { ReferenceRepository } from './reference.repository';
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
  let metrics: Metrics;
  let namespace: string;
  let config: NodeConfig;

  beforeAll(async () => {
    namespace = uniqueNamespace('replica');
    config = testNodeConfig(DISTRICT, await createTestDatabase('replica'), namespace);
    const moduleRef = await Test.createTestingModule({
      imports: federationNodeImports(config),
    }).compile();
    app = await moduleRef.init();
    replica = app.get(ReplicaService);
    db = app.get(DataSource);
    kafka = app.get(KafkaAdapter);
    metrics = app.get(Metrics);
    // The catalog version the test cases are filed under, as the city published it to this district.
    const references = app.get(ReferenceRepository);
    await db.transaction((m) =>
      references.storeIfNewer(m, [
        {
          event: {
            eventId: randomUUID(),
            originNode: '150200',
            originTier: 'city',
            subject: `catalog/150200/${TEST_ITEM.code}`,
            version: TEST_ITEM.version,
            occurredAt: new Date(),
            schemaVersion: 1,
            body: {
              type: CATALOG_ITEM_PUBLISHED,
              item: { ...TEST_ITEM, materials: [], guide: '', feeFen: 0, status: 'active' },
            },
          },
        },
      ]),
    );
  });

  /** This district's inbound topic, where its communities write. */
  const up = () => new Topics(namespace).inbound(DISTRICT);

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
    const message = inbound(filedEvent(caseNo), COMMUNITY, up());
    await replica.applyBatch({ events: [message], references: [], rejects: [] });

    expect(await caseRow(caseNo)).toEqual({ version: 1, status: 'submitted' });
    expect(await history(caseNo)).toEqual(['1:case.filed']);

    const cityTopic = new Topics(namespace).inbound('150200');
    await kafka.ensureTopics([cityTopic]);
    const ofCase = (m: CollectedMessage) => decodeEvent(m.value).caseNo === caseNo;
    const relayed = await collect(kafka, cityTopic, (ms) => ms.some(ofCase));
    const copy = relayed.find(ofCase);
    expect(copy?.headers[HEADERS.sender]).toBe(DISTRICT);
    expect(Buffer.compare(copy!.value, message.raw)).toBe(0);
    expect(decodeEvent(copy!.value).eventId).toBe(message.event.eventId);
  });

  it('applies a batch too large for one statement whole: every case, envelope and relayed copy exact', async () => {
    // 300 cases of about 5 KB each: several runs of STATEMENT_PARAM_BYTES per table, one transaction.
    const messages = Array.from({ length: 300 }, (_v, i) => {
      const event = filedEvent(newCaseNo(COMMUNITY));
      if (event.body.type === CASE_FILED)
        event.body.record.formData = { line: i, note: '材料齐全'.repeat(300) };
      return inbound(event, COMMUNITY, up());
    });
    const caseNos = messages.map((m) => m.event.caseNo);
    expect(messages.reduce((n, m) => n + m.raw.length, 0)).toBeGreaterThan(2 * STATEMENT_PARAM_BYTES);
    await replica.applyBatch({ events: messages, references: [], rejects: [] });

    const stored = await db.query<{ case_no: string; form_data: { line: number }; envelope: Buffer }[]>(
      `SELECT r.case_no, r.form_data, e.envelope FROM case_record r JOIN case_event e USING (case_no)
       WHERE r.case_no = ANY($1::text[])`,
      [caseNos],
    );
    const byCase = new Map(stored.map((r) => [r.case_no, r]));
    expect(byCase.size).toBe(300);
    messages.forEach((m, i) => {
      expect(byCase.get(m.event.caseNo)?.form_data.line).toBe(i);
      expect(Buffer.compare(byCase.get(m.event.caseNo)!.envelope, m.raw)).toBe(0);
    });
    // Relayed to the city byte for byte.
    const cityTopic = new Topics(namespace).inbound('150200');
    await kafka.ensureTopics([cityTopic]);
    const wanted = new Set(caseNos);
    const relayed = await collect(
      kafka,
      cityTopic,
      (ms) => ms.filter((m) => wanted.has(decodeEvent(m.value).caseNo)).length >= 300,
    );
    const copies = relayed.filter((m) => wanted.has(decodeEvent(m.value).caseNo));
    expect(copies.map((m) => decodeEvent(m.value).caseNo).sort()).toEqual([...caseNos].sort());
    const raw = new Map(messages.map((m) => [m.event.caseNo, m.raw]));
    for (const copy of copies)
      expect(Buffer.compare(copy.value, raw.get(decodeEvent(copy.value).caseNo)!)).toBe(0);
  });

  it('skips a redelivered event: nothing changes, the duplicate is counted, nothing is relayed twice', async () => {
    const caseNo = newCaseNo(COMMUNITY);
    const message = inbound(filedEvent(caseNo), COMMUNITY, up());
    await replica.applyBatch({ events: [message], references: [], rejects: [] });
    const before = await source(COMMUNITY);

    // The same event again, in one batch twice and in a later batch.
    await replica.applyBatch({
      events: [inbound(message.event, COMMUNITY, up()), inbound(message.event, COMMUNITY, up())],
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

    await replica.applyBatch({ events: [inbound(v3, COMMUNITY, up())], references: [], rejects: [] });
    await replica.applyBatch({ events: [inbound(v2, COMMUNITY, up())], references: [], rejects: [] });
    expect(await caseRow(caseNo)).toBeUndefined();
    const parked = await db.query<{ version: number }[]>(
      'SELECT version FROM parked_event WHERE case_no = $1 ORDER BY version',
      [caseNo],
    );
    expect(parked.map((p) => p.version)).toEqual([2, 3]);

    await replica.applyBatch({ events: [inbound(v1, COMMUNITY, up())], references: [], rejects: [] });
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
      events: [inbound(filedEvent(conflicting), COMMUNITY, up())],
      references: [],
      rejects: [],
    });

    const batch = {
      events: [
        inbound(filedEvent(foreign), OTHER_DISTRICT_COMMUNITY, up()), // a community of the other district
        inbound(filedEvent(forged), '150202002003', up()), // sent by a sibling community in another's name
        inbound(filedEvent(conflicting), COMMUNITY, up()), // version 1 again, but another event
        inbound(filedEvent(good), COMMUNITY, up()),
      ],
      references: [],
      rejects: [
        {
          position: {
            topic: 'test.topic',
            partition: 0,
            offset: 'garbage-1',
            index: -1,
            key: null,
            sender: COMMUNITY,
          },
          reason: 'batch does not decode',
          raw: Buffer.from('garbage'),
        },
        // Two bad envelopes of one packed message: two letters, told apart by their index.
        ...[0, 2].map((index) => ({
          position: {
            topic: 'test.topic',
            partition: 0,
            offset: 'garbage-2',
            index,
            key: null,
            sender: COMMUNITY,
          },
          reason: 'envelope does not decode',
          raw: Buffer.from(`garbage ${index}`),
        })),
      ],
    };
    await replica.applyBatch(batch);
    // Redelivery of the whole batch: the letters are not recorded twice.
    await replica.applyBatch(batch);

    expect(await caseRow(good)).toEqual({ version: 1, status: 'submitted' });
    expect(await caseRow(foreign)).toBeUndefined();
    expect(await caseRow(forged)).toBeUndefined();
    const letters = await db.query<{ reason: string; message_index: number }[]>(
      `SELECT reason, message_index FROM dead_letter
       WHERE message_key = ANY($1::text[]) OR "offset" IN ('garbage-1', 'garbage-2') ORDER BY id`,
      [[foreign, forged, conflicting]],
    );
    expect(letters.slice(0, 3)).toEqual([
      { reason: 'batch does not decode', message_index: -1 },
      { reason: 'envelope does not decode', message_index: 0 },
      { reason: 'envelope does not decode', message_index: 2 },
    ]);
    expect(letters.slice(3).map((l) => l.reason)).toEqual([
      expect.stringContaining('is neither a child writing up nor the parent writing down to 150202'),
      expect.stringContaining('not within sender 150202002003'),
      expect.stringContaining('already another event'),
    ]);
  });

  it('refuses what comes the wrong way or with terms the catalog does not know, and applies the rest', async () => {
    const [forgedDown, wrongTerms, unknownVersion, good] = [1, 2, 3, 4].map(() => newCaseNo(COMMUNITY));
    const withItem = (caseNo: string, item: Partial<typeof TEST_ITEM>) => {
      const e = filedEvent(caseNo);
      if (e.body.type === 'case.filed') e.body.record.item = { ...e.body.record.item, ...item };
      return e;
    };
    const cityDecision = lifecycleEvent(
      forgedDown,
      2,
      { action: 'accept' },
      { originNode: '150200', originTier: 'city' },
    );
    const forgedReference: InboundReference = {
      position: {
        topic: up(),
        partition: 0,
        offset: 'ref-1',
        index: 0,
        key: 'calendar/150200',
        sender: '150200',
      },
      event: {
        eventId: randomUUID(),
        originNode: '150200',
        originTier: 'city',
        subject: `catalog/150200/${TEST_ITEM.code}`,
        version: 2_000_000_000,
        occurredAt: new Date(),
        schemaVersion: 1,
        body: {
          type: CATALOG_ITEM_PUBLISHED,
          item: {
            ...TEST_ITEM,
            version: 2_000_000_000,
            materials: [],
            guide: '',
            feeFen: 0,
            status: 'active' as const,
          },
        },
      },
      raw: Buffer.from('forged'),
    };
    await replica.applyBatch({
      events: [
        inbound(filedEvent(forgedDown), COMMUNITY, up()),
        // A community writing up in the city's name, as if it came down.
        inbound(cityDecision, '150200', up()),
        inbound(withItem(wrongTerms, { promisedDays: 60, legalDays: 60 }), COMMUNITY, up()),
        inbound(withItem(unknownVersion, { version: 7 }), COMMUNITY, up()),
        inbound(filedEvent(good), COMMUNITY, up()),
      ],
      references: [forgedReference],
      rejects: [],
    });
    expect(await caseRow(good)).toEqual({ version: 1, status: 'submitted' });
    expect(await caseRow(forgedDown)).toEqual({ version: 1, status: 'submitted' });
    expect(await caseRow(wrongTerms)).toBeUndefined();
    expect(await caseRow(unknownVersion)).toBeUndefined();
    const stored = await db.query<unknown[]>(`SELECT 1 FROM reference_data WHERE version = 2000000000`);
    expect(stored).toHaveLength(0);
    const letters = await db.query<{ reason: string }[]>(
      `SELECT reason FROM dead_letter WHERE message_key = ANY($1::text[]) OR "offset" = 'ref-1' ORDER BY id`,
      [[forgedDown, wrongTerms, unknownVersion]],
    );
    expect(letters.map((l) => l.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('must come down from the parent'),
        expect.stringContaining('neither a child writing up nor the parent writing down'),
        expect.stringContaining('differ from the catalog'),
        expect.stringContaining('does not know'),
      ]),
    );
    expect(letters).toHaveLength(4);
  });

  it('sets a refused event aside once per sender when it arrives again at other offsets (a relay that published twice)', async () => {
    const forged = inbound(filedEvent(newCaseNo(COMMUNITY)), '150202002003', up());
    const counted = () => deadLettered('not-allowed');
    const before = await counted();
    await replica.applyBatch({ events: [forged], references: [], rejects: [] });
    // The same envelope from the same sender again, at new offsets, twice in one batch.
    const again = (offset: string, sender = forged.position.sender) => ({
      ...forged,
      position: { ...forged.position, offset, sender },
    });
    await replica.applyBatch({ events: [again('again-1'), again('again-2')], references: [], rejects: [] });
    // From another sender it is another refusal.
    await replica.applyBatch({
      events: [again('again-3', OTHER_DISTRICT_COMMUNITY)],
      references: [],
      rejects: [],
    });

    const letters = await db.query<{ sender: string }[]>(
      'SELECT sender FROM dead_letter WHERE event_id = $1 ORDER BY id',
      [forged.event.eventId],
    );
    expect(letters).toEqual([{ sender: '150202002003' }, { sender: OTHER_DISTRICT_COMMUNITY }]);
    expect(await counted()).toBe(before + 2);
  });

  it('stores a letter whose sender or reason holds a NUL with the NUL escaped, and applies the rest', async () => {
    const good = newCaseNo(COMMUNITY);
    const hostile = inbound(filedEvent(newCaseNo(COMMUNITY)), '1502\u0000', up());
    await replica.applyBatch({
      events: [hostile, inbound(filedEvent(good), COMMUNITY, up())],
      references: [],
      rejects: [
        {
          position: {
            topic: up(),
            partition: 1,
            offset: 'nul-1',
            index: -1,
            key: 'k\u0000',
            sender: COMMUNITY,
          },
          reason: 'unknown eventType "x\u0000y"',
          raw: Buffer.from('x'),
        },
      ],
    });

    expect(await caseRow(good)).toEqual({ version: 1, status: 'submitted' });
    const letters = await db.query<{ sender: string | null; reason: string; message_key: string }[]>(
      `SELECT sender, reason, message_key FROM dead_letter WHERE event_id = $1 OR "offset" = 'nul-1' ORDER BY id`,
      [hostile.event.eventId],
    );
    expect(letters).toEqual([
      { sender: COMMUNITY, reason: 'unknown eventType "x\\u0000y"', message_key: 'k\\u0000' },
      {
        sender: '1502\\u0000',
        reason: expect.stringContaining('sender 1502\\u0000 is not a node of the federation') as string,
        message_key: hostile.event.caseNo,
      },
    ]);
  });

  it('sets aside a parked event that no longer decodes, and the case goes on', async () => {
    const caseNo = newCaseNo(COMMUNITY);
    const eventId = randomUUID();
    await db.query(
      `INSERT INTO parked_event (case_no, version, event_id, sender, envelope) VALUES ($1, 2, $2, $3, $4)`,
      [caseNo, eventId, COMMUNITY, Buffer.from('parked before an upgrade')],
    );
    await replica.applyBatch({
      events: [inbound(filedEvent(caseNo), COMMUNITY, up())],
      references: [],
      rejects: [],
    });

    expect(await history(caseNo)).toEqual(['1:case.filed']);
    expect(await db.query('SELECT 1 FROM parked_event WHERE case_no = $1', [caseNo])).toHaveLength(0);
    const letters = await db.query<{ topic: string; offset: string; event_id: string; reason: string }[]>(
      `SELECT topic, "offset", event_id, reason FROM dead_letter WHERE message_key = $1`,
      [caseNo],
    );
    expect(letters).toEqual([
      {
        topic: 'parked',
        offset: eventId,
        event_id: eventId,
        reason: expect.stringContaining('a parked event no longer decodes') as string,
      },
    ]);
  });

  it('counts a copy of a parked event arriving again as a duplicate, and a rival for its version is refused', async () => {
    const caseNo = newCaseNo(COMMUNITY);
    const v2 = acceptedEvent(caseNo, 2);
    await replica.applyBatch({ events: [inbound(v2, COMMUNITY, up())], references: [], rejects: [] });
    const before = await source(COMMUNITY);
    const parkedBefore = await metricTotal(metrics.eventsParked);

    const rival = acceptedEvent(caseNo, 2);
    await replica.applyBatch({
      events: [
        inbound(filedEvent(caseNo), COMMUNITY, up()),
        inbound(v2, COMMUNITY, up()),
        inbound(rival, COMMUNITY, up()),
      ],
      references: [],
      rejects: [],
    });

    expect(await history(caseNo)).toEqual(['1:case.filed', '2:case.accepted']);
    const [{ event_id }] = await db.query<{ event_id: string }[]>(
      'SELECT event_id FROM case_event WHERE case_no = $1 AND version = 2',
      [caseNo],
    );
    expect(event_id).toBe(v2.eventId);
    const after = await source(COMMUNITY);
    expect(Number(after.duplicates_skipped)).toBe(Number(before.duplicates_skipped) + 1);
    expect(await metricTotal(metrics.eventsParked)).toBe(parkedBefore);
    const letters = await db.query<{ reason: string }[]>(
      'SELECT reason FROM dead_letter WHERE event_id = $1',
      [rival.eventId],
    );
    expect(letters).toEqual([{ reason: expect.stringContaining('already another event') as string }]);
  });

  it('applies two batches of a new case at once, in two processes of the node, in version order: the later version never stays parked', async () => {
    // A second process of this district (a rolling restart): its own service and connection pool on
    // the same database; only the database can make the two take turns.
    const second = await (
      await Test.createTestingModule({ imports: federationNodeImports(config) }).compile()
    ).init();
    try {
      const other = second.get(ReplicaService);
      const cases = Array.from({ length: 20 }, () => newCaseNo(COMMUNITY));
      await Promise.all(
        cases.flatMap((caseNo) => [
          replica.applyBatch({
            events: [inbound(acceptedEvent(caseNo, 2), COMMUNITY, up())],
            references: [],
            rejects: [],
          }),
          other.applyBatch({
            events: [inbound(filedEvent(caseNo), COMMUNITY, up())],
            references: [],
            rejects: [],
          }),
        ]),
      );
      const rows = await db.query<{ version: number }[]>(
        'SELECT version FROM case_record WHERE case_no = ANY($1::text[])',
        [cases],
      );
      expect(rows.map((r) => r.version)).toEqual(cases.map(() => 2));
      expect(
        await db.query('SELECT 1 FROM parked_event WHERE case_no = ANY($1::text[])', [cases]),
      ).toHaveLength(0);
    } finally {
      await second.close();
    }
  });

  it('publishes a dead letter too large for the broker without its payload, which the table keeps', async () => {
    const dlq = new Topics(namespace).deadLetter(DISTRICT);
    const payload = Buffer.alloc(600 * 1024, 7);
    await replica.applyBatch({
      events: [],
      references: [],
      rejects: [
        {
          position: { topic: up(), partition: 2, offset: 'huge-1', index: -1, key: null, sender: COMMUNITY },
          reason: 'batch does not decode',
          raw: payload,
        },
      ],
    });
    const [stored] = await db.query<{ payload: Buffer }[]>(
      `SELECT payload FROM dead_letter WHERE "offset" = 'huge-1'`,
    );
    expect(Buffer.compare(stored.payload, payload)).toBe(0);

    await kafka.ensureTopics([dlq]);
    const consumer = kafka.createConsumer(`test-${randomUUID()}`);
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [dlq], fromBeginning: true });
      const published = await new Promise<{ value: Buffer | null; headers: Record<string, string> }>(
        (resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('the letter was not published')), 20000);
          void consumer.run({
            eachMessage: ({ message }) => {
              const headers = Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
              );
              if (headers[HEADERS.deadLetterSource] === `${up()}/2/huge-1#-1`) {
                clearTimeout(timer);
                resolve({ value: message.value, headers });
              }
              return Promise.resolve();
            },
          });
        },
      );
      expect(published.value?.length ?? 0).toBe(0);
      expect(published.headers[HEADERS.deadLetterPayloadBytes]).toBe(String(payload.length));
      expect(published.headers[HEADERS.deadLetterReason]).toBe('batch does not decode');
    } finally {
      await kafka.disconnectConsumer(consumer);
    }
  });

  async function deadLettered(reason: string): Promise<number> {
    const metric = await metrics.deadLettered.get();
    return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  }
});

async function metricTotal(counter: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await counter.get()).values.reduce((n, v) => n + v.value, 0);
}
