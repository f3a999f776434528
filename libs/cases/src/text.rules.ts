/**
 * Free text at the HTTP edge: no control characters (NUL above all: PostgreSQL cannot hold it),
 * but tabs and line breaks are text — the same rule the wire codec applies.
 */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const NO_CONTROL = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
export const noControl = { message: '$property must not contain control characters' };
