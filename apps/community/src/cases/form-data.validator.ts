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
  if (Buffer.byteLength(json) > FORM_DATA_MAX_BYTES) {
    return `formData must be at most ${FORM_DATA_MAX_BYTES / 1024} KiB as JSON`;
  }
  return valueProblem(value, 'formData');
}

/**
 * What in a form would be stored other than as sent: a NUL (PostgreSQL jsonb cannot hold it), a number
 * too large for JSON's doubles (1e400 would become null), an integer beyond 2^53 (its last digits
 * would change). Such a number is sent as a string.
 */
function valueProblem(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? `${path} must not contain NUL characters` : null;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${path} is a number too large to keep; send it as a string`;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return `${path} is an integer beyond 2^53, whose digits would change; send it as a string`;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (key.includes('\u0000')) return `${path} must not contain NUL characters (in a key)`;
    const problem = valueProblem(inner, at);
    if (problem) return problem;
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
