import { Controller, INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload, RpcException } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { encodeBatch, encodeEvent } from '@fed/contracts';
import { DatabaseHealth, PersistenceModule } from '@fed/persistence';
import { Metrics, PlatformModule } from '@fed/platform';
import {
  createTestDatabase,
  eventually,
  filedEvent,
  newCaseNo,
  testEnv,
  testNodeConfig,
  uniqueNamespace,
} from '@fed/testing';
import { FederationModule } from './federation.module';
import { FEDERATION_BATCH, FederationServer, InboundBatch } from './federation.server';
import { KafkaAdapter, KafkaHealth } from './kafka.adapter';
import { HEADERS, Topics } from './topics';

const DISTRICT = '150202';
const COMMUNITY = '150202001001';

interface Letter {
  sender: string | null;
  reason: string;
  payload: boolean;
}

/** Every call the transport made, and the events it must refuse as a database would (permanently). */
const calls: {
  partitions: number[];
  eventIds: string[];
  rejected: string[];
  letters: Letter[];
  failed: boolean;
}[] = [];
let poison = new Set<string>();

@Controller()
class RecordingHandler {
  @EventPattern(FEDERATION_BATCH)
  async handle(@Payload() batch: InboundBatch): Promise<void> {
    const call = {
      partitions: [...new Set(batch.events.map((e) => e.position.partition))].sort(),
      eventIds: batch.events.map((e) => e.event.eventId),
      rejected: batch.rejects.filter((r) => r.eventId).map((r) => r.eventId!),
      letters: batch.rejects.map((r) => ({
        sender: r.position.sender,
        reason: r.reason,
        payload: r.raw !== null,
      })),
      failed: false,
    };
    calls.push(call);
    // The first chunk is held, so that the other partitions' chunks queue behind it and share one call.
    if (calls.length === 1) await new Promise((r) => setTimeout(r, 500));
    if (call.letters.some((l) => l.sender?.includes('\u0000'))) {
      call.failed = true;
      // What a text column answers for a NUL.
      throw new RpcException({
        transient: false,
        message: 'invalid byte sequence for encoding "UTF8": 0x00',
        code: '22021',
      });
    }
    if (call.eventIds.some((id) => poison.has(id))) {
      call.failed = true;
      // What ReplicaConsumer throws for a constraint violation: permanent, so the transport splits.
      throw new RpcException({ transient: false, message: 'refused by the database', code: '23505' });
    }
  }
}

