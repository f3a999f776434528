import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@fed/persistence';
import { NodeConfig, Topology } from '@fed/platform';

/** A node the global setup started, as it exported them in FED_TEST_NODES. */
export interface TestNode {
  code: string;
  tier: 'city' | 'district' | 'community' | 'monitor';
  name: string;
  parent?: string;
  url: string;
  port: number;
  pid: number;
  logFile: string;
  databaseUrl: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run integration tests through \`npm test\` (jest global setup)`);
  return value;
}

/** What the jest global setup started for this run. */
export const testEnv = {
  get kafkaBrokers(): string[] {
    return required('FED_TEST_KAFKA_BROKERS').split(',');
  },
  get pgServerUrl(): string {
    return required('FED_TEST_PG_SERVER_URL');
  },
  get namespace(): string {
    return required('FED_TEST_NAMESPACE');
  },
  get dbPrefix(): string {
    return required('FED_TEST_DB_PREFIX');
  },
  get nodes(): TestNode[] {
    return JSON.parse(required('FED_TEST_NODES')) as TestNode[];
  },
};

export function node(code: string): TestNode {
  const found = testEnv.nodes.find((n) => n.code === code);
  if (!found) throw new Error(`node ${code} was not started`);
  return found;
}

/** The demo topology, as the apps read it. */
export const demoTopology = (): Topology => Topology.fromFile(`${process.cwd()}/deploy/topology/demo.json`);

/** A fresh, migrated database of this test run (dropped by the global teardown with the run's prefix). */
export async function createTestDatabase(label: string): Promise<string> {
  const name = `${testEnv.dbPrefix}_${label}_${randomUUID().slice(0, 8)}`.toLowerCase();
  const server = testEnv.pgServerUrl.replace(/\/$/, '');
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = `${server}/${name}`;
  const ds = new DataSource({ type: 'postgres', url, migrations: MIGRATIONS });
  await ds.initialize();
  await ds.runMigrations();
  await ds.destroy();
  return url;
}

/** NodeConfig of a demo node pointed at a test database and a namespace of its own. */
export function testNodeConfig(code: string, databaseUrl: string, namespace: string): NodeConfig {
  const topology = demoTopology();
  const node = topology.get(code);
  return {
    node,
    topology,
    httpHost: '127.0.0.1',
    httpPort: 0,
    databaseUrl,
    kafkaBrokers: testEnv.kafkaBrokers,
    namespace,
    logLevel: 'warn',
    publicBaseUrl: null,
    warning: {
      intervalMs: 60_000,
      policy: { yellowWorkingDays: 1, yellowShare: 0.2 },
      testClock: false,
      testNow: null,
    },
    // In-process tests drive checks themselves.
    reconcile: { intervalMs: 0, settleMs: 0 },
  };
}

/** A namespace no other test shares. */
export const uniqueNamespace = (label: string): string =>
  `${testEnv.namespace}-${label}-${randomUUID().slice(0, 8)}`;

/**
 * Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs` with the last
 * error or value. Eventual consistency is awaited with this, never with a sleep.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} not reached within ${timeoutMs} ms; last: ${last instanceof Error ? last.message : String(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
