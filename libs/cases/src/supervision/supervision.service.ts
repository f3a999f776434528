import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  encodeReference,
  isOpen,
  ReferenceEvent,
  SUPERVISION_ISSUED,
  subjectOf,
  TierName,
} from '@fed/contracts';
import { HEADERS, OutboxRelay, OutboxRepository, Topics } from '@fed/federation';
import { DomainError, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ActionsService } from '../actions.service';
import { CaseError } from '../cases.errors';
import { CasesRepository } from '../cases.repository';
import { ReplicaRepository } from '../replica.repository';
import { SupervisionRepository, TicketRow } from './supervision.repository';
import { Clock } from '../warning/clock';

/**
 * Supervision tickets (督办): a district or city supervisor issues one on a case of its scope; it
 * travels down to the node handling the case, which records its arrival as a case event (so every
 * tier sees it delivered) and answers it with another; the supervisor's node follows both.
 */
@Injectable()
export class SupervisionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SupervisionService.name);
  private readonly topics: Topics;
  private delivering?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly tickets: SupervisionRepository,
    private readonly cases: CasesRepository,
    private readonly replica: ReplicaRepository,
    private readonly actions: ActionsService,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
  }

  /**
   * Tickets stored before a crash, or waiting for a case handed up while they travelled, are
   * delivered on start and then with every tick of the warning clock's interval.
   */
  onApplicationBootstrap(): void {
    void this.deliverPending();
    this.timer = setInterval(() => void this.deliverPending(), this.config.warning.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.delivering;
  }

  async issue(input: {
    caseNo: string;
    reason: string;
    dueDate?: string;
    officer?: string;
  }): Promise<TicketRow> {
    const { node, topology } = this.config;
    if (node.tier === 'community') {
      throw new DomainError(
        'forbidden',
        'SUPERVISION_NOT_HERE',
        'supervision tickets are issued by a district or the city',
      );
    }
    const found = await this.cases.findByCaseNo(input.caseNo);
    if (!found) throw CaseError.notFound(input.caseNo);
    if (!isOpen(found.status)) {
      throw new DomainError(
        'conflict',
        'SUPERVISION_CASE_CLOSED',
        `case ${input.caseNo} is ${found.status}: nothing left to supervise`,
        {
          caseNo: input.caseNo,
          status: found.status,
        },
      );
    }
    if (!topology.has(found.handlingNode) || !topology.isWithin(found.handlingNode, node.code)) {
      throw new DomainError(
        'conflict',
        'SUPERVISION_HANDLED_ABOVE',
        `case ${input.caseNo} is handled by ${found.handlingNode}, above this node`,
        { caseNo: input.caseNo, handlingNode: found.handlingNode },
      );
    }
    const ticket = {
      ticketId: randomUUID(),
      caseNo: input.caseNo,
      reason: input.reason,
      dueDate: input.dueDate ?? '',
      officer: input.officer ?? '',
    };
    const event: ReferenceEvent = {
      eventId: randomUUID(),
      originNode: node.code,
      originTier: node.tier as TierName,
      subject: '',
      version: 1,
      occurredAt: this.clock.now(),
      schemaVersion: 1,
      body: { type: SUPERVISION_ISSUED, ticket },
    };
    event.subject = subjectOf(node.code, event.body);
    await this.replica.transaction(async (m) => {
      await this.tickets.store(m, [{ ticket, issuer: node.code, issuedAt: event.occurredAt }]);
      const topic = this.topics.downTowardCase(topology, node, input.caseNo);
      if (found.handlingNode !== node.code && topic) {
        await this.outbox.append(m, [
          {
            topic,
            key: input.caseNo,
            value: Buffer.from(encodeReference(event)),
            headers: { [HEADERS.sender]: node.code, [HEADERS.eventId]: event.eventId },
          },
        ]);
      }
    });
    this.relay.wake();
    this.logger.log({
      msg: 'supervision ticket issued',
      caseNo: input.caseNo,
      ticketId: ticket.ticketId,
      messageId: event.eventId,
    });
    if (found.handlingNode === node.code) await this.deliverPending();
    return (await this.tickets.get(ticket.ticketId))!;
  }

  /**
   * Records the arrival of every ticket held here for a case this node handles (idempotent). A call
   * made while a delivery runs makes it run once more, so a ticket stored meanwhile is not missed.
   */
  deliverPending(): Promise<void> {
    if (this.delivering) {
      this.again = true;
      return this.delivering;
    }
    this.delivering = (async () => {
      do {
        this.again = false;
        await this.deliver();
      } while (this.again);
    })().finally(() => (this.delivering = undefined));
    return this.delivering;
  }

  private async deliver(): Promise<void> {
    let pending: TicketRow[];
    try {
      pending = await this.tickets.undeliveredHandledBy(this.config.node.code);
    } catch (e) {
      this.logger.warn({
        msg: 'supervision tickets not read; the next tick retries',
        err: (e as Error).message,
      });
      return;
    }
    for (const t of pending) {
      try {
        await this.actions.acknowledge(t.caseNo, {
          action: 'acknowledge-supervision',
          ticketId: t.ticketId,
          issuer: t.issuer,
          reason: t.reason,
          dueDate: t.dueDate ?? '',
        });
      } catch (e) {
        this.logger.warn({
          msg: 'supervision ticket not delivered; the next tick retries',
          caseNo: t.caseNo,
          ticketId: t.ticketId,
          err: (e as Error).message,
        });
      }
    }
  }

  list(filter: { status?: string; caseNo?: string }, limit: number) {
    return this.tickets.list(filter, limit);
  }
}
