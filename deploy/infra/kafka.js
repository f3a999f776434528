'use strict';
/**
 * A local single-node KRaft Kafka broker, run from the Maven Central jars (no Docker), or an
 * external one named by KAFKA_BROKERS.
 *
 *   const { ensureKafka } = require('./deploy/infra/kafka');
 *   const kafka = await ensureKafka({ name: 'dev', port: 9092, controllerPort: 9093 });
 *   // kafka.brokers === '127.0.0.1:9092'
 *   await kafka.stop();
 *
 * Layout:
 *   .cache/kafka/<version>/libs/   the broker's class path (fetched once with deploy/kafka/pom.xml)
 *   .run/kafka-<name>/             server.properties, broker.pid, data/ (the log dir), logs/
 */

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
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
  onProcessExit,
  trackChild,
  ensureDir,
} = require('./util');

/** Must match kafka.version in deploy/kafka/pom.xml. */
const KAFKA_VERSION = '4.1.1';
const MIN_JAVA = 17;
const POM_FILE = path.join(REPO_ROOT, 'deploy', 'kafka', 'pom.xml');
const LOG4J_FILE = path.join(REPO_ROOT, 'deploy', 'kafka', 'log4j2.properties');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'kafka', KAFKA_VERSION);
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const EXTERNAL_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} KafkaHandle
 * @property {string} brokers  comma-separated host:port list
 * @property {boolean} external true when KAFKA_BROKERS named the broker (we neither started nor stop it)
 * @property {() => Promise<void>} stop
 * @property {string} [runDir] the broker's run directory (local broker only)
 * @property {string} [logFile] the broker's server.log (local broker only)
 * @property {number} [pid] the JVM's pid (local broker only)
 */

/**
 * Starts (or reuses, when KAFKA_BROKERS is set) a Kafka broker and waits until it answers.
 *
 * @param {object} opts
 * @param {string} opts.name            run-directory name: .run/kafka-<name>
 * @param {number} opts.port            PLAINTEXT listener port on 127.0.0.1
 * @param {number} opts.controllerPort  KRaft controller listener port on 127.0.0.1
 * @param {boolean} [opts.fresh]        wipe the broker's data first (tests)
 * @param {(message: string) => void} [opts.log]
 * @returns {Promise<KafkaHandle>}
 */
