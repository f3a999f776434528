import { CaseAction, CaseActionName, CaseLifecycle, CaseSnapshot, isOpen, TierName } from '@fed/contracts';

/** Who acts, where, when: the origin of the event an action becomes. */
export interface ActionContext {
  node: string;
  tier: TierName;
  /** ISO-8601 instant, UTC. */
  at: string;
  officer: string;
}

export type TransitionRefusal = 'not-handler' | 'forbidden';

/** An action the case does not allow now; `allowed` lists what it does allow (for the 409 answer). */
export class TransitionError extends Error {
  constructor(
    readonly refusal: TransitionRefusal,
    message: string,
    readonly allowed: CaseActionName[],
    readonly handlingNode: string,
  ) {
    super(message);
    this.name = 'TransitionError';
  }
}

const TIER_RANK: Record<TierName, number> = { community: 0, district: 1, city: 2 };

/** Actions that stop the clock, and the action that ends each stop. */
const PAUSES = {
  supplement: { status: 'supplement', end: 'receive-supplement' },
  'special-procedure': { status: 'special-procedure', end: 'end-special-procedure' },
  suspension: { status: 'suspended', end: 'resume' },
} as const;

/**
 * What the handling node may do with the case now, at its tier. Pure; the same rules decide at the
 * acting node (409 with this list) and at every replica (an event breaking them is set aside).
 */
export function allowedActions(c: CaseSnapshot, tier: TierName): CaseActionName[] {
  const answerable = (c.lifecycle.supervisions ?? []).some((s) => s.answeredAt === null);
  const allowed = lifecycleActions(c, tier);
  return answerable ? [...allowed, 'answer-supervision'] : allowed;
}

function lifecycleActions(c: CaseSnapshot, tier: TierName): CaseActionName[] {
  const l = c.lifecycle;
  switch (c.status) {
    case 'submitted':
      return ['accept', 'reject', 'withdraw'];
    case 'accepted': {
      const openStep = l.steps.some((s) => s.endedAt === null);
      const pauses: CaseActionName[] = ['request-supplement', 'start-special-procedure', 'suspend'];
      if (openStep) return ['end-step', ...pauses, 'withdraw'];
      const deciding = TIER_RANK[c.item.decidingTier];
      const finish: CaseActionName[] =
        TIER_RANK[tier] === deciding ? ['decide'] : TIER_RANK[tier] < deciding ? ['hand-up'] : [];
      return ['start-step', ...finish, ...pauses, 'withdraw'];
    }
    case 'supplement':
      return ['receive-supplement', 'withdraw'];
    case 'special-procedure':
      return ['end-special-procedure', 'withdraw'];
    case 'suspended':
      return ['resume', 'withdraw'];
    case 'decided':
      return ['deliver'];
    case 'delivered':
    case 'rejected':
      return l.rating ? [] : ['rate'];
    case 'withdrawn':
      return [];
  }
}

/**
 * The case after `action` by `ctx.node`. Only the handling node may act (single writer), and only
 * with an allowed action. @throws TransitionError
 */
