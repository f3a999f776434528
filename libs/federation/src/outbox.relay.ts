import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { KafkaAdapter } from './kafka.adapter';
import { OutboxRepository } from './outbox.repository';
import { packMessages } from './packing';
import { Topics } from './topics';

const BATCH = 2000;
/** Poll interval when nobody wakes the relay (rows written by another process, or after a failure). */
const IDLE_POLL_MS = 250;
const BACKLOG_REFRESH_MS = 5000;
/**
 * Shortest time between two passes: rows committed meanwhile share one pass, one produce request and,
 * at the receiving node, one fetch and one transaction (tens of ms of latency; far fewer requests to
 * the broker and transactions above, which is what a steady trickle of filings costs most).
 */
const MIN_PASS_INTERVAL_MS = 25;

/**
 * Publishes outbox rows to Kafka, oldest first, packed into `EventBatch` messages per partition, and
 * deletes them once the broker acknowledged.
 * A crash between publish and delete publishes the rows again: consumers de-duplicate by event id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private pending = false;
  private backlogTimer?: NodeJS.Timeout;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly kafka: KafkaAdapter,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
    this.backlogTimer = setInterval(() => void this.refreshBacklog(), BACKLOG_REFRESH_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    clearInterval(this.backlogTimer);
    this.wake();
    await this.loop;
  }

  /** Tells the relay that rows were committed: publish now rather than at the next poll. */
  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    const topics = new Topics(this.config.namespace);
    const { node } = this.config;
    const deadLetters = topics.deadLetter(node.code);
    // Where this node publishes: up to its parent, down to its children. The dead-letter topic is
    // created by the consumer before it consumes.
    const own = [
      ...(node.parent ? [topics.inbound(node.parent)] : []),
      ...node.children.map((c) => topics.downward(c)),
    ];
    for (let ready = own.length === 0; !ready && this.running;) {
      try {
        await this.kafka.ensureTopics(own);
        ready = true;
      } catch (e) {
        failures++;
        this.logger.warn({
          msg: 'topics not created yet; will retry',
          err: (e as Error).message,
          topics: own,
        });
        await this.sleep(Math.min(10000, 200 * 2 ** failures));
      }
    }
    while (this.running) {
      this.pending = false;
      const passStarted = Date.now();
      let published = 0;
      try {
        published = await this.outbox.publishBatch(BATCH, async (rows) => {
          const partitions = await this.kafka.partitions(rows.map((r) => r.topic));
          await this.kafka.publish(
            packMessages(
              rows,
              (topic) => partitions.get(topic) ?? 0,
              (r) => r.topic !== deadLetters,
            ),
          );
          for (const r of rows) this.metrics.eventsPublished.inc({ topic: r.topic });
        });
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.warn({ msg: 'outbox publish failed; will retry', err: (e as Error).message, failures });
        await this.sleep(Math.min(10000, 200 * 2 ** failures));
        continue;
      }
      if (published < BATCH && !this.pending) await this.sleep(IDLE_POLL_MS);
      const elapsed = Date.now() - passStarted;
      if (elapsed < MIN_PASS_INTERVAL_MS)
        await new Promise((r) => setTimeout(r, MIN_PASS_INTERVAL_MS - elapsed));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async refreshBacklog(): Promise<void> {
    try {
      this.metrics.outboxBacklog.set(await this.outbox.backlog());
    } catch (e) {
      this.logger.warn({ msg: 'outbox backlog not measured', err: (e as Error).message });
    }
  }
}
