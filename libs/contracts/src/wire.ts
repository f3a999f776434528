/** Rules every decoder shares. */

/** Raised when bytes on a federation topic are not a valid event; the reason goes to the dead-letter topic. */
export class ContractError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ContractError';
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** 12-digit community code, 8-digit filing date, then a sequence of at least 6 digits. */
export const CASE_NO_PATTERN = /^\d{12}\d{8}\d{6,10}$/;
export const NODE_CODE = /^\d{6}(\d{6})?$/;
export const DISTRICT_CODE = /^\d{6}$/;
export const COMMUNITY_CODE = /^\d{12}$/;
export const ITEM_CODE = /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/;
export const QUERY_CODE_HASH = /^[0-9a-f]{64}$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * The control characters free text may not hold (NUL above all: PostgreSQL text and jsonb cannot hold
 * it), as the inside of a regular-expression class; tabs and line breaks are text (a decision's
 * result, a guide).
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f';
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`);
export const MAX_VERSION = 2_147_483_647;
/** Instants outside these years are nonsense for a case, and beyond what PostgreSQL timestamptz holds. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

export function check(value: string, pattern: RegExp, field: string): string {
  if (!pattern.test(value)) throw new ContractError(`${field} is malformed`);
  return value;
}

/** Free text: bounded and without control characters. */
export function text(value: string, field: string, maxLength = 200): string {
  if (value.length === 0 || value.length > maxLength)
    throw new ContractError(`${field} must be 1–${maxLength} characters`);
  if (CONTROL.test(value)) throw new ContractError(`${field} contains control characters`);
  return value;
}

/** Free text that may be empty. */
export function optionalText(value: string, field: string, maxLength = 500): string {
  return value === '' ? value : text(value, field, maxLength);
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new ContractError(`${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function intIn(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ContractError(`${field} must be an integer from ${min} to ${max}`);
  return value;
}
