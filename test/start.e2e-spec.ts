import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, getJson, testEnv } from '@fed/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dropDatabases } = require('../deploy/infra/postgres') as {
  dropDatabases: (serverUrl: string, adminDatabase: string, prefix: string) => Promise<string[]>;
};

/** Beside the test federation (+20000), the failover test's (+21000) and the bench's (+25000). */
const PORT_OFFSET = 22_000;
const DB_PREFIX = `fed_${PORT_OFFSET}_`;

/**
 * `npm start` as a new user runs it — the launcher brings up the demo federation, seeds it, prints
 * where each node listens, and Ctrl-C stops it all — here as a second federation beside any other
 * (FED_PORT_OFFSET), on the test run's broker and PostgreSQL server.
 */
describe('npm start (deploy/scripts/start.js) with FED_PORT_OFFSET', () => {
  let launcher: ChildProcess;
  let output = '';
  let exited: Promise<{ code: number | null; signal: string | null }>;
  const adminDatabase = process.env.FED_TEST_PG_ADMIN_DB ?? 'postgres';

  beforeAll(async () => {
    // Leftovers of a run that died before its cleanup.
    await dropDatabases(testEnv.pgServerUrl, adminDatabase, DB_PREFIX);
    launcher = spawn(process.execPath, ['deploy/scripts/start.js'], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        FED_PORT_OFFSET: String(PORT_OFFSET),
        KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
        DATABASE_URL: `${testEnv.pgServerUrl.replace(/\/$/, '')}/${adminDatabase}`,
        TZ: 'America/New_York',
      },
      // Its own process group, as in a terminal: Ctrl-C signals the launcher and its nodes together.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => launcher.once('exit', (code, signal) => resolve({ code, signal })));
    await eventually(
      () => Promise.resolve(output.includes('Press Ctrl-C to stop everything.') || undefined),
      {
        what: `npm start up; its output so far:\n${output.slice(-2000)}`,
        timeoutMs: 180_000,
        intervalMs: 250,
      },
    );
  }, 200_000);

  afterAll(async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      process.kill(-(launcher.pid ?? 0), 'SIGKILL');
      await exited;
    }
    await dropDatabases(testEnv.pgServerUrl, adminDatabase, DB_PREFIX);
    rmSync(join('.run', `logs-${PORT_OFFSET}`), { recursive: true, force: true });
  });

  it('brings up every node of the demo topology on its shifted port, seeds cases that reach their district and the city, and stops everything on Ctrl-C', async () => {
    // The table: every node of deploy/topology/demo.json, where it listens.
    const topology = readFileSync('deploy/topology/demo.json', 'utf8');
    const ports = [...topology.matchAll(/"port": (\d+)/g)].map((m) => Number(m[1]) + PORT_OFFSET);
    const listed = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
    expect(listed.sort()).toEqual(ports.sort());
    expect(output).toContain(`databases ${DB_PREFIX}*`);
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
    process.kill(-(launcher.pid ?? 0), 'SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    const alive = nodes.filter(({ pid }) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(existsSync(pidFile)).toBe(false);
    for (const port of ports) await expect(fetch(`${base(port)}/health`)).rejects.toThrow();
  }, 200_000);
});
