import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { FederationServer } from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ReconcileService } from './reconcile/reconcile.service';
import { SyncRepository } from './sync.repository';

/** How fresh this node's copy of each source (below it and above it) is, and what is waiting. */
@Controller('api/v1/sync')
export class SyncController {
  constructor(
    private readonly sync: SyncRepository,
    private readonly server: FederationServer,
    private readonly metrics: Metrics,
    private readonly reconcile: ReconcileService,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  @Get('status')
  async status() {
    const { node, topology } = this.config;
    const [rows, backlogs] = await Promise.all([this.sync.sources(), this.sync.backlogs()]);
    this.metrics.outboxBacklog.set(backlogs.outbox);
    this.metrics.parkedBacklog.set(backlogs.parked);
    const byNode = new Map(rows.map((r) => [r.origin_node, r]));
    const now = Date.now();
    // Every node below this one, and those above it (catalog, calendar, decisions flow down), is
    // listed, so a silent source shows as such rather than missing.
    const sourceNodes = topology
      .all()
      .filter(
        (n) =>
          n.code !== node.code &&
          n.tier !== 'monitor' &&
          (topology.isWithin(n.code, node.code) || topology.isWithin(node.code, n.code)),
      );
    const sources = sourceNodes.map((n) => {
      const r = byNode.get(n.code);
      return {
        node: n.code,
        name: n.name,
        tier: n.tier,
        eventsApplied: Number(r?.events_applied ?? 0),
        duplicatesSkipped: Number(r?.duplicates_skipped ?? 0),
        lastEventAt: r?.last_event_at?.toISOString() ?? null,
        lastAppliedAt: r?.last_applied_at?.toISOString() ?? null,
        /** Delay between the newest event's occurrence at its origin and its application here. */
        lastApplyDelayMs: r?.last_delay_ms != null ? Number(r.last_delay_ms) : null,
        /** Time since the newest event applied from this source occurred. */
        sinceLastEventMs: r?.last_event_at ? now - r.last_event_at.getTime() : null,
      };
    });
    const lag = this.server.consumerLag();
    return {
      node: node.code,
      tier: node.tier,
      asOf: new Date(now).toISOString(),
      inbound: lag && {
        topics: lag.topics,
        consumerLag: lag.total,
        partitions: lag.partitions,
        measuredAt: lag.measuredAt.toISOString(),
      },
      sources,
      parkedEvents: backlogs.parked,
      deadLetters: backlogs.deadLetters,
      outboxBacklog: backlogs.outbox,
    };
  }

  /**
   * Anti-entropy with each child: the last check (agreed or diverged, the cases found different,
   * those still different after repair, those held here that the child does not have), cases
   * repaired and events sent again so far, and the Kafka clusters this node has worked with.
   */
  @Get('reconciliation')
  reconciliation() {
    return this.reconcile.status();
  }

  /** Checks with every child now, and asks the parent to check with this node; answers the check ids. */
  @Post('reconciliation')
  @HttpCode(202)
  reconcileNow() {
    return this.reconcile.runNow();
  }

  @Get('dead-letters')
  async deadLetters() {
    return { items: await this.sync.recentDeadLetters(100) };
  }
}
