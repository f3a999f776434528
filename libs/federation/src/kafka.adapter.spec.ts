import { chunksByBytes } from './kafka.adapter';

const m = (bytes: number) => ({ value: Buffer.alloc(bytes) });

describe('chunksByBytes', () => {
  it.each([
    ['nothing', [], 10, []],
    ['all fit', [3, 3, 3], 10, [[3, 3, 3]]],
    ['split in order', [6, 3, 2, 9, 1], 10, [[6, 3], [2], [9, 1]]],
    ['an oversized message goes alone', [4, 20, 4], 10, [[4], [20], [4]]],
  ])('%s', (_what, sizes, limit, expected) => {
    expect(chunksByBytes(sizes.map(m), limit).map((c) => c.map((x) => x.value.length))).toEqual(expected);
  });
});
