import { Inject, Injectable, Logger } from '@nestjs/common';
import { CASE_FILED, decodeEvent, FederationEvent } from '@fed/contracts';
import {
  HEADERS,
  InboundBatch,
  InboundEvent,
  MessagePosition,
  OutboxRelay,
  OutboxRepository,
  OutboxRow,
  Topics,
} from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { planApply } from './case.fold';
import { DeadLetterToStore, ParkedRow, ReplicaRepository, SourceProgress } from './replica.repository';

interface Candidate {
  event: FederationEvent;
  raw: Buffer;
  sender: string | null;
  /** Set for messages of this batch; unset for events taken back from the parking table. */
  position?: MessagePosition;
}

/**
 * Applies inbound events to this node's replica: exactly once in effect, in per-case version order,
 * and relays what it applied to the parent node through the outbox, all in one transaction per batch.
 */
@Injectable()
export class ReplicaService {
  private readonly logger = new Logger(ReplicaService.name);
  private readonly topics: Topics;

  constructor(
    private readonly replica: ReplicaRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
  }

  async applyBatch(batch: InboundBatch): Promise<void> {
    const letters: DeadLetterToStore[] = batch.rejects.map((r) => ({
      ...r.position,
      kind: 'undecodable',
      reason: r.reason,
      payload: r.raw,
    }));
    const accepted: Candidate[] = [];
    for (const inbound of batch.events) {
      const refusal = this.refusal(inbound);
      if (refusal)
        letters.push({ ...inbound.position, kind: 'not-allowed', reason: refusal, payload: inbound.raw });
      else
        accepted.push({
          event: inbound.event,
          raw: inbound.raw,
          sender: inbound.position.sender,
          position: inbound.position,
        });
    }

    const outcome = await this.replica.transaction(async (m) => {
      const caseNos = [...new Set(accepted.map((c) => c.event.caseNo))];
      const current = await this.replica.lockCases(m, caseNos);
      const parked = (await this.replica.takeParked(m, caseNos)).map((p) => this.unpark(p));
      const candidates = [...accepted, ...parked];
      const lowVersions = candidates
        .filter((c) => c.event.caseVersion <= (current.get(c.event.caseNo)?.version ?? 0))
        .map((c) => ({ caseNo: c.event.caseNo, version: c.event.caseVersion }));
      const plan = planApply(current, candidates, await this.replica.appliedEventIds(m, lowVersions));

      for (const { candidate, reason } of plan.rejects) {
        // A parked event that turns out unusable still has to be set aside; it has no broker position.
        const position = candidate.position ?? {
          topic: 'parked',
          partition: -1,
          offset: candidate.event.eventId,
          key: candidate.event.caseNo,
          sender: candidate.sender,
        };
        letters.push({ ...position, kind: 'conflict', reason, payload: candidate.raw });
      }
      await this.replica.insertEvents(m, plan.apply);
      await this.replica.upsertCases(m, [...plan.results.values()]);
      await this.replica.park(m, plan.park);
      const fresh = await this.replica.insertDeadLetters(m, letters);
      const inboundDuplicates = plan.duplicates.filter((d) => d.position);
      await this.replica.recordProgress(m, this.progress(plan.apply, inboundDuplicates));
      await this.outbox.append(m, [...this.relayRows(plan.apply), ...this.deadLetterRows(fresh)]);
      return { plan, fresh, inboundDuplicates };
    });

    this.afterCommit(outcome.plan.apply, outcome.inboundDuplicates, outcome.fresh);
    const newlyParked = outcome.plan.park.filter((c) => c.position).length;
    if (newlyParked > 0) this.metrics.eventsParked.inc(newlyParked);
    if (outcome.plan.apply.length > 0 || outcome.fresh.length > 0) this.relay.wake();
  }

