import { canonicalJson, IDEMPOTENCY_KEY, keyHash, open, requestHash, seal } from './idempotency';

describe('idempotent filing', () => {
  const answer = {
    caseNo: '150202001001202611260000000001',
    queryCode: 'K7P2QX',
    applicant: { name: '王小明' },
  };

  it('accepts a UUID or a long station number as a key; refuses short, long, spaced or non-ASCII ones', () => {
    const good = [
      '0b7e6a56-3f43-4d8e-9a59-1b2f1c9d7e10',
      'station-07/2026-11-26#0042',
      'x'.repeat(16),
      'x'.repeat(128),
    ];
    for (const key of good) expect(IDEMPOTENCY_KEY.test(key)).toBe(true);
    const bad = [
      '',
      '0042',
      'x'.repeat(15),
      'x'.repeat(129),
      'has a space in it',
      'tab\there-0123456789',
      '收件-0123456789abcdef',
      'line-0123456789abcdef\n',
    ];
    for (const key of bad) expect(IDEMPOTENCY_KEY.test(key)).toBe(false);
  });

  it('opens a sealed answer with the same key only', () => {
    const sealed = seal('key-1', answer);
    expect(open('key-1', sealed)).toEqual(answer);
    expect(() => open('key-2', sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    expect(() => open('key-1', altered)).toThrow();
  });

  it('seals the same answer differently each time, and never in plain text', () => {
    const a = seal('key-1', answer);
    const b = seal('key-1', answer);
    expect(a.equals(b)).toBe(false);
    for (const sealed of [a, b]) {
      expect(sealed.toString('utf8')).not.toContain('K7P2QX');
      expect(sealed.toString('utf8')).not.toContain('王小明');
    }
  });

  it('stores a hash of the key, not the key', () => {
    expect(keyHash('key-1')).toHaveLength(32);
    expect(keyHash('key-1').equals(keyHash('key-1'))).toBe(true);
    expect(keyHash('key-1').equals(keyHash('key-2'))).toBe(false);
    expect(keyHash('key-1').toString('latin1')).not.toContain('key-1');
  });

  it('takes a retry that writes the same body in another key order for the same request', () => {
    const first = { itemCode: 'A', formData: { b: 1, a: [{ y: 2, x: 1 }] } };
    const retry = { formData: { a: [{ x: 1, y: 2 }], b: 1 }, itemCode: 'A' };
    expect(canonicalJson(retry)).toBe(canonicalJson(first));
    expect(requestHash('/cases', retry).equals(requestHash('/cases', first))).toBe(true);
    // arrays keep their order: it is part of the request
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('tells requests apart by route and body', () => {
    const body = { itemCode: 'A', channel: 'window' };
    expect(requestHash('/cases', body).equals(requestHash('/cases', { ...body }))).toBe(true);
    expect(requestHash('/cases', body).equals(requestHash('/cases/batch', body))).toBe(false);
    expect(requestHash('/cases', body).equals(requestHash('/cases', { ...body, channel: 'online' }))).toBe(
      false,
    );
  });
});
