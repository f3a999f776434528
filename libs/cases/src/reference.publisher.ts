import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { encodeReference, ReferenceBody, ReferenceEvent, TierName } from '@fed/contracts';
import { HEADERS, OutboxRelay, OutboxRepository, OutboxRow, Topics } from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ReferenceRepository } from './reference.repository';
import { ReplicaRepository } from './replica.repository';
import { Clock } from './warning/clock';

/** Publishes reference data this node owns (catalog items, calendar) to every child, versioned. */
@Injectable()
export class ReferencePublisher {
  private readonly topics: Topics;

  constructor(
    private readonly references: ReferenceRepository,
    private readonly replica: ReplicaRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
  }

  /**
   * Publishes the next version of `subject`, under a lock on it: `build(version, current)` returns
   * the body, or null to publish nothing. Stored here and sent to every child in one transaction.
   */
  async publish(
    subject: string,
    build: (version: number, current: number) => ReferenceBody | null,
  ): Promise<ReferenceEvent | null> {
    const { node } = this.config;
    const event = await this.replica.transaction(async (m) => {
      const current = await this.references.lockSubject(m, subject);
      const body = build(current + 1, current);
      if (!body) return null;
      const published: ReferenceEvent = {
        eventId: randomUUID(),
        originNode: node.code,
        originTier: node.tier as TierName,
        subject,
        version: current + 1,
        occurredAt: this.clock.now(),
        schemaVersion: 1,
        body,
      };
      await this.references.storeIfNewer(m, [{ event: published }]);
      await this.outbox.append(m, this.toChildren(published, Buffer.from(encodeReference(published))));
      return published;
    });
    if (!event) return null;
    this.references.changed();
    this.relay.wake();
    this.metrics.referencePublished.inc({ kind: subject.split('/')[0] });
    return event;
  }

  /** Outbox rows carrying `raw` to the down topic of every child (or of those given). */
  toChildren(event: ReferenceEvent, raw: Buffer, children = this.config.node.children): OutboxRow[] {
    const { node } = this.config;
    return children.map((child) => ({
      topic: this.topics.downward(child),
      key: event.subject,
      value: raw,
      headers: { [HEADERS.sender]: node.code, [HEADERS.eventId]: event.eventId },
    }));
  }
}
