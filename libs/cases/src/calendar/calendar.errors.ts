import { DomainError } from '@fed/platform';

export enum CalendarErrorCode {
  MissingYear = 'CALENDAR_MISSING_YEAR',
  NotReceived = 'CALENDAR_NOT_RECEIVED',
  NotPublisher = 'CALENDAR_NOT_PUBLISHER',
  Invalid = 'CALENDAR_INVALID',
  BadRange = 'CALENDAR_BAD_RANGE',
}

export class CalendarError extends DomainError {
  /** A date past the known calendar is never silently a working day. */
  static missingYear(year: number, message: string): CalendarError {
    return new CalendarError('unprocessable', CalendarErrorCode.MissingYear, message, { missingYear: year });
  }

  static notReceived(node: string): CalendarError {
    return new CalendarError(
      'unavailable',
      CalendarErrorCode.NotReceived,
      `no working-day calendar has reached node ${node} yet`,
    );
  }

  static notPublisher(node: string, why: string): CalendarError {
    return new CalendarError(
      'forbidden',
      CalendarErrorCode.NotPublisher,
      `node ${node} cannot publish this: ${why}`,
    );
  }

  static invalid(message: string, issues?: string[]): CalendarError {
    return new CalendarError(
      'unprocessable',
      CalendarErrorCode.Invalid,
      message,
      issues ? { issues } : undefined,
    );
  }

  static badRange(message: string): CalendarError {
    return new CalendarError('invalid', CalendarErrorCode.BadRange, message);
  }
}
