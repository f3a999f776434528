import path from 'node:path';
import { Logger } from '@nestjs/common';
import { ItemTerms } from '@fed/contracts';
import { OutboxRelay } from '@fed/federation';
import { CatalogService, Clock } from '@fed/cases';
import { DomainError, loadNodeConfig, Metrics } from '@fed/platform';
import { FileCaseDto } from './filing.dto';
import { Filing, FilingRepository, FilingRequestRow } from './filing.repository';
import { FilingService } from './filing.service';
import { keyHash, seal } from './idempotency';

// jest's rootDir is the repository, and `npm run check` runs there.
const config = loadNodeConfig({
  FED_NODE_CODE: '150202001001',
  FED_TOPOLOGY: path.join(process.cwd(), 'deploy/topology/demo.json'),
  DATABASE_URL: 'postgres://fed:secret@127.0.0.1:5432/fed_150202001001',
  KAFKA_BROKERS: '127.0.0.1:9092',
});

const TERMS: ItemTerms = {
  code: '150200-MZ-001',
  version: 1,
  name: '最低生活保障申请',
  department: '民政局',
  decidingTier: 'district',
  promisedDays: 10,
  legalDays: 20,
};

const dto = (name: string) =>
  Object.assign(new FileCaseDto(), {
    itemCode: TERMS.code,
    applicant: { name, idNumber: '11010519491231002X', phone: '13812345678' },
    channel: 'window',
    formData: {},
  });

/** Filings stored in memory, keyed requests by key hash; `fail` makes the next insert fail with it. */
class MemoryFilings {
  readonly stored: Filing[] = [];
  private readonly requests = new Map<string, FilingRequestRow>();
  private sequence = 0;
  fail?: Error;

  nextSequence() {
    return Promise.resolve(this.sequence++);
  }

  insert(filing: Filing) {
    const error = this.fail;
    this.fail = undefined;
    if (error) return Promise.reject(error);
    this.stored.push(filing);
    if (filing.request) this.requests.set(filing.request.keyHash.toString('hex'), filing.request);
    return Promise.resolve();
  }

  findRequest(keyHash: Buffer) {
    return Promise.resolve(this.requests.get(keyHash.toString('hex')));
  }
}

function service() {
  const filings = new MemoryFilings();
  const catalog = { termsForFiling: () => Promise.resolve(TERMS) } as unknown as CatalogService;
  const relay = { wake: () => undefined } as unknown as OutboxRelay;
  const filing = new FilingService(
    filings as unknown as FilingRepository,
    catalog,
    relay,
    new Metrics(),
    new Clock(config),
    config,
  );
  return { filing, filings };
}

describe('FilingService', () => {
  let logged: unknown[];

  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(message));
  });

  afterEach(() => jest.restoreAllMocks());

  const repeats = () =>
    logged.filter((m) => (m as { msg?: string }).msg === 'filing repeated; answered as before');

  it('logs a repeated filing with the case number it answers again', async () => {
    const { filing, filings } = service();
    const key = 'form-0042-of-station-7';
    const first = await filing.file(dto('王小明'), key);
    const again = await filing.file(dto('王小明'), key);
    expect(again).toEqual({ body: first.body, replayed: true });
    expect(filings.stored).toHaveLength(1);
    expect(repeats()).toEqual([
      { msg: 'filing repeated; answered as before', route: 'POST /api/v1/cases', caseNo: first.body.caseNo },
    ]);
  });

  it('logs a repeated bulk filing with the case numbers it answers again', async () => {
    const { filing } = service();
    const key = 'bulk-0007-of-station-7';
    const first = await filing.fileMany([dto('王小明'), dto('李四')], key);
    await filing.fileMany([dto('王小明'), dto('李四')], key);
    expect(repeats()).toEqual([
      {
        msg: 'filing repeated; answered as before',
        route: 'POST /api/v1/cases/batch',
        caseNos: first.body.items.map((c) => c.caseNo),
      },
    ]);
    expect(first.body.items).toHaveLength(2);
  });

  it('replays an answer sealed before views left out the query-code hash without it', async () => {
    const { filing, filings } = service();
    const key = 'form-0043-of-station-7';
    const first = await filing.fileMany([dto('王小明')], key);
    expect(JSON.stringify(first.body)).not.toContain('queryCodeHash');
    // The answer as an earlier release sealed it, with the hash in each case.
    const row = (await filings.findRequest(keyHash(key)))!;
    row.response = seal(key, {
      items: first.body.items.map((c) => ({ ...c, queryCodeHash: 'ab'.repeat(32) })),
    });
    const again = await filing.fileMany([dto('王小明')], key);
    expect(again).toEqual({ body: first.body, replayed: true });
  });

  it('answers a filing whose database connection was lost 503 database_unavailable', async () => {
    const { filing, filings } = service();
    filings.fail = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const error = await filing.file(dto('王小明')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'database_unavailable',
      options: { retryAfterSeconds: 2 },
    });
  });
});
