'use strict';
/**
 * Jest globalTeardown: stops what test/setup/global-setup.js started (kept on
 * globalThis.__FED_TEST__, which globalSetup and globalTeardown share): the federation, then
 * Kafka, then drops this run's databases (unless FED_TEST_KEEP=1), then an embedded PostgreSQL.
 * Topics of the run are deleted only on an external broker: the local test broker starts fresh.
 */

const { stderrLog } = require('../../deploy/infra/util');
const { deleteTopics } = require('../../deploy/infra/kafka');
const { dropDatabases } = require('../../deploy/infra/postgres');

/**
 * @param {import('./global-setup').FedTestState | undefined} state
 * @param {(message: string) => void} log
 */
async function stopTestStack(state, log) {
  if (!state) return;
  /** @type {string[]} */
  const problems = [];
  /**
   * @param {string} what
   * @param {() => Promise<unknown>} fn
   */
  const attempt = async (what, fn) => {
    try {
      await fn();
    } catch (err) {
      problems.push(`${what}: ${/** @type {Error} */ (err).message}`);
    }
  };
  const { federation, kafka, pg } = state;
  /** @type {string[]} */
  let dropped = [];
  state.federation = null;
  if (federation) await attempt('stopping the federation', () => federation.stop());
  if (kafka && kafka.external) {
    await attempt('deleting the run’s topics', () => deleteTopics(kafka.brokers, state.namespace));
  }
  state.kafka = null;
  if (kafka) await attempt('stopping Kafka', () => kafka.stop());
  state.pg = null;
  if (pg) {
    if (process.env.FED_TEST_KEEP === '1') {
      log(`FED_TEST_KEEP=1: keeping the databases ${state.dbPrefix}_* on ${pg.serverUrl}`);
    } else {
      await attempt('dropping the run’s databases', async () => {
        dropped = await dropDatabases(pg.serverUrl, pg.adminDatabase, `${state.dbPrefix}_`);
      });
    }
    await attempt('stopping PostgreSQL', () => pg.stop());
  }
  for (const problem of problems) log(`teardown: ${problem}`);
  log(`run ${state.runId}: stopped${dropped.length ? `, dropped ${dropped.length} databases` : ''}`);
}

async function globalTeardown() {
  const log = stderrLog('test-teardown');
  const state = /** @type {any} */ (globalThis).__FED_TEST__;
  /** @type {any} */ (globalThis).__FED_TEST__ = undefined;
  await stopTestStack(state, log);
}

module.exports = globalTeardown;
module.exports.stopTestStack = stopTestStack;
