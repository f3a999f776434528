import { DomainError } from '@fed/platform';

export enum CalendarErrorCode {
  MissingYear = 'CALENDAR_MISSING_YEAR',
  NotReceived = 'CALENDAR_NOT_RECEIVED',
  NotPublisher = 'CALENDAR_NOT_PUBLISHER',
  Invalid = 'CALENDAR_INVALID',
  BadRange = 'CALENDAR_BAD_RANGE',
  ChangesPast = 'CALENDAR_CHANGES_PAST',
}

export class CalendarError extends DomainError {
  /** A date outside the calendar's range (before its first year, past its provisional horizon). */
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

  /** A publication that would change days already past, i.e. cases already measured: only explicitly. */
  static changesPast(dates: string[]): CalendarError {
    return new CalendarError(
      'conflict',
      CalendarErrorCode.ChangesPast,
      `this arrangement changes ${dates.length} day(s) already past (${dates.slice(0, 10).join(', ')}${
        dates.length > 10 ? ', …' : ''
      }), and with them cases already measured; publish it with allowPastChanges=true to do so`,
      { changedPastDates: dates },
    );
  }

  static badRange(message: string): CalendarError {
    return new CalendarError('invalid', CalendarErrorCode.BadRange, message);
  }
}
