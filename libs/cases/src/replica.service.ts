import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  CASE_FILED,
  CaseSnapshot,
  decodeEvent,
  FederationEvent,
  ReferenceEvent,
  SUPERVISION_ISSUED,
} from '@fed/contracts';
import {
  DEAD_LETTER_PAYLOAD_LIMIT,
  HEADERS,
  InboundBatch,
  InboundReference,
  MessagePosition,
  OutboxRelay,
  OutboxRepository,
  OutboxRow,
  Topics,
} from '@fed/federation';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { planApply } from './case.fold';
import { Admission } from './sync/admission';
import { ReferenceRepository } from './reference.repository';
import { SupervisionRepository } from './supervision/supervision.repository';
import { SupervisionService } from './supervision/supervision.service';
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
 * and relays what it applied through the outbox — up to the parent what came from below, down to the
 * child below which the case lives what came from above — all in one transaction per batch. Reference
 * data from above (catalog, calendar) is kept at its newest version and relayed to every child.
 */
@Injectable()
export class ReplicaService {
  private readonly logger = new Logger(ReplicaService.name);
  private readonly topics: Topics;
  private readonly admission: Admission;
  private applying: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly replica: ReplicaRepository,
    private readonly references: ReferenceRepository,
    private readonly supervision: SupervisionRepository,
    private readonly supervisionService: SupervisionService,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
    this.admission = new Admission(config.node, config.topology, config.namespace);
  }

  async applyBatch(batch: InboundBatch): Promise<void> {
    const letters: DeadLetterToStore[] = batch.rejects.map((r) => ({
      ...r.position,
      kind: r.eventId ? 'cannot-apply' : 'undecodable',
      eventId: r.eventId ?? null,
      reason: r.reason,
      payload: r.raw,
    }));
    const references: InboundReference[] = [];
    for (const inbound of batch.references) {
      const refusal = this.admission.referenceRefusal(inbound.event, inbound.position);
      if (refusal) letters.push(letter('not-allowed', inbound, refusal));
      else references.push(inbound);
    }
    const accepted: Candidate[] = [];
    for (const inbound of batch.events) {
      const refusal = this.admission.eventRefusal(inbound.event, inbound.position);
      if (refusal) letters.push(letter('not-allowed', inbound, refusal));
      else
        accepted.push({
          event: inbound.event,
          raw: inbound.raw,
          sender: inbound.position.sender,
          position: inbound.position,
        });
    }

    const outcome = await this.oneAtATime(() => this.applyInTransaction(accepted, references, letters));
    // A ticket may wait here for a case that has just been handed up to this node.
    const handedHere = outcome.plan.apply.some(
      (c) =>
        c.event.body.type === 'case.handed-up' &&
        c.event.body.action.action === 'hand-up' &&
        c.event.body.action.toNode === this.config.node.code,
    );
    if (outcome.newTickets.length > 0 || handedHere) void this.supervisionService.deliverPending();
    if (outcome.newer.length > outcome.newTickets.length) this.references.changed();
    for (const r of outcome.newer) {
      this.logger.log({
        msg: 'reference data updated',
        subject: r.subject,
        version: r.version,
        messageId: r.eventId,
        origin: r.originNode,
      });
    }

    this.afterCommit(outcome.plan.apply, outcome.inboundDuplicates, outcome.fresh);
    const newlyParked = outcome.plan.park.filter((c) => c.position).length;
    if (newlyParked > 0) this.metrics.eventsParked.inc(newlyParked);
    if (outcome.plan.apply.length > 0 || outcome.fresh.length > 0 || outcome.newer.length > 0)
      this.relay.wake();
  }

  /**
   * Runs applies one after another in this process (a culprit search beside the merged batches), so
   * that they queue here rather than each holding a pooled connection while it waits for the apply
   * lock, which remains for another process of this node.
   */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.applying.then(work, work);
    this.applying = turn.catch(() => undefined);
    return turn;
  }

  private applyInTransaction(
    accepted: Candidate[],
    references: InboundReference[],
    letters: DeadLetterToStore[],
  ) {
    return this.replica.transaction(async (m) => {
      // One applying transaction at a time across processes of this node (a rolling restart): two
      // could otherwise both insert a case not held yet, or one park a version the other cannot see
      // to unpark. (Within this process, `oneAtATime` already queues them.)
      await this.replica.lockApply(m);
      await this.refuseUnknownTerms(m, accepted, letters);
      const caseNos = [...new Set(accepted.map((c) => c.event.caseNo))];
      const current = await this.replica.lockCases(m, caseNos);
      const parked = this.unpark(await this.replica.takeParked(m, caseNos), letters);
      // Parked first: a copy of a parked event arriving again is then its duplicate, and a different
      // event claiming the same version is the one refused.
      const candidates = [...parked, ...accepted];
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
          index: -1,
          key: candidate.event.caseNo,
          sender: candidate.sender,
        };
        letters.push(letter('conflict', { ...candidate, position }, reason));
      }
      await this.replica.insertEvents(m, plan.apply);
      await this.replica.upsertCases(m, [...plan.results.values()]);
      await this.replica.park(m, plan.park);
      const fresh = await this.replica.insertDeadLetters(m, letters);
      const inboundDuplicates = plan.duplicates.filter((d) => d.position);
      await this.supervision.track(m, plan.apply);
      const tickets = references.filter((r) => r.event.body.type === SUPERVISION_ISSUED);
      const data = references.filter((r) => r.event.body.type !== SUPERVISION_ISSUED);
      const newer = await this.references.storeIfNewer(
        m,
        data.map((r) => ({ event: r.event, raw: r.raw })),
      );
      const newTickets = await this.storeTickets(m, tickets);
      const staleReferences = references.filter((r) => !newer.includes(r.event) && !newTickets.includes(r));
      await this.replica.recordProgress(
        m,
        this.progress(plan.apply, inboundDuplicates, newer, staleReferences),
      );
      await this.outbox.append(m, [
        ...this.relayRows(plan.apply),
        ...this.referenceRelayRows(data.filter((r) => newer.includes(r.event))),
        ...(await this.ticketRelayRows(m, newTickets)),
        ...this.deadLetterRows(fresh),
      ]);
      return {
        plan,
        fresh,
        inboundDuplicates,
        newer: [...newer, ...newTickets.map((t) => t.event)],
        newTickets,
      };
    });
  }

  /**
   * A district checks the item terms a new case carries against the catalog version it names: the
   * catalog reaches a community only through its district, so the district holds every version a
   * community can file under. (The city cannot check a district's own items; it relies on this.)
   * Refused filings are moved from `accepted` to `letters`.
   */
  private async refuseUnknownTerms(
    m: EntityManager,
    accepted: Candidate[],
    letters: DeadLetterToStore[],
  ): Promise<void> {
    const { node } = this.config;
    if (node.tier !== 'district') return;
    const filings = accepted.filter((c) => c.event.body.type === CASE_FILED && c.position);
    if (filings.length === 0) return;
    const owners = [node.parent ?? '', node.code];
    const wanted = filings.flatMap((c) => {
      const item = (c.event.body as { record: CaseSnapshot }).record.item;
      return owners.map((owner) => ({ subject: `catalog/${owner}/${item.code}`, version: item.version }));
    });
    const known = await this.references.versions(m, wanted);
    for (const c of filings) {
      const record = (c.event.body as { record: CaseSnapshot }).record;
      const published = owners
        .map((owner) => known.get(`catalog/${owner}/${record.item.code}@${record.item.version}`))
        .find((b) => b !== undefined);
      const refusal = Admission.termsRefusal(c.event.caseNo, record, published);
      if (!refusal) continue;
      accepted.splice(accepted.indexOf(c), 1);
      letters.push(letter('not-allowed', { ...c, position: c.position! }, refusal));
    }
  }

  /**
   * The parked events as candidates. One that no longer decodes (parked before an upgrade that reads
   * it differently) is set aside as a dead letter: left in the batch, it would fail every batch of
   * its case.
   */
  private unpark(rows: ParkedRow[], letters: DeadLetterToStore[]): Candidate[] {
    const candidates: Candidate[] = [];
    for (const p of rows) {
      try {
        candidates.push({ event: decodeEvent(p.envelope), raw: p.envelope, sender: p.sender });
      } catch (e) {
        letters.push({
          kind: 'undecodable',
          eventId: p.event_id,
          topic: 'parked',
          partition: -1,
          offset: p.event_id,
          index: -1,
          key: p.case_no,
          sender: p.sender,
          reason: `a parked event no longer decodes: ${(e as Error).message}`,
          payload: p.envelope,
        });
      }
    }
    return candidates;
  }

  private progress(
    applied: Candidate[],
    duplicates: Candidate[],
    referencesApplied: ReferenceEvent[] = [],
    referenceDuplicates: InboundReference[] = [],
  ): SourceProgress[] {
    const bySource = new Map<string, SourceProgress>();
    const now = Date.now();
    const entry = (e: FederationEvent | ReferenceEvent) => {
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
    for (const e of [...applied.map((c) => c.event), ...referencesApplied]) {
      const p = entry(e);
      p.applied++;
      if (!p.lastEventAt || e.occurredAt > p.lastEventAt) {
        p.lastEventAt = e.occurredAt;
        p.lastDelayMs = Math.max(0, now - e.occurredAt.getTime());
      }
    }
    for (const c of duplicates) entry(c.event).duplicates++;
    for (const r of referenceDuplicates) entry(r.event).duplicates++;
    return [...bySource.values()];
  }

  /**
   * Relays applied events unchanged: what came from a child goes up to the parent (the city has
   * none); what came from the parent goes down to the child under which the case lives (a community
   * keeps it). Nothing goes back where it came from.
   */
  private relayRows(applied: Candidate[]): OutboxRow[] {
    const { node } = this.config;
    const rows: OutboxRow[] = [];
    for (const c of applied) {
      const fromParent = c.sender !== null && c.sender === node.parent;
      const topic = fromParent
        ? this.downTopic(c.event.caseNo)
        : node.parent && this.topics.inbound(node.parent);
      if (!topic) continue;
      rows.push({
        topic,
        key: c.event.caseNo,
        value: c.raw,
        headers: { [HEADERS.sender]: node.code, [HEADERS.eventId]: c.event.eventId },
      });
    }
    return rows;
  }

  /** The down topic of the child of this node under which the case lives, or null at its community. */
  private downTopic(caseNo: string): string | null {
    return this.topics.downTowardCase(this.config.topology, this.config.node, caseNo);
  }

  private async storeTickets(m: EntityManager, tickets: InboundReference[]): Promise<InboundReference[]> {
    const stored = await this.supervision.store(
      m,
      tickets.flatMap((r) =>
        r.event.body.type === SUPERVISION_ISSUED
          ? [{ ticket: r.event.body.ticket, issuer: r.event.originNode, issuedAt: r.event.occurredAt }]
          : [],
      ),
    );
    const fresh = new Set(stored);
    return tickets.filter(
      (r) => r.event.body.type === SUPERVISION_ISSUED && fresh.delete(r.event.body.ticket.ticketId),
    );
  }

  /**
   * A ticket goes on down towards the case's community, unless this node handles the case (it is
   * delivered here, after the commit).
   */
  private async ticketRelayRows(m: EntityManager, tickets: InboundReference[]): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    for (const r of tickets) {
      if (r.event.body.type !== SUPERVISION_ISSUED) continue;
      const caseNo = r.event.body.ticket.caseNo;
      const handler = await this.replica.handlingNode(m, caseNo);
      if (handler === this.config.node.code) continue;
      const topic = this.downTopic(caseNo);
      if (!topic) {
        this.logger.warn({
          msg: 'a supervision ticket reached the community of a case handled above it; the supervisor must issue it again',
          caseNo,
          ticketId: r.event.body.ticket.ticketId,
          handlingNode: handler,
        });
        continue;
      }
      rows.push({
        topic,
        key: caseNo,
        value: r.raw,
        headers: { [HEADERS.sender]: this.config.node.code, [HEADERS.eventId]: r.event.eventId },
      });
    }
    return rows;
  }

  /** Newer reference data goes on down to every child. */
  private referenceRelayRows(references: InboundReference[]): OutboxRow[] {
    const { node } = this.config;
    return references.flatMap((r) =>
      node.children.map((child) => ({
        topic: this.topics.downward(child),
        key: r.event.subject,
        value: r.raw,
        headers: { [HEADERS.sender]: node.code, [HEADERS.eventId]: r.event.eventId },
      })),
    );
  }

  private deadLetterRows(letters: DeadLetterToStore[]): OutboxRow[] {
    const topic = this.topics.deadLetter(this.config.node.code);
    return letters.map((l) => {
      const payload = l.payload ?? Buffer.alloc(0);
      const whole = payload.length <= DEAD_LETTER_PAYLOAD_LIMIT;
      return {
        topic,
        key: l.key ?? '',
        value: whole ? payload : Buffer.alloc(0),
        headers: {
          [HEADERS.deadLetterReason]: l.reason,
          [HEADERS.deadLetterSource]: `${l.topic}/${l.partition}/${l.offset}#${l.index}`,
          ...(l.sender ? { [HEADERS.sender]: l.sender } : {}),
          ...(whole ? {} : { [HEADERS.deadLetterPayloadBytes]: String(payload.length) }),
        },
      };
    });
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
        index: l.index,
        sender: l.sender,
      });
    }
  }
}

/** The dead letter of a decoded event refused here, at its place on the broker (or in parking). */
function letter(
  kind: DeadLetterToStore['kind'],
  refused: { position: MessagePosition; event: { eventId: string }; raw: Buffer },
  reason: string,
): DeadLetterToStore {
  return { ...refused.position, kind, eventId: refused.event.eventId, reason, payload: refused.raw };
}
