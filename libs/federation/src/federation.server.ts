import { Inject, Injectable, Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, KafkaMessage, TopicPartitionOffset } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  ContractError,
  decodeBatch,
  decodeMessage,
  decodeSync,
  FederationEvent,
  isReferenceEvent,
  ReferenceEvent,
  SyncMessage,
} from '@fed/contracts';
import { Metrics, MicroBatcher, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { asBatchFailure, BatchFailure } from './failure';
import { KafkaAdapter, PartitionLag } from './kafka.adapter';
import { HEADERS, SYNC_KIND, TOPIC_PARTITIONS, Topics } from './topics';

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

/** A message that does not decode, or an event that cannot be applied: to be dead-lettered with the reason. */
export interface RejectedMessage {
  position: MessagePosition;
  reason: string;
  raw: Buffer | null;
  /** Set when the envelope decoded (and the database refused the event). */
  eventId?: string;
}

/**
 * An anti-entropy message (header `fed-kind: sync`) from the parent or a child, decoded and allowed
 * by the way it came: requests only down from the parent, digests only up from a child.
 */
export interface InboundControl {
  position: MessagePosition;
  message: SyncMessage;
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
const COMMIT_INTERVAL_MS = 1000;
const MIN_FETCH_INTERVAL_MS = 25;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Nest transport strategy over kafkajs that consumes this node's inbound topic in batches.
 * A batch goes to the `FEDERATION_BATCH` handler; its offsets are committed (within a second) only
 * after the handler (one database transaction) succeeds, so a crash means redelivery, which the inbox
 * makes harmless.
 * A handler failure (database down) is retried with backoff; it never skips a message.
 */
@Injectable()
export class FederationServer extends Server implements CustomTransportStrategy {
  private readonly log = new Logger(FederationServer.name);
  private consumer?: Consumer;
  private lagTimer?: NodeJS.Timeout;
  private commitTimer?: NodeJS.Timeout;
  /** Per partition, the offset after the last applied message, until it is committed. */
  private readonly toCommit = new Map<string, TopicPartitionOffset>();
  private committing?: Promise<void>;
  /** This member's partitions, as of the last time it joined its group. */
  private assigned: Record<string, number[]> | null = null;
  private lastLag: { partitions: PartitionLag[]; measuredAt: Date } | null = null;
  private running = false;
  /** Crashes since a batch was last applied: the pause before the next restart doubles with each. */
  private crashesInARow = 0;
  private starting?: Promise<void>;
  private readonly topics: Topics;
  /**
   * Applies the chunks that partitions hand in while a transaction is running as one transaction:
   * one set of statements and one commit for the whole fetch rather than one per partition (whose
   * transactions would queue on the same case and counter locks anyway). Refused together, the chunks
   * are tried again each alone: the culprit may be another partition's, and only its own chunk is then
   * searched for it.
   */
  private readonly merger = new MicroBatcher<InboundBatch>((batches) => this.dispatch(merge(batches)), {
    retryAlone: true,
  });
  /** The topics this node consumes: from its children and from its parent. */
  readonly consumedTopics: string[];
  readonly groupId: string;
  /** Receives the anti-entropy messages of each chunk, once the chunk is applied. */
  private controlHandler?: (controls: InboundControl[]) => void;

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
    await this.starting;
    clearInterval(this.lagTimer);
    clearInterval(this.commitTimer);
    // Commits what was applied (see createConsumer), then leaves the group. Nest may have had the
    // adapter do it already, when the node's modules were destroyed before its microservices.
    if (this.consumer) await this.kafka.disconnectConsumer(this.consumer);
  }

  /**
   * Who receives anti-entropy messages. They are handed over after the events before them in the
   * same chunk are applied, so that a digest is compared with a replica that holds what preceded it.
   */
  onControl(handler: (controls: InboundControl[]) => void): void {
    this.controlHandler = handler;
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
        if (this.consumer) await this.kafka.disconnectConsumer(this.consumer).catch(() => undefined);
        this.consumer = undefined;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /**
   * kafkajs restarts a consumer after a retriable failure; after any other (an error it does not
   * know, a join refused for good) it leaves it stopped, and the node would stay up consuming nothing
   * while its lag grows. Such a consumer is replaced, as on start, after a pause that doubles with
   * each crash until a batch is applied again: nothing applied is lost, what was not committed comes
   * again. (A consumer that crashes before it has started fails its start, which backs off alike.)
   */
  private restartAfterCrash(crashed: Consumer, error: Error): void {
    if (!this.running || this.consumer !== crashed) return;
    this.metrics.consumerRestarts.inc();
    const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** this.crashesInARow++);
    this.log.error({
      msg: 'consumer crashed and stopped; starting a new one',
      err: error.message,
      inMs: delay,
    });
    clearInterval(this.lagTimer);
    clearInterval(this.commitTimer);
    this.consumer = undefined;
    const previous = this.starting;
    this.starting = (async () => {
      await previous;
      await this.kafka.disconnectConsumer(crashed).catch(() => undefined);
      if (this.running) await new Promise((r) => setTimeout(r, delay));
      await this.startWithRetry();
    })();
  }

  private async start(): Promise<void> {
    await this.kafka.ensureTopics([...this.consumedTopics, this.topics.deadLetter(this.config.node.code)]);
    const consumer = this.kafka.createConsumer(this.groupId, () => this.commitApplied());
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.consumedTopics, fromBeginning: true });
    let started = false;
    let crashedWhileStarting: Error | undefined;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => (this.assigned = payload.memberAssignment));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      if (started) this.restartAfterCrash(consumer, payload.error);
      else crashedWhileStarting = payload.error;
    });
    await consumer.run({
      // Offsets of applied messages are committed by `commitApplied` once a second and on the way
      // out, not after every transaction: a commit is a broker request and a write to the offsets
      // topic, and what a crash makes come again is applied once all the same (the inbox). kafkajs's
      // autoCommit would commit after every batch of every partition, whatever its interval says,
      // and make the next fetch wait for it.
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition at once: their batches of one fetch share a transaction (see `merger`).
      partitionsConsumedConcurrently: TOPIC_PARTITIONS * this.consumedTopics.length,
      eachBatch: (payload) => this.onBatch(payload),
    });
    if (crashedWhileStarting)
      throw new Error(`consumer stopped while starting: ${crashedWhileStarting.message}`);
    if (!this.running) return; // closed while starting: `close` disconnects it
    this.lagTimer = setInterval(() => void this.refreshLag(), LAG_REFRESH_MS).unref();
    this.commitTimer = setInterval(() => void this.commitApplied(), COMMIT_INTERVAL_MS).unref();
    started = true;
    this.log.log({ msg: 'consuming', topics: this.consumedTopics, groupId: this.groupId });
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const started = Date.now();
    for (const m of batch.messages) {
      this.metrics.fetchWaitSeconds.observe(Math.max(0, started - Number(m.timestamp)) / 1000);
    }
    let first = 0;
    while (first < batch.messages.length) {
      // Whole messages, until they hold CHUNK envelopes: offsets are committed per message.
      const inbound: InboundBatch = { events: [], references: [], rejects: [] };
      const controls: InboundControl[] = [];
      let next = first;
      while (next < batch.messages.length && size(inbound) + controls.length < CHUNK) {
        this.decode(batch.topic, batch.partition, batch.messages[next++], inbound, controls);
      }
      const applied = size(inbound) === 0 || (await this.applyWithRetry(inbound, payload, true));
      if (!applied) return; // stopping or rebalanced: nothing committed, the messages come again
      if (controls.length > 0) this.handControls(controls);
      this.crashesInARow = 0;
      const last = batch.messages[next - 1].offset;
      payload.resolveOffset(last);
      const done = { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) };
      if (payload.isRunning()) {
        this.toCommit.set(partitionKey(done), done);
      } else {
        // Stopping: the timer may not commit again before the consumer leaves; this one goes now.
        try {
          await payload.commitOffsetsIfNecessary({
            topics: [{ topic: done.topic, partitions: [{ partition: done.partition, offset: done.offset }] }],
          });
        } catch (e) {
          this.log.warn({ msg: 'offsets not committed while stopping', err: (e as Error).message });
        }
      }
      await payload.heartbeat();
      first = next;
    }
    // The next fetch comes at least MIN_FETCH_INTERVAL_MS after this one: under a trickle, what arrives
    // meanwhile shares its request and transaction (as the relay's passes do) instead of each relay
    // pass costing one; a batch that took longer to apply waits for nothing.
    const wait = MIN_FETCH_INTERVAL_MS - (Date.now() - started);
    if (wait > 0 && payload.isRunning()) {
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Unpacks a message's `EventBatch` into `batch`: each envelope decoded, with its own position. */
  private decode(
    topic: string,
    partition: number,
    m: KafkaMessage,
    batch: InboundBatch,
    controls: InboundControl[],
  ): void {
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
      batch.rejects.push({ position: whole, reason: undecodable(e), raw: m.value });
      return;
    }
    if (m.headers?.[HEADERS.kind]?.toString() === SYNC_KIND) {
      envelopes.forEach((raw, index) => {
        const position: MessagePosition = { ...whole, index };
        try {
          const message = decodeSync(raw);
          const refusal = this.controlRefusal(position, message);
          if (refusal) batch.rejects.push({ position, reason: refusal, raw });
          else controls.push({ position, message });
        } catch (e) {
          batch.rejects.push({ position, reason: undecodable(e), raw });
        }
      });
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
        batch.rejects.push({ position, reason: undecodable(e), raw });
      }
    });
  }

  /** Why an anti-entropy message is refused: it must come the way its kind travels. */
  private controlRefusal(position: MessagePosition, message: SyncMessage): string | null {
    const { node, topology } = this.config;
    const sender = position.sender;
    if (message.body.kind === 'digest') {
      const fromChild =
        position.topic === this.topics.inbound(node.code) &&
        sender !== null &&
        topology.has(sender) &&
        topology.get(sender).parent === node.code;
      return fromChild ? null : `a digest must come up from a child of ${node.code}`;
    }
    const fromParent =
      position.topic === this.topics.downward(node.code) && sender !== null && sender === node.parent;
    return fromParent
      ? null
      : `a ${message.body.kind} must come down from the parent ${node.parent ?? '(none)'}`;
  }

  private handControls(controls: InboundControl[]): void {
    if (!this.controlHandler) {
      this.log.warn({ msg: 'sync messages arrived and nobody handles them', count: controls.length });
      return;
    }
    try {
      this.controlHandler(controls);
    } catch (e) {
      this.log.error({ msg: 'sync messages could not be handed over', err: (e as Error).message });
    }
  }

  /**
   * Applies a chunk, retrying transient failures with backoff. A permanent failure (data the database
   * refuses, a bug triggered by one message) splits the chunk in halves until the culprit is alone;
   * that message is then dead-lettered with the reason, and the rest is applied: one bad message never
   * blocks the ones behind it. Returns false when the consumer stops or loses the partition.
   */
  private async applyWithRetry(
    batch: InboundBatch,
    payload: EachBatchPayload,
    mergeable = false,
  ): Promise<boolean> {
    for (let attempt = 0; payload.isRunning() && !payload.isStale(); attempt++) {
      const timer = this.metrics.applyBatchSeconds.startTimer();
      let failure: BatchFailure;
      try {
        // A whole chunk shares a transaction with the chunks of other partitions that arrive meanwhile;
        // a half being searched for a culprit is applied alone.
        await (mergeable ? this.merger.add(batch) : this.dispatch(batch));
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
            rejects: [
              { position, raw, reason: `cannot be applied: ${failure.message}`, eventId: event.eventId },
            ],
          },
          payload,
        );
      }
      const letter = batch.rejects[0];
      if (
        !failure.transient &&
        count === 1 &&
        letter &&
        (letter.raw !== null || letter.position.sender !== null)
      ) {
        // The letter itself is refused (a text the database cannot take, a payload it chokes on): what
        // is always storable is its place and that it could not be stored; the bytes stay in the log.
        this.log.error({
          msg: 'a dead letter cannot be recorded as received; recording where it was',
          ...where,
          reason: letter.reason,
          payloadBase64: letter.raw?.subarray(0, 4096).toString('base64'),
        });
        return this.applyWithRetry(
          {
            events: [],
            references: [],
            rejects: [
              {
                position: { ...letter.position, key: null, sender: null },
                raw: null,
                reason: `could not be recorded as received (${failure.message})`,
                eventId: letter.eventId,
              },
            ],
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

  /**
   * Commits the offsets applied since the last commit, one request for every partition. Offsets that
   * fail to commit (broker away, group rebalancing) are tried again next time, unless newer ones
   * arrived meanwhile; those of a partition gone to another member are dropped here.
   */
  private commitApplied(): Promise<void> {
    this.committing ??= (async () => {
      const consumer = this.consumer;
      // No consumer (one being replaced): they wait for the next.
      if (!consumer) return;
      // Only partitions this member owns: a late commit for one handed to another member would move
      // the new owner's committed offset back.
      const offsets = [...this.toCommit.values()].filter((o) => this.owns(o));
      this.toCommit.clear();
      if (offsets.length === 0) return;
      try {
        await consumer.commitOffsets(offsets);
      } catch (e) {
        for (const o of offsets)
          if (!this.toCommit.has(partitionKey(o))) this.toCommit.set(partitionKey(o), o);
        this.log.warn({ msg: 'offsets not committed; will retry', err: (e as Error).message });
      }
    })().finally(() => (this.committing = undefined));
    return this.committing;
  }

  /** Whether the partition is this member's in the group's current generation. */
  private owns(o: TopicPartitionOffset): boolean {
    return this.assigned?.[o.topic]?.includes(o.partition) ?? false;
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

/** Why a message or envelope is refused: a contract's own reason, or what else broke on decoding it. */
function undecodable(e: unknown): string {
  if (e instanceof ContractError) return e.message;
  return `does not decode: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

function partitionKey({ topic, partition }: { topic: string; partition: number }): string {
  return `${topic}|${partition}`;
}

function merge(batches: InboundBatch[]): InboundBatch {
  if (batches.length === 1) return batches[0];
  return {
    events: batches.flatMap((b) => b.events),
    references: batches.flatMap((b) => b.references),
    rejects: batches.flatMap((b) => b.rejects),
  };
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
