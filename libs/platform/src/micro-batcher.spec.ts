import { MicroBatcher } from './micro-batcher';

const endOfTurn = () => new Promise<void>((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('flushes the items of one event-loop turn together, and groups those added while a flush is in flight', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await gate;
    });

    const first = [1, 2].map((n) => batcher.add(n));
    expect(flushed).toEqual([]);
    await endOfTurn();
    expect(flushed).toEqual([[1, 2]]);
    const rest = [3, 4, 5].map((n) => batcher.add(n));
    await endOfTurn();
    expect(flushed).toEqual([[1, 2]]);
    release();
    await Promise.all([...first, ...rest]);
    expect(flushed).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    await batcher.add(6);
    expect(flushed.at(-1)).toEqual([6]);
  });

  it('caps a batch and rejects exactly the callers of a failed flush', async () => {
    const flushed: number[][] = [];
    const batcher = new MicroBatcher<number>(
      async (items) => {
        flushed.push(items);
        await Promise.resolve();
        if (items.includes(3)) throw new Error('flush failed');
      },
      { maxWeight: 2 },
    );
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(flushed).toEqual([[1, 2], [3, 4], [5]]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
  });

  it('weighs items against the limit and, with retryAlone, fails only the callers whose own item fails', async () => {
    const flushed: number[][][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number[]>(
      async (groups) => {
        flushed.push(groups);
        if (flushed.length === 1) await gate;
        if (groups.flat().includes(13)) throw new Error('row 13 refused');
      },
      { maxWeight: 5, weight: (g) => g.length, retryAlone: true },
    );
    const first = batcher.add([1]);
    await endOfTurn();
    const rest = [[2, 3], [11, 12, 13], [4], [5, 6, 7, 8, 9, 10]].map((g) => batcher.add(g));
    release();
    const results = await Promise.allSettled([first, ...rest]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(flushed).toEqual([
      [[1]],
      // 2 + 3 rows fit under 5; the failed flush is retried group by group
      [
        [2, 3],
        [11, 12, 13],
      ],
      [[2, 3]],
      [[11, 12, 13]],
      // a group heavier than the limit still goes, alone
      [[4]],
      [[5, 6, 7, 8, 9, 10]],
    ]);
  });

  it('retries alone only after the errors retryAlone accepts: after a lost connection every caller of the group gets it', async () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('value too long'), { code: '22001' });
    const failures = [lost, refused];
    const flushed: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number>(
      async (items) => {
        flushed.push(items);
        if (flushed.length === 1) await gate;
        // Each group's first flush fails: with a lost connection, then with a refused row.
        if (items.length > 1) throw failures.shift()!;
      },
      { retryAlone: (e) => e !== lost },
    );
    const first = batcher.add(0);
    await endOfTurn();
    const lostGroup = [1, 2, 3].map((n) => batcher.add(n));
    release();
    const lostResults = await Promise.allSettled([first, ...lostGroup]);
    expect(lostResults.map((r) => (r.status === 'rejected' ? (r.reason as unknown) : r.status))).toEqual([
      'fulfilled',
      lost,
      lost,
      lost,
    ]);
    // Not flushed alone: the lost flush may have committed, and a repeat would collide with it.
    expect(flushed).toEqual([[0], [1, 2, 3]]);

    const refusedGroup = await Promise.allSettled([4, 5].map((n) => batcher.add(n)));
    expect(refusedGroup.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(flushed.slice(2)).toEqual([[4, 5], [4], [5]]);
  });

  it('refuses an item whose weight is no number ≥ 0, and goes on with the others', async () => {
    const flushed: number[][] = [];
    const batcher = new MicroBatcher<number>(
      async (items) => {
        flushed.push(items);
        await Promise.resolve();
      },
      { weight: (n) => (n < 0 ? Number.NaN : n) },
    );
    await expect(batcher.add(-1)).rejects.toThrow(RangeError);
    await batcher.add(2);
    expect(flushed).toEqual([[2]]);
  });
});
