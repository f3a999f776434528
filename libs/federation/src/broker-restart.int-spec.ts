import { Controller, INestApplicationContext, INestMicroservice } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { decodeEvent, encodeEvent, FederationEvent } from '@fed/contracts';
import { DatabaseHealth, PersistenceModule } from '@fed/persistence';
import { NodeConfig, PlatformModule } from '@fed/platform';
import {
  collect,
  createTestDatabase,
  eventually,
  filedEvent,
  newCaseNo,
  testNodeConfig,
  uniqueNamespace,
} from '@fed/testing';
import { FederationModule } from './federation.module';
import { FEDERATION_BATCH, FederationServer, InboundBatch } from './federation.server';
import { KafkaAdapter, KafkaHealth } from './kafka.adapter';
import { OutboxRelay } from './outbox.relay';
import { OutboxRepository, OutboxRow } from './outbox.repository';
import { HEADERS, Topics } from './topics';

interface KafkaHandle {
  brokers: string;
  pid?: number;
  stop: () => Promise<void>;
}
// The launcher `npm start` and the test setup use (plain JavaScript under deploy/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureKafka } = require('../../../deploy/infra/kafka') as {
  ensureKafka: (o: {
    name: string;
    port: number;
    controllerPort: number;
    fresh?: boolean;
  }) => Promise<KafkaHandle>;
};

// A broker of its own, which this test kills: the shared one serves the other suites meanwhile.
const BROKER = { name: 'test-broker-death', port: 29192, controllerPort: 29193 };
const DISTRICT = '150202';
const COMMUNITY = '150202001001';

/** Event ids the district's transport handed to its handler, every time it did. */
const handled: string[] = [];

@Controller()
class RecordingHandler {
  @EventPattern(FEDERATION_BATCH)
  handle(@Payload() batch: InboundBatch): Promise<void> {
    for (const e of batch.events) handled.push(e.event.eventId);
    return Promise.resolve();
  }
}

// With KAFKA_BROKERS the tests run against a broker the project did not start and cannot kill.
const describeOwnBroker = process.env.KAFKA_BROKERS ? describe.skip : describe;

describeOwnBroker(
  'a community relay and a district consumer when the broker dies (a broker of their own)',
  () => {
    let broker: KafkaHandle;
    let community: INestApplicationContext;
    let district: INestMicroservice;
    let db: DataSource;
    let outbox: OutboxRepository;
    let topic: string;

    const nodeModule = async (config: NodeConfig, controllers: (new () => object)[] = []) =>
      Test.createTestingModule({
        imports: [
          PlatformModule.forRoot(config, [DatabaseHealth, KafkaHealth]),
          PersistenceModule.forRoot(config),
          FederationModule,
        ],
        controllers,
      }).compile();

    beforeAll(async () => {
      broker = await ensureKafka({ ...BROKER, fresh: true });
      const namespace = uniqueNamespace('broker-death');
      const withBroker = (c: NodeConfig) => ({ ...c, kafkaBrokers: [broker.brokers] });
      topic = new Topics(namespace).inbound(DISTRICT);
      const communityRef = await nodeModule(
        withBroker(testNodeConfig(COMMUNITY, await createTestDatabase('broker_death_c'), namespace)),
      );
      community = await communityRef.init();
      db = community.get(DataSource);
      outbox = community.get(OutboxRepository);
      await community.get(KafkaAdapter).ensureTopics([topic]);
      const districtRef = await nodeModule(
        withBroker(testNodeConfig(DISTRICT, await createTestDatabase('broker_death_d'), namespace)),
        [RecordingHandler],
      );
      district = districtRef.createNestMicroservice({ strategy: districtRef.get(FederationServer) });
      await district.listen();
    }, 120_000);

    afterAll(async () => {
      await district?.close();
      await community?.close();
      await broker?.stop();
    });

    const events: FederationEvent[] = Array.from({ length: 150 }, () => filedEvent(newCaseNo(COMMUNITY)));
    const row = (e: FederationEvent): OutboxRow => ({
      topic,
      key: e.caseNo,
      value: Buffer.from(encodeEvent(e)),
      headers: { [HEADERS.sender]: COMMUNITY, [HEADERS.eventId]: e.eventId },
    });
    const file = async (from: number, to: number) => {
      await db.transaction((m) => outbox.append(m, events.slice(from, to).map(row)));
      community.get(OutboxRelay).wake();
    };
    const emptyOutbox = (timeoutMs: number) =>
      eventually(async () => ((await outbox.backlog()) === 0 ? true : undefined), {
        what: 'an empty outbox',
        timeoutMs,
      });
    const ids = (from: number, to: number) => events.slice(from, to).map((e) => e.eventId);
    const handledAll = (from: number, to: number) => () =>
      Promise.resolve(ids(from, to).every((id) => handled.includes(id)) ? true : undefined);

    it('keeps what is filed while the broker is down, and every event reaches the district once it is back', async () => {
      await file(0, 50);
      await emptyOutbox(20_000);
      await eventually(handledAll(0, 50), {
        what: 'the first 50 events at the district',
      });

      // SIGKILL: no clean shutdown; the relay's and the consumer's connections drop mid-session.
      process.kill(broker.pid!, 'SIGKILL');
      await broker.stop();
      await file(50, 100);
      // The relay fails and retries meanwhile: nothing leaves the outbox.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await outbox.backlog()).toBe(50);

      // The same data directory: what the broker acknowledged before it died is still there.
      broker = await ensureKafka(BROKER);
      await file(100, 150);
      await emptyOutbox(60_000);
      await eventually(handledAll(0, 150), {
        what: 'all 150 events at the district',
        timeoutMs: 60_000,
      });

      // On the topic: every event, none lost (one the broker took just before it died may come twice;
      // the district's inbox skips it by event id).
      const onTopic = await collect(
        community.get(KafkaAdapter),
        topic,
        (ms) => new Set(ms.map((m) => m.value.toString('base64'))).size >= 150,
        30_000,
      );
      expect(new Set(onTopic.map((m) => decodeEvent(m.value).eventId))).toEqual(new Set(ids(0, 150)));
    }, 180_000);
  },
);
