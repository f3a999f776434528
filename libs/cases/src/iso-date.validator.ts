import { isIsoDate, MAX_YEAR, MIN_YEAR } from '@fed/calendar';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * A calendar date 'YYYY-MM-DD' that exists, between 1970-01-01 and 9999-12-31 (`isIsoDate`): the
 * shape alone lets 2025-02-30 or 0000-00-00 through to a `::date` cast, which PostgreSQL refuses.
 */
export function IsIsoDate(options?: ValidationOptions) {
  return function (object: object, propertyName: string): void {
    registerDecorator({
      name: 'isIsoDate',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown): boolean => isIsoDate(value),
        defaultMessage: (): string =>
          `$property must be a date YYYY-MM-DD that exists, from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31`,
      },
    });
  };
}
