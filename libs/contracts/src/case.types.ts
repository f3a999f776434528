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

/** The replicated case record: identical at every tier that holds the case. */
export interface CaseSnapshot {
  caseNo: string;
  communityCode: string;
  districtCode: string;
  cityCode: string;
  itemCode: string;
  channel: ChannelName;
  applicant: MaskedApplicant;
  formData: Record<string, unknown>;
  status: string;
  /** ISO-8601 instant with milliseconds, UTC. */
  filedAt: string;
  /** The only node that may change the case. */
  handlingNode: string;
}

export const CASE_FILED = 'case.filed';
export const CASE_ACCEPTED = 'case.accepted';

/** The event bodies the federation knows, discriminated by `type`. */
export type CaseEventBody =
  | { type: typeof CASE_FILED; record: CaseSnapshot }
  | { type: typeof CASE_ACCEPTED; acceptedAt: string; acceptedBy: string };

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
