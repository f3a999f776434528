import { registerDecorator, ValidationOptions } from 'class-validator';
import { nestsDeeperThan } from '@fed/platform';

/** Limits of an application form: it travels up to every tier, so it stays small and plain. */
export const FORM_DATA_MAX_BYTES = 64 * 1024;
export const FORM_DATA_MAX_DEPTH = 8;

/** Why `value` is not an acceptable form, or null. Depth is measured first, iteratively: a hostile nesting cannot blow the stack. */
export function formDataProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'formData must be a JSON object';
  if (nestsDeeperThan(value, FORM_DATA_MAX_DEPTH)) {
    return `formData must not nest deeper than ${FORM_DATA_MAX_DEPTH} levels`;
  }
  const json = JSON.stringify(value);
  // JSON.stringify escapes NUL in keys and values alike; PostgreSQL jsonb cannot hold it.
  if (json.includes('\\u0000')) return 'formData must not contain NUL characters';
  if (Buffer.byteLength(json) > FORM_DATA_MAX_BYTES) {
    return `formData must be at most ${FORM_DATA_MAX_BYTES / 1024} KiB as JSON`;
  }
  return null;
}

export function IsFormData(options?: ValidationOptions) {
  return function (object: object, propertyName: string): void {
    let problem: string | null = null;
    registerDecorator({
      name: 'isFormData',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(value: unknown): boolean {
          problem = formDataProblem(value);
          return problem === null;
        },
        defaultMessage(): string {
          return problem ?? 'formData is invalid';
        },
      },
    });
  };
}
