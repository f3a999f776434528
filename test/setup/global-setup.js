'use strict';
/**
 * Jest globalSetup for integration and end-to-end tests: starts Kafka, PostgreSQL and the demo
 * federation once per `jest` run, isolated by a run id, and hands their coordinates to the test
 * workers through process.env (workers are forked after this runs and inherit it):
 *
 *   FED_TEST_RUN_ID         e.g. tmh2k9x1c
 *   FED_TEST_KAFKA_BROKERS  host:port[,host:port]
 *   FED_TEST_PG_SERVER_URL  postgres://user@host:port (no database; see deploy/infra/postgres.js databaseUrl)
 *   FED_TEST_PG_ADMIN_DB    database to connect to for CREATE/DROP DATABASE
 *   FED_TEST_NAMESPACE      Kafka topic/group prefix of this run's nodes: fedtest-<runid>
 *   FED_TEST_DB_PREFIX      database name prefix of this run: fedtest_<runid>; the teardown drops them all
 *   FED_TEST_NODES          JSON array: [{ code, tier, name, parent, url, port, database, databaseUrl, pid, logFile }]
 *   FED_TEST_LOG_DIR        the nodes' logs: .run/test-logs/<runid>/<code>.log
 *   FED_TEST_TOPOLOGY       absolute path of the topology the nodes run
 *   FED_TEST_NODES_NOW      the instant the nodes' clocks were pinned to at their start
 *
 * Knobs: KAFKA_BROKERS / DATABASE_URL use existing servers (deploy/infra/*.js);
 * FED_TEST_FEDERATION=0 starts only Kafka and PostgreSQL (FED_TEST_NODES is then []);
 * FED_TEST_KEEP=1 keeps this run's databases after the tests, for a post-mortem.
 * The nodes run the built apps (dist/): run `npm run build` after changing them.
 */

const path = require('node:path');
const { REPO_ROOT, stderrLog, pruneOldLogDirs } = require('../../deploy/infra/util');
const { ensureKafka } = require('../../deploy/infra/kafka');
const { ensurePostgres } = require('../../deploy/infra/postgres');
const { startFederation, assertAppsBuilt } = require('../../deploy/infra/federation');
const { publishDemoCatalog } = require('../../deploy/infra/catalog');
const { stopTestStack } = require('./global-teardown');

const TOPOLOGY = path.join(REPO_ROOT, 'deploy', 'topology', 'demo.json');
const PORT_OFFSET = 20_000;
const NODE_TZ = 'America/New_York';
/**
 * "Today" for the demo federation's nodes, whatever the day the tests run: a mid-year weekday inside
 * the official calendar (Wed 17 Jun 2026, 10:00 in Shanghai); their clocks run on from there.
 * Tests read it as FED_TEST_NODES_NOW. test/calendar-dates.e2e-spec.ts covers the other days that matter.
 */
const TEST_NOW = '2026-06-17T10:00:00+08:00';
const KEEP_TEST_LOG_DIRS = 10;

/**
 * @typedef {object} FedTestState
 * @property {string} runId
 * @property {string} namespace
 * @property {string} dbPrefix
 * @property {string} logDir
 * @property {import('../../deploy/infra/kafka').KafkaHandle | null} kafka
 * @property {import('../../deploy/infra/postgres').PostgresHandle | null} pg
 * @property {{ nodes: unknown[], stop: () => Promise<void> } | null} federation
 */

module.exports = async function globalSetup() {
  const log = stderrLog('test-setup');
  const started = Date.now();
  const runId = `t${Date.now().toString(36)}`;
  const namespace = `fedtest-${runId}`;
  const dbPrefix = `fedtest_${runId}`;
  const logDir = path.join(REPO_ROOT, '.run', 'test-logs', runId);
  const withFederation = process.env.FED_TEST_FEDERATION !== '0';
  // before anything starts: the nodes run dist/, which only `npm run build` makes
  if (withFederation) assertAppsBuilt(TOPOLOGY);
  pruneOldLogDirs(path.dirname(logDir), KEEP_TEST_LOG_DIRS);
  process.stderr.write('\n');
  log(`run ${runId}: starting Kafka, PostgreSQL${withFederation ? ' and the federation' : ''}`);

  /** @type {FedTestState} */
  const state = { runId, namespace, dbPrefix, logDir, kafka: null, pg: null, federation: null };
  /** @type {any} */ (globalThis).__FED_TEST__ = state;

  try {
    const [kafka, pg] = await Promise.allSettled([
      ensureKafka({
        name: 'test',
        port: 29092,
        controllerPort: 29093,
        fresh: true,
        log: stderrLog('test-kafka'),
      }),
      ensurePostgres({ name: 'test', log: stderrLog('test-postgres') }),
    ]);
    if (kafka.status === 'fulfilled') state.kafka = kafka.value;
    if (pg.status === 'fulfilled') state.pg = pg.value;
    if (kafka.status === 'rejected') throw kafka.reason;
    if (pg.status === 'rejected') throw pg.reason;
    const kafkaHandle = kafka.value;
    const pgHandle = pg.value;

    let nodes = /** @type {unknown[]} */ ([]);
    if (withFederation) {
      state.federation = await startFederation({
        topologyFile: TOPOLOGY,
        portOffset: PORT_OFFSET,
        namespace,
        dbPrefix,
        brokers: kafkaHandle.brokers,
        serverUrl: pgHandle.serverUrl,
        logDir,
        log: stderrLog('test-federation'),
        // The nodes run in another time zone than the centers (and the test process, pinned to
        // Asia/Shanghai): dates such as the one in a case number must not depend on it.
        // The warning clock scans only when a test moves it (PUT /api/v1/test/clock): cases change
        // version only when a test says so.
        extraEnv: {
          TZ: NODE_TZ,
          FED_TEST_CLOCK: '1',
          FED_TEST_NOW: TEST_NOW,
          FED_WARNING_INTERVAL_MS: '3600000',
        },
        onNodeExit: (node, code, signal) =>
          log(
            `WARNING: ${node.tier} ${node.code} exited during the tests (${code ?? signal}); see ${node.logFile}`,
          ),
      });
      nodes = state.federation.nodes;
      // The demo catalog, as `npm start` publishes it: cases can be filed only under known items.
      await publishDemoCatalog(state.federation.nodes, { log: stderrLog('test-catalog') });
    }

    Object.assign(process.env, {
      FED_TEST_RUN_ID: runId,
      FED_TEST_KAFKA_BROKERS: kafkaHandle.brokers,
      FED_TEST_PG_SERVER_URL: pgHandle.serverUrl,
      FED_TEST_PG_ADMIN_DB: pgHandle.adminDatabase,
      FED_TEST_NAMESPACE: namespace,
      FED_TEST_DB_PREFIX: dbPrefix,
      FED_TEST_NODES: JSON.stringify(nodes),
      FED_TEST_LOG_DIR: logDir,
      FED_TEST_TOPOLOGY: TOPOLOGY,
      FED_TEST_NODES_NOW: TEST_NOW,
    });
    log(
      `ready after ${((Date.now() - started) / 1000).toFixed(1)} s (node logs in ${path.relative(REPO_ROOT, logDir)})`,
    );
  } catch (err) {
    log('setup failed; stopping what was started');
    await stopTestStack(state, log);
    throw err;
  }
};
