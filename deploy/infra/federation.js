'use strict';
/**
 * Starts a whole federation from a topology file: one Node.js process per node, running the built
 * app of its tier (`dist/apps/<tier>/src/main.js`, made by `npm run build`), tier by tier, each
 * awaited on GET /health.
 *
 *   const fed = await startFederation({ topologyFile, brokers, serverUrl, logDir: '.run/logs' });
 *   fed.nodes  // [{ code, tier, name, parent, url, port, databaseUrl, pid, logFile, database }]
 *   await fed.stop();
 */

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const {
  REPO_ROOT,
  stderrLog,
  sleep,
  describeTail,
  isAlive,
  commandLine,
  isOtherLauncher,
  terminatePid,
  terminateChild,
  assertPortsFree,
  httpRequest,
  onProcessExit,
  trackChild,
  ensureDir,
} = require('./util');
const { databaseUrl } = require('./postgres');

/** @typedef {'city' | 'district' | 'community' | 'monitor'} Tier */

/**
 * @typedef {object} TopologyNode
 * @property {string} code
 * @property {string} name
 * @property {Tier} tier
 * @property {number} port        the HTTP port the topology file gives (before any offset)
 * @property {string | null} parent code of the node one tier up (null for the city and the monitor)
 * @property {string[]} children  codes of the nodes one tier down
 */

/**
 * @typedef {object} RunningNode
 * @property {string} code
 * @property {Tier} tier
 * @property {string} name
 * @property {string | null} parent
 * @property {string} url          http://127.0.0.1:<port>
 * @property {number} port         topology port + portOffset
 * @property {string} database     database name
 * @property {string} databaseUrl  the DATABASE_URL the node was given
 * @property {number} pid
 * @property {string} logFile      the node's stdout/stderr (JSON log lines)
 */

/** Start order: each group starts concurrently once the previous one is healthy. */
const START_ORDER = /** @type {Tier[][]} */ ([['city', 'monitor'], ['district'], ['community']]);
const HEALTH_TIMEOUT_MS = 60_000;
const NODE_STOP_TIMEOUT_MS = 10_000;

/**
 * Reads a topology file (see deploy/topology/demo.json) into a flat list of nodes:
 * the city, each district followed by its communities, then the monitor.
 * @param {string} file
 * @returns {TopologyNode[]}
 */
function readTopology(file) {
  /** @type {any} */
  let raw;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the topology ${file}: ${/** @type {Error} */ (err).message}`);
  }
  /** @type {TopologyNode[]} */
  const nodes = [];
  const byCode = new Map();
  const fail = (/** @type {string} */ why) => {
    throw new Error(`topology ${file}: ${why}`);
  };
  /**
   * @param {Tier} tier
   * @param {any} value
   * @param {TopologyNode | null} parent
   */
  const add = (tier, value, parent) => {
    if (!value || typeof value.code !== 'string' || !value.code) fail(`a ${tier} without a code`);
    if (typeof value.name !== 'string' || !value.name) fail(`${value.code} has no name`);
    if (!Number.isInteger(value.port) || value.port < 1 || value.port > 65535)
      fail(`${value.code} has no valid port`);
    if (byCode.has(value.code)) fail(`${value.code} appears twice`);
    /** @type {TopologyNode} */
    const node = {
      code: value.code,
      name: value.name,
      tier,
      port: value.port,
      parent: parent ? parent.code : null,
      children: [],
    };
    if (parent) parent.children.push(node.code);
    byCode.set(node.code, node);
    nodes.push(node);
    return node;
  };
  if (!raw || !raw.city) fail('a city is required');
  const city = add('city', raw.city, null);
  for (const d of raw.city.districts ?? []) {
    const district = add('district', d, city);
    for (const c of d.communities ?? []) add('community', c, district);
  }
  if (raw.monitor) add('monitor', raw.monitor, null);
  const ports = new Map();
  for (const node of nodes) {
    if (ports.has(node.port)) fail(`${node.code} and ${ports.get(node.port)} share port ${node.port}`);
    ports.set(node.port, node.code);
  }
  return nodes;
}

/**
 * Name of a node's database: <dbPrefix>_<code with '-' replaced by '_'>.
 * @param {string} dbPrefix
 * @param {string} code
 */
function nodeDatabaseName(dbPrefix, code) {
  return `${dbPrefix}_${code.replace(/-/g, '_')}`.toLowerCase();
}

/**
 * The built entry point of a tier's app.
 * @param {Tier} tier
 */
function appEntry(tier) {
  return path.join(REPO_ROOT, 'dist', 'apps', tier, 'src', 'main.js');
}

/**
 * Throws a clear error unless the built app of every tier in the topology exists.
 * @param {string} topologyFile
 */
function assertAppsBuilt(topologyFile) {
  const tiers = [...new Set(readTopology(path.resolve(REPO_ROOT, topologyFile)).map((n) => n.tier))];
  const missing = tiers.map(appEntry).filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new Error(
      `the apps are not built: ${missing.map((f) => path.relative(REPO_ROOT, f)).join(', ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing. Run \`npm run build\` first.`,
    );
  }
}

