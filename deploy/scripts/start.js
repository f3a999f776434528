#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the whole demo federation on this machine.
 *
 *   1. Kafka (a local KRaft broker on 127.0.0.1:9092, or KAFKA_BROKERS) and PostgreSQL
 *      (DATABASE_URL, a local server on 5432, or an embedded one), see deploy/infra/;
 *   2. every node of deploy/topology/demo.json (or FED_TOPOLOGY) from dist/ (`npm run build`);
 *   3. demo cases at the communities, on the first run on a fresh database
 *      (FED_SEED=always files them again, FED_SEED=never never does);
 *   4. a table of the nodes, then waits. Ctrl-C stops everything; a second Ctrl-C exits at once.
 *
 * Environment: KAFKA_BROKERS, DATABASE_URL, FED_FORCE_EMBEDDED_PG, FED_TOPOLOGY, FED_SEED, LOG_LEVEL,
 * FED_PORT_OFFSET (a second federation beside the first: every port shifted by it, its own topics,
 * databases, broker and logs, see `instance`).
 */

const path = require('node:path');
const { REPO_ROOT, stderrLog, assertPortsFree, killTrackedChildren } = require('../infra/util');
const { ensureKafka } = require('../infra/kafka');
const { ensurePostgres, existingDatabases } = require('../infra/postgres');
const {
  startFederation,
  federationPorts,
  stopLeftoverNodes,
  assertAppsBuilt,
  readTopology,
  nodeDatabaseName,
} = require('../infra/federation');
const { seedDemo } = require('./seed');
const { publishDemoCatalog } = require('../infra/catalog');

/**
 * Where this federation lives. FED_PORT_OFFSET=N (default 0) shifts the topology's ports and our
 * broker's by N and names everything else after N, so that it runs beside the default one without
 * touching it: broker .run/kafka-dev-N, embedded PostgreSQL .run/pg-dev-N (when one is needed),
 * topics fed-N.*, databases fed_N_*, logs .run/logs-N. N is a multiple of 1000 up to 22000: smaller
 * steps would overlap the default's ports, larger ones reach Linux's ephemeral ports (32768 and up)
 * with the broker's 9092 + N.
 */
function instance() {
  const raw = (process.env.FED_PORT_OFFSET ?? '').trim() || '0';
  const offset = Number(raw);
  if (!/^\d+$/.test(raw) || offset % 1000 !== 0 || offset > 22_000) {
    throw new Error(
      `FED_PORT_OFFSET must be 0 or a multiple of 1000 up to 22000, not ${JSON.stringify(raw)}`,
    );
  }
  const suffix = offset ? `-${offset}` : '';
  return {
    portOffset: offset,
    name: `dev${suffix}`,
    kafkaPort: 9092 + offset,
    kafkaControllerPort: 9093 + offset,
    namespace: `fed${suffix}`,
    dbPrefix: offset ? `fed_${offset}` : 'fed',
    logDir: path.join(REPO_ROOT, '.run', `logs${suffix}`),
  };
}

const log = stderrLog('start');

/** What to stop on the way out, in reverse order of starting. @type {Array<{ what: string, stop: () => Promise<void> }>} */
const running = [];
let shuttingDown = false;
let firstSignalAt = 0;

/**
 * @param {number} code
 */
async function shutdown(code) {
  shuttingDown = true;
  for (const { what, stop } of running.splice(0).reverse()) {
    log(`stopping ${what}`);
    try {
      await stop();
    } catch (err) {
      log(`stopping ${what} failed: ${/** @type {Error} */ (err).message}`);
    }
  }
  process.exit(code);
}