  /** Why this node refuses an event outright, or null: only its own subtree may write to it. */
  private refusal({ event, position }: InboundEvent): string | null {
    const self = this.config.node.code;
    const { topology } = this.config;
    if (!position.sender || !topology.has(position.sender) || topology.get(position.sender).parent !== self) {
      return `sender ${position.sender ?? '(none)'} is not a child of ${self}`;
    }
    if (
      event.originNode === self ||
      !topology.has(event.originNode) ||
      !topology.isWithin(event.originNode, position.sender)
    ) {
      return `origin ${event.originNode} is not within sender ${position.sender}`;
    }
    const community = event.caseNo.slice(0, 12);
    if (!topology.has(community) || !topology.isWithin(community, position.sender)) {
      return `case ${event.caseNo} does not belong to a community under ${position.sender}`;
    }
    if (event.body.type === CASE_FILED) {
      const r = event.body.record;
      const district = topology.get(community).parent;
      if (
        r.communityCode !== community ||
        r.districtCode !== district ||
        r.cityCode !== topology.get(district ?? '').parent
      ) {
        return `case ${event.caseNo} names community/district/city codes that do not match the topology`;
      }
      if (event.originNode !== community) return `case ${event.caseNo} was not filed by its own community`;
    }
    return null;
  }

  private unpark(p: ParkedRow): Candidate {
    return { event: decodeEvent(p.envelope), raw: p.envelope, sender: p.sender };
  }

  private progress(applied: Candidate[], duplicates: Candidate[]): SourceProgress[] {
    const bySource = new Map<string, SourceProgress>();
    const now = Date.now();
    const entry = (e: FederationEvent) => {
      let p = bySource.get(e.originNode);
      if (!p) {
        p = {
          originNode: e.originNode,
          originTier: e.originTier,
          applied: 0,
          duplicates: 0,
          lastEventAt: null,
          lastDelayMs: null,
        };
        bySource.set(e.originNode, p);
      }
      return p;
    };
    for (const c of applied) {
      const p = entry(c.event);
      p.applied++;
      if (!p.lastEventAt || c.event.occurredAt > p.lastEventAt) {
        p.lastEventAt = c.event.occurredAt;
        p.lastDelayMs = Math.max(0, now - c.event.occurredAt.getTime());
      }
    }
    for (const c of duplicates) entry(c.event).duplicates++;
    return [...bySource.values()];
  }

  /** Relays applied events unchanged to the parent node; the city has none. */
  private relayRows(applied: Candidate[]): OutboxRow[] {
    const parent = this.config.node.parent;
    if (!parent) return [];
    const topic = this.topics.inbound(parent);
    return applied.map((c) => ({
      topic,
      key: c.event.caseNo,
      value: c.raw,
      headers: { [HEADERS.sender]: this.config.node.code, [HEADERS.eventId]: c.event.eventId },
    }));
  }

  private deadLetterRows(letters: DeadLetterToStore[]): OutboxRow[] {
    const topic = this.topics.deadLetter(this.config.node.code);
    return letters.map((l) => ({
      topic,
      key: l.key ?? '',
      value: l.payload ?? Buffer.alloc(0),
      headers: {
        [HEADERS.deadLetterReason]: l.reason,
        [HEADERS.deadLetterSource]: `${l.topic}/${l.partition}/${l.offset}`,
        ...(l.sender ? { [HEADERS.sender]: l.sender } : {}),
      },
    }));
  }

  private afterCommit(applied: Candidate[], duplicates: Candidate[], letters: DeadLetterToStore[]): void {
    const now = Date.now();
    for (const c of applied) {
      this.metrics.eventsApplied.inc({ origin: c.event.originNode });
      this.metrics.eventDelaySeconds.observe(
        { origin_tier: c.event.originTier },
        (now - c.event.occurredAt.getTime()) / 1000,
      );
    }
    for (const c of duplicates) {
      this.metrics.duplicatesSkipped.inc({ origin: c.event.originNode });
      this.logger.debug({
        msg: 'duplicate skipped',
        caseNo: c.event.caseNo,
        messageId: c.event.eventId,
        version: c.event.caseVersion,
      });
    }
    for (const l of letters) {
      this.metrics.deadLettered.inc({ reason: l.kind });
      this.logger.warn({
        msg: 'message dead-lettered',
        reason: l.reason,
        caseNo: l.key,
        topic: l.topic,
        partition: l.partition,
        offset: l.offset,
        sender: l.sender,
      });
    }
  }
}