export function applyAction(c: CaseSnapshot, action: CaseAction, ctx: ActionContext): CaseSnapshot {
  if (ctx.node !== c.handlingNode) {
    throw new TransitionError(
      'not-handler',
      `case ${c.caseNo} is handled by node ${c.handlingNode}; only it may change the case`,
      [],
      c.handlingNode,
    );
  }
  const allowed = allowedActions(c, ctx.tier);
  if (action.action === 'warn') {
    // The handling node's warning clock, not staff: it runs while the case is accepted and open.
    if (!isOpen(c.status)) {
      throw new TransitionError(
        'forbidden',
        `the warning clock runs only for open accepted cases; ${c.caseNo} is ${c.status}`,
        allowed,
        c.handlingNode,
      );
    }
    const warning = {
      level: action.level,
      legalBreached: action.legalBreached,
      promisedDeadline: action.promisedDeadline,
      legalDeadline: action.legalDeadline,
      workingDaysLeft: action.workingDaysLeft,
      calendarVersion: action.calendarVersion,
      at: ctx.at,
    };
    return { ...c, lifecycle: { ...c.lifecycle, warning } };
  }
  if (action.action === 'remeasure') {
    // The handling node measures a decision again once the official calendar replaces a provisional
    // one (or reaches a decision that could not be measured): only the timing changes.
    const was = c.lifecycle.timing;
    if (!c.lifecycle.decidedAt || !(was === null || was.provisional === true)) {
      throw new TransitionError(
        'forbidden',
        `only a decision not measured or measured on a provisional calendar is measured again; ${c.caseNo} is ${
          c.lifecycle.decidedAt ? 'measured exactly' : 'not decided'
        }`,
        allowed,
        c.handlingNode,
      );
    }
    return { ...c, lifecycle: { ...c.lifecycle, timing: action.timing } };
  }
  if (action.action === 'acknowledge-supervision') {
    // The system records a ticket the moment it reaches the handling node, whatever the case's state.
    const supervisions = c.lifecycle.supervisions ?? [];
    if (supervisions.some((s) => s.ticketId === action.ticketId)) {
      throw new TransitionError(
        'forbidden',
        `ticket ${action.ticketId} is already recorded`,
        allowed,
        c.handlingNode,
      );
    }
    const received = {
      ticketId: action.ticketId,
      issuer: action.issuer,
      reason: action.reason,
      dueDate: action.dueDate,
      receivedBy: ctx.node,
      receivedAt: ctx.at,
      answer: null,
      answeredAt: null,
    };
    return { ...c, lifecycle: { ...c.lifecycle, supervisions: [...supervisions, received] } };
  }
  if (!allowed.includes(action.action)) {
    throw new TransitionError(
      'forbidden',
      `${action.action} is not allowed for a case in status ${c.status}` +
        (allowed.length ? `; allowed: ${allowed.join(', ')}` : '; no action is allowed'),
      allowed,
      c.handlingNode,
    );
  }
  const l: CaseLifecycle = {
    ...c.lifecycle,
    pauses: [...c.lifecycle.pauses],
    steps: [...c.lifecycle.steps],
    handOffs: [...c.lifecycle.handOffs],
  };
  const next: CaseSnapshot = { ...c, lifecycle: l };
  const at = ctx.at;
  switch (action.action) {
    case 'accept':
      next.status = 'accepted';
      l.acceptedAt = at;
      l.acceptedBy = ctx.node;
      break;
    case 'reject':
      next.status = 'rejected';
      l.rejectedAt = at;
      l.rejectedReason = action.reason;
      break;
    case 'request-supplement':
      next.status = PAUSES.supplement.status;
      l.pauses.push({
        kind: 'supplement',
        from: at,
        to: null,
        reason: action.note || '补正告知',
        materials: action.materials,
      });
      break;
    case 'start-special-procedure':
      next.status = PAUSES['special-procedure'].status;
      l.pauses.push({
        kind: 'special-procedure',
        from: at,
        to: null,
        reason: action.reason,
        procedure: action.kind,
        limitDays: action.limitDays,
      });
      break;
    case 'suspend':
      next.status = PAUSES.suspension.status;
      l.pauses.push({ kind: 'suspension', from: at, to: null, reason: action.reason });
      break;
    case 'receive-supplement':
    case 'end-special-procedure':
    case 'resume':
      next.status = 'accepted';
      closePause(l, at);
      break;
    case 'start-step':
      l.steps.push({
        step: action.step,
        node: ctx.node,
        officer: ctx.officer,
        startedAt: at,
        endedAt: null,
        opinion: null,
      });
      break;
    case 'end-step': {
      const i = l.steps.findIndex((s) => s.endedAt === null);
      const open = l.steps[i];
      if (open.step !== action.step) {
        throw new TransitionError(
          'forbidden',
          `the open step of case ${c.caseNo} is ${open.step}, not ${action.step}`,
          allowed,
          c.handlingNode,
        );
      }
      l.steps[i] = { ...open, endedAt: at, opinion: action.opinion || null };
      break;
    }
    case 'decide':
      next.status = 'decided';
      l.decidedAt = at;
      l.decidedBy = ctx.node;
      l.outcome = action.outcome;
      l.result = action.result;
      l.timing = action.timing ?? null;
      // The result goes back to the node that accepted the case, which delivers it.
      next.handlingNode = l.acceptedBy ?? c.handlingNode;
      break;
    case 'deliver':
      next.status = 'delivered';
      l.deliveredAt = at;
      l.deliveryMethod = action.method;
      break;
    case 'withdraw':
      next.status = 'withdrawn';
      l.withdrawnAt = at;
      l.withdrawnReason = action.reason;
      closePause(l, at);
      l.steps = l.steps.map((s) => (s.endedAt === null ? { ...s, endedAt: at } : s));
      break;
    case 'rate':
      l.rating = { score: action.score, comment: action.comment, at };
      // A bad rating must be rectified (好差评 整改).
      if (action.score <= 2) l.rectification = 'open';
      break;
    case 'answer-supervision': {
      const supervisions = l.supervisions ?? [];
      const i = supervisions.findIndex((x) => x.ticketId === action.ticketId && x.answeredAt === null);
      if (i < 0) {
        throw new TransitionError(
          'forbidden',
          `case ${c.caseNo} has no unanswered supervision ticket ${action.ticketId}`,
          allowed,
          c.handlingNode,
        );
      }
      l.supervisions = supervisions.map((x, n) =>
        n === i ? { ...x, answer: action.answer, answeredAt: at } : x,
      );
      break;
    }
    case 'hand-up':
      if (action.toNode === ctx.node) {
        throw new TransitionError(
          'forbidden',
          'a case cannot be handed to its own node',
          allowed,
          c.handlingNode,
        );
      }
      l.handOffs.push({ from: ctx.node, to: action.toNode, at });
      next.handlingNode = action.toNode;
      break;
  }
  return next;
}

function closePause(l: CaseLifecycle, at: string): void {
  const i = l.pauses.findIndex((p) => p.to === null);
  if (i >= 0) l.pauses[i] = { ...l.pauses[i], to: at };
}
