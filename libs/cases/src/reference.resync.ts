import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { encodeReference, ReferenceEvent, TierName } from '@fed/contracts';
import { OutboxRelay, OutboxRepository } from '@fed/federation';
import { NODE_CONFIG, NodeConfig, Topology } from '@fed/platform';
import { ReferencePublisher } from './reference.publisher';
import { ReferenceRepository, StoredReference } from './reference.repository';
import { ReplicaRepository } from './replica.repository';

/**
 * On start, a parent sends its children the current version of every piece of reference data it
 * holds (catalog, calendar). A child that already has it ignores it; a child added to the topology
 * later, or rebuilt, gets everything it needs to file and count.
 */
@Injectable()
export class ReferenceResync implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReferenceResync.name);

  constructor(
    private readonly references: ReferenceRepository,
    private readonly publisher: ReferencePublisher,
    private readonly replica: ReplicaRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const children = this.config.node.children;
    if (children.length === 0) return;
    const subjects = await this.resend(children);
    if (subjects > 0) this.logger.log({ msg: 'reference data re-sent to the children', subjects });
  }

  /** Sends `children` the current version of every piece of reference data held here; how many. */
  async resend(children: string[]): Promise<number> {
    const { topology } = this.config;
    const events = (await this.references.all())
      .filter((r) => topology.has(r.owner))
      .map((r) => referenceEventOf(r, topology));
    const rows = events.flatMap((e) =>
      this.publisher.toChildren(e, Buffer.from(encodeReference(e)), children),
    );
    if (rows.length === 0) return 0;
    await this.replica.transaction((m) => this.outbox.append(m, rows));
    this.relay.wake();
    return events.length;
  }
}

/** The event that published a stored piece of reference data, as its owner sent it. */
export function referenceEventOf(r: StoredReference, topology: Topology): ReferenceEvent {
  return {
    eventId: r.eventId,
    originNode: r.owner,
    originTier: topology.get(r.owner).tier as TierName,
    subject: r.subject,
    version: r.version,
    occurredAt: new Date(r.occurredAt),
    schemaVersion: 1,
    body: r.body,
  };
}
