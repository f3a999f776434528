import { CaseActionName } from '@fed/contracts';
import { DomainError } from '@fed/platform';

export enum CaseErrorCode {
  NotFound = 'CASE_NOT_FOUND',
  ActionNotAllowed = 'CASE_ACTION_NOT_ALLOWED',
  NotHandler = 'CASE_NOT_HANDLED_HERE',
  UnknownAction = 'CASE_UNKNOWN_ACTION',
  InvalidHandOff = 'CASE_INVALID_HAND_OFF',
}

export class CaseError extends DomainError {
  static notFound(caseNo: string): CaseError {
    return new CaseError('not_found', CaseErrorCode.NotFound, `case ${caseNo} is not known here`, { caseNo });
  }

  static notAllowed(caseNo: string, message: string, status: string, allowed: CaseActionName[]): CaseError {
    return new CaseError('conflict', CaseErrorCode.ActionNotAllowed, message, {
      caseNo,
      status,
      allowedActions: allowed,
    });
  }

  static notHandler(caseNo: string, message: string, handlingNode: string): CaseError {
    return new CaseError('conflict', CaseErrorCode.NotHandler, message, { caseNo, handlingNode });
  }

  static unknownAction(action: string, known: readonly string[]): CaseError {
    return new CaseError('not_found', CaseErrorCode.UnknownAction, `there is no action "${action}"`, {
      actions: known,
    });
  }

  static invalidHandOff(caseNo: string, message: string): CaseError {
    return new CaseError('unprocessable', CaseErrorCode.InvalidHandOff, message, { caseNo });
  }
}
