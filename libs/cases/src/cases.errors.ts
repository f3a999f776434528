import { DomainError } from '@fed/platform';

export enum CaseErrorCode {
  NotFound = 'CASE_NOT_FOUND',
}

export class CaseError extends DomainError {
  static notFound(caseNo: string): CaseError {
    return new CaseError('not_found', CaseErrorCode.NotFound, `case ${caseNo} is not known here`, { caseNo });
  }
}
