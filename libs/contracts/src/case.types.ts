/** How a case reached the center. */
export const CHANNELS = ['window', 'online', 'wechat', 'qr'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const TIERS = ['community', 'district', 'city'] as const;
/** A tier that owns and exchanges cases (the monitor is not one). */
export type TierName = (typeof TIERS)[number];

/** Applicant data as it travels above the filing community: masked (DESIGN §5). */
export interface MaskedApplicant {
  name: string;
  idNumber: string;
  phone: string;
}

/** The terms of the service item a case runs under, fixed when it was filed. */
export interface ItemTerms {
  code: string;
  version: number;
  name: string;
  department: string;
  decidingTier: TierName;
  /** 承诺时限, working days; 0 for an instant case (即办件). */
  promisedDays: number;
  /** 法定时限, working days. */
  legalDays: number;
}

export const CASE_STATUSES = [
  'submitted',
  'accepted',
  'supplement',
  'special-procedure',
  'suspended',
  'decided',
  'delivered',
  'rejected',
  'withdrawn',
] as const;
/** 收件, 受理 (in progress), 补正, 特别程序, 挂起, 办结, 送达, 不予受理, 撤回. */
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Accepted and not finished: the promised-limit clock matters (it may be stopped). */
export const OPEN_STATUSES = [
  'accepted',
  'supplement',
  'special-procedure',
  'suspended',
] as const satisfies readonly CaseStatus[];

export function isOpen(status: CaseStatus): boolean {
  return (OPEN_STATUSES as readonly CaseStatus[]).includes(status);
}

export const SPECIAL_PROCEDURE_KINDS = ['hearing', 'expert-review', 'testing', 'extension'] as const;
export type SpecialProcedureKind = (typeof SPECIAL_PROCEDURE_KINDS)[number];
/** 承办, 审核, 批准. */
export const STEPS = ['undertake', 'review', 'approve'] as const;
export type StepName = (typeof STEPS)[number];
export const OUTCOMES = ['approved', 'not-approved'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const DELIVERY_METHODS = ['window', 'mail', 'electronic', 'sms'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export const WARNING_LEVELS = ['green', 'yellow', 'red'] as const;
/** 预警: green on track, yellow deadline near, red past the promised deadline. */
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** The warning clock's view of a case, as its last case.warning-changed event set it. */
export interface CaseWarning {
  level: WarningLevel;
  legalBreached: boolean;
  promisedDeadline: string;
  legalDeadline: string;
  workingDaysLeft: number;
  calendarVersion: number;
  /** When the state was last changed (ISO-8601 instant). */
  at: string;
}

export const COMPLETIONS = ['ahead', 'on-time', 'overdue'] as const;
/** 提前办结, 按时办结, 超期办结. */
export type Completion = (typeof COMPLETIONS)[number];

/** How long a case took against its limits, measured once by the deciding node. */
export interface CaseTiming {
  promisedDeadline: string;
  legalDeadline: string;
  decidedOn: string;
  /** Working days from the acceptance day (not counted) to the decision day, net of pauses. */
  workingDaysUsed: number;
  completion: Completion;
  calendarVersion: number;
  /** Measured on a provisional calendar (a year without an official notice): absent when exact. */
  provisional?: true;
}

/** What a lifecycle action carries, by action name (the path segment of POST .../actions/:action). */
export type CaseAction =
  | { action: 'accept' }
  | { action: 'reject'; reason: string }
  | { action: 'request-supplement'; materials: string[]; note: string }
  | { action: 'receive-supplement'; note: string }
  | { action: 'start-special-procedure'; kind: SpecialProcedureKind; reason: string; limitDays: number }
  | { action: 'end-special-procedure'; note: string }
  | { action: 'suspend'; reason: string }
  | { action: 'resume'; note: string }
  | { action: 'start-step'; step: StepName }
  | { action: 'end-step'; step: StepName; opinion: string }
  | { action: 'decide'; outcome: Outcome; result: string; timing?: CaseTiming }
  | { action: 'deliver'; method: DeliveryMethod }
  | { action: 'withdraw'; reason: string }
  | { action: 'rate'; score: number; comment: string }
  | { action: 'hand-up'; toNode: string; note: string }
  | ({ action: 'warn' } & Omit<CaseWarning, 'at'>)
  | { action: 'acknowledge-supervision'; ticketId: string; issuer: string; reason: string; dueDate: string }
  | { action: 'answer-supervision'; ticketId: string; answer: string }
  | { action: 'remeasure'; timing: CaseTiming };
export type CaseActionName = CaseAction['action'];

/** The event type each action produces. */
export const ACTION_EVENT_TYPES = {
  accept: 'case.accepted',
  reject: 'case.rejected',
  'request-supplement': 'case.supplement-requested',
  'receive-supplement': 'case.supplement-received',
  'start-special-procedure': 'case.special-procedure-started',
  'end-special-procedure': 'case.special-procedure-ended',
  suspend: 'case.suspended',
  resume: 'case.resumed',
  'start-step': 'case.step-started',
  'end-step': 'case.step-ended',
  decide: 'case.decided',
  deliver: 'case.delivered',
  withdraw: 'case.withdrawn',
  rate: 'case.rated',
  'hand-up': 'case.handed-up',
  warn: 'case.warning-changed',
  'acknowledge-supervision': 'case.supervision-received',
  'answer-supervision': 'case.supervision-answered',
  remeasure: 'case.timing-corrected',
} as const satisfies Record<CaseActionName, string>;
/** Actions the system takes itself: the warning clock, the delivery of a supervision ticket. */
export const SYSTEM_ACTIONS = ['warn', 'acknowledge-supervision', 'remeasure'] as const;
/** Actions staff take (POST .../actions/:action). */
export type StaffActionName = Exclude<CaseActionName, (typeof SYSTEM_ACTIONS)[number]>;
export const CASE_ACTIONS = (Object.keys(ACTION_EVENT_TYPES) as CaseActionName[]).filter(
  (a): a is StaffActionName => !(SYSTEM_ACTIONS as readonly string[]).includes(a),
);
export type LifecycleEventType = (typeof ACTION_EVENT_TYPES)[CaseActionName];

/** A clock stop: 补正, 特别程序 or 挂起, with when it began and (once over) ended. */
export interface CasePause {
  kind: 'supplement' | 'special-procedure' | 'suspension';
  /** ISO-8601 instants, UTC. */
  from: string;
  to: string | null;
  reason: string;
  materials?: string[];
  procedure?: SpecialProcedureKind;
  limitDays?: number;
}

export interface CaseStep {
  step: StepName;
  node: string;
  officer: string;
  startedAt: string;
  endedAt: string | null;
  opinion: string | null;
}

/** Everything that happened to a case since filing, folded from its events; identical at every tier. */
export interface CaseLifecycle {
  acceptedAt: string | null;
  acceptedBy: string | null;
  rejectedAt: string | null;
  rejectedReason: string | null;
  pauses: CasePause[];
  steps: CaseStep[];
  handOffs: { from: string; to: string; at: string }[];
  decidedAt: string | null;
  decidedBy: string | null;
  outcome: Outcome | null;
  result: string | null;
  /** Measured at the decision (null when the decider's calendar did not reach that far). */
  timing: CaseTiming | null;
  deliveredAt: string | null;
  deliveryMethod: DeliveryMethod | null;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
  rating: { score: number; comment: string; at: string } | null;
  /** A rating of 1–2 opens a rectification (整改). */
  rectification: 'open' | null;
  /** Set by the warning clock of the handling node once the case is accepted. */
  warning: CaseWarning | null;
  /** Supervision tickets (督办) delivered to the handling node, and their answers. */
  supervisions: CaseSupervision[];
}

export interface CaseSupervision {
  ticketId: string;
  issuer: string;
  reason: string;
  dueDate: string;
  receivedBy: string;
  receivedAt: string;
  answer: string | null;
  answeredAt: string | null;
}

/** The replicated case record: identical at every tier that holds the case. */
export interface CaseSnapshot {
  caseNo: string;
  communityCode: string;
  districtCode: string;
  cityCode: string;
  itemCode: string;
  item: ItemTerms;
  channel: ChannelName;
  applicant: MaskedApplicant;
  formData: Record<string, unknown>;
  status: CaseStatus;
  /** ISO-8601 instant with milliseconds, UTC. */
  filedAt: string;
  /** The only node that may change the case. */
  handlingNode: string;
  /** SHA-256 hex of `<caseNo>:<query code>`. */
  queryCodeHash: string;
  lifecycle: CaseLifecycle;
}

export const CASE_FILED = 'case.filed';

/** The event bodies the federation knows, discriminated by `type`. */
export type CaseEventBody =
  | { type: typeof CASE_FILED; record: CaseSnapshot }
  | { type: LifecycleEventType; officer: string; action: CaseAction };

export type CaseEventType = CaseEventBody['type'];

/** One case event with its envelope fields, decoded and validated. */
export interface FederationEvent {
  eventId: string;
  originNode: string;
  originTier: TierName;
  caseNo: string;
  caseVersion: number;
  occurredAt: Date;
  schemaVersion: number;
  body: CaseEventBody;
}

/** A lifecycle that has not started: what a case.filed record carries. */
export function emptyLifecycle(): CaseLifecycle {
  return {
    acceptedAt: null,
    acceptedBy: null,
    rejectedAt: null,
    rejectedReason: null,
    pauses: [],
    steps: [],
    handOffs: [],
    decidedAt: null,
    decidedBy: null,
    outcome: null,
    result: null,
    timing: null,
    deliveredAt: null,
    deliveryMethod: null,
    withdrawnAt: null,
    withdrawnReason: null,
    rating: null,
    rectification: null,
    warning: null,
    supervisions: [],
  };
}
