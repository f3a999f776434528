import { holdsLoneSurrogate, nestsDeeperThan } from './bootstrap';

describe('the JSON guards of the HTTP edge', () => {
  it('find an unpaired surrogate in any string, key or value, at any depth, and nothing in text', () => {
    expect(holdsLoneSurrogate({ a: [1, { b: 'x\ud800' }] })).toBe(true);
    expect(holdsLoneSurrogate({ a: '\udc00y' })).toBe(true);
    expect(holdsLoneSurrogate({ ['k\udbff']: 1 })).toBe(true);
    expect(holdsLoneSurrogate('\ude00\ud83d')).toBe(true); // a pair in the wrong order is two lone halves
    expect(holdsLoneSurrogate({ a: '😀 王小明', b: ['\ud83d\ude00'], c: null, d: 3 })).toBe(false);
  });

  it('measure nesting without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan({ a: { b: { c: 1 } } }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: { b: { c: {} } } }, 3)).toBe(true);
  });
});
