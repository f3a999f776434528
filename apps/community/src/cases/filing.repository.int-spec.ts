import { DataSource } from 'typeorm';
import { encodeEvent } from '@fed/contracts';
import { createTestDatabase, filedEvent, newCaseNo, snapshotOf } from '@fed/testing';
import { FiledCase, FilingRepository, isRepeatedKey } from './filing.repository';
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

  const newCase = (): FiledCase => {
    const caseNo = newCaseNo('150202001001');
    const event = filedEvent(caseNo);
    const raw = Buffer.from(encodeEvent(event));
    return {
      snapshot: snapshotOf(caseNo),
      personal: { name: '王小明', idNumber: '11010519491231002X', phone: '13812345678' },
      queryCode: 'K7P2QX9A',
      event,
      raw,
      outbox: { topic: 'fedtest.up.150202', key: caseNo, value: raw, headers: {} },
    };
  };
  const stored = async (cases: FiledCase[]) =>
    (
      await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM case_record WHERE case_no = ANY($1)`, [
        cases.map((c) => c.snapshot.caseNo),
      ])
    )[0].n;

  it('stores a key with its cases or not at all: two filings under one key at once, one wins, the other writes nothing', async () => {
    const request = {
      keyHash: keyHash('race-0123456789abcdef'),
      requestHash: requestHash('r', {}),
      response: Buffer.from('x'),
    };
    const [a, b] = [[newCase(), newCase()], [newCase()]];
    const outcomes = await Promise.allSettled([
      filings.insert({ cases: a, request }),
      filings.insert({ cases: b, request }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(isRepeatedKey(lost.reason)).toBe(true);
    const won = outcomes[0].status === 'fulfilled' ? a : b;
    const other = won === a ? b : a;
    expect(await stored(won)).toBe(won.length);
    expect(await stored(other)).toBe(0);
    // a filing without a key in the same moment is not held back by the loser
    const plain = [newCase()];
    await filings.insert({ cases: plain });
    expect(await stored(plain)).toBe(1);
  });

  it('tells a repeated key from any other unique violation', async () => {
    const c = newCase();
    await filings.insert({ cases: [c] });
    const again = await filings.insert({ cases: [c] }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Error);
    expect(isRepeatedKey(again)).toBe(false);
  });
});
