import { newQueryCode, QUERY_CODE_LENGTH, queryCodeHash, queryCodeMatches } from './query-code';

describe('query codes', () => {
  it('are 8 characters a citizen cannot misread (no 0/O, 1/I/L) and differ from one another', () => {
    const codes = Array.from({ length: 2000 }, () => newQueryCode());
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(QUERY_CODE_LENGTH).toBe(8);
    expect(new Set(codes).size).toBe(codes.length);
    // Every character of the alphabet turns up.
    expect(new Set(codes.join('')).size).toBe(31);
  });

  it('are checked against their hash only, case-insensitively, and never against a malformed hash', () => {
    const caseNo = '150202001001202611260000012345';
    const hash = queryCodeHash(caseNo, 'K7M2PQ9X');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(queryCodeMatches(caseNo, 'K7M2PQ9X', hash)).toBe(true);
    expect(queryCodeMatches(caseNo, 'k7m2pq9x', hash)).toBe(true);
    expect(queryCodeMatches(caseNo, 'K7M2PQ9Y', hash)).toBe(false);
    expect(queryCodeMatches('150202001001202611260000012346', 'K7M2PQ9X', hash)).toBe(false);
    expect(queryCodeMatches(caseNo, 'K7M2PQ9X', '')).toBe(false);
  });
});
