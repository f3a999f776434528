import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('flushes a lone item at once and groups the items added while a flush is in flight', async () => {
    const flushed: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new MicroBatcher<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await gate;
    });

    const first = batcher.add(1);
    const rest = [2, 3, 4].map((n) => batcher.add(n));
    expect(flushed).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(flushed).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch and rejects exactly the callers of a failed flush', async () => {
    const flushed: number[][] = [];
    const batcher = new MicroBatcher<number>(async (items) => {
      flushed.push(items);
      await Promise.resolve();
      if (items.includes(3)) throw new Error('flush failed');
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(flushed).toEqual([[1], [2, 3], [4, 5]]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
  });
});