/** @param {NodeJS.Signals} signal */
function onSignal(signal) {
  if (!firstSignalAt) {
    firstSignalAt = Date.now();
    process.stderr.write('\n');
    log(`${signal}: shutting down (press Ctrl-C again to exit at once)`);
    void shutdown(0);
    return;
  }
  // npm forwards the terminal's SIGINT to its script too: one key press can arrive twice
  if (Date.now() - firstSignalAt < 500) return;
  log(`${signal} again: killing everything and exiting`);
  killTrackedChildren('SIGKILL');
  process.exit(130);
}

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { portOffset, name, kafkaPort, kafkaControllerPort, namespace, dbPrefix, logDir } = instance();

  const topologyFile = path.resolve(
    process.env.FED_TOPOLOGY || path.join(REPO_ROOT, 'deploy', 'topology', 'demo.json'),
  );
  const topology = readTopology(topologyFile);
  assertAppsBuilt(topologyFile);
  // fail before anything starts when a node's port is taken (Kafka checks its own ports)
  await stopLeftoverNodes(portOffset, stderrLog('federation'));
  await assertPortsFree(federationPorts(topologyFile, portOffset));

  const [kafkaResult, pgResult] = await Promise.allSettled([
    ensureKafka({
      name,
      port: kafkaPort,
      controllerPort: kafkaControllerPort,
      log: stderrLog('kafka'),
    }),
    ensurePostgres({ name, log: stderrLog('postgres') }),
  ]);
  // external servers are not ours to stop
  if (kafkaResult.status === 'fulfilled' && !kafkaResult.value.external) {
    running.push({ what: 'Kafka', stop: kafkaResult.value.stop });
  }
  if (pgResult.status === 'fulfilled' && !pgResult.value.external) {
    running.push({ what: 'the embedded PostgreSQL', stop: pgResult.value.stop });
  }
  if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
  if (pgResult.status === 'rejected') throw pgResult.reason;
  const kafka = kafkaResult.value;
  const pg = pgResult.value;
  if (shuttingDown) return;

  const seedMode = (process.env.FED_SEED || 'auto').toLowerCase();
  let seed = seedMode === 'always';
  if (seedMode === 'auto') {
    const communityDbs = topology
      .filter((n) => n.tier === 'community')
      .map((n) => nodeDatabaseName(dbPrefix, n.code));
    const existing = await existingDatabases(pg.serverUrl, pg.adminDatabase, communityDbs);
    seed = existing.length < communityDbs.length;
    if (!seed)
      log(
        'the community databases exist from an earlier run: not filing demo cases (FED_SEED=always to file them again)',
      );
  }

  const federation = await startFederation({
    topologyFile,
    portOffset,
    namespace,
    dbPrefix,
    brokers: kafka.brokers,
    serverUrl: pg.serverUrl,
    logDir,
    log: stderrLog('federation'),
    onNodeExit: (node, code, signal) => {
      if (!shuttingDown) {
        log(
          `WARNING: ${node.tier} ${node.code} exited (${code ?? signal}); see ${path.relative(REPO_ROOT, node.logFile)}`,
        );
      }
    },
  });
  running.push({ what: 'the federation nodes', stop: federation.stop });
  if (shuttingDown) return;

  // The catalog is published on every start; an unchanged item keeps its version.
  await publishDemoCatalog(federation.nodes, { log: stderrLog('catalog') });
  if (shuttingDown) return;

  if (seed && seedMode !== 'never') {
    const result = await seedDemo(federation.nodes, stderrLog('seed'));
    if (result.failed.length)
      log(`some demo cases were refused; the federation keeps running (see the community logs)`);
  }
  if (shuttingDown) return;

  printTable(federation.nodes);
  const lines = [
    `Kafka       ${kafka.brokers}${kafka.external ? ' (KAFKA_BROKERS)' : `  log ${path.relative(REPO_ROOT, kafka.logFile ?? '')}`}`,
    `PostgreSQL  ${pg.serverUrl}  databases ${dbPrefix}_*${pg.logFile ? `  log ${pg.logFile}` : ''}`,
    `Topics      ${namespace}.*`,
    '',
    'Press Ctrl-C to stop everything.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  // keep the launcher alive: every child process is unref'd
  setInterval(() => {}, 1 << 30);
}

/**
 * @param {Array<{ tier: string, code: string, name: string, url: string, logFile: string }>} nodes
 */
function printTable(nodes) {
  const header = ['tier', 'code', 'name', 'URL', 'log'];
  const rows = nodes.map((n) => [n.tier, n.code, n.name, n.url, path.relative(REPO_ROOT, n.logFile)]);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (/** @type {string[]} */ cells) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
      .join('  ')
      .trimEnd();
  const out = ['', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * Terminal width of a string: CJK and full-width characters take two columns.
 * @param {string} text
 */
function width(text) {
  let w = 0;
  for (const ch of text) {
    const cp = /** @type {number} */ (ch.codePointAt(0));
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

main().catch((err) => {
  if (shuttingDown) return;
  log(`failed: ${/** @type {Error} */ (err).message}`);
  void shutdown(1);
});
