/**
 * A string that is not a valid calendar date ('YYYY-MM-DD', 1970-01-01 … 9999-12-31), or an instant
 * outside the supported range. A RangeError, so generic argument-error handling catches it too.
 */
export class InvalidDateError extends RangeError {
  override readonly name = 'InvalidDateError';
}

/**
 * A date was examined outside the calendar's range: before its first official year, or past the
 * provisional horizon (the last year the law alone is trusted for). Thrown instead of guessing.
 */
export class CalendarGapError extends Error {
  override readonly name = 'CalendarGapError';

  constructor(
    readonly year: number,
    coveredYears: readonly number[] = [],
    /** The last year answered (provisionally); undefined when only official years are. */
    readonly lastYear?: number,
  ) {
    const known = [
      ...(coveredYears.length > 0 ? [`official years: ${coveredYears.join(', ')}`] : []),
      ...(lastYear !== undefined && lastYear > (coveredYears[coveredYears.length - 1] ?? -Infinity)
        ? [`provisional up to ${lastYear}`]
        : []),
    ];
    super(
      (year < (coveredYears[0] ?? -Infinity)
        ? `working-day calendar does not reach back to ${year}`
        : `working-day calendar has no arrangement for ${year}, official or provisional`) +
        (known.length > 0 ? ` (${known.join('; ')})` : ''),
    );
  }
}

/** A calendar definition or a list of local overrides is malformed; `issues` lists every problem found. */
export class CalendarSpecError extends Error {
  override readonly name = 'CalendarSpecError';

  constructor(
    subject: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid ${subject}: ${issues.join('; ')}`);
  }
}
