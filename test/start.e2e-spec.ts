import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, getJson, isAlive, testEnv } from '@fed/testing';

/* eslint-disable @typescript-eslint/no-require-imports */
const { dropDatabases, databaseUrl } = require('../deploy/infra/postgres') as {
  dropDatabases: (serverUrl: string, adminDatabase: string, prefix: string) => Promise<string[]>;
  databaseUrl: (serverUrl: string, dbName: string) => string;
};
const { deleteTopics } = require('../deploy/infra/kafka') as {
  deleteTopics: (brokers: string, prefix: string) => Promise<unknown>;
};
const { stopLeftoverNodes } = require('../deploy/infra/federation') as {
  stopLeftoverNodes: (portOffset: number, log?: (m: string) => void) => Promise<void>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Beside the test federation (+20000), the failover test's (+21000) and the bench's (+25000). */
const PORT_OFFSET = 22_000;
const DB_PREFIX = `fed_${PORT_OFFSET}_`;
const TOPIC_PREFIX = `fed-${PORT_OFFSET}.`;

/** Signals the launcher's process group (it runs detached, as in a terminal of its own). */
const signalGroup = (pid: number | undefined, signal: NodeJS.Signals) => {
  if (!pid || pid <= 1) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
};

/**
 * `npm start` as a new user runs it — the launcher brings up the demo federation, seeds it, prints
 * where each node listens, and Ctrl-C stops it all — here as a second federation beside any other
 * (FED_PORT_OFFSET), on the test run's broker and PostgreSQL server.
 */
describe('npm start (deploy/scripts/start.js) with FED_PORT_OFFSET', () => {
  let launcher: ChildProcess | undefined;
  let stdout = '';
  let output = '';
  let exited: Promise<{ code: number | null; signal: string | null }> | undefined;
  const adminDatabase = process.env.FED_TEST_PG_ADMIN_DB ?? 'postgres';
  const brokers = testEnv.kafkaBrokers.join(',');
  // Should this worker die with the launcher up, its process group goes too.
  const onExit = () => signalGroup(launcher?.pid, 'SIGKILL');

  beforeAll(async () => {
    // A federation running with this offset is not ours to disturb: this fails, naming it. Nodes an
    // earlier run of this test left behind are stopped, its databases and topics dropped.
    await stopLeftoverNodes(PORT_OFFSET, () => undefined);
    await dropDatabases(testEnv.pgServerUrl, adminDatabase, DB_PREFIX);
    await deleteTopics(brokers, TOPIC_PREFIX);
    process.once('exit', onExit);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FED_PORT_OFFSET: String(PORT_OFFSET),
      KAFKA_BROKERS: brokers,
      DATABASE_URL: databaseUrl(testEnv.pgServerUrl, adminDatabase),
      FED_SEED: 'auto',
      LOG_LEVEL: 'info',
      TZ: 'America/New_York',
    };
    delete env.FED_TOPOLOGY;
    delete env.FED_FORCE_EMBEDDED_PG;
    const child = spawn(process.execPath, ['deploy/scripts/start.js'], {
      cwd: process.cwd(),
      env,
      // Its own process group, as in a terminal: Ctrl-C signals the launcher and its nodes together.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher = child;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    const state = await eventually(
      () =>
        Promise.resolve(
          gone() ? 'exited' : stdout.includes('Press Ctrl-C to stop everything.') ? 'up' : undefined,
        ),
      { what: 'npm start up', timeoutMs: 180_000, intervalMs: 250 },
    ).catch((e: Error) => e.message);
    if (state !== 'up')
      throw new Error(`npm start is not up (${state}); its output:\n${output.slice(-3000)}`);
  }, 200_000);

  afterAll(async () => {
    try {
      if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
        signalGroup(launcher.pid, 'SIGKILL');
        await exited;
      }
      signalGroup(launcher?.pid, 'SIGKILL'); // nodes a launcher killed outright left behind
      process.removeListener('exit', onExit);
    } finally {
      await dropDatabases(testEnv.pgServerUrl, adminDatabase, DB_PREFIX);
      await deleteTopics(brokers, TOPIC_PREFIX);
    }
  }, 60_000);

  it('brings up every node of the demo topology on its shifted port, seeds cases that reach their district and the city, and stops everything on Ctrl-C', async () => {
    // The table: every node of deploy/topology/demo.json, where it listens.
    const topology = readFileSync('deploy/topology/demo.json', 'utf8');
    const ports = [...topology.matchAll(/"port": (\d+)/g)].map((m) => Number(m[1]) + PORT_OFFSET);
    const listed = [...stdout.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(listed.sort()).toEqual(ports.sort());
    expect(stdout).toContain(`databases ${DB_PREFIX}*`);
    const base = (port: number) => `http://127.0.0.1:${port}`;
    for (const port of ports) expect((await getJson(`${base(port)}/health`)).status).toBe(200);

    // The demo cases, filed at the communities, reach their district and the city.
    const total = async (port: number) =>
      (await getJson<{ total: number }>(`${base(port)}/api/v1/cases?pageSize=1`)).body.total;
    const communities = [3101, 3102, 3201, 3202].map((p) => p + PORT_OFFSET);
    const filed = await Promise.all(communities.map(total));
    for (const n of filed) expect(n).toBeGreaterThan(0);
    const sum = filed.reduce((a, b) => a + b, 0);
    await eventually(async () => ((await total(3000 + PORT_OFFSET)) === sum ? true : undefined), {
      what: `the city holding the ${sum} demo cases`,
      timeoutMs: 60_000,
    });
    expect(await total(3100 + PORT_OFFSET)).toBe(filed[0] + filed[1]);
    expect(await total(3200 + PORT_OFFSET)).toBe(filed[2] + filed[3]);

    // Ctrl-C: the launcher and every node stop, cleanly.
    const pidFile = join('.run', `federation-${PORT_OFFSET}.pids.json`);
    const nodes = (JSON.parse(readFileSync(pidFile, 'utf8')) as { nodes: { code: string; pid: number }[] })
      .nodes;
    expect(nodes).toHaveLength(ports.length);
    signalGroup(launcher?.pid, 'SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(nodes.filter(({ pid }) => isAlive(pid))).toEqual([]);
    expect(existsSync(pidFile)).toBe(false);
    for (const port of ports) await expect(fetch(`${base(port)}/health`)).rejects.toThrow();
  }, 200_000);
});

describe('npm start with a FED_PORT_OFFSET it cannot honour', () => {
  it.each(['500', '23000', '-1000', 'abc'])('refuses %s before it starts anything', (offset) => {
    const run = spawnSync(process.execPath, ['deploy/scripts/start.js'], {
      cwd: process.cwd(),
      env: { ...process.env, FED_PORT_OFFSET: offset, KAFKA_BROKERS: '127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `FED_PORT_OFFSET must be 0 or a multiple of 1000 up to 22000, not ${JSON.stringify(offset)}`,
    );
    expect(run.stderr).not.toContain('starting');
  });
});
