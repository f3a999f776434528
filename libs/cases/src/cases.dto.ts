import { Injectable, PipeTransform } from '@nestjs/common';
import { Type } from 'class-transformer';
import { CASE_NO_PATTERN, CASE_STATUSES, CaseStatus } from '@fed/contracts';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CaseError } from './cases.errors';

export const MAX_PAGE_SIZE = 200;
/** Deeper pages are refused: use filters (and, later, keyset cursors) instead. */
export const MAX_PAGE = 10_000;

export class ListCasesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page = 1;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize = 20;

  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'districtCode must be a 6-digit code' })
  districtCode?: string;

  @IsOptional()
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit code' })
  communityCode?: string;

  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  /** The node that handles the case now: a clerk's or an officer's work queue. */
  @IsOptional()
  @Matches(/^\d{6}(\d{6})?$/, { message: 'handlingNode must be a 6 or 12 digit node code' })
  handlingNode?: string;
}

/**
 * A `:caseNo` of the path, checked: what cannot be a case number (the community's 12-digit code, the
 * filing date, the sequence: CASE_NO_PATTERN, as every tier decodes it) is answered like an unknown
 * case, 404, without a query.
 */
@Injectable()
export class CaseNoPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CASE_NO_PATTERN.test(value)) throw CaseError.notFound(value);
    return value;
  }
}