describe('FederationServer (real Kafka)', () => {
  let micro: INestMicroservice;
  let producer: Producer;
  let server: FederationServer;
  let metrics: Metrics;
  let topic: string;
  let closed = false;
  /** A Kafka client of the test's own: the node's is gone once the node is closed. */
  let observer: KafkaAdapter;
  /** The good events: one alone in its partition twice, one behind a culprit in its message. */
  let expected: string[] = [];

  beforeAll(async () => {
    const namespace = uniqueNamespace('server');
    const config = testNodeConfig(DISTRICT, await createTestDatabase('server'), namespace);
    topic = new Topics(namespace).inbound(DISTRICT);
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot(config, [DatabaseHealth, KafkaHealth]),
        PersistenceModule.forRoot(config),
        FederationModule,
      ],
      controllers: [RecordingHandler],
    }).compile();
    await moduleRef.get(KafkaAdapter).ensureTopics([topic]);

    // Four partitions' messages wait before the consumer starts, so its first fetch holds them all. Two
    // hold a culprit: whichever chunk comes first, the three that share the next call hold a culprit
    // and a good event alone in its chunk, which must not be set aside with it.
    const [a, c, d] = [1, 2, 3].map(() => filedEvent(newCaseNo(COMMUNITY)));
    const [bad1, bad2] = [1, 2].map(() => filedEvent(newCaseNo(COMMUNITY)));
    poison = new Set([bad1.eventId, bad2.eventId]);
    expected = [a, c, d].map((e) => e.eventId);
    const kafka = new Kafka({
      brokers: testEnv.kafkaBrokers,
      clientId: `server-${randomUUID()}`,
      logLevel: logLevel.WARN,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    observer = new KafkaAdapter(config);
    const batch = (...events: (typeof a)[]) => encodeBatch(events.map((e) => encodeEvent(e)));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { partition: 0, value: batch(a), headers: { [HEADERS.sender]: COMMUNITY } },
        { partition: 1, value: batch(bad1), headers: { [HEADERS.sender]: COMMUNITY } },
        { partition: 2, value: batch(bad2, c), headers: { [HEADERS.sender]: COMMUNITY } },
        { partition: 3, value: batch(d), headers: { [HEADERS.sender]: COMMUNITY } },
      ],
    });

    server = moduleRef.get(FederationServer);
    metrics = moduleRef.get(Metrics);
    micro = moduleRef.createNestMicroservice({ strategy: server });
    await micro.listen();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await observer?.onModuleDestroy();
    if (!closed) await micro?.close();
  });

  it('applies the partitions of one fetch together, and a refusal sets aside only its culprits', async () => {
    const applied = () => calls.filter((c) => !c.failed).flatMap((c) => c.eventIds);
    const rejected = () => calls.flatMap((c) => c.rejected);
    await eventually(
      () =>
        Promise.resolve(
          expected.every((id) => applied().includes(id)) && rejected().length >= 2 ? true : undefined,
        ),
      { what: 'the good events applied and the culprits set aside' },
    );
    // Chunks of several partitions went to the handler as one call (one transaction), and it refused.
    expect(calls.some((c) => c.failed && c.partitions.length > 1)).toBe(true);
    // Each good event applied once; each culprit never applied, set aside once, and nothing else with it.
    expect(applied().sort()).toEqual([...expected].sort());
    expect(rejected().sort()).toEqual([...poison].sort());
  });

  it('commits applied offsets once a second, not after every batch, and leaves none uncommitted when idle', async () => {
    const consumer = server.unwrap<Consumer>();
    let commits = 0;
    const stopCounting = consumer.on(consumer.events.COMMIT_OFFSETS, () => commits++);
    const before = calls.length;
    const started = Date.now();
    // One message per send, 80 ms apart: most land in fetches (and handler calls) of their own.
    for (let i = 0; i < 15; i++) await send(filedEvent(newCaseNo(COMMUNITY)));
    await eventually(allCommitted, { what: 'every applied message committed' });
    const seconds = (Date.now() - started) / 1000;
    stopCounting();
    const handled = calls.length - before;
    expect(handled).toBeGreaterThanOrEqual(4);
    // kafkajs's autoCommit would commit after each of those calls.
    expect(commits).toBeGreaterThanOrEqual(1);
    expect(commits).toBeLessThan(handled);
    expect(commits).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });

  it('records where a dead letter was when the letter itself is refused, and goes on with the partition', async () => {
    const behind = filedEvent(newCaseNo(COMMUNITY));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { partition: 4, value: Buffer.from('not a batch'), headers: { [HEADERS.sender]: '1502\u0000' } },
        { partition: 4, value: encodeBatch([encodeEvent(behind)]), headers: { [HEADERS.sender]: COMMUNITY } },
      ],
    });
    await eventually(
      () => Promise.resolve(calls.some((c) => !c.failed && c.eventIds.includes(behind.eventId)) || undefined),
      { what: 'the message behind the refused letter applied' },
    );
    const letters = calls.flatMap((c) => c.letters.map((l) => ({ ...l, failed: c.failed })));
    expect(letters).toContainEqual(
      expect.objectContaining({ sender: '1502\u0000', payload: true, failed: true }),
    );
    expect(letters).toContainEqual({
      sender: null,
      payload: false,
      reason: expect.stringContaining('could not be recorded as received (invalid byte sequence') as string,
      failed: false,
    });
  });

  it('replaces a consumer that kafkajs stopped for good after an error it does not know', async () => {
    const restarts = async () => (await metrics.consumerRestarts.get()).values[0]?.value ?? 0;
    const before = await restarts();
    const crashed = server.unwrap<Consumer>();
    // An error no retry cures, thrown where the transport does not catch it (inside kafkajs's eachBatch).
    jest.spyOn(metrics.fetchWaitSeconds, 'observe').mockImplementationOnce(() => {
      throw new TypeError('a bug met on the way');
    });
    const first = filedEvent(newCaseNo(COMMUNITY));
    await send(first);
    await eventually(() => Promise.resolve(server.unwrap<Consumer>() !== crashed || undefined), {
      what: 'a new consumer in place of the crashed one',
    });
    expect(await restarts()).toBe(before + 1);
    const next = filedEvent(newCaseNo(COMMUNITY));
    await send(next);
    const applied = () => calls.filter((c) => !c.failed).flatMap((c) => c.eventIds);
    await eventually(
      () => Promise.resolve([first.eventId, next.eventId].every((id) => applied().includes(id)) || undefined),
      { what: 'the events sent around the crash applied by the new consumer' },
    );
  });

  it('commits what it applied when it stops, before the next tick of its commit timer', async () => {
    const before = calls.length;
    await send(filedEvent(newCaseNo(COMMUNITY)));
    await eventually(() => Promise.resolve(calls.length > before ? true : undefined), {
      what: 'the message handled',
    });
    await micro.close();
    closed = true;
    expect(await allCommitted()).toBe(true);
  });

  async function send(event: ReturnType<typeof filedEvent>): Promise<void> {
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: event.caseNo,
          value: encodeBatch([encodeEvent(event)]),
          headers: { [HEADERS.sender]: COMMUNITY },
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 80));
  }

  /** Whether the group's committed offsets reach the end of every partition. */
  async function allCommitted(): Promise<true | undefined> {
    return (await observer.lag(server.groupId, topic)).every((p) => p.lag === 0) ? true : undefined;
  }
});