/**
 * Starts every node of the topology and waits until each answers GET /health with 200.
 * On any failure the nodes already started are stopped and the error carries the failing node's
 * log tail.
 *
 * @param {object} opts
 * @param {string} opts.topologyFile
 * @param {string} opts.brokers              KAFKA_BROKERS for every node
 * @param {string} opts.serverUrl            PostgreSQL server URL without a database (see postgres.js)
 * @param {string} opts.logDir               gets <code>.log per node
 * @param {number} [opts.portOffset]         added to every port of the topology (default 0)
 * @param {string} [opts.namespace]          FED_NAMESPACE, the Kafka topic/group prefix (default 'fed')
 * @param {string} [opts.dbPrefix]           database name prefix (default 'fed')
 * @param {Record<string, string>} [opts.extraEnv] added to (and overriding) every node's environment
 * @param {(message: string) => void} [opts.log]
 * @param {number} [opts.healthTimeoutMs]    per tier (default 60 s)
 * @param {(node: RunningNode, code: number | null, signal: string | null) => void} [opts.onNodeExit]
 *        called when a node exits after startup without stop() having been called
 * @returns {Promise<{ nodes: RunningNode[], stop: () => Promise<void> }>}
 */
async function startFederation(opts) {
  const {
    topologyFile: topologyArg,
    brokers,
    serverUrl,
    logDir: logDirArg,
    portOffset = 0,
    namespace = 'fed',
    dbPrefix = 'fed',
    extraEnv = {},
    log = stderrLog('federation'),
    healthTimeoutMs = HEALTH_TIMEOUT_MS,
    onNodeExit,
  } = opts;
  if (!topologyArg) throw new Error('startFederation: topologyFile is required');
  if (!brokers) throw new Error('startFederation: brokers is required');
  if (!serverUrl) throw new Error('startFederation: serverUrl is required');
  if (!logDirArg) throw new Error('startFederation: logDir is required');
  if (!/^[a-z_][a-z0-9_]*$/.test(dbPrefix)) {
    throw new Error(
      `startFederation: dbPrefix ${JSON.stringify(dbPrefix)} must be lowercase letters, digits and _`,
    );
  }
  const topologyFile = path.resolve(REPO_ROOT, topologyArg);
  const logDir = ensureDir(path.resolve(REPO_ROOT, logDirArg));
  const topology = readTopology(topologyFile);

  assertAppsBuilt(topologyFile);
  for (const node of topology) {
    const db = nodeDatabaseName(dbPrefix, node.code);
    if (db.length > 63) throw new Error(`database name ${db} is longer than PostgreSQL's 63 characters`);
  }
  // nodes of an earlier launcher (same port offset) that crashed without stopping them
  const pidFile = nodesPidFile(portOffset);
  await stopLeftoverNodes(portOffset, log);
  await assertPortsFree(topology.map((n) => ({ port: n.port + portOffset, what: `${n.tier} ${n.code}` })));

  /** @type {Array<{ node: RunningNode, child: import('node:child_process').ChildProcess }>} */
  const running = [];
  let stopping = false;
  const disposeExitHook = onProcessExit(() => {
    for (const { child } of running) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
  });

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // the reverse of the start order: leaves first, so nothing publishes to a stopped parent
    for (const group of [...START_ORDER].reverse()) {
      await Promise.all(
        running
          .filter(({ node }) => group.includes(node.tier))
          .map(({ child }) => terminateChild(child, { signal: 'SIGTERM', timeoutMs: NODE_STOP_TIMEOUT_MS })),
      );
    }
    disposeExitHook();
    fs.rmSync(pidFile, { force: true });
  };

  /**
   * @param {TopologyNode} t
   */
  const launch = (t) => {
    const port = t.port + portOffset;
    const database = nodeDatabaseName(dbPrefix, t.code);
    const dbUrl = databaseUrl(serverUrl, database);
    const logFile = path.join(logDir, `${t.code}.log`);
    const out = fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, ['--enable-source-maps', appEntry(t.tier)], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        FED_NODE_CODE: t.code,
        FED_TOPOLOGY: topologyFile,
        FED_HTTP_PORT: String(port),
        DATABASE_URL: dbUrl,
        KAFKA_BROKERS: brokers,
        FED_NAMESPACE: namespace,
        LOG_LEVEL: process.env.LOG_LEVEL || 'info',
        ...extraEnv,
      },
      // same process group as the launcher on purpose: a Ctrl-C in the terminal reaches the nodes too
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    child.unref();
    trackChild(child);
    /** @type {RunningNode} */
    const node = {
      code: t.code,
      tier: t.tier,
      name: t.name,
      parent: t.parent,
      url: `http://127.0.0.1:${port}`,
      port,
      database,
      databaseUrl: dbUrl,
      pid: child.pid ?? 0,
      logFile,
    };
    /** @type {string | null} */
    let spawnError = null;
    child.once('error', (err) => {
      spawnError = err.message;
    });
    let started = false;
    child.once('exit', (code, signal) => {
      if (started && !stopping && onNodeExit) onNodeExit(node, code, signal);
    });
    running.push({ node, child });
    const pids = running.map((r) => ({ code: r.node.code, pid: r.node.pid }));
    fs.writeFileSync(pidFile, JSON.stringify({ launcher: process.pid, nodes: pids }) + '\n');
    const markStarted = () => {
      started = true;
    };
    const exitReason = () => {
      if (stopping) return 'startup was abandoned';
      if (spawnError) return `could not be started (${spawnError})`;
      if (child.exitCode !== null) return `exited during startup with code ${child.exitCode}`;
      if (child.signalCode !== null) return `was killed by ${child.signalCode} during startup`;
      return null;
    };
    return { node, markStarted, exitReason };
  };

  try {
    for (const group of START_ORDER) {
      const members = topology.filter((n) => group.includes(n.tier));
      if (!members.length) continue;
      log(`starting ${members.map((n) => `${n.tier} ${n.code} (:${n.port + portOffset})`).join(', ')}`);
      const launched = members.map(launch);
      await Promise.all(
        launched.map(async ({ node, markStarted, exitReason }) => {
          try {
            await waitForHealthy(`${node.url}/health`, healthTimeoutMs, exitReason);
          } catch (err) {
            throw new Error(
              `${node.tier} ${node.code} (${node.name}, ${node.url}) did not become healthy: ` +
                `${/** @type {Error} */ (err).message}${describeTail(node.logFile, 40)}`,
            );
          }
          markStarted();
        }),
      );
    }
  } catch (err) {
    log('startup failed; stopping the nodes already started');
    await stop();
    throw err;
  }
  // in topology order (city, each district followed by its communities, monitor), not start order
  const order = new Map(topology.map((n, i) => [n.code, i]));
  const nodes = running
    .map((r) => r.node)
    .sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0));
  log(`${nodes.length} nodes are healthy`);
  return { nodes, stop };
}

