import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually, filingBody, getJson, killProcessTree, postJson, testEnv } from '@fed/testing';

interface PostgresHandle {
  serverUrl: string;
  pid?: number;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
}
interface RunningNode {
  code: string;
  tier: string;
  url: string;
  databaseUrl: string;
  logFile: string;
}
// The launcher `npm start` and the test setup use (plain JavaScript under deploy/).
/* eslint-disable @typescript-eslint/no-require-imports */
const { startEmbeddedPostgres } = require('../deploy/infra/postgres') as {
  startEmbeddedPostgres: (o: {
    name: string;
    port?: number;
    log?: (m: string) => void;
  }) => Promise<PostgresHandle>;
};
const { startFederation } = require('../deploy/infra/federation') as {
  startFederation: (
    o: Record<string, unknown>,
  ) => Promise<{ nodes: RunningNode[]; stop: () => Promise<void> }>;
};
const { publishDemoCatalog } = require('../deploy/infra/catalog') as {
  publishDemoCatalog: (nodes: RunningNode[], o?: Record<string, unknown>) => Promise<number>;
};
const { stderrLog } = require('../deploy/infra/util') as { stderrLog: (name: string) => (m: string) => void };
/* eslint-enable @typescript-eslint/no-require-imports */

const CITY = '150200';
const DISTRICT = '150202';
const COMMUNITY = '150202001001';
/** The demo ports shifted clear of the shared test federation's (+20000) and the bench's (+25000). */
const PORT_OFFSET = 21_000;
const CLERKS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until `count()` reaches `n`. */
const awaitCount = (count: () => number, n: number, what: string, timeoutMs = 20_000) =>
  eventually(() => Promise.resolve(count() >= n ? true : undefined), { what, timeoutMs });

/**
 * A clerk at the window: files one case after another, each with an Idempotency-Key, and retries a
 * filing with the same key until it is answered 201, as the counter's client does when the service
 * is down. Every answer other than 201 is recorded.
 */
async function clerk(
  filingUrl: string,
  until: () => boolean,
  filed: { key: string; caseNo: string }[],
  refusals: { status: number | string; code?: string; retryAfter?: string | null }[],
): Promise<void> {
  while (!until()) {
    const key = randomUUID();
    const body = filingBody();
    const giveUpAt = Date.now() + 60_000;
    for (;;) {
      try {
        const res = await postJson<{ caseNo: string; code?: string }>(filingUrl, body, {
          'idempotency-key': key,
        });
        if (res.status === 201) {
          filed.push({ key, caseNo: res.body.caseNo });
          break;
        }
        refusals.push({
          status: res.status,
          code: res.body.code,
          retryAfter: res.headers?.get('retry-after'),
        });
      } catch (err) {
        refusals.push({ status: `no answer: ${(err as Error).message}` });
      }
      if (Date.now() > giveUpAt) throw new Error(`filing ${key} was not accepted within 60 s`);
      await sleep(100);
    }
  }
}

/**
 * One PostgreSQL server holds the databases of a community, its district and the city, and dies as
 * a power cut would: postmaster, backends and writers killed at once, nothing flushed beyond what a
 * commit had already made durable. It restarts on its data (crash recovery) while the clerk files on.
 */
