import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DatabaseHealth, PersistenceModule, STATEMENT_PARAM_BYTES } from '@fed/persistence';
import { PlatformModule } from '@fed/platform';
import {
  collect,
  CollectedMessage,
  createTestDatabase,
  eventually,
  testNodeConfig,
  uniqueNamespace,
} from '@fed/testing';
import { FederationModule } from './federation.module';
import { KafkaAdapter, KafkaHealth } from './kafka.adapter';
import { OutboxRelay } from './outbox.relay';
import { OutboxRepository, OutboxRow } from './outbox.repository';
import { partitionOf } from './packing';
import { HEADERS, TOPIC_PARTITIONS, Topics } from './topics';

describe('OutboxRelay (real PostgreSQL and Kafka)', () => {
  let app: INestApplicationContext;
  let db: DataSource;
  let outbox: OutboxRepository;
  let relay: OutboxRelay;
  let kafka: KafkaAdapter;
  let topic: string;

  beforeAll(async () => {
    const namespace = uniqueNamespace('outbox');
    const config = testNodeConfig('150202001001', await createTestDatabase('outbox'), namespace);
    topic = new Topics(namespace).inbound('150202');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot(config, [DatabaseHealth, KafkaHealth]),
        PersistenceModule.forRoot(config),
        FederationModule,
      ],
    }).compile();
    app = await moduleRef.init();
    db = app.get(DataSource);
    outbox = app.get(OutboxRepository);
    relay = app.get(OutboxRelay);
    kafka = app.get(KafkaAdapter);
    await kafka.ensureTopics([topic]);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** The rows' values are `<key>#<n>`, not envelopes: the relay packs bytes without reading them. */
  const keyOf = (m: CollectedMessage) => m.value.toString().split('#')[0];
  const row = (key: string, n: number): OutboxRow => ({
    topic,
    key,
    value: Buffer.from(`${key}#${n}`),
    headers: { [HEADERS.sender]: '150202001001' },
  });

  it('publishes committed rows in order per key, never rolled-back ones, and empties the outbox', async () => {
    await db.transaction(async (m) => {
      await outbox.append(m, [row('case-a', 1), row('case-b', 1), row('case-a', 2)]);
    });
    await db
      .transaction(async (m) => {
        await outbox.append(m, [row('case-rolled-back', 1)]);
        throw new Error('the business write failed');
      })
      .catch(() => undefined);
    // Rows committed while the relay is busy are published too, after the earlier ones.
    await Promise.all([3, 4, 5].map((n) => db.transaction((m) => outbox.append(m, [row('case-a', n)]))));
    relay.wake();

    const received = await collect(
      kafka,
      topic,
      (ms) => ms.filter((m) => keyOf(m) === 'case-a').length >= 5 && ms.some((m) => keyOf(m) === 'case-b'),
    );
    const of = (key: string) => received.filter((m) => keyOf(m) === key);
    const caseA = of('case-a').map((m) => m.value.toString());
    expect(caseA.slice(0, 2)).toEqual(['case-a#1', 'case-a#2']);
    expect([...caseA].sort()).toEqual(['case-a#1', 'case-a#2', 'case-a#3', 'case-a#4', 'case-a#5']);
    expect(of('case-b').map((m) => m.value.toString())).toEqual(['case-b#1']);
    expect(of('case-rolled-back')).toEqual([]);
    expect(received.every((m) => m.headers[HEADERS.sender] === '150202001001')).toBe(true);
    // Each packed where its key would have put a message of its own; the first two rows in one batch.
    for (const key of ['case-a', 'case-b']) {
      expect(new Set(of(key).map((m) => m.partition))).toEqual(
        new Set([partitionOf(topic, key, TOPIC_PARTITIONS)]),
      );
    }
    expect(of('case-a')[0].offset).toBe(of('case-a')[1].offset);
    await eventually(async () => ((await outbox.backlog()) === 0 ? true : undefined), {
      what: 'an empty outbox',
    });
  });

  it('appends a batch too large for one statement in the order given, every payload exact', async () => {
    // 400 rows of 1 KB: several runs of STATEMENT_PARAM_BYTES, in one transaction (rolled back here,
    // so the relay never sees them).
    const rows = Array.from({ length: 400 }, (_v, i) => ({
      ...row(`big-${i % 7}`, i),
      value: Buffer.concat([Buffer.from(`big-${i % 7}#${i}#`), randomBytes(1000)]),
    }));
    expect(rows.reduce((n, r) => n + r.value.length, 0)).toBeGreaterThan(2 * STATEMENT_PARAM_BYTES);
    const stored = await db
      .transaction(async (m) => {
        await outbox.append(m, rows);
        const found = await m.query<{ message_key: string; payload: Buffer }[]>(
          `SELECT message_key, payload FROM outbox WHERE message_key LIKE 'big-%' ORDER BY id`,
        );
        throw Object.assign(new Error('roll back'), { found });
      })
      .catch((e: { found?: { message_key: string; payload: Buffer }[] }) => e.found);
    expect(stored?.map((r) => r.message_key)).toEqual(rows.map((r) => r.key));
    stored?.forEach((r, i) => expect(Buffer.compare(r.payload, rows[i].value)).toBe(0));
  });

  it('keeps the rows when publishing fails and publishes them once the relay runs again', async () => {
    await relay.onApplicationShutdown(); // the relay's loop must not take the row first
    await db.transaction((m) => outbox.append(m, [row('case-retry', 1)]));
    await expect(
      outbox.publishBatch(100, () => Promise.reject(new Error('broker unreachable'))),
    ).rejects.toThrow('broker unreachable');
    expect(await outbox.backlog()).toBe(1);

    relay.onApplicationBootstrap();
    const received = await collect(kafka, topic, (ms) => ms.some((m) => keyOf(m) === 'case-retry'));
    expect(received.filter((m) => keyOf(m) === 'case-retry').map((m) => m.value.toString())).toEqual([
      'case-retry#1',
    ]);
    await eventually(async () => ((await outbox.backlog()) === 0 ? true : undefined), {
      what: 'an empty outbox',
    });
  });
});
