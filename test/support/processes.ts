import { ChildProcess, spawn } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { testEnv, TestNode } from './test-env';

// The launcher's helpers (plain JavaScript under deploy/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const util = require('../../deploy/infra/util') as { isAlive: (pid: number) => boolean };

/** Whether a process with this pid runs (one of another user's included). */
export const isAlive = (pid: number): boolean => util.isAlive(pid);

/** A node process this test started again after killing the original. */
const restarted = new Set<ChildProcess>();

/** Kills a node the hard way: no shutdown hook, no offset commit, no goodbye. */
export function killNode(pid: number): void {
  process.kill(pid, 'SIGKILL');
}

/** Starts `node` again as the global setup did: same port, database, namespace and topology. */
export function restartNode(node: TestNode & { port: number; logFile: string }): ChildProcess {
  return startNodeProcess(node, {
    topologyFile: process.env.FED_TEST_TOPOLOGY ?? `${process.cwd()}/deploy/topology/demo.json`,
    kafkaBrokers: testEnv.kafkaBrokers,
    namespace: testEnv.namespace,
  });
}

/**
 * Starts a process of `node` (a restart, or one more instance of it on another port) on the built
 * app, its output appended to `node.logFile`, in the environment the global setup gives the nodes.
 * `stopRestartedNodes` stops it.
 */
export function startNodeProcess(
  node: Pick<TestNode, 'code' | 'tier' | 'port' | 'logFile' | 'databaseUrl'>,
  federation: { topologyFile: string; kafkaBrokers: string[]; namespace: string },
): ChildProcess {
  const out = openSync(node.logFile, 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${node.tier}/src/main.js`], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      FED_NODE_CODE: node.code,
      FED_TOPOLOGY: federation.topologyFile,
      FED_HTTP_PORT: String(node.port),
      DATABASE_URL: node.databaseUrl,
      KAFKA_BROKERS: federation.kafkaBrokers.join(','),
      FED_NAMESPACE: federation.namespace,
      // as the global setup starts them
      TZ: 'America/New_York',
      FED_TEST_CLOCK: '1',
      ...(process.env.FED_TEST_NODES_NOW ? { FED_TEST_NOW: process.env.FED_TEST_NODES_NOW } : {}),
      FED_WARNING_INTERVAL_MS: '3600000',
    },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  restarted.add(child);
  return child;
}

/** Stops every node this test restarted (the global teardown only knows the originals). */
export async function stopRestartedNodes(): Promise<void> {
  await Promise.all(
    [...restarted].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  restarted.clear();
}

/**
 * Ends every connection of the nodes' databases at the server, as a database restart or a failover
 * does: pooled connections idle or mid-transaction alike. Returns how many were ended.
 */
export async function cutDatabaseConnections(nodes: TestNode[]): Promise<number> {
  const admin = new Client({ connectionString: `${testEnv.pgServerUrl.replace(/\/$/, '')}/postgres` });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
       FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
      [nodes.map((n) => new URL(n.databaseUrl).pathname.slice(1))],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

/**
 * Kills a process and every child it has, all with SIGKILL, as a power cut would: for a PostgreSQL
 * postmaster, its backends and background workers die with it and nothing is flushed or checkpointed.
 * The process is stopped (SIGSTOP) before its children are listed, so that none forked meanwhile
 * survives it. Linux only (reads /proc). Returns how many processes were killed.
 */
export function killProcessTree(pid: number): number {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`killProcessTree: refusing pid ${pid}`);
  process.kill(pid, 'SIGSTOP');
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // pid (comm) state ppid ...; comm may hold spaces and parentheses: read after the last ')'
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  let killed = 0;
  for (const target of [pid, ...children]) {
    try {
      process.kill(target, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
  }
  return killed;
}