describe('a community, its district and the city when their PostgreSQL server crashes (a server of their own)', () => {
  const runDir = join(process.env.FED_TEST_LOG_DIR ?? '.run', 'database-crash');
  const name = `test-crash-${process.env.FED_TEST_RUN_ID ?? randomUUID().slice(0, 8)}`;
  let pg: PostgresHandle;
  let federation: { nodes: RunningNode[]; stop: () => Promise<void> };
  const node = (code: string) => {
    const found = federation.nodes.find((n) => n.code === code);
    if (!found) throw new Error(`node ${code} was not started`);
    return found;
  };
  const url = (code: string, path: string) => `${node(code).url}${path}`;
  const query = async <T>(code: string, sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: node(code).databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const health = async (code: string) =>
    (await fetch(url(code, '/health')).catch(() => ({ status: 'no answer' }))).status;

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ name, log: stderrLog('test-crash-postgres') });
    mkdirSync(runDir, { recursive: true });
    const topologyFile = join(runDir, 'topology.json');
    writeFileSync(
      topologyFile,
      JSON.stringify({
        city: {
          code: CITY,
          name: '包头市',
          port: 3000,
          districts: [
            {
              code: DISTRICT,
              name: '东河区',
              port: 3100,
              communities: [{ code: COMMUNITY, name: '西脑包街道 西脑包社区', port: 3101 }],
            },
          ],
        },
      }),
    );
    federation = await startFederation({
      topologyFile,
      portOffset: PORT_OFFSET,
      namespace: `${testEnv.namespace}-crash`,
      dbPrefix: `${testEnv.dbPrefix}_crash`,
      brokers: testEnv.kafkaBrokers.join(','),
      serverUrl: pg.serverUrl,
      logDir: runDir,
      log: stderrLog('test-crash-federation'),
      extraEnv: { TZ: 'America/New_York', FED_WARNING_INTERVAL_MS: '3600000' },
    });
    await publishDemoCatalog(federation.nodes);
  }, 240_000);

  afterAll(async () => {
    await federation?.stop();
    await pg?.stop();
    if (pg) rmSync(join(pg.dataDir, '..'), { recursive: true, force: true });
  });

  it('loses no filing, files none twice, and applies and counts each case once at every tier', async () => {
    const filed: { key: string; caseNo: string }[] = [];
    const refusals: { status: number | string; code?: string; retryAfter?: string | null }[] = [];
    let stop = false;
    const clerks = Array.from({ length: CLERKS }, () =>
      clerk(url(COMMUNITY, '/api/v1/cases'), () => stop, filed, refusals),
    );

    await awaitCount(() => filed.length, 30, '30 cases filed');
    const killed = killProcessTree(pg.pid ?? 0);
    expect(killed).toBeGreaterThan(1);
    const filedBeforeCrash = filed.length;
    // While the server is down: no node is ready, and the clerks' filings are refused.
    for (const code of [COMMUNITY, DISTRICT, CITY]) {
      await eventually(async () => ((await health(code)) === 503 ? true : undefined), {
        what: `${code} not ready while its database is down`,
      });
    }
    await sleep(2_000);
    expect(filed.length - filedBeforeCrash).toBeLessThanOrEqual(CLERKS); // only answers already on their way
    pg = await startEmbeddedPostgres({ name, port: pg.port, log: stderrLog('test-crash-postgres') });

    // Back: the clerks' retries go through, and they file on for a while.
    const afterRestart = filed.length;
    await awaitCount(() => filed.length, afterRestart + 30, '30 more cases filed after the restart', 60_000);
    stop = true;
    await Promise.all(clerks);

    // Refused while down: 503 with the reason and when to retry, or no answer at all; never a 500.
    expect(refusals.length).toBeGreaterThan(0);
    expect(
      refusals.filter(
        (r) =>
          typeof r.status === 'number' &&
          !(r.status === 503 && r.code === 'database_unavailable' && r.retryAfter === '2'),
      ),
    ).toEqual([]);

    // Each key filed exactly one case, and the community holds exactly those.
    const caseNos = filed.map((f) => f.caseNo);
    expect(new Set(filed.map((f) => f.key)).size).toBe(filed.length);
    expect(new Set(caseNos).size).toBe(filed.length);
    const heldAt = async (code: string) =>
      (await query<{ case_no: string }>(code, 'SELECT case_no FROM case_record ORDER BY case_no')).map(
        (r) => r.case_no,
      );
    expect(await heldAt(COMMUNITY)).toEqual([...caseNos].sort());

    // Every case reaches the district and the city, applied once: one event per case, counted once
    // in the sync progress and in the statistics.
    for (const code of [DISTRICT, CITY]) {
      await eventually(async () => ((await heldAt(code)).length >= filed.length ? true : undefined), {
        what: `all ${filed.length} cases at ${code}`,
        timeoutMs: 60_000,
      });
      expect(await heldAt(code)).toEqual([...caseNos].sort());
      const [events] = await query<{ events: number; cases: number; versions: number }>(
        code,
        `SELECT count(*)::int AS events, count(DISTINCT case_no)::int AS cases, max(version)::int AS versions
         FROM case_event`,
      );
      expect(events).toEqual({ events: filed.length, cases: filed.length, versions: 1 });
      const sync = await getJson<{ sources: { node: string; eventsApplied: number }[] }>(
        url(code, '/api/v1/sync/status'),
      );
      expect(sync.body.sources.find((s) => s.node === COMMUNITY)?.eventsApplied).toBe(filed.length);
      const [letters] = await query<{ n: number }>(code, 'SELECT count(*)::int AS n FROM dead_letter');
      expect(letters.n).toBe(0);
    }
    for (const code of [COMMUNITY, DISTRICT, CITY]) {
      const [received] = await query<{ n: number }>(
        code,
        'SELECT coalesce(sum(received), 0)::int AS n FROM stats_daily',
      );
      expect({ code, received: received.n }).toEqual({ code, received: filed.length });
      expect(await health(code)).toBe(200);
    }
  }, 240_000);
});
