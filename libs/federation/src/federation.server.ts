import { Inject, Injectable, Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  ContractError,
  decodeBatch,
  decodeMessage,
  FederationEvent,
  isReferenceEvent,
  ReferenceEvent,
} from '@fed/contracts';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { asBatchFailure, BatchFailure } from './failure';
import { KafkaAdapter, PartitionLag } from './kafka.adapter';
import { HEADERS, Topics } from './topics';

/** The pattern of the handler that receives inbound batches: `@EventPattern(FEDERATION_BATCH)`. */
export const FEDERATION_BATCH = 'federation.batch';

/** Where a message came from on the broker. */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
  /** Place of the envelope in the message's batch; -1 when the message as a whole is refused. */
  index: number;
  /** The case number or reference subject, once the envelope decodes. */
  key: string | null;
  /** The `fed-sender` header: the node that published this copy. */
  sender: string | null;
}

/** A decoded, well-formed event and where it came from. */
export interface InboundEvent {
  position: MessagePosition;
  event: FederationEvent;
  /** The message bytes as received, relayed unchanged. */
  raw: Buffer;
}

/** Reference data (catalog, calendar) flowing down, decoded, and where it came from. */
export interface InboundReference {
  position: MessagePosition;
  event: ReferenceEvent;
  raw: Buffer;
}

/** A message that does not decode: to be dead-lettered with the reason. */
export interface RejectedMessage {
  position: MessagePosition;
  reason: string;
  raw: Buffer | null;
}

/** What the batch handler receives; it must apply `events` and `references` and record `rejects` in one transaction. */
export interface InboundBatch {
  events: InboundEvent[];
  references: InboundReference[];
  rejects: RejectedMessage[];
}

/**
 * Envelopes applied in one database transaction: whole Kafka messages are taken until they hold at
 * least this many (a message is a packed batch of up to a few hundred).
 */
const CHUNK = 1000;
const LAG_REFRESH_MS = 5000;

/**
 * Nest transport strategy over kafkajs that consumes this node's inbound topic in batches.
 * A batch goes to the `FEDERATION_BATCH` handler; its offsets are committed only after the handler
 * (one database transaction) succeeds, so a crash means redelivery, which the inbox makes harmless.
 * A handler failure (database down) is retried with backoff; it never skips a message.
 */
