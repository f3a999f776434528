import { TierName } from './case.types';

/** A service item of the catalog, as its owner (the city, or a district for its own items) publishes it. */
export interface CatalogItem {
  code: string;
  version: number;
  name: string;
  department: string;
  decidingTier: TierName;
  promisedDays: number;
  legalDays: number;
  materials: string[];
  guide: string;
  /** Fee in fen (分); 0 is free. */
  feeFen: number;
  status: 'active' | 'withdrawn';
}

export interface CalendarHoliday {
  name: string;
  from: string;
  to: string;
}

/** The official working-day arrangement as the city publishes it (version = the event's version). */
export interface PublishedCalendar {
  years: number[];
  holidays: CalendarHoliday[];
  makeupWorkdays: { date: string; for: string }[];
  notices: Record<string, string>;
}

export interface PublishedOverride {
  date: string;
  kind: 'day-off' | 'working-day';
  reason: string;
}

/** A supervisor's ticket (督办) as it travels towards the node handling the case. */
export interface SupervisionTicket {
  ticketId: string;
  caseNo: string;
  reason: string;
  /** YYYY-MM-DD or ''. */
  dueDate: string;
  officer: string;
}

export const SUPERVISION_ISSUED = 'supervision.issued';
export const CATALOG_ITEM_PUBLISHED = 'catalog.item-published';
export const CALENDAR_PUBLISHED = 'calendar.published';
export const CALENDAR_OVERRIDES_PUBLISHED = 'calendar.overrides-published';

export type ReferenceBody =
  | { type: typeof CATALOG_ITEM_PUBLISHED; item: CatalogItem }
  | { type: typeof CALENDAR_PUBLISHED; calendar: PublishedCalendar }
  | { type: typeof CALENDAR_OVERRIDES_PUBLISHED; overrides: PublishedOverride[] }
  | { type: typeof SUPERVISION_ISSUED; ticket: SupervisionTicket };

/**
 * Reference data flowing down: the whole object at one version. `subject` names it
 * (`catalog/<owner>/<code>`, `calendar/<owner>`, `calendar-overrides/<owner>`); `owner` is the
 * publishing node, always the origin.
 */
export interface ReferenceEvent {
  eventId: string;
  originNode: string;
  originTier: TierName;
  subject: string;
  version: number;
  occurredAt: Date;
  schemaVersion: number;
  body: ReferenceBody;
}

export function subjectOf(originNode: string, body: ReferenceBody): string {
  switch (body.type) {
    case CATALOG_ITEM_PUBLISHED:
      return `catalog/${originNode}/${body.item.code}`;
    case CALENDAR_PUBLISHED:
      return `calendar/${originNode}`;
    case CALENDAR_OVERRIDES_PUBLISHED:
      return `calendar-overrides/${originNode}`;
    case SUPERVISION_ISSUED:
      return `supervision/${originNode}/${body.ticket.ticketId}`;
  }
}
