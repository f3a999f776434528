/**
 * Upper bound of one multi-row statement's parameters, in bytes (JSON counted in UTF-16 code units,
 * which is close enough).
 *
 * Measured on the bench machine, a virtual machine where a page fault costs about 16 µs (60 times
 * bare metal): a statement whose parameters run to megabytes makes its PostgreSQL backend take fresh
 * memory from the system for its copies of the values (the message, the planner's constants, the
 * parsed jsonb) and fault it in page by page, statement after statement. Upserting case rows 1,000
 * per statement cost 1.2 page faults per row at the server, 250 per statement none. With runs of
 * this size, bulk filing end to end went from about 10 to 2.3 page faults per event at the three
 * tiers' PostgreSQL, and from 504 to 421 µs of their CPU per event (`node bench/run.js --phases bulk
 * --cases 30000`, medians of 8 and 6 runs taken in turn).
 */
export const STATEMENT_PARAM_BYTES = 192 * 1024;

/** A run of consecutive rows: `rows.slice(from, to)` as one JSON array. */
export interface JsonRun {
  json: string;
  from: number;
  to: number;
}

/** Rows whose size sets how many rows a run takes. */
const SAMPLE_ROWS = 32;

/**
 * Splits rows into consecutive runs, each one JSON array whose size, with `extraBytes` of each of its
 * rows (binary values sent beside the JSON), stays within `maxBytes`; a row larger than that alone is
 * a run of its own. No rows, no runs.
 *
 * Each run is one `JSON.stringify` of its rows: in a profile of a district under bulk filing, one call
 * per row cost four times as much CPU as one per array. How many rows a run takes comes from the
 * size of the first few; a run that still comes out too large is halved until it fits.
 */
export function jsonRuns(
  rows: readonly object[],
  extraBytes: (index: number) => number = () => 0,
  maxBytes = STATEMENT_PARAM_BYTES,
): JsonRun[] {
  const runs: JsonRun[] = [];
  const sizeOf = (json: string, from: number, to: number): number => {
    let bytes = json.length;
    for (let i = from; i < to; i++) bytes += extraBytes(i);
    return bytes;
  };
  const add = (from: number, to: number, json = JSON.stringify(rows.slice(from, to))): void => {
    if (to - from > 1 && sizeOf(json, from, to) > maxBytes) {
      const middle = (from + to) >>> 1;
      add(from, middle);
      add(middle, to);
    } else {
      runs.push({ json, from, to });
    }
  };
  if (rows.length === 0) return runs;
  const sampled = Math.min(rows.length, SAMPLE_ROWS);
  const sample = JSON.stringify(rows.slice(0, sampled));
  const sampleBytes = sizeOf(sample, 0, sampled);
  if (sampled === rows.length && sampleBytes <= maxBytes) return [{ json: sample, from: 0, to: sampled }];
  const perRun = Math.max(1, Math.floor((maxBytes * sampled) / sampleBytes));
  for (let from = 0; from < rows.length; from += perRun) add(from, Math.min(rows.length, from + perRun));
  return runs;
}