/**
 * Where a launcher records its node pids: .run/federation-<portOffset>.pids.json.
 * @param {number} portOffset
 */
function nodesPidFile(portOffset) {
  return path.join(ensureDir(path.join(REPO_ROOT, '.run')), `federation-${portOffset}.pids.json`);
}

/**
 * Stops the nodes a launcher with this port offset left running when it died without stopping
 * them; throws when that launcher is still alive. startFederation does this itself; a launcher
 * that checks ports earlier calls it first.
 * @param {number} portOffset
 * @param {(message: string) => void} [log]
 */
async function stopLeftoverNodes(portOffset, log = stderrLog('federation')) {
  const pidFile = nodesPidFile(portOffset);
  /** @type {{ launcher: number, nodes: Array<{ code: string, pid: number }> }} */
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  if (isOtherLauncher(recorded.launcher)) {
    throw new Error(
      `another launcher (pid ${recorded.launcher}) is running a federation with these ports ` +
        `(${path.relative(REPO_ROOT, pidFile)}); stop it first`,
    );
  }
  const entries = Array.isArray(recorded.nodes) ? recorded.nodes : [];
  const appsDir = path.join(REPO_ROOT, 'dist', 'apps');
  // only live processes still running one of our apps: pids get reused
  const leftovers = entries.filter((e) => isAlive(e.pid) && commandLine(e.pid).includes(appsDir));
  if (leftovers.length) {
    log(
      `stopping ${leftovers.length} node(s) left over from an earlier run: ${leftovers.map((e) => e.code).join(', ')}`,
    );
    await Promise.all(
      leftovers.map((e) => terminatePid(e.pid, { signal: 'SIGTERM', timeoutMs: NODE_STOP_TIMEOUT_MS })),
    );
  }
  fs.rmSync(pidFile, { force: true });
}

/**
 * Polls `url` until it answers 200.
 * @param {string} url
 * @param {number} timeoutMs
 * @param {() => string | null} [abort] returns a reason to give up early (e.g. the process exited)
 */
async function waitForHealthy(url, timeoutMs, abort) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    const reason = abort ? abort() : null;
    if (reason) throw new Error(reason);
    try {
      const res = await httpRequest('GET', url, { timeoutMs: 2_000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${res.body.slice(0, 200)}`;
    } catch (err) {
      last = /** @type {Error} */ (err).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `GET ${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${last})`,
      );
    }
    await sleep(250);
  }
}

/**
 * Every port the federation would listen on, for an early check before anything else starts.
 * @param {string} topologyFile
 * @param {number} [portOffset]
 * @returns {Array<{ port: number, what: string }>}
 */
function federationPorts(topologyFile, portOffset = 0) {
  return readTopology(path.resolve(REPO_ROOT, topologyFile)).map((n) => ({
    port: n.port + portOffset,
    what: `${n.tier} ${n.code}`,
  }));
}

module.exports = {
  startFederation,
  waitForHealthy,
  readTopology,
  nodeDatabaseName,
  federationPorts,
  stopLeftoverNodes,
  assertAppsBuilt,
  appEntry,
  START_ORDER,
};
