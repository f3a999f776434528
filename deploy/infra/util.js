'use strict';
/**
 * Small helpers shared by the infrastructure scripts (Kafka, PostgreSQL, federation launcher).
 * Node built-ins only.
 */

const fs = require('node:fs');
const net = require('node:net');
const http = require('node:http');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/** Root of the repository (this file lives in <repo>/deploy/infra). */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * @typedef {(message: string) => void} Log
 */

/**
 * Default progress logger: one line on stderr with a prefix.
 * @param {string} [prefix]
 * @returns {Log}
 */
function stderrLog(prefix = 'infra') {
  return (message) => process.stderr.write(`[${prefix}] ${message}\n`);
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Last `lines` lines of a text file ('' when it does not exist).
 * @param {string} file
 * @param {number} [lines]
 * @returns {string}
 */
function tailFile(file, lines = 40) {
  try {
    const stat = fs.statSync(file);
    const size = Math.min(stat.size, 64 * 1024);
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size);
      fs.readSync(fd, buffer, 0, size, stat.size - size);
      const all = buffer.toString('utf8').split('\n');
      if (all.length && all[all.length - 1] === '') all.pop();
      return all.slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * Formats the tail of a log file for an error message.
 * @param {string} file
 * @param {number} [lines]
 */
function describeTail(file, lines = 40) {
  const tail = tailFile(file, lines);
  return tail
    ? `\n--- last lines of ${file} ---\n${tail}\n--- end of ${file} ---`
    : `\n(${file} is empty or missing)`;
}

/**
 * True when a process with this pid exists (and we may signal it).
 * @param {number} pid
 */
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * Command line of a live process, '' when it cannot be read.
 * @param {number} pid
 */
function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  }
}

/**
 * Whether `pid` is another live launcher (a node process other than this one) — the owner recorded
 * in a pid file, whose children must not be taken over.
 * @param {number | undefined} pid
 */
function isOtherLauncher(pid) {
  return !!pid && pid !== process.pid && isAlive(pid) && /node/.test(commandLine(pid));
}

/**
 * Waits until the pid is gone.
 * @param {number} pid
 * @param {number} timeoutMs
 * @returns {Promise<boolean>} true when it exited in time
 */
async function waitForPidExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Sends `signal`, waits up to `timeoutMs`, then escalates through `escalation` signals
 * (each given another 5 s), ending with SIGKILL.
 * @param {number} pid
 * @param {{ signal?: NodeJS.Signals, timeoutMs?: number, escalation?: NodeJS.Signals[] }} [opts]
 * @returns {Promise<'exited' | 'killed' | 'gone'>}
 */
async function terminatePid(pid, opts = {}) {
  const { signal = 'SIGTERM', timeoutMs = 10_000, escalation = [] } = opts;
  if (!isAlive(pid)) return 'gone';
  try {
    process.kill(pid, signal);
  } catch {
    return 'gone';
  }
  if (await waitForPidExit(pid, timeoutMs)) return 'exited';
  for (const next of escalation) {
    try {
      process.kill(pid, next);
    } catch {
      return 'exited';
    }
    if (await waitForPidExit(pid, 5_000)) return 'killed';
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'exited';
  }
  await waitForPidExit(pid, 5_000);
  return 'killed';
}

/**
 * Resolves when a spawned child has exited (immediately when it already has).
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<void>}
 */
function childExited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * SIGTERM (or `signal`) to a child we spawned, SIGKILL after `timeoutMs`.
 * @param {import('node:child_process').ChildProcess} child
 * @param {{ signal?: NodeJS.Signals, timeoutMs?: number, escalation?: NodeJS.Signals[] }} [opts]
 */
async function terminateChild(child, opts = {}) {
  const { signal = 'SIGTERM', timeoutMs = 10_000, escalation = [] } = opts;
  // never started (spawn failed) or already gone
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = childExited(child);
  // a cleared timer: a pending 20 s timeout must not keep the launcher's event loop alive
  const within = (/** @type {number} */ ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void exited.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  child.kill(signal);
  if (await within(timeoutMs)) return;
  for (const next of escalation) {
    child.kill(next);
    if (await within(5_000)) return;
  }
  child.kill('SIGKILL');
  await within(5_000);
}

/**
 * Whether a TCP port can be bound on `host` right now.
 * @param {number} port
 * @param {string} [host]
 * @returns {Promise<boolean>}
 */
function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Throws one clear error naming every taken port.
 * @param {Array<{ port: number, what: string }>} ports
 */
async function assertPortsFree(ports) {
  const taken = [];
  for (const { port, what } of ports) {
    if (!(await isPortFree(port))) taken.push(`${port} (${what})`);
  }
  if (taken.length) {
    throw new Error(
      `port${taken.length > 1 ? 's' : ''} already in use on 127.0.0.1: ${taken.join(', ')}. ` +
        'Stop whatever is listening there (e.g. an earlier `npm start`; see `ss -ltnp`) and try again.',
    );
  }
}

/**
 * A port the OS considers free right now.
 * @returns {Promise<number>}
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * One HTTP request on a fresh connection (no keep-alive, so nothing holds the event loop).
 * @param {string} method
 * @param {string} url
 * @param {{ body?: unknown, timeoutMs?: number, headers?: Record<string, string> }} [opts]
 * @returns {Promise<{ status: number, body: string }>}
 */
function httpRequest(method, url, opts = {}) {
  const { body, timeoutMs = 5_000, headers = {} } = opts;
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: {
          accept: 'application/json',
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': String(payload.length) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = /** @type {Buffer[]} */ ([]);
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Registers `fn` to run synchronously when this process exits (normally, via process.exit or an
 * uncaught exception). Signals that kill the process skip 'exit' handlers: launchers handle
 * SIGINT/SIGTERM themselves and call the returned disposer once they stopped things properly.
 * @param {() => void} fn
 * @returns {() => void} removes the handler
 */
function onProcessExit(fn) {
  const handler = () => {
    try {
      fn();
    } catch {
      // best effort while exiting
    }
  };
  process.on('exit', handler);
  return () => process.removeListener('exit', handler);
}

/** Every child process the infrastructure scripts started and that is still running. */
const trackedChildren = new Set();

/**
 * Remembers a child until it exits, for {@link killTrackedChildren}.
 * @param {import('node:child_process').ChildProcess} child
 */
function trackChild(child) {
  trackedChildren.add(child);
  child.once('exit', () => trackedChildren.delete(child));
  return child;
}

/**
 * Signals every tracked child at once (a launcher's "second Ctrl-C": no ordering, no waiting).
 * @param {NodeJS.Signals} [signal]
 */
function killTrackedChildren(signal = 'SIGKILL') {
  for (const child of trackedChildren) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * @param {string} dir
 */
function ensureDir(dir) {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Keeps the `keep` newest run directories of `dir` (test and bench logs).
 * @param {string} dir
 * @param {number} keep
 */
function pruneOldLogDirs(dir, keep) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  } catch {
    return;
  }
  const byAge = entries
    .map((e) => ({ full: path.join(dir, e.name), mtime: fs.statSync(path.join(dir, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of byAge.slice(keep)) fs.rmSync(old.full, { recursive: true, force: true });
}

module.exports = {
  REPO_ROOT,
  pruneOldLogDirs,
  stderrLog,
  sleep,
  tailFile,
  describeTail,
  isAlive,
  commandLine,
  isOtherLauncher,
  waitForPidExit,
  terminatePid,
  terminateChild,
  childExited,
  isPortFree,
  assertPortsFree,
  freePort,
  httpRequest,
  onProcessExit,
  trackChild,
  killTrackedChildren,
  ensureDir,
};
