import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ACTION_EVENT_TYPES,
  CaseAction,
  CaseSnapshot,
  CaseTiming,
  ContractError,
  decodeEvent,
  encodeEvent,
  FederationEvent,
  TierName,
} from '@fed/contracts';
import { HEADERS, OutboxRelay, OutboxRepository, OutboxRow, Topics } from '@fed/federation';
import { DomainError, Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { shanghaiDate } from '@fed/calendar';
import { measureTiming } from '@fed/efficiency';
import { CurrentCase } from './case.fold';
import { CalendarError } from './calendar/calendar.errors';
import { CalendarService } from './calendar/calendar.service';
import { CaseError } from './cases.errors';
import { caseView, CaseView } from './cases.repository';
import { applyAction, TransitionError } from './lifecycle';
import { ReplicaRepository } from './replica.repository';
import { SupervisionRepository } from './supervision/supervision.repository';
import { Clock } from './warning/clock';

/** What an action produced: the case as it now stands and the events it became. */
export interface ActionOutcome {
  case: CaseView;
  events: { version: number; eventId: string; type: string }[];
}

/** Result text of an instant case (即办件), decided when it is accepted. */
export const INSTANT_DECISION = '即办件：受理即办结';

/**
 * Lifecycle actions at the node handling a case (single writer). Each action is an event with the
 * next per-case version, stored with the new state of the case and sent up to the parent and down
 * towards the case's community through the outbox, in one transaction.
 */
@Injectable()
export class ActionsService {
  private readonly logger = new Logger(ActionsService.name);
  private readonly topics: Topics;

  constructor(
    private readonly replica: ReplicaRepository,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly metrics: Metrics,
    private readonly calendar: CalendarService,
    private readonly supervision: SupervisionRepository,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {
    this.topics = new Topics(config.namespace);
  }

  async act(caseNo: string, requested: CaseAction, officer: string): Promise<ActionOutcome> {
    const tier = this.config.node.tier as TierName;
    const action = this.resolve(caseNo, requested);
    const outcome = await this.transact(caseNo, officer, (current) => {
      const steps: CaseAction[] = [action];
      // An instant case (即办件) is decided the moment it is accepted, where it may be decided.
      if (
        action.action === 'accept' &&
        current.snapshot.item.promisedDays === 0 &&
        current.snapshot.item.decidingTier === tier
      ) {
        steps.push({ action: 'decide', outcome: 'approved', result: INSTANT_DECISION });
      }
      return steps;
    });
    if (!outcome) throw CaseError.notFound(caseNo);
    return this.answer(outcome);
  }

  /**
   * A system step of the warning clock (`warn`, `remeasure`): under the case's lock, `decide` looks at
   * the case as it stands and returns the action to record, or null when nothing changed. Returns
   * whether it recorded one.
   */
  async system(caseNo: string, decide: (current: CurrentCase) => CaseAction | null): Promise<boolean> {
    const outcome = await this.transact(caseNo, '', (current) => {
      if (current.snapshot.handlingNode !== this.config.node.code) return [];
      const action = decide(current);
      return action ? [action] : [];
    });
    return (outcome?.events.length ?? 0) > 0;
  }

  /** Records a supervision ticket's arrival at this, the handling node, once. */
  async acknowledge(
    caseNo: string,
    action: Extract<CaseAction, { action: 'acknowledge-supervision' }>,
  ): Promise<void> {
    await this.transact(caseNo, '', (current) => {
      const c = current.snapshot;
      if (c.handlingNode !== this.config.node.code) return [];
      if ((c.lifecycle.supervisions ?? []).some((s) => s.ticketId === action.ticketId)) return [];
      return [action];
    });
  }

  /** Locks the case, applies the actions `plan` returns as events, stores and sends them: one transaction. */
  private async transact(
    caseNo: string,
    officer: string,
    plan: (current: CurrentCase) => CaseAction[],
  ): Promise<{ state: CurrentCase; events: { event: FederationEvent; raw: Buffer }[] } | null> {
    const { node } = this.config;
    const tier = node.tier as TierName;
    const outcome = await this.replica.transaction(async (m) => {
      const current = (await this.replica.lockCases(m, [caseNo])).get(caseNo);
      if (!current) return null;
      const at = this.clock.now();
      const steps = plan(current);
      if (steps.length === 0) return { state: current, events: [] };
      let state: CurrentCase = current;
      const events: { event: FederationEvent; raw: Buffer }[] = [];
      for (let step of steps) {
        if (step.action === 'decide') step = { ...step, timing: await this.timing(state.snapshot, at) };
        const snapshot = this.apply(state, step, { node: node.code, tier, at: at.toISOString(), officer });
        const event: FederationEvent = {
          eventId: randomUUID(),
          originNode: node.code,
          originTier: tier,
          caseNo,
          caseVersion: state.version + 1,
          occurredAt: at,
          schemaVersion: 1,
          body: { type: ACTION_EVENT_TYPES[step.action], officer, action: step },
        };
        events.push({ event, raw: this.encodeChecked(event) });
        state = { version: event.caseVersion, snapshot };
      }
      await this.replica.insertEvents(m, events);
      await this.replica.upsertCases(m, [state]);
      await this.supervision.track(m, events);
      await this.outbox.append(
        m,
        events.flatMap((e) => this.outboxRows(e.event, e.raw)),
      );
      return { state, events };
    });
    if (!outcome || outcome.events.length === 0) return outcome;
    this.relay.wake();
    for (const { event } of outcome.events) {
      this.metrics.caseActions.inc({ action: event.body.type });
      this.logger.log({
        msg: 'case action',
        caseNo,
        messageId: event.eventId,
        version: event.caseVersion,
        type: event.body.type,
        officer: officer || undefined,
      });
    }
    return outcome;
  }

  private answer(outcome: { state: CurrentCase; events: { event: FederationEvent }[] }): ActionOutcome {
    return {
      case: caseView(outcome.state.snapshot, outcome.state.version),
      events: outcome.events.map(({ event }) => ({
        version: event.caseVersion,
        eventId: event.eventId,
        type: event.body.type,
      })),
    };
  }

  /**
   * The decider measures the case once, with its calendar, for every tier to count alike; when its
   * calendar does not reach the dates, the case is decided all the same and counted as unmeasured.
   */
  private async timing(c: CaseSnapshot, at: Date): Promise<CaseTiming | undefined> {
    try {
      const { result } = await this.calendar.answer((calendar) =>
        measureTiming(c, calendar, shanghaiDate(at)),
      );
      return result ?? undefined;
    } catch (e) {
      if (e instanceof CalendarError) {
        this.logger.warn({
          msg: 'decision not measured: no working-day calendar for it',
          caseNo: c.caseNo,
          err: e.message,
        });
        return undefined;
      }
      throw e;
    }
  }

  /**
   * Encodes an event and reads it back as every receiver will: an event the tiers above would
   * refuse is never written here (it would set the case apart from its replicas for good).
   */
  private encodeChecked(event: FederationEvent): Buffer {
    const raw = Buffer.from(encodeEvent(event));
    try {
      decodeEvent(raw);
    } catch (e) {
      if (e instanceof ContractError) {
        throw new DomainError(
          'unprocessable',
          'CASE_EVENT_INVALID',
          `the event would be refused: ${e.message}`,
          {
            caseNo: event.caseNo,
          },
        );
      }
      throw e;
    }
    return raw;
  }

  /** Fills in what the node decides itself: a case is handed up only to this node's parent. */
  private resolve(caseNo: string, action: CaseAction): CaseAction {
    if (action.action !== 'hand-up') return action;
    const parent = this.config.node.parent;
    if (!parent)
      throw CaseError.invalidHandOff(caseNo, `node ${this.config.node.code} has no parent to hand up to`);
    if (action.toNode && action.toNode !== parent) {
      throw CaseError.invalidHandOff(caseNo, `a case can be handed up only to the parent node ${parent}`);
    }
    return { ...action, toNode: parent };
  }

  private apply(state: CurrentCase, action: CaseAction, ctx: Parameters<typeof applyAction>[2]) {
    try {
      return applyAction(state.snapshot, action, ctx);
    } catch (e) {
      if (!(e instanceof TransitionError)) throw e;
      const c = state.snapshot;
      if (e.refusal === 'not-handler') throw CaseError.notHandler(c.caseNo, e.message, e.handlingNode);
      throw CaseError.notAllowed(c.caseNo, e.message, c.status, e.allowed);
    }
  }

  /** Up to the parent (every tier above holds the case) and down towards the case's community. */
  private outboxRows(event: FederationEvent, raw: Buffer): OutboxRow[] {
    const { node, topology } = this.config;
    const headers = { [HEADERS.sender]: node.code, [HEADERS.eventId]: event.eventId };
    const rows: OutboxRow[] = [];
    if (node.parent)
      rows.push({ topic: this.topics.inbound(node.parent), key: event.caseNo, value: raw, headers });
    const down = this.topics.downTowardCase(topology, node, event.caseNo);
    if (down) rows.push({ topic: down, key: event.caseNo, value: raw, headers });
    return rows;
  }
}
