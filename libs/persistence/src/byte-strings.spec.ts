import { byteStrings } from './byte-strings';

describe('byteStrings', () => {
  it('lays the values end to end with 1-based offsets, nulls taking no room', () => {
    const packed = byteStrings([Buffer.from('ab'), null, Buffer.from(''), Buffer.from('xyz')]);
    expect(packed.bytes.toString()).toBe('abxyz');
    expect(packed.offsets).toEqual([1, 3, 3, 3]);
    expect(packed.lengths).toEqual([2, null, 0, 3]);
  });

  it('gives back each value as SQL substring would', () => {
    const values = [Buffer.from([0, 1, 2]), Buffer.from([255]), null, Buffer.from([7, 7])];
    const { bytes, offsets, lengths } = byteStrings(values);
    const back = offsets.map((o, i) => {
      const l = lengths[i];
      return l === null ? null : bytes.subarray(o - 1, o - 1 + l);
    });
    expect(back).toEqual(values);
  });
});
