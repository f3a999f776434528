/**
 * Upper bound of one multi-row statement's parameters, in bytes as sent (JSON in UTF-8).
 *
 * Measured on the bench machine, a virtual machine where a page fault costs about 16 µs (60 times
 * bare metal): a statement whose parameters run to megabytes makes its PostgreSQL backend take fresh
 * memory from the system for its copies of the values (the message, the planner's constants, the
 * parsed jsonb) and fault it in page by page, statement after statement. Upserting case rows 1,000
 * per statement cost 1.2 page faults per row at the server, 250 per statement none. With runs of
 * this size, bulk filing end to end went from about 10 to 2.4 page faults per event at the three
 * tiers' PostgreSQL, and from 504 to 426 µs of their CPU per event (`node bench/run.js --phases bulk
 * --cases 30000`, medians of 8 and 5 runs taken in turn).
 */
export const STATEMENT_PARAM_BYTES = 192 * 1024;

/** A run of consecutive rows: `rows.slice(from, to)` as one JSON array. */
export interface JsonRun {
  json: string;
  from: number;
  to: number;
}

/** Rows of the first run; later runs take as many as the runs before them suggest will fit. */
const FIRST_RUN_ROWS = 32;

/**
 * Where a row's byte string starts in its run's `runValues`, in SQL: the sum of the lengths before it
 * (each row's JSON carries its value's length as `bl`; the FROM item is `WITH ORDINALITY`). The value
 * itself: `substring($n::bytea FROM ${VALUE_OFFSET_SQL} FOR bl)`.
 */
export const VALUE_OFFSET_SQL = '(sum(bl) OVER (ORDER BY ordinality) - bl + 1)::int';

/**
 * Splits rows into consecutive runs, each one JSON array whose size in UTF-8, with the byte strings
 * `values` of its rows (sent beside the JSON as one binary parameter, `runValues`), stays within
 * `maxBytes`; a row larger than that alone is a run of its own. No rows, no runs.
 *
 * Each run is one `JSON.stringify` of its rows: in CPU profiles of a district under bulk filing
 * (30,000 cases), one call per row took 0.79 s, one call per array 0.16 s. How many rows a run takes
 * is estimated from the size of the run before it; a run that comes out too large is cut down in
 * proportion and stringified again.
 */
export function jsonRuns(
  rows: readonly object[],
  values: readonly Uint8Array[] = [],
  maxBytes = STATEMENT_PARAM_BYTES,
): JsonRun[] {
  const runs: JsonRun[] = [];
  const sizeOf = (json: string, from: number, to: number): number => {
    let bytes = Buffer.byteLength(json);
    for (let i = from; i < to && i < values.length; i++) bytes += values[i].length;
    return bytes;
  };
  /** Rows that should fill `share` of the bound, judging by `n` rows of `bytes`. */
  const fitting = (n: number, bytes: number, share: number): number =>
    Math.max(1, Math.floor((n * maxBytes * share) / Math.max(bytes, 1)));
  let take = FIRST_RUN_ROWS;
  for (let from = 0; from < rows.length;) {
    let to = Math.min(rows.length, from + take);
    let json = JSON.stringify(rows.slice(from, to));
    let bytes = sizeOf(json, from, to);
    while (bytes > maxBytes && to - from > 1) {
      to = from + Math.min(to - from - 1, fitting(to - from, bytes, 0.9));
      json = JSON.stringify(rows.slice(from, to));
      bytes = sizeOf(json, from, to);
    }
    runs.push({ json, from, to });
    // 90 % of the bound, and at most four times as many rows as this run: rows vary in size.
    take = Math.min(4 * (to - from), fitting(to - from, bytes, 0.9));
    from = to;
  }
  return runs;
}

/** The byte strings of a run's rows end to end: the binary parameter beside its JSON. */
export function runValues(run: JsonRun, values: readonly Uint8Array[]): Buffer {
  return Buffer.concat(values.slice(run.from, run.to));
}
