/**
 * Two processes of one node on one database, as during a rolling restart: reference data (catalog,
 * calendar) applied by either is seen by both, though each caches what it derives from it.
 */
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  eventually,
  getJson,
  putJson,
  startNodeProcess,
  stopRestartedNodes,
  testEnv,
  TestNode,
} from '@fed/testing';

interface RunningNode {
  code: string;
  tier: TestNode['tier'];
  url: string;
  port: number;
  databaseUrl: string;
  logFile: string;
}
/* eslint-disable @typescript-eslint/no-require-imports */
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
/** Clear of the shared test federation (+20000) and the other suites' own. */
const PORT_OFFSET = 26_000;

describe('two processes of a community on one database (a rolling restart)', () => {
  const runDir = join(process.env.FED_TEST_LOG_DIR ?? '.run', 'rolling-caches');
  const topologyFile = join(runDir, 'topology.json');
  const namespace = `${testEnv.namespace}-caches`;
  let federation: { nodes: RunningNode[]; stop: () => Promise<void> };
  const node = (code: string) => federation.nodes.find((n) => n.code === code)!;
  let urls: string[];

  beforeAll(async () => {
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
      dbPrefix: `${testEnv.dbPrefix}_caches`,
      brokers: testEnv.kafkaBrokers.join(','),
      serverUrl: testEnv.pgServerUrl,
      logDir: runDir,
      log: stderrLog('test-caches-federation'),
      extraEnv: { TZ: 'America/New_York', FED_WARNING_INTERVAL_MS: '3600000' },
    });
    await publishDemoCatalog(federation.nodes);
    const first = node(COMMUNITY);
    const second = {
      ...first,
      port: first.port + 50,
      url: `http://127.0.0.1:${first.port + 50}`,
      logFile: first.logFile.replace(/\.log$/, '-second.log'),
    };
    startNodeProcess(second, { topologyFile, kafkaBrokers: testEnv.kafkaBrokers, namespace });
    urls = [first.url, second.url];
    for (const url of urls)
      await eventually(
        async () => ((await fetch(`${url}/health`).catch(() => null))?.status === 200 ? true : undefined),
        { what: `${url} healthy`, timeoutMs: 60_000 },
      );
  }, 240_000);

  afterAll(async () => {
    await stopRestartedNodes();
    await federation?.stop();
  }, 120_000);

  it('a catalog item and a calendar override applied by one process are served by both', async () => {
    const code = '150202-RC-001';
    // Both have read (and cached) the catalog and the calendar before the change.
    for (const url of urls) {
      expect((await getJson(`${url}/api/v1/catalog/items/${code}`)).status).toBe(404);
      expect((await getJson(`${url}/api/v1/calendar`)).status).toBe(200);
    }
    const item = {
      name: '滚动重启测试事项',
      department: '东河区民政局',
      decidingTier: 'community',
      promisedDays: 5,
      legalDays: 20,
    };
    expect((await putJson(`${node(DISTRICT).url}/api/v1/catalog/items/${code}`, item)).status).toBe(200);
    const overrides = { overrides: [{ date: '2026-12-24', kind: 'day-off', reason: '滚动重启测试' }] };
    expect((await putJson(`${node(DISTRICT).url}/api/v1/calendar/overrides`, overrides)).status).toBe(200);
    for (const url of urls) {
      await eventually(
        async () =>
          (await getJson(`${url}/api/v1/catalog/items/${code}`)).status === 200 ? true : undefined,
        { what: `item ${code} served at ${url}`, timeoutMs: 20_000 },
      );
      await eventually(
        async () =>
          JSON.stringify((await getJson(`${url}/api/v1/calendar`)).body).includes('2026-12-24')
            ? true
            : undefined,
        { what: `the override served at ${url}`, timeoutMs: 20_000 },
      );
    }
    // One process applied the item (its partition is one member's); the other learnt of it.
    const applied = [node(COMMUNITY).logFile, node(COMMUNITY).logFile.replace(/\.log$/, '-second.log')].map(
      (file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .some(
            (l) => l.includes('"msg":"reference data updated"') && l.includes(`catalog/${DISTRICT}/${code}`),
          ),
    );
    expect(applied.sort()).toEqual([false, true]);
  }, 120_000);
});
