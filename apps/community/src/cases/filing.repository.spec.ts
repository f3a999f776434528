import { DataSource } from 'typeorm';
import { CaseSnapshot, emptyLifecycle, FederationEvent } from '@fed/contracts';
import { Filing, FilingRepository } from './filing.repository';

const COMMUNITY = '150202001001';

function filing(n: number): Filing {
  const caseNo = `${COMMUNITY}20260302${String(n).padStart(8, '0')}`;
  const snapshot = {
    caseNo,
    communityCode: COMMUNITY,
    districtCode: '150202',
    cityCode: '150200',
    itemCode: 'ITEM-1',
    item: { code: 'ITEM-1', name: '居住证办理' },
    channel: 'window',
    applicant: { name: '王*明', idNumber: '110105********002X', phone: '138****5678' },
    formData: {},
    status: 'submitted',
    filedAt: '2026-03-02T01:00:00.000Z',
    handlingNode: COMMUNITY,
    queryCodeHash: '0'.repeat(64),
    lifecycle: emptyLifecycle(),
  } as unknown as CaseSnapshot;
  const raw = Buffer.from([n]);
  return {
    cases: [
      {
        snapshot,
        personal: { name: '王小明', idNumber: '11010519491231002X', phone: '13812345678' },
        queryCode: 'ABCD2345',
        event: {
          eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
          body: { type: 'case.filed' },
        } as FederationEvent,
        raw,
        outbox: { topic: 'fed.up.150202', key: caseNo, value: raw, headers: {} },
      },
    ],
  };
}

/** A database whose first statement fails with `error`; the statements after it succeed. */
function repositoryFailingOnce(error: Error) {
  const statements: number[] = [];
  const query = (_sql: string, [json]: [string]) => {
    statements.push((JSON.parse(json) as unknown[]).length);
    return statements.length === 1 ? Promise.reject(error) : Promise.resolve([]);
  };
  const dataSource = { manager: { query } } as unknown as DataSource;
  return { repository: new FilingRepository(dataSource), statements };
}

describe('FilingRepository group commit', () => {
  it('fails every filing of a group whose connection was lost, and repeats none alone (it may be stored)', async () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const { repository, statements } = repositoryFailingOnce(lost);
    const results = await Promise.allSettled([1, 2, 3].map((n) => repository.insert(filing(n))));
    expect(results).toEqual(Array(3).fill({ status: 'rejected', reason: lost }));
    expect(statements).toEqual([3]);
  });

  it('retries a group the database refused filing by filing, so one fault fails no other', async () => {
    const refused = Object.assign(new Error('new row violates check constraint'), { code: '23514' });
    const { repository, statements } = repositoryFailingOnce(refused);
    const results = await Promise.allSettled([1, 2, 3].map((n) => repository.insert(filing(n))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(statements).toEqual([3, 1, 1, 1]);
  });
});
