import { CONTROL_CHARACTERS } from '@fed/contracts';

/**
 * Free text at the HTTP edge: no control characters (NUL above all: PostgreSQL cannot hold it),
 * but tabs and line breaks are text — the rule the wire codec applies.
 */
export const NO_CONTROL = new RegExp(`^[^${CONTROL_CHARACTERS}]*$`);
export const noControl = { message: '$property must not contain control characters' };
