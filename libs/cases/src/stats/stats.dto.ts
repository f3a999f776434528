import { Type } from 'class-transformer';
import { CASE_STATUSES, ITEM_CODE } from '@fed/contracts';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsIsoDate } from '../iso-date.validator';
import { NO_CONTROL, noControl } from '../text.rules';

export const PERIODS = ['day', 'week', 'month', 'year', 'custom'] as const;
export const GROUP_BY = [
  'none',
  'district',
  'community',
  'item',
  'department',
  'decidingTier',
  'acceptedBy',
  'decidedBy',
] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** The scope filters statistics and oversight share. */
export class ScopeFilterQuery {
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'districtCode must be a 6-digit code' })
  districtCode?: string;

  @IsOptional()
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit code' })
  communityCode?: string;

  @IsOptional()
  @Matches(ITEM_CODE, { message: 'itemCode must be 3–40 letters, digits or -' })
  itemCode?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(NO_CONTROL, noControl)
  department?: string;
}

/** GET /api/v1/stats: a period, a grouping, filters. Unknown fields are refused (400). */
export class StatsQuery extends ScopeFilterQuery {
  @IsOptional()
  @IsIn(PERIODS)
  period: (typeof PERIODS)[number] = 'month';

  /** A day inside the period (day, week, month, year); default today in Asia/Shanghai. */
  @IsOptional()
  @IsIsoDate()
  date?: string;

  /** custom: first and last day, inclusive. */
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @IsOptional()
  @IsIsoDate()
  to?: string;

  @IsOptional()
  @IsIn(GROUP_BY)
  groupBy: GroupBy = 'none';
}

export const SORTS = ['filedAt', 'acceptedAt', 'decidedAt', 'promisedDeadline', 'caseNo'] as const;
/** A case status, or `open` for any of OPEN_STATUSES. */
export const OVERSIGHT_STATUSES = [...CASE_STATUSES, 'open'] as const;

/** GET /api/v1/oversight/cases: any combination of filters, sorted and paged. */
export class OversightQuery extends ScopeFilterQuery {
  /** A status, or `open` for every accepted case not finished. */
  @IsOptional()
  @IsIn(OVERSIGHT_STATUSES)
  status?: (typeof OVERSIGHT_STATUSES)[number];

  @IsOptional()
  @IsIn(['none', 'green', 'yellow', 'red'])
  warningLevel?: 'none' | 'green' | 'yellow' | 'red';

  /** true: open cases past their promised deadline (red). */
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @IsOptional()
  @IsIn(['true', 'false'])
  legalBreached?: 'true' | 'false';

  @IsOptional()
  @Matches(/^\d{6}(\d{6})?$/, { message: 'handlingNode must be a 6 or 12 digit node code' })
  handlingNode?: string;

  @IsOptional() @IsIsoDate() filedFrom?: string;
  @IsOptional() @IsIsoDate() filedTo?: string;
  @IsOptional() @IsIsoDate() acceptedFrom?: string;
  @IsOptional() @IsIsoDate() acceptedTo?: string;
  @IsOptional() @IsIsoDate() decidedFrom?: string;
  @IsOptional() @IsIsoDate() decidedTo?: string;

  @IsOptional()
  @IsIn(SORTS)
  sort: (typeof SORTS)[number] = 'filedAt';

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize = 50;
}
