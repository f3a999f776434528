import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Admin, Consumer, Kafka, logLevel, LogEntry, Message, Partitioners, Producer } from 'kafkajs';
import { HealthCheck, NODE_CONFIG, NodeConfig, withTimeout } from '@fed/platform';
import { TOPIC_PARTITIONS } from './topics';

/** One message to publish. */
export interface OutgoingMessage {
  topic: string;
  /** Case number or reference subject; null for a packed batch, which names its partition instead. */
  key: string | null;
  /** Set for a packed batch (see `packMessages`); otherwise the key decides. */
  partition?: number;
  value: Buffer;
  headers: Record<string, string>;
}

export interface PartitionLag {
  /** Set when lags of several topics are listed together. */
  topic?: string;
  partition: number;
  lag: number;
}

/** Bytes of message values per produce request; the broker's default limit per batch is about 1 MiB. */
const MAX_REQUEST_BYTES = 512 * 1024;

/** Consecutive runs of messages whose values add up to at most `limit` bytes (a larger one goes alone). */
export function chunksByBytes<T extends { value: Buffer }>(messages: T[], limit: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (current.length > 0 && bytes + m.value.length > limit) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += m.value.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const KAFKA_LOG_LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * What kafkajs logs as an error but is the group's routine when a member joins or leaves (a rolling
 * restart, a second process of a node): the broker answering a heartbeat or commit of the old
 * generation. Worth a warning, not an operator's alarm.
 */
const ROUTINE_GROUP_ERRORS = [
  'The group is rebalancing, so a rejoin is needed',
  'Specified group generation id is not valid',
];

/** The logger method for a kafkajs log entry. */
export function kafkaLogMethod(level: number, log: object): 'error' | 'warn' | 'log' | 'debug' {
  const method = KAFKA_LOG_LEVELS[level] ?? 'log';
  const error: unknown = (log as { error?: unknown }).error;
  if (method === 'error' && typeof error === 'string' && ROUTINE_GROUP_ERRORS.includes(error)) return 'warn';
  return method;
}

/** Longest a consumer's last work (a final offset commit) may hold up its disconnection. */
const FINAL_WORK_MS = 3000;