@Injectable()
export class FederationServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger(FederationServer.name);
  private consumer?: Consumer;
  private lagTimer?: NodeJS.Timeout;
  private lastLag: { partitions: PartitionLag[]; measuredAt: Date } | null = null;
  private running = false;
  private starting?: Promise<void>;
  private readonly topics: Topics;
  /** The topics this node consumes: from its children and from its parent. */
  readonly consumedTopics: string[];
  readonly groupId: string;

  constructor(
    private readonly kafka: KafkaAdapter,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    super();
    this.topics = new Topics(config.namespace);
    this.consumedTopics = this.topics.consumed(config.node);
    this.groupId = this.topics.consumerGroup(config.node.code);
  }

  /**
   * Starts consuming in the background: a broker that is down or still creating topics delays
   * consumption (health says so) but never stops the node from booting.
   */
  listen(callback: (error?: unknown) => void): void {
    this.running = true;
    this.starting = this.startWithRetry();
    callback();
  }

  async close(): Promise<void> {
    this.running = false;
    clearInterval(this.lagTimer);
    await this.starting;
    await this.consumer?.disconnect();
  }

  on(): never {
    throw new Error('FederationServer has no events to subscribe to');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('FederationServer is not listening');
    return this.consumer as T;
  }

  /** Consumer lag of the consumed topics, refreshed every few seconds. */
  consumerLag(): { topics: string[]; total: number; partitions: PartitionLag[]; measuredAt: Date } | null {
    if (!this.lastLag) return null;
    const total = this.lastLag.partitions.reduce((sum, p) => sum + p.lag, 0);
    return { topics: this.consumedTopics, total, ...this.lastLag };
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 0; this.running; attempt++) {
      try {
        await this.start();
        return;
      } catch (e) {
        const delay = Math.min(10000, 500 * 2 ** attempt);
        this.log.warn({ msg: 'consumer not started; retrying', err: (e as Error).message, retryInMs: delay });
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async start(): Promise<void> {
    await this.kafka.ensureTopics([...this.consumedTopics, this.topics.deadLetter(this.config.node.code)]);
    const consumer = this.kafka.createConsumer(this.groupId);
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.consumedTopics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 2,
      eachBatch: (payload) => this.onBatch(consumer, payload),
    });
    this.lagTimer = setInterval(() => void this.refreshLag(), LAG_REFRESH_MS);
    this.log.log({ msg: 'consuming', topics: this.consumedTopics, groupId: this.groupId });
  }

  private async onBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    let first = 0;
    while (first < batch.messages.length) {
      // Whole messages, until they hold CHUNK envelopes: offsets are committed per message.
      const inbound: InboundBatch = { events: [], references: [], rejects: [] };
      let next = first;
      while (next < batch.messages.length && size(inbound) < CHUNK) {
        this.decode(batch.topic, batch.partition, batch.messages[next++], inbound);
      }
      const applied = await this.applyWithRetry(inbound, payload);
      if (!applied) return; // stopping or rebalanced: nothing committed, the messages come again
      const last = batch.messages[next - 1].offset;
      payload.resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      await payload.heartbeat();
      first = next;
    }
  }

  /** Unpacks a message's `EventBatch` into `batch`: each envelope decoded, with its own position. */
  private decode(topic: string, partition: number, m: KafkaMessage, batch: InboundBatch): void {
    const sender = m.headers?.[HEADERS.sender]?.toString() ?? null;
    const whole: MessagePosition = { topic, partition, offset: m.offset, index: -1, key: null, sender };
    if (!m.value || m.value.length === 0) {
      batch.rejects.push({ position: whole, reason: 'empty message', raw: null });
      return;
    }
    let envelopes: Buffer[];
    try {
      envelopes = decodeBatch(m.value);
    } catch (e) {
      if (!(e instanceof ContractError)) throw e;
      batch.rejects.push({ position: whole, reason: e.message, raw: m.value });
      return;
    }
    envelopes.forEach((raw, index) => {
      const position: MessagePosition = { ...whole, index };
      try {
        const event = decodeMessage(raw);
        if (isReferenceEvent(event)) {
          position.key = event.subject;
          batch.references.push({ position, event, raw });
        } else {
          position.key = event.caseNo;
          batch.events.push({ position, event, raw });
        }
      } catch (e) {
        if (!(e instanceof ContractError)) throw e;
        batch.rejects.push({ position, reason: e.message, raw });
      }
    });
  }

  /**
   * Applies a chunk, retrying transient failures with backoff. A permanent failure (data the database
   * refuses, a bug triggered by one message) splits the chunk in halves until the culprit is alone;
   * that message is then dead-lettered with the reason, and the rest is applied: one bad message never
   * blocks the ones behind it. Returns false when the consumer stops or loses the partition.
   */
  private async applyWithRetry(batch: InboundBatch, payload: EachBatchPayload): Promise<boolean> {
    for (let attempt = 0; payload.isRunning() && !payload.isStale(); attempt++) {
      const timer = this.metrics.applyBatchSeconds.startTimer();
      let failure: BatchFailure;
      try {
        await this.dispatch(batch);
        const seconds = timer();
        this.log.debug({
          msg: 'batch applied',
          topic: payload.batch.topic,
          partition: payload.batch.partition,
          size: size(batch),
          ms: Math.round(seconds * 1000),
        });
        return true;
      } catch (e) {
        failure = asBatchFailure(e);
      }
      const count = size(batch);
      const where = {
        topic: payload.batch.topic,
        partition: payload.batch.partition,
        firstOffset: (batch.events[0] ?? batch.references[0] ?? batch.rejects[0])?.position.offset,
        firstIndex: (batch.events[0] ?? batch.references[0] ?? batch.rejects[0])?.position.index,
        size: count,
        err: failure.message,
        code: failure.code,
      };
      if (!failure.transient && count > 1) {
        this.log.warn({ msg: 'a batch was refused; splitting it to find the culprit', ...where });
        const [first, second] = halves(batch);
        return (await this.applyWithRetry(first, payload)) && this.applyWithRetry(second, payload);
      }
      const culprit = batch.events[0] ?? batch.references[0];
      if (!failure.transient && count === 1 && culprit) {
        const { position, raw, event } = culprit;
        this.log.error({
          msg: 'an event cannot be applied; dead-lettering it',
          ...where,
          caseNo: 'caseNo' in event ? event.caseNo : undefined,
          subject: 'subject' in event ? event.subject : undefined,
          messageId: event.eventId,
        });
        return this.applyWithRetry(
          {
            events: [],
            references: [],
            rejects: [{ position, raw, reason: `cannot be applied: ${failure.message}` }],
          },
          payload,
        );
      }
      // Transient, or a dead letter that cannot even be recorded: the database must come back first.
      const delay = Math.min(10000, 200 * 2 ** attempt);
      this.log.error({ msg: 'applying a batch failed; retrying', ...where, attempt, retryInMs: delay });
      await new Promise((r) => setTimeout(r, delay));
      try {
        await payload.heartbeat();
      } catch (e) {
        // The group is rebalancing or this member was evicted: give the partition back, uncommitted.
        this.log.warn({
          msg: 'heartbeat failed while retrying; leaving the batch to the group',
          err: (e as Error).message,
        });
        return false;
      }
    }
    return false;
  }

  /** Hands a batch to the `FEDERATION_BATCH` handler, through Nest's pipes and exception filters. */
  private async dispatch(batch: InboundBatch): Promise<void> {
    const handler = this.getHandlerByPattern(FEDERATION_BATCH);
    if (!handler) throw new Error(`no @EventPattern('${FEDERATION_BATCH}') handler is registered`);
    const result: unknown = await handler(batch);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  private async refreshLag(): Promise<void> {
    try {
      const partitions: PartitionLag[] = [];
      for (const topic of this.consumedTopics) {
        for (const p of await this.kafka.lag(this.groupId, topic)) {
          partitions.push({ ...p, topic });
          this.metrics.consumerLag.set({ topic, partition: String(p.partition) }, p.lag);
        }
      }
      this.lastLag = { partitions, measuredAt: new Date() };
    } catch (e) {
      this.log.warn({ msg: 'consumer lag not measured', err: (e as Error).message });
    }
  }
}

function size(batch: InboundBatch): number {
  return batch.events.length + batch.references.length + batch.rejects.length;
}

/** Splits a batch in two, keeping message (and envelope) order within each half. */
function halves(batch: InboundBatch): [InboundBatch, InboundBatch] {
  const at = (p: MessagePosition) => ({ offset: BigInt(p.offset), index: p.index });
  const all = [
    ...batch.events.map((e) => ({ ...at(e.position), event: e })),
    ...batch.references.map((r) => ({ ...at(r.position), reference: r })),
    ...batch.rejects.map((r) => ({ ...at(r.position), reject: r })),
  ].sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : a.index - b.index));
  const mid = Math.ceil(all.length / 2);
  const part = (items: typeof all): InboundBatch => ({
    events: items.flatMap((i) => ('event' in i && i.event ? [i.event] : [])),
    references: items.flatMap((i) => ('reference' in i && i.reference ? [i.reference] : [])),
    rejects: items.flatMap((i) => ('reject' in i && i.reject ? [i.reject] : [])),
  });
  return [part(all.slice(0, mid)), part(all.slice(mid))];
}
