import { DataSource } from 'typeorm';
import { createTestDatabase } from '@fed/testing';
import { FilingRepository } from './filing.repository';
import { keyHash, open, requestHash, seal } from './idempotency';

describe('FilingRepository: requests kept under an Idempotency-Key (real PostgreSQL)', () => {
  let db: DataSource;
  let filings: FilingRepository;

  beforeAll(async () => {
    db = await new DataSource({
      type: 'postgres',
      url: await createTestDatabase('filing_keys'),
    }).initialize();
    filings = new FilingRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const store = (key: string, createdAt: string) =>
    db.query(
      `INSERT INTO filing_request (key_hash, request_hash, response, created_at) VALUES ($1, $2, $3, $4)`,
      [keyHash(key), requestHash('POST /api/v1/cases', { key }), seal(key, { key }), createdAt],
    );

  it('finds a request by its key, its answer opened with the key only', async () => {
    await store('found', '2026-11-26T08:00:00Z');
    const row = await filings.findRequest(keyHash('found'));
    expect(row?.requestHash.equals(requestHash('POST /api/v1/cases', { key: 'found' }))).toBe(true);
    expect(open('found', row!.response)).toEqual({ key: 'found' });
    expect(await filings.findRequest(keyHash('never sent'))).toBeUndefined();
  });

  it('forgets the requests stored before a moment, and only those', async () => {
    await store('old', '2026-11-25T07:59:59Z');
    await store('young', '2026-11-25T08:00:01Z');
    expect(await filings.forgetRequests(new Date('2026-11-25T08:00:00Z'))).toBe(1);
    expect(await filings.findRequest(keyHash('old'))).toBeUndefined();
    expect(await filings.findRequest(keyHash('young'))).toBeDefined();
    expect(await filings.forgetRequests(new Date('2026-11-25T08:00:00Z'))).toBe(0);
  });
});
