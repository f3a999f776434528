import { jsonRuns } from './json-runs';

const row = (i: number, text = '案件') => ({ i, text });

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
    const runs = jsonRuns(rows, () => 0, 2_000);
    expect(runs.length).toBeGreaterThan(10);
    expect(runs[0].from).toBe(0);
    runs.forEach((r, k) => {
      expect(r.json.length).toBeLessThanOrEqual(2_000);
      expect(JSON.parse(r.json)).toEqual(rows.slice(r.from, r.to));
      if (k > 0) expect(r.from).toBe(runs[k - 1].to);
    });
    expect(runs[runs.length - 1].to).toBe(rows.length);
  });

  it('stays within the bound when later rows are far larger than the first ones', () => {
    const rows = Array.from({ length: 200 }, (_, i) => row(i, i < 40 ? '' : '长'.repeat(150)));
    const runs = jsonRuns(rows, () => 0, 2_000);
    for (const r of runs) expect(r.json.length).toBeLessThanOrEqual(2_000);
    expect(runs.flatMap((r) => JSON.parse(r.json) as unknown[])).toEqual(rows);
  });

  it('counts the binary values sent beside the JSON', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    const plain = jsonRuns(rows, () => 0, 1_000);
    const withBytes = jsonRuns(rows, () => 300, 1_000);
    expect(plain).toHaveLength(1);
    expect(withBytes.map((r) => r.to - r.from)).toEqual([3, 3, 3, 1]);
  });

  it('puts a row larger than the bound in a run of its own', () => {
    const rows = [row(0), row(1, 'y'.repeat(5_000)), row(2)];
    expect(jsonRuns(rows, () => 0, 1_000).map((r) => [r.from, r.to])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });
});
