import type { IsoDate } from './iso-date';

/**
 * A distributable working-day calendar definition: the official arrangement of each covered year
 * (public holidays and make-up working days, 调休). Monday–Friday are working days, Saturday and
 * Sunday are not, except as listed here.
 */
export interface CalendarSpec {
  /** Monotonic version of this definition as published by its owner (1, 2, ...). */
  version: number;
  /** Years whose complete official arrangement is known; dates in other years are refused. */
  years: number[];
  holidays: { name: string; from: IsoDate; to: IsoDate }[];
  makeupWorkdays: { date: IsoDate; for: string }[];
  /** The official notice each year comes from, e.g. {2026: '国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04 ...'}. */
  notices: Record<string, string>;
}

/** A local (district) deviation from the official calendar for one date. Overrides win over official data. */
export interface CalendarOverride {
  date: IsoDate;
  kind: 'day-off' | 'working-day';
  reason: string;
}

/** Why a date is or is not a working day. */
export type DayReason =
  'weekday' | 'weekend' | 'holiday' | 'makeup-workday' | 'local-day-off' | 'local-working-day';

export interface DayKind {
  date: IsoDate;
  working: boolean;
  reason: DayReason;
  /** The holiday's name, the festival a make-up working day is for, or a local override's reason. */
  name?: string;
  /** In a year without an official arrangement: classified by the law alone (PROVISIONAL_RULE). */
  provisional?: true;
}
