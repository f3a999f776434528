/**
 * A string that is not a valid calendar date ('YYYY-MM-DD', 1970-01-01 … 9999-12-31), or an instant
 * outside the supported range. A RangeError, so generic argument-error handling catches it too.
 */
export class InvalidDateError extends RangeError {
  override readonly name = 'InvalidDateError';
}

/**
 * A date was examined whose year has no known official holiday arrangement. Thrown instead of
 * guessing: a weekday in an unknown year may well be a public holiday.
 */
export class CalendarGapError extends Error {
  override readonly name = 'CalendarGapError';

  constructor(
    readonly year: number,
    coveredYears: readonly number[] = [],
  ) {
    super(
      `working-day calendar has no official arrangement for ${year}` +
        (coveredYears.length > 0 ? ` (covered years: ${coveredYears.join(', ')})` : ''),
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