async function ensureKafka({ name, port, controllerPort, fresh = false, log = stderrLog('kafka') }) {
  const external = process.env.KAFKA_BROKERS;
  if (external && external.trim()) {
    const brokers = external.trim();
    log(`using the external Kafka at ${brokers} (KAFKA_BROKERS)`);
    try {
      await waitForBrokers(brokers, EXTERNAL_TIMEOUT_MS);
    } catch (err) {
      throw new Error(`KAFKA_BROKERS=${brokers} does not answer: ${/** @type {Error} */ (err).message}`);
    }
    return { brokers, external: true, stop: async () => {} };
  }

  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`ensureKafka: bad name ${JSON.stringify(name)}`);
  const java = javaBinary();
  checkJava(java);
  const libs = await ensureKafkaJars(log);

  const runDir = ensureDir(path.join(REPO_ROOT, '.run', `kafka-${name}`));
  const dataDir = path.join(runDir, 'data');
  const logsDir = ensureDir(path.join(runDir, 'logs'));
  const propsFile = path.join(runDir, 'server.properties');
  const pidFile = path.join(runDir, 'broker.pid');
  const stdoutFile = path.join(logsDir, 'stdout.log');
  const serverLog = path.join(logsDir, 'server.log');

  await killLeftover(pidFile, propsFile, log);
  await assertPortsFree([
    { port, what: `Kafka broker "${name}"` },
    { port: controllerPort, what: `Kafka controller "${name}"` },
  ]);

  if (fresh) fs.rmSync(dataDir, { recursive: true, force: true });
  ensureDir(dataDir);
  fs.writeFileSync(propsFile, serverProperties({ port, controllerPort, dataDir }));

  const jvmProps = [`-Dlog4j2.configurationFile=${LOG4J_FILE}`, `-Dkafka.logs.dir=${logsDir}`];
  const classPath = path.join(libs, '*');

  if (!fs.existsSync(path.join(dataDir, 'meta.properties'))) {
    const clusterId = newClusterId();
    log(`formatting a new KRaft log dir in ${path.relative(REPO_ROOT, dataDir)} (cluster id ${clusterId})`);
    // no --standalone: controller.quorum.voters is static
    const format = spawnSync(
      java,
      [...jvmProps, '-cp', classPath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile],
      { encoding: 'utf8', cwd: runDir },
    );
    fs.writeFileSync(path.join(logsDir, 'format.log'), `${format.stdout ?? ''}${format.stderr ?? ''}`);
    if (format.status !== 0) {
      throw new Error(
        `kafka.tools.StorageTool format failed (exit ${format.status}):\n${format.stdout ?? ''}${format.stderr ?? ''}`,
      );
    }
  }

  const heap = process.env.KAFKA_HEAP_OPTS
    ? process.env.KAFKA_HEAP_OPTS.trim().split(/\s+/)
    : ['-Xms256m', '-Xmx768m'];
  // This broker shares a small machine with PostgreSQL and every node, and lives for a session or a
  // test run: the optimising C2 compiler would spend more CPU compiling the broker than the broker
  // spends serving (measured: over half its CPU in the first minutes). C1 alone compiles cheaply and
  // serves this load well. KAFKA_JVM_PERFORMANCE_OPTS replaces these flags, as in Kafka's own scripts.
  const jit = process.env.KAFKA_JVM_PERFORMANCE_OPTS
    ? process.env.KAFKA_JVM_PERFORMANCE_OPTS.trim().split(/\s+/)
    : ['-XX:TieredStopAtLevel=1', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];
  const out = fs.openSync(stdoutFile, 'a');
  fs.writeSync(out, `\n=== ${new Date().toISOString()} starting kafka.Kafka ${propsFile}\n`);
  const child = spawn(
    java,
    [
      ...heap,
      ...jit,
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      ...jvmProps,
      '-cp',
      classPath,
      'kafka.Kafka',
      propsFile,
    ],
    // same process group as the launcher on purpose: a Ctrl-C in the terminal reaches the broker too
    { cwd: runDir, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  // Unref: a launcher that forgets stop() still exits, and the exit handler below stops the broker.
  child.unref();
  trackChild(child);
  const spawnError = new Promise((_resolve, reject) => child.once('error', reject));
  spawnError.catch(() => {});
  const pid = /** @type {number} */ (child.pid);
  if (pid) fs.writeFileSync(pidFile, JSON.stringify({ pid, launcher: process.pid, propsFile }) + '\n');
  const disposeExitHook = onProcessExit(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminateChild(child, { signal: 'SIGTERM', timeoutMs: STOP_TIMEOUT_MS });
    disposeExitHook();
    fs.rmSync(pidFile, { force: true });
  };

  const brokers = `127.0.0.1:${port}`;
  log(
    `starting Kafka ${KAFKA_VERSION} "${name}" on ${brokers} (pid ${pid}, logs in ${path.relative(REPO_ROOT, logsDir)})`,
  );
  const started = Date.now();
  try {
    await Promise.race([
      spawnError,
      waitForBrokers(brokers, READY_TIMEOUT_MS, () => {
        if (stopped || !child.pid) return 'the broker could not be started';
        if (child.exitCode !== null || child.signalCode !== null) {
          return `the broker exited during startup (${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode})`;
        }
        return null;
      }),
    ]);
  } catch (err) {
    await stop();
    throw new Error(
      `Kafka "${name}" did not start: ${/** @type {Error} */ (err).message}` +
        describeTail(serverLog, 40) +
        describeTail(stdoutFile, 20),
    );
  }
  await warmUp(brokers);
  log(`Kafka "${name}" is up on ${brokers} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { brokers, external: false, stop, runDir, logFile: serverLog, pid };
}

/**
 * The broker configuration: one process as both broker and KRaft controller, replication factor 1.
 * @param {{ port: number, controllerPort: number, dataDir: string }} o
 */
function serverProperties({ port, controllerPort, dataDir }) {
  return [
    '# written by deploy/infra/kafka.js on every start; edit that file instead',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=4',
    // the apps create their own topics, with their own partition counts
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    // 50 (the default) internal partitions only slow down the first consumer group on one node
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // One machine's cores are shared with PostgreSQL and every node: a few request threads rather than
    // the defaults (3 network, 8 I/O, 10 background) spare context switches on every request.
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    '',
  ].join('\n');
}

/**
 * Polls the brokers with a kafkajs admin client (connect + describeCluster) until they answer.
 * @param {string} brokers comma-separated host:port list
 * @param {number} timeoutMs
 * @param {() => string | null} [abort] returns a reason to stop waiting early
 */
async function waitForBrokers(brokers, timeoutMs, abort) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  for (;;) {
    const reason = abort ? abort() : null;
    if (reason) throw new Error(reason);
    try {
      const cluster = await describeCluster(brokers);
      if (cluster.brokers.length > 0) return cluster;
      lastError = 'the cluster reports no brokers yet';
    } catch (err) {
      lastError = /** @type {Error} */ (err).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `no answer from ${brokers} within ${Math.round(timeoutMs / 1000)} s (last error: ${lastError})`,
      );
    }
    await sleep(500);
  }
}

/**
 * Best effort, bounded: makes a new broker create __consumer_offsets (a group coordinator lookup)
 * and allocate producer ids (an idempotent producer's InitProducerId) now, so the apps' first
 * consumer group and idempotent producer neither wait for that nor log "coordinator is loading"
 * / "group coordinator is not available" errors while kafkajs retries.
 * @param {string} brokers
 */
async function warmUp(brokers) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'fed-infra-warmup',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true });
  const work = (async () => {
    await admin.connect();
    await admin.describeGroups(['fed-infra-warmup']);
    await producer.connect();
  })();
  work.catch(() => {}); // may settle after the timeout below
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, 20_000)))]).catch(() => {});
  clearTimeout(timer);
  await Promise.all([producer.disconnect().catch(() => {}), admin.disconnect().catch(() => {})]);
}

/**
 * One kafkajs admin round trip, no retries, no kafkajs logging.
 * @param {string} brokers
 * @returns {Promise<{ brokers: Array<{ nodeId: number, host: string, port: number }>, controller: number | null, clusterId: string }>}
 */
async function describeCluster(brokers) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'fed-infra-probe',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Deletes every topic whose name starts with `prefix` (e.g. a test run's namespace on a shared broker).
 * @param {string} brokers
 * @param {string} prefix at least 3 characters
 * @returns {Promise<string[]>} the deleted topics
 */
async function deleteTopics(brokers, prefix) {
  if (typeof prefix !== 'string' || prefix.length < 3) {
    throw new Error(`deleteTopics: refusing the prefix ${JSON.stringify(prefix)} (3 characters at least)`);
  }
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'fed-infra-cleanup',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** JAVA_HOME/bin/java when JAVA_HOME is set, else `java` from PATH. */
function javaBinary() {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', process.platform === 'win32' ? 'java.exe' : 'java') : 'java';
}

/**
 * Throws a clear error unless `java` runs and is at least Java 17.
 * @param {string} java
 */
function checkJava(java) {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `the local Kafka broker needs Java ${MIN_JAVA}+, but ${java} could not be run (${result.error.message}). ` +
        `Install a JDK/JRE ${MIN_JAVA}+ (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) and put it on PATH ` +
        'or set JAVA_HOME, or point KAFKA_BROKERS at an existing broker.',
    );
  }
  const text = `${result.stderr}${result.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) throw new Error(`cannot tell the Java version from \`${java} -version\`:\n${text}`);
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < MIN_JAVA) {
    throw new Error(
      `the local Kafka broker needs Java ${MIN_JAVA}+, but ${java} is Java ${major}. ` +
        `Set JAVA_HOME to a JDK ${MIN_JAVA}+ or point KAFKA_BROKERS at an existing broker.`,
    );
  }
  return major;
}

/** The mvn executable, or a clear error. */
function mavenBinary() {
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const result = spawnSync(mvn, ['-v'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `fetching the Kafka jars needs Maven (\`${mvn}\`), which could not be run` +
        `${result.error ? ` (${result.error.message})` : ''}. ` +
        'Install it (Debian/Ubuntu: apt-get install maven), or point KAFKA_BROKERS at an existing broker.',
    );
  }
  return mvn;
}

/**
 * The broker's class-path directory, fetched with Maven on first use. A marker holding the pom's
 * hash is written only after a complete copy, so an interrupted fetch (or a changed pom) is redone.
 * @param {(message: string) => void} log
 * @returns {Promise<string>}
 */
async function ensureKafkaJars(log) {
  const libs = path.join(CACHE_DIR, 'libs');
  const marker = path.join(CACHE_DIR, 'complete');
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(POM_FILE)).digest('hex');
  if (fs.existsSync(libs) && readText(marker) === pomHash) return libs;

  const mvn = mavenBinary();
  ensureDir(CACHE_DIR);
  log(
    `first run: downloading Kafka ${KAFKA_VERSION} (~45 MB of jars from Maven Central) into ` +
      `${path.relative(REPO_ROOT, libs)}; later runs reuse them`,
  );
  const tmp = `${libs}.tmp-${process.pid}`;
  const mvnLog = path.join(CACHE_DIR, 'mvn.log');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(marker, { force: true });
  const out = fs.openSync(mvnLog, 'w');
  const code = await new Promise((resolve, reject) => {
    const child = spawn(
      mvn,
      [
        '-B',
        '-q',
        '-f',
        POM_FILE,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${tmp}`,
      ],
      { cwd: path.dirname(POM_FILE), stdio: ['ignore', out, out], shell: process.platform === 'win32' },
    );
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal));
  }).finally(() => fs.closeSync(out));
  const jars = fs.existsSync(tmp) ? fs.readdirSync(tmp).filter((f) => f.endsWith('.jar')) : [];
  if (code !== 0 || !jars.some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`fetching the Kafka jars with Maven failed (exit ${code})${describeTail(mvnLog, 40)}`);
  }
  fs.rmSync(libs, { recursive: true, force: true });
  fs.renameSync(tmp, libs);
  fs.writeFileSync(marker, pomHash);
  log(`Kafka ${KAFKA_VERSION}: ${jars.length} jars cached in ${path.relative(REPO_ROOT, libs)}`);
  return libs;
}

/**
 * Kills a broker left running by an earlier launcher that crashed (pid file still there).
 * @param {string} pidFile
 * @param {string} propsFile
 * @param {(message: string) => void} log
 */
async function killLeftover(pidFile, propsFile, log) {
  const text = readText(pidFile);
  if (text === null) return;
  let pid = 0;
  let launcher = 0;
  try {
    ({ pid, launcher } = JSON.parse(text));
  } catch {
    pid = Number(text.trim());
  }
  // Only a live java process running *this* server.properties: the pid may have been reused.
  const brokerAlive = isAlive(pid) && commandLine(pid).includes(propsFile);
  if (brokerAlive && isOtherLauncher(launcher)) {
    throw new Error(
      `this broker (${path.dirname(propsFile)}, pid ${pid}) is still run by another launcher (pid ${launcher}); stop that first`,
    );
  }
  if (brokerAlive) {
    log(`stopping a broker left over from an earlier run (pid ${pid})`);
    await terminatePid(pid, { signal: 'SIGTERM', timeoutMs: STOP_TIMEOUT_MS });
  }
  fs.rmSync(pidFile, { force: true });
}

/** @param {string} file */
function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (the form Kafka's Uuid.fromString
 * expects) and, as Kafka's own Uuid.randomUuid(), never with a leading '-', which the format tool's
 * argument parser takes for an option: one id in 64 failed `format` with "expected one argument".
 * @param {(size: number) => Buffer} randomBytes
 */
function newClusterId(randomBytes = crypto.randomBytes) {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

module.exports = { newClusterId, ensureKafka, waitForBrokers, describeCluster, deleteTopics, KAFKA_VERSION };