/** The one place the federation talks to Kafka through kafkajs. */
@Injectable()
export class KafkaAdapter implements OnModuleDestroy {
  private readonly logger = new Logger(KafkaAdapter.name);
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  /** Every consumer made here, with what it must do before it leaves its group. */
  private readonly consumers = new Map<
    Consumer,
    { beforeDisconnect?: () => Promise<void>; closing?: Promise<void> }
  >();
  private readonly partitionCounts = new Map<string, number>();
  /** Told when the broker no longer holds the offsets a consumer had reached (retention, a new broker). */
  private readonly offsetsLostListeners: (() => void)[] = [];

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    this.kafka = new Kafka({
      clientId: `fed-${config.node.code}`,
      brokers: config.kafkaBrokers,
      logLevel: logLevel.WARN,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...fields } = log;
          this.logger[kafkaLogMethod(level, log)]({ msg: `kafkajs: ${message}`, ...fields });
          if (typeof message === 'string' && message.startsWith('Offset out of range, resetting'))
            for (const listener of this.offsetsLostListeners) listener();
        },
    });
  }

  /**
   * Publishes messages with acks from all in-sync replicas; order per key is kept (one request in flight).
   * Large sets go in several requests, each well under the broker's message size limit. After a failure
   * the producer is replaced: kafkajs' idempotent producer can be left with stale sequence numbers.
   */
  async publish(messages: OutgoingMessage[]): Promise<void> {
    try {
      for (const chunk of chunksByBytes(messages, MAX_REQUEST_BYTES)) await this.send(chunk);
    } catch (e) {
      this.partitionCounts.clear();
      const stale = this.producer;
      this.producer = undefined;
      await stale?.then((p) => p.disconnect()).catch(() => undefined);
      throw e;
    }
  }

  private async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push({ key: m.key, value: m.value, headers: m.headers, partition: m.partition });
      byTopic.set(m.topic, list);
    }
    const producer = await this.getProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
  }

  /**
   * How many partitions each topic has, as the broker says (cached; forgotten after a failed publish).
   * Packing places a batch by it, as the producer would place a keyed message.
   */
  async partitions(topics: string[]): Promise<Map<string, number>> {
    const missing = [...new Set(topics)].filter((t) => !this.partitionCounts.has(t));
    if (missing.length > 0) {
      const admin = await this.getAdmin();
      const { topics: found } = await admin.fetchTopicMetadata({ topics: missing });
      for (const t of found) this.partitionCounts.set(t.name, t.partitions.length);
    }
    return new Map(topics.map((t) => [t, this.partitionCounts.get(t) ?? 0]));
  }

  /** Creates the topics that do not exist yet. */
  async ensureTopics(topics: string[]): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: TOPIC_PARTITIONS,
        replicationFactor: -1,
        // The outbox forgets a row once Kafka has it: the topic must keep it until every tier below
        // has caught up, however long a node was away. Size-based or tiered retention is an operator's call.
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
    });
  }

  /**
   * A consumer of `groupId`, disconnected when the node stops (or by `disconnectConsumer`). Its
   * `beforeDisconnect` runs first, while the consumer is still in its group, for at most
   * FINAL_WORK_MS: to commit what it has applied, say.
   */
  createConsumer(groupId: string, beforeDisconnect?: () => Promise<void>): Consumer {
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      // Long polls: an idle node asks twice a second, not ten times; data is answered at once.
      maxWaitTimeInMs: 500,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    });
    this.consumers.set(consumer, { beforeDisconnect });
    return consumer;
  }

  /** Runs the consumer's `beforeDisconnect` (bounded), then disconnects it; once, whoever asks. */
  disconnectConsumer(consumer: Consumer): Promise<void> {
    const entry = this.consumers.get(consumer);
    if (!entry) return consumer.disconnect();
    entry.closing ??= (async () => {
      // Failed or late, it must not keep the consumer in its group.
      if (entry.beforeDisconnect)
        await withTimeout(entry.beforeDisconnect(), FINAL_WORK_MS).catch(() => undefined);
      await consumer.disconnect();
      this.consumers.delete(consumer);
    })();
    return entry.closing;
  }

  /** Messages of `topic` not yet committed by `groupId`, per partition. */
  async lag(groupId: string, topic: string): Promise<PartitionLag[]> {
    const admin = await this.getAdmin();
    const [committed, ends] = await Promise.all([
      admin.fetchOffsets({ groupId, topics: [topic] }),
      admin.fetchTopicOffsets(topic),
    ]);
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.map((end) => {
      const at = done.get(end.partition) ?? -1;
      const from = at >= 0 ? at : Number(end.low);
      return { partition: end.partition, lag: Math.max(0, Number(end.high) - from) };
    });
  }

  /** The id of the Kafka cluster the brokers belong to: a new one means the broker's data is gone. */
  async clusterId(): Promise<string> {
    const admin = await this.getAdmin();
    return (await admin.describeCluster()).clusterId;
  }

  /** Calls `listener` whenever a consumer's offsets are out of range and kafkajs resets them. */
  onOffsetsLost(listener: () => void): void {
    this.offsetsLostListeners.push(listener);
  }

  async ping(): Promise<void> {
    const admin = await this.getAdmin();
    await admin.describeCluster();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.consumers.keys()].map((c) => this.disconnectConsumer(c)));
    await Promise.allSettled(
      [this.producer, this.admin].filter(Boolean).map(async (p) => (await p)?.disconnect()),
    );
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= this.connect(() =>
      this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Murmur2 keyed partitioning, the same as the Java client's, so every tool agrees where a case lives.
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    ).catch((e: unknown) => {
      this.producer = undefined;
      throw e;
    });
    return this.producer;
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= this.connect(() => this.kafka.admin()).catch((e: unknown) => {
      this.admin = undefined;
      throw e;
    });
    return this.admin;
  }

  private async connect<T extends Producer | Admin>(make: () => T): Promise<T> {
    const client = make();
    await client.connect();
    return client;
  }
}

@Injectable()
export class KafkaHealth implements HealthCheck {
  readonly name = 'kafka';
  constructor(private readonly kafka: KafkaAdapter) {}
  check(): Promise<void> {
    return this.kafka.ping();
  }
}
