import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  eventually,
  filingBody,
  getJson,
  isAlive,
  killProcessTree,
  metricAt,
  postJson,
  startNodeProcess,
  stopRestartedNodes,
  testEnv,
  TestNode,
} from '@fed/testing';

interface PostgresHandle {
  serverUrl: string;
  pid?: number;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
}
interface RunningNode {
  code: string;
  tier: TestNode['tier'];
  url: string;
  port: number;
  pid: number;
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
  abandoned: () => boolean,
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
      if (abandoned()) return;
      if (Date.now() > giveUpAt) throw new Error(`filing ${key} was not accepted within 60 s`);
      await sleep(100);
    }
  }
}

/**
 * A small federation of the test's own — a community, its district and the city, their databases on
 * one PostgreSQL server of the test's own — through what a production site goes through: the
 * database server crashing, and a node's process replaced by another while cases flow.
 */
describe('a community, its district and the city through a database crash and a rolling restart (a federation of their own)', () => {
  const runDir = join(process.env.FED_TEST_LOG_DIR ?? '.run', 'failover');
  const name = `test-crash-${process.env.FED_TEST_RUN_ID ?? randomUUID().slice(0, 8)}`;
  const namespace = `${testEnv.namespace}-failover`;
  const topologyFile = join(runDir, 'topology.json');
  let pg: PostgresHandle;
  let federation: { nodes: RunningNode[]; stop: () => Promise<void> };
  /** Every case the suite filed, answered 201: the community must hold exactly these. */
  const filed: { key: string; caseNo: string }[] = [];
  const refusals: { status: number | string; code?: string; retryAfter?: string | null }[] = [];

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
  const health = async (base: string) =>
    (await fetch(`${base}/health`).catch(() => ({ status: 'no answer' }))).status;
  /**
   * Clerks filing at the community until `stop` (which lets each finish its filing under way, and
   * waits for them); `abandon` (for a test that failed) ends their retries too.
   */
  const startFiling = () => {
    let stopped = false;
    let abandoned = false;
    const clerks = Array.from({ length: CLERKS }, () =>
      clerk(
        url(COMMUNITY, '/api/v1/cases'),
        () => stopped,
        () => abandoned,
        filed,
        refusals,
      ),
    );
    const stop = async () => {
      stopped = true;
      await Promise.all(clerks);
    };
    const abandon = async () => {
      abandoned = true;
      await stop().catch(() => undefined);
    };
    return { stop, abandon };
  };

  /**
   * Each filing is one case at the community, and every case reaches the district and the city
   * applied once: one event per case, counted once in the sync progress and in the statistics.
   */
  const expectEachCaseOnceEverywhere = async () => {
    const caseNos = filed.map((f) => f.caseNo).sort();
    expect(new Set(filed.map((f) => f.key)).size).toBe(filed.length);
    expect(new Set(caseNos).size).toBe(filed.length);
    const heldAt = async (code: string) =>
      (await query<{ case_no: string }>(code, 'SELECT case_no FROM case_record ORDER BY case_no')).map(
        (r) => r.case_no,
      );
    expect(await heldAt(COMMUNITY)).toEqual(caseNos);
    for (const code of [DISTRICT, CITY]) {
      await eventually(async () => ((await heldAt(code)).length >= filed.length ? true : undefined), {
        what: `all ${filed.length} cases at ${code}`,
        timeoutMs: 60_000,
      });
      expect(await heldAt(code)).toEqual(caseNos);
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
      expect(await health(node(code).url)).toBe(200);
    }
  };

  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ name, log: stderrLog('test-failover-postgres') });
    mkdirSync(runDir, { recursive: true });
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
      namespace,
      dbPrefix: `${testEnv.dbPrefix}_failover`,
      brokers: testEnv.kafkaBrokers.join(','),
      serverUrl: pg.serverUrl,
      logDir: runDir,
      log: stderrLog('test-failover-federation'),
      extraEnv: { TZ: 'America/New_York', FED_TEST_CLOCK: '1', FED_WARNING_INTERVAL_MS: '3600000' },
    });
    await publishDemoCatalog(federation.nodes);
  }, 240_000);

  afterAll(async () => {
    try {
      await stopRestartedNodes();
      await federation?.stop();
    } finally {
      await pg?.stop();
      if (pg) {
        // The server's log stays with the nodes' for a post-mortem; its data (tens of MB) goes.
        const serverDir = join(pg.dataDir, '..');
        if (existsSync(join(serverDir, 'postgres.log')))
          copyFileSync(join(serverDir, 'postgres.log'), join(runDir, 'postgres.log'));
        rmSync(serverDir, { recursive: true, force: true });
      }
    }
  }, 120_000);

  /** Files, crashes the server while filing, restarts it, files on, then stops filing. */
  const crashAndRecover = async (stopFiling: () => Promise<void>) => {
    await awaitCount(() => filed.length, 30, '30 cases filed');
    // A power cut of the database server: postmaster, backends and writers at once.
    expect(killProcessTree(pg.pid ?? 0)).toBeGreaterThan(1);
    const filedBeforeCrash = filed.length;
    // While the server is down: no node is ready, and the clerks' filings are refused.
    for (const code of [COMMUNITY, DISTRICT, CITY]) {
      await eventually(async () => ((await health(node(code).url)) === 503 ? true : undefined), {
        what: `${code} not ready while its database is down`,
      });
    }
    await sleep(2_000);
    expect(filed.length - filedBeforeCrash).toBeLessThanOrEqual(CLERKS); // only answers already on their way
    // Restarted on its data: crash recovery replays what commits made durable.
    pg = await startEmbeddedPostgres({ name, port: pg.port, log: stderrLog('test-failover-postgres') });

    // Back: the clerks' retries go through (with their keys), and they file on for a while.
    const afterRestart = filed.length;
    await awaitCount(() => filed.length, afterRestart + 30, '30 more cases filed after the restart', 60_000);
    await stopFiling();
  };

  /**
   * A rolling restart while the clerks file: a new process of `district` starts beside the old one,
   * in the same consumer group, on the same database and outbox; the partitions are split between
   * the two; then the old one stops. Returns where the new one listens and logs.
   */
  const handOver = async (district: RunningNode) => {
    await awaitCount(() => filed.length, filed.length + 20, '20 cases filed');
    const successor = {
      ...district,
      port: district.port + 50,
      url: `http://127.0.0.1:${district.port + 50}`,
      logFile: district.logFile.replace(/\.log$/, '-successor.log'),
    };
    const child = startNodeProcess(successor, {
      topologyFile,
      kafkaBrokers: testEnv.kafkaBrokers,
      namespace,
    });
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    const ready = await eventually(
      async () => (exited() ? 'exited' : (await health(successor.url)) === 200 ? 'ready' : undefined),
      { what: 'the second district process ready', timeoutMs: 60_000 },
    );
    expect({ successor: ready, log: successor.logFile }).toEqual({
      successor: 'ready',
      log: successor.logFile,
    });
    // It takes a share of the partitions and applies what comes on them.
    await eventually(
      async () => ((await metricAt(successor.url, 'fed_events_applied_total')) > 0 ? true : undefined),
      { what: 'the second district process applying its share', timeoutMs: 60_000 },
    );
    const beforeHandOver = filed.length;
    process.kill(district.pid, 'SIGTERM');
    await eventually(() => Promise.resolve(isAlive(district.pid) ? undefined : true), {
      what: 'the first district process gone',
      timeoutMs: 30_000,
    });
    await awaitCount(
      () => filed.length,
      beforeHandOver + 20,
      '20 more cases filed after the hand-over',
      60_000,
    );
    return successor;
  };

  it('their PostgreSQL server crashing loses no filing, files none twice, and applies and counts each case once at every tier', async () => {
    const filing = startFiling();
    try {
      await crashAndRecover(filing.stop);
    } finally {
      await filing.abandon();
    }
    // Refused while down: 503 with the reason and when to retry, or no answer at all; never a 500.
    expect(refusals.length).toBeGreaterThan(0);
    expect(
      refusals.filter(
        (r) =>
          typeof r.status === 'number' &&
          !(r.status === 503 && r.code === 'database_unavailable' && r.retryAfter === '2'),
      ),
    ).toEqual([]);
    await expectEachCaseOnceEverywhere();
  }, 240_000);

  it('a second process of the district taking over from the first while cases flow applies and relays each case once', async () => {
    const district = node(DISTRICT);
    const filing = startFiling();
    let successor: RunningNode | undefined;
    try {
      successor = await handOver(district);
      await filing.stop();
    } finally {
      await filing.abandon();
    }
    // From here on the successor is the district.
    const { url: successorUrl, logFile: successorLog } = successor;
    federation.nodes = federation.nodes.map((n) => (n.code === DISTRICT ? { ...n, url: successorUrl } : n));
    expect(await health(district.url)).toBe('no answer');
    // Both processes relayed from the one outbox for a while, and partitions moved between them
    // mid-batch: whatever was delivered twice was recognised as a duplicate, not applied again.
    await expectEachCaseOnceEverywhere();
    // A rolling restart is routine: nothing the new process logged is an error (kafkajs' answers of
    // the old generation's heartbeats and commits included).
    const errors = readFileSync(successorLog, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"level":"error"'));
    expect(errors).toEqual([]);
  }, 240_000);
});
