/**
 * Two processes of one node on one database, as during a rolling restart: reference data (catalog,
 * calendar) applied by either is seen by both, though each caches what it derives from it.
 */
import { readFileSync } from 'node:fs';
import {
  eventually,
  getJson,
  OwnFederation,
  ownFederation,
  putJson,
  startNodeProcess,
  stopRestartedNodes,
  testEnv,
} from '@fed/testing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { publishDemoCatalog } = require('../deploy/infra/catalog') as {
  publishDemoCatalog: (nodes: OwnFederation['nodes'], o?: Record<string, unknown>) => Promise<number>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const DISTRICT = '150202';
const COMMUNITY = '150202001001';
/** Clear of the shared test federation (+20000) and the other suites' own. */
const PORT_OFFSET = 26_000;

describe('two processes of a community on one database (a rolling restart)', () => {
  const own = ownFederation('rolling-caches', { portOffset: PORT_OFFSET, communities: [COMMUNITY] });
  let federation: OwnFederation;
  const node = (code: string) => federation.nodes.find((n) => n.code === code)!;
  let urls: string[];

  beforeAll(async () => {
    federation = await own.start();
    await publishDemoCatalog(federation.nodes);
    const first = node(COMMUNITY);
    const second = {
      ...first,
      port: first.port + 50,
      url: `http://127.0.0.1:${first.port + 50}`,
      logFile: first.logFile.replace(/\.log$/, '-second.log'),
    };
    startNodeProcess(second, {
      topologyFile: own.topologyFile,
      kafkaBrokers: testEnv.kafkaBrokers,
      namespace: own.namespace,
    });
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
