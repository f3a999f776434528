import { registerDecorator, ValidationOptions } from 'class-validator';

/** Limits of an application form: it travels up to every tier, so it stays small and plain. */
export const FORM_DATA_MAX_BYTES = 64 * 1024;
export const FORM_DATA_MAX_DEPTH = 8;

/** Why `value` is not an acceptable form, or null. Iterative, so a hostile nesting cannot blow the stack. */
export function formDataProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'formData must be a JSON object';
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (typeof v === 'string' && v.includes('\u0000')) return 'formData must not contain NUL characters';
    if (typeof v !== 'object' || v === null) continue;
    if (depth > FORM_DATA_MAX_DEPTH)
      return `formData must not nest deeper than ${FORM_DATA_MAX_DEPTH} levels`;
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('\u0000')) return 'formData must not contain NUL characters';
      stack.push({ v: child, depth: depth + 1 });
    }
  }
  if (Buffer.byteLength(JSON.stringify(value)) > FORM_DATA_MAX_BYTES) {
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
