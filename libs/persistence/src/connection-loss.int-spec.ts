import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { PlatformModule } from '@fed/platform';
import { createTestDatabase, cutDatabaseConnections, testNodeConfig, uniqueNamespace } from '@fed/testing';
import { PersistenceModule } from './persistence.module';

describe("a node's database connections cut while transactions run (real PostgreSQL)", () => {
  let app: INestApplicationContext;
  let db: DataSource;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('connection_loss');
    const config = testNodeConfig('150200', databaseUrl, uniqueNamespace('connection-loss'));
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot(config, []), PersistenceModule.forRoot(config)],
    }).compile();
    app = await moduleRef.init();
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('fails the statements it cuts, never the process, and serves again afterwards', async () => {
    // Transactions that wait between statements, as an apply or a relay pass does: a cut then hits a
    // connection that no statement is running on (it ended the process before keepErrorsOf).
    let stop = false;
    let committed = 0;
    let failed = 0;
    const worker = async () => {
      while (!stop) {
        try {
          await db.transaction(async (m) => {
            await m.query('SELECT 1');
            await new Promise((r) => setTimeout(r, Math.random() * 10));
            await m.query('SELECT 1');
          });
          committed++;
        } catch {
          failed++;
        }
      }
    };
    const workers = Array.from({ length: 12 }, worker);
    const node = { databaseUrl } as Parameters<typeof cutDatabaseConnections>[0][number];
    let cut = 0;
    for (let i = 0; i < 150; i++) {
      cut += await cutDatabaseConnections([node]);
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
    }
    stop = true;
    await Promise.all(workers);
    expect(cut).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
    expect(committed).toBeGreaterThan(0);
    expect(await db.query('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
  }, 60_000);
});
