'use strict';
const { newClusterId } = require('./kafka');

describe('newClusterId', () => {
  it('is 16 bytes in base64url without padding', () => {
    const id = newClusterId();
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('draws again rather than start with "-", which the format tool would take for an option', () => {
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x07)];
    expect(draws[0].toString('base64url').startsWith('-')).toBe(true);
    const id = newClusterId(() => draws.shift());
    expect(id).toBe(Buffer.alloc(16, 0x07).toString('base64url'));
    expect(draws).toHaveLength(0);
  });
});
