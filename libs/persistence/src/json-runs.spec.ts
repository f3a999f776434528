import { jsonRuns } from './json-runs';

const row = (i: number, text = '案件') => ({ i, text });
const bytes = (json: string) => Buffer.byteLength(json);

describe('jsonRuns', () => {
  it('gives no run for no rows', () => {
    expect(jsonRuns([])).toEqual([]);
  });

  it('keeps small batches in one run', () => {
    const rows = [row(1), row(2), row(3)];
    expect(jsonRuns(rows)).toEqual([{ json: JSON.stringify(rows), from: 0, to: 3 }]);
  });

  it('splits into consecutive runs within the bound that give back every row in order', () => {
    const rows = Array.from({ length: 500 }, (_, i) => row(i, 'x'.repeat(i % 97)));
    const runs = jsonRuns(rows, [], 2_000);
    expect(runs.length).toBeGreaterThan(10);
    expect(runs[0].from).toBe(0);
    runs.forEach((r, k) => {
      expect(bytes(r.json)).toBeLessThanOrEqual(2_000);
      expect(JSON.parse(r.json)).toEqual(rows.slice(r.from, r.to));
      if (k > 0) expect(r.from).toBe(runs[k - 1].to);
    });
    expect(runs[runs.length - 1].to).toBe(rows.length);
  });

  it('stays within the bound when later rows are far larger than the first ones', () => {
    const rows = Array.from({ length: 200 }, (_, i) => row(i, i < 40 ? '' : '长'.repeat(150)));
    const runs = jsonRuns(rows, [], 2_000);
    for (const r of runs) expect(bytes(r.json)).toBeLessThanOrEqual(2_000);
    expect(runs.flatMap((r) => JSON.parse(r.json) as unknown[])).toEqual(rows);
  });

  it('counts the binary values sent beside the JSON', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    expect(jsonRuns(rows, [], 1_000)).toHaveLength(1);
    const runs = jsonRuns(
      rows,
      rows.map(() => Buffer.alloc(300)),
      1_000,
    );
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const r of runs) expect(bytes(r.json) + 300 * (r.to - r.from)).toBeLessThanOrEqual(1_000);
    expect(runs.flatMap((r) => JSON.parse(r.json) as unknown[])).toEqual(rows);
  });

  it('measures the JSON in UTF-8, as it is sent: a Chinese character takes three bytes', () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(i, '材料齐全'.repeat(25)));
    const runs = jsonRuns(rows, [], 10_000);
    for (const r of runs) expect(bytes(r.json)).toBeLessThanOrEqual(10_000);
    // Runs after the first are filled close to the bound, not a few rows at a time.
    for (const r of runs.slice(1, -1)) expect(bytes(r.json)).toBeGreaterThan(7_000);
    // Counted in UTF-16 code units the same rows would have fit in a third as many runs.
    expect(runs.length).toBeGreaterThan((3 * JSON.stringify(rows).length) / 10_000 - 1);
  });

  it('puts a row larger than the bound in a run of its own', () => {
    const rows = [row(0), row(1, 'y'.repeat(5_000)), row(2)];
    expect(jsonRuns(rows, [], 1_000).map((r) => [r.from, r.to])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });
});
