#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: throughput and latency of the federation, measured on a stack of its own.
 *
 *   1. Kafka (.run/kafka-bench, 127.0.0.1:27092, fresh), PostgreSQL (deploy/infra/postgres.js) and every
 *      node of deploy/topology/demo.json from dist/, ports shifted by 25000 (below Linux's ephemeral
 *      range, 32768-60999, where a client socket in TIME-WAIT can hold a port for a minute), topics
 *      fedbench-<runid>.*, databases fedbench_<runid>_*, node logs in .run/bench-logs/<runid>/. All stopped and dropped at
 *      the end, also on Ctrl-C or failure.
 *   2. Per run (--runs, default 3), within that one stack:
 *      a. raw baseline: kafkajs alone (idempotent producer, acks -1, a consumer group) moving encoded
 *         case.filed envelopes over a fresh 6-partition topic: throughput one message per envelope,
 *         throughput packed as the relay sends them (EventBatch per partition), then latency at --rate;
 *      b. end-to-end throughput: --cases filings over the 4 communities' HTTP API, at most
 *         --concurrency in flight per community, until the city holds every one of them;
 *      c. end-to-end latency: an open-loop POST schedule at --rate for --seconds (after --warmup
 *         seconds), latency = case_event.applied_at - occurred_at of version 1 at the city (and at
 *         the districts).
 *   3. Once, after the runs (so the other phases never see its rows): the query benchmark
 *      (bench/stats-bench.js): --stats-cases cases loaded with SQL into the city's database, p95 of
 *      typical GET /api/v1/stats and /api/v1/oversight/cases queries against a naive GROUP BY over
 *      case_record in the same run.
 *   4. A table of the medians (and every run), PASS/MISS against the targets, and
 *      bench/results/<timestamp>.json with the machine, the parameters and every measurement.
 *
 * Plain CommonJS: Node built-ins, kafkajs and pg. `node bench/run.js --help` lists the flags.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');
const { parseArgs } = require('node:util');
const { execFileSync } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const { performance } = require('node:perf_hooks');
const { Pool } = require('undici');

const REPO_ROOT = path.resolve(__dirname, '..');
const { stderrLog, assertPortsFree, killTrackedChildren, pruneOldLogDirs } = require('../deploy/infra/util');
const { ensureKafka, KAFKA_VERSION } = require('../deploy/infra/kafka');
const { ensurePostgres, databaseUrl, dropDatabases } = require('../deploy/infra/postgres');
const { publishDemoCatalog, readDemoCatalog } = require('../deploy/infra/catalog');
const {
  startFederation,
  federationPorts,
  stopLeftoverNodes,
  assertAppsBuilt,
} = require('../deploy/infra/federation');
const { demoApplicant, prng, DEMO_ITEMS } = require('../deploy/scripts/seed');
const { statsBenchmark, statsReportLines, TARGET_P95_MS, TARGET_SPEEDUP } = require('./stats-bench');

const TOPOLOGY = path.join(REPO_ROOT, 'deploy', 'topology', 'demo.json');
const PORT_OFFSET = 25_000;
const KAFKA_PORT = 27092;
const KAFKA_CONTROLLER_PORT = 27093;
const BASELINE_PARTITIONS = 6; // as TOPIC_PARTITIONS in libs/federation/src/topics.ts
const ITEM_CODE = '150200-MZ-001';
/** The terms of ITEM_CODE in deploy/catalog/demo-catalog.json, as a case filed under its version 1 carries them. */
const ITEM_TERMS = (() => {
  const item = readDemoCatalog().city.find((/** @type {any} */ i) => i.code === ITEM_CODE);
  return {
    code: item.code,
    version: 1,
    name: item.name,
    department: item.department,
    decidingTier: item.decidingTier,
    promisedDays: item.promisedDays,
    legalDays: item.legalDays,
  };
})();
const CITY_POLL_MS = 50;
/** `"caseNo":"..."` in a filing response (a case number is digits; no other field is named caseNo). */
const CASE_NO_FIELD = /"caseNo":"(\d+)"/g;
const SAMPLE_MS = 500;
const TARGET_THROUGHPUT = 5_000;
const TARGET_P99_MS = 1_000;
/** Node logs (and profiles) of this many bench runs are kept in .run/bench-logs/. */
const KEEP_LOG_DIRS = 10;

const HELP = `Usage: npm run bench [-- flags]      (or, after npm run build: node bench/run.js [flags])

Starts its own Kafka (127.0.0.1:${KAFKA_PORT}), PostgreSQL databases fedbench_<runid>_* and the demo
federation (ports + ${PORT_OFFSET}), measures, prints a table, writes bench/results/<timestamp>.json,
then stops everything and drops its databases (also on Ctrl-C).

Flags:
  --cases N            cases filed per end-to-end throughput measurement (default 20000)
  --concurrency N      POSTs in flight per community during the throughput measurement (default 32;
                       4 communities, so 4*N in all)
  --seconds S          length of each latency measurement window (default 30)
  --rate R             steady rate of the latency measurements, events/s (default 500)
  --warmup S           seconds at --rate before each latency window, not measured (default 3)
  --warmup-cases N     cases filed (closed loop) once after start-up, not measured (default 8000; after
                       fewer, the broker's and the nodes' JIT compilers are still busy in the first run)
  --runs N             repetitions of the measurements, within one stack start; medians are reported (default 3)
  --baseline-messages N  messages of the raw Kafka throughput measurement (default: --cases)
  --baseline-batch N   messages per producer.send() of the raw throughput measurement (default 2000,
                       the outbox relay's batch; sends are sequential, as the relay's)
  --client undici|http|fetch  HTTP client of the load generator: an undici Pool per community (default;
                       about half the CPU per request of node:http, CPU the stack under test gets instead),
                       node:http with a keep-alive Agent, or global fetch
  --batch-size N       cases per request of the bulk-filing throughput measurement (POST /api/v1/cases/batch,
                       default 100)
  --batch-concurrency N  bulk requests in flight per community (default 4)
  --phases LIST        comma-separated subset of baseline,throughput,bulk,pipeline,latency,stats (default: all).
                       throughput files one case per POST, bulk --batch-size cases per POST.
                       pipeline is a diagnostic: --cases encoded case.filed events written straight into
                       the 4 community outboxes (no HTTP), timed until the city holds them: what outbox
                       relay + Kafka + district apply/relay + city apply manage without the filing API.
                       stats runs once, after the runs of the others: --stats-cases cases loaded with SQL
                       into the city's database (triggers on), then p50/p95 of typical statistics and
                       oversight queries over the city's HTTP API against a naive GROUP BY over case_record
  --stats-cases N      cases the stats phase loads into the city (default 1000000, in chunks of 100000)
  --stats-reps N       sequential requests per query of the stats phase, after 5 warm-up (default 50)
  --profile            CPU-profile every node during the first throughput and pipeline measurement
                       (bench/profile-hook.js preloaded; .run/bench-logs/<runid>/profiles/<phase>-<code>.cpuprofile,
                       summarize with node bench/profile-summary.js <files>)
  --log-level L        LOG_LEVEL of the nodes (default: $LOG_LEVEL or info, as in production)
  --keep               keep the databases fedbench_<runid>_* for a post-mortem
  --settle-timeout S   give up when the city makes no progress for S seconds (default 120)
  -h, --help           this text

Environment: KAFKA_BROKERS, DATABASE_URL, FED_FORCE_EMBEDDED_PG as for npm start (deploy/README.md).
Targets: end to end >= ${TARGET_THROUGHPUT} events/s; p99 < ${TARGET_P99_MS} ms at 500 events/s;
statistics and oversight queries over 1,000,000 cases p95 < ${TARGET_P95_MS} ms and >= ${TARGET_SPEEDUP}x the naive query.
`;

const log = stderrLog('bench');

// ---------------------------------------------------------------------------------------------
// options

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      cases: { type: 'string', default: '20000' },
      concurrency: { type: 'string', default: '32' },
      'batch-size': { type: 'string', default: '100' },
      'batch-concurrency': { type: 'string', default: '4' },
      seconds: { type: 'string', default: '30' },
      rate: { type: 'string', default: '500' },
      warmup: { type: 'string', default: '3' },
      'warmup-cases': { type: 'string', default: '8000' },
      runs: { type: 'string', default: '3' },
      'baseline-messages': { type: 'string' },
      'baseline-batch': { type: 'string', default: '2000' },
      client: { type: 'string', default: 'undici' },
      phases: { type: 'string', default: 'baseline,throughput,bulk,pipeline,latency,stats' },
      'stats-cases': { type: 'string', default: '1000000' },
      'stats-reps': { type: 'string', default: '50' },
      'log-level': { type: 'string', default: process.env.LOG_LEVEL || 'info' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'settle-timeout': { type: 'string', default: '120' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return null;
  const int = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const num = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}`);
    return n;
  };
  const phases = values.phases.split(',').map((p) => p.trim());
  for (const p of phases) {
    if (!['baseline', 'throughput', 'bulk', 'latency', 'pipeline', 'stats'].includes(p))
      throw new Error(`--phases: unknown phase ${p}`);
  }
  if (!['undici', 'http', 'fetch'].includes(values.client))
    throw new Error('--client must be undici, http or fetch');
  const cases = int('cases', 1);
  return {
    cases,
    concurrency: int('concurrency', 1),
    batchSize: (() => {
      const n = int('batch-size', 1);
      if (n > 500) throw new Error('--batch-size must be at most 500 (the API limit)');
      return n;
    })(),
    batchConcurrency: int('batch-concurrency', 1),
    seconds: num('seconds', 1),
    rate: num('rate', 1),
    warmup: num('warmup', 0),
    warmupCases: int('warmup-cases', 0),
    runs: int('runs', 1),
    baselineMessages: values['baseline-messages'] ? int('baseline-messages', 1) : cases,
    baselineBatch: int('baseline-batch', 1),
    client: values.client,
    phases,
    logLevel: values['log-level'],
    keep: values.keep,
    profile: values.profile,
    settleTimeoutS: num('settle-timeout', 5),
    statsCases: int('stats-cases', 1),
    statsReps: int('stats-reps', 1),
  };
}

// ---------------------------------------------------------------------------------------------
// small helpers

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    mean: sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : null,
  };
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function round(x, digits = 1) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function fmtInt(x) {
  return x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US');
}

function fmtMs(x) {
  if (x === null || x === undefined) return '—';
  return x >= 100 ? `${Math.round(x).toLocaleString('en-US')} ms` : `${x.toFixed(1)} ms`;
}

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// HTTP clients: node:http with a keep-alive Agent, or global fetch (undici inside Node)

/**
 * @param {string} baseUrl
 * @param {'http' | 'fetch'} kind
 * @param {number} maxSockets
 */
function makeClient(baseUrl, kind, maxSockets) {
  if (kind === 'undici') {
    const pool = new Pool(baseUrl, { connections: maxSockets, headersTimeout: 60_000, bodyTimeout: 60_000 });
    const request = async (method, pathname, body) => {
      const res = await pool.request({
        path: pathname,
        method,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body,
      });
      return { status: res.statusCode, body: await res.body.text() };
    };
    return {
      post: (pathname, body) => request('POST', pathname, body),
      get: (pathname) => request('GET', pathname),
      close: () => void pool.destroy(),
    };
  }
  if (kind === 'fetch') {
    return {
      async post(pathname, body) {
        const res = await fetch(baseUrl + pathname, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(60_000),
        });
        return { status: res.status, body: await res.text() };
      },
      async get(pathname) {
        const res = await fetch(baseUrl + pathname, { signal: AbortSignal.timeout(30_000) });
        return { status: res.status, body: await res.text() };
      },
      close() {},
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const url = new URL(baseUrl);
  const request = (method, pathname, body) =>
    new Promise((resolve, reject) => {
      const headers = { accept: 'application/json' };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(body));
      }
      const req = http.request(
        { host: url.hostname, port: url.port, path: pathname, method, agent, headers, timeout: 60_000 },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${pathname} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  return {
    post: (pathname, body) => request('POST', pathname, body),
    get: (pathname) => request('GET', pathname),
    close: () => agent.destroy(),
  };
}

// ---------------------------------------------------------------------------------------------
// request bodies and baseline messages

/** Filing bodies, pre-serialized, round-robin over the communities (so the load generator stays cheap). */
function makeBodies(communities, count, seed) {
  const rnd = prng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const community = communities[i % communities.length];
    const applicant = demoApplicant(rnd, community.code.slice(0, 6));
    const body = {
      itemCode: ITEM_CODE,
      applicant,
      channel: 'window',
      formData: {
        householdSize: 1 + Math.floor(rnd() * 5),
        monthlyIncomePerCapita: 300 + Math.floor(rnd() * 50) * 10,
        address: `${community.name}${1 + Math.floor(rnd() * 30)}号楼${1 + Math.floor(rnd() * 6)}单元`,
        reason: ['家庭成员患重病，医疗支出大', '失业无固定收入', '因残导致家庭收入低于当地低保标准'][
          Math.floor(rnd() * 3)
        ],
      },
    };
    out.push({ community, json: JSON.stringify(body) });
  }
  return out;
}

/**
 * Encoded case.filed envelopes like the ones the communities publish (same codec from dist/, same
 * kind of record), keyed by case number, with the headers the relay sets.
 */
function makeBaselineMessages(communities, count, contracts, seqBase = 900_000_000) {
  const rnd = prng(4242);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' })
    .format(new Date())
    .replaceAll('-', '');
  const messages = [];
  for (let i = 0; i < count; i++) {
    const c = communities[i % communities.length];
    const caseNo = `${c.code}${date}${String(seqBase + i).padStart(9, '0')}`;
    const a = demoApplicant(rnd, c.code.slice(0, 6));
    const occurredAt = new Date();
    const eventId = crypto.randomUUID();
    const record = {
      caseNo,
      communityCode: c.code,
      districtCode: c.parent,
      cityCode: '150200',
      itemCode: ITEM_CODE,
      channel: 'window',
      applicant: {
        name: `${Array.from(a.name)[0]}*${Array.from(a.name).length > 2 ? Array.from(a.name).slice(-1)[0] : ''}`,
        idNumber: `${a.idNumber.slice(0, 6)}********${a.idNumber.slice(-4)}`,
        phone: `${a.phone.slice(0, 3)}****${a.phone.slice(-4)}`,
      },
      formData: {
        householdSize: 1 + Math.floor(rnd() * 5),
        monthlyIncomePerCapita: 300 + Math.floor(rnd() * 50) * 10,
        address: `${c.name}${1 + Math.floor(rnd() * 30)}号楼${1 + Math.floor(rnd() * 6)}单元`,
        reason: '失业无固定收入',
      },
      item: ITEM_TERMS,
      status: 'submitted',
      filedAt: occurredAt.toISOString(),
      handlingNode: c.code,
      queryCodeHash: crypto.createHash('sha256').update(`${caseNo}:BENCH000`).digest('hex'),
      lifecycle: contracts.emptyLifecycle(),
    };
    const value = Buffer.from(
      contracts.encodeEvent({
        eventId,
        originNode: c.code,
        originTier: 'community',
        caseNo,
        caseVersion: 1,
        occurredAt,
        schemaVersion: 1,
        body: { type: contracts.CASE_FILED, record },
      }),
    );
    messages.push({ key: caseNo, value, headers: { 'fed-sender': c.parent, 'fed-event-id': eventId } });
  }
  return messages;
}

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc

let CLK_TCK = 100;
try {
  CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // Linux default
}

/**
 * CPU seconds and minor page faults of a process so far, or null when it is gone.
 * @returns {{ cpu: number, faults: number } | null}
 */
function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[7] = minflt, fields[11] = utime, fields[12] = stime (fields 10, 14 and 15 of proc(5))
    return { cpu: (Number(fields[11]) + Number(fields[12])) / CLK_TCK, faults: Number(fields[7]) };
  } catch {
    return null;
  }
}

/**
 * What this machine charges for taking fresh memory and for entering the kernel, measured by this
 * process: the µs of a minor page fault (touching a fresh 64 MiB mapping, divided by the faults it
 * took) and of an fstat call (a syscall through Node's binding), medians of 3; at the start before
 * the stack runs, at the end with it up and idle. With transparent huge pages always on, a fault
 * would map 2 MiB and cost more (this machine has them on madvise only). A page fault costs
 * about 0.1-0.3 µs on bare metal; some virtual machines charge ten times or more, and the stack's CPU
 * per event follows (the report gives faults per event). Figures of two runs compare only with these
 * beside them.
 * @returns {{ pageFaultMicros: number, fstatMicros: number }}
 */
function calibrate() {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const faultRuns = [];
  const statRuns = [];
  for (let r = 0; r < 3; r++) {
    // Above glibc's largest mmap threshold (32 MiB): a fresh mapping, every page faulted in once. Timed
    // from after the allocation, which may set off a garbage collection of its own.
    const buf = Buffer.allocUnsafeSlow(64 * 2 ** 20);
    const before = procStat(process.pid);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < buf.length; i += 4096) buf[i] = 1;
    const t1 = process.hrtime.bigint();
    const after = procStat(process.pid);
    const faults = after && before ? after.faults - before.faults : 0;
    if (faults > 0) faultRuns.push(Number(t1 - t0) / 1000 / faults);
    const n = 100_000;
    const t2 = process.hrtime.bigint();
    const fd = fs.openSync(path.join(REPO_ROOT, 'package.json'), 'r');
    for (let i = 0; i < n; i++) fs.fstatSync(fd);
    fs.closeSync(fd);
    statRuns.push(Number(process.hrtime.bigint() - t2) / 1000 / n);
  }
  return {
    pageFaultMicros: faultRuns.length > 0 ? round(median(faultRuns), 2) : null,
    fstatMicros: round(median(statRuns), 2),
  };
}

function machineCpu() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] || 0);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/** Every process: pid and command name. */
function processes() {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push({ pid: Number(entry), comm: fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() });
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * CPU seconds per component between start() and stop(), sampled (pids that come and go, like
 * database connections, are counted from when first seen to when last seen). Everything else on
 * the machine is counted too, as "other: <command>", since the machine may be shared.
 */
class CpuMeter {
  constructor(ctx) {
    this.ctx = ctx;
    this.first = new Map();
    this.last = new Map();
    this.labels = new Map();
  }

  async sample() {
    const { ctx } = this;
    /** @type {Map<number, string>} */
    const ours = new Map();
    for (const n of ctx.nodes) ours.set(n.pid, `node ${n.code}`);
    if (ctx.kafkaPid) ours.set(ctx.kafkaPid, 'kafka');
    try {
      const { rows } = await query(
        ctx.adminDb,
        `SELECT pid, application_name, datname FROM pg_stat_activity WHERE starts_with(datname, $1)`,
        [ctx.dbPrefix],
      );
      for (const r of rows) {
        const app = r.application_name || '';
        ours.set(
          r.pid,
          app.startsWith('fed-bench') ? 'pg bench' : `pg ${app.replace(/^fed-/, '') || r.datname}`,
        );
      }
    } catch {
      // sampling is best effort
    }
    for (const { pid, comm } of processes()) {
      if (pid === process.pid) continue;
      const label =
        ours.get(pid) ??
        (comm === 'postgres' ? 'pg shared (WAL writer, checkpointer, other DBs)' : `other: ${comm}`);
      const stat = procStat(pid);
      if (stat === null) continue;
      if (!this.first.has(pid)) this.first.set(pid, this.started ? { cpu: 0, faults: 0 } : stat);
      this.last.set(pid, stat);
      this.labels.set(pid, label);
    }
    const self = process.cpuUsage();
    this.selfLast = (self.user + self.system) / 1e6;
    this.machineLast = machineCpu();
  }

  async start() {
    this.started = false;
    this.first.clear();
    this.last.clear();
    this.labels.clear();
    const self = process.cpuUsage();
    this.selfFirst = (self.user + self.system) / 1e6;
    this.machineFirst = machineCpu();
    this.t0 = now();
    await this.sample();
    this.started = true;
  }

  async stop() {
    await this.sample();
    const wall = (now() - this.t0) / 1000;
    /** @type {Record<string, number>} */
    const byLabel = {};
    /** @type {Record<string, number>} */
    const faults = {};
    for (const [pid, stat] of this.last) {
      const label = this.labels.get(pid);
      const first = this.first.get(pid) ?? stat;
      byLabel[label] = (byLabel[label] ?? 0) + Math.max(0, stat.cpu - first.cpu);
      faults[label] = (faults[label] ?? 0) + Math.max(0, stat.faults - first.faults);
    }
    byLabel['bench (load generator)'] = this.selfLast - this.selfFirst;
    const machineBusy = this.machineLast.busy - this.machineFirst.busy;
    const machineTotal = this.machineLast.total - this.machineFirst.total;
    const pct = (v) => round((100 * v) / wall, 1);
    const entries = Object.entries(byLabel).sort((a, b) => b[1] - a[1]);
    const ours = entries.filter(([k]) => !k.startsWith('other: '));
    const others = entries.filter(([k]) => k.startsWith('other: '));
    const sum = (list) => list.reduce((s, [, v]) => s + v, 0);
    const cores = os.cpus().length;
    return {
      wallSeconds: round(wall, 2),
      cores,
      // busy share of all cores, from /proc/stat (includes the kernel and processes too short-lived to sample)
      machineBusyPercent: round((100 * machineBusy) / machineTotal, 1),
      benchStackPercentOfOneCore: pct(sum(ours)),
      otherProcessesPercentOfOneCore: pct(sum(others)),
      cpuPercentOfOneCore: Object.fromEntries(ours.map(([k, v]) => [k, pct(v)])),
      cpuSeconds: Object.fromEntries(ours.map(([k, v]) => [k, round(v, 3)])),
      // a page fault costs 0.1-0.3 µs on bare metal and far more in some virtual machines
      minorFaults: Object.fromEntries(ours.filter(([k]) => k in faults).map(([k]) => [k, faults[k]])),
      topOtherProcesses: Object.fromEntries(
        others
          .slice(0, 8)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => [k.slice(7), pct(v)]),
      ),
    };
  }
}

/**
 * A CpuMeter measure of the bench stack per event, by tier: the nodes of a tier and their PostgreSQL
 * backends apart, Kafka, the load generator and the total. A community node's code has 12 digits, a
 * city's ends in 00 (deploy/topology/demo.json).
 * @param {Record<string, number>} values CpuMeter labels → CPU seconds (or page faults)
 * @param {number} events
 * @param {number} scale per-event figures are multiplied by it: 1e6 for µs of CPU
 */
function perEventByTier(values, events, scale) {
  /** @type {Record<string, number>} */
  const groups = {};
  const tierOf = (code) => (code.length === 12 ? 'community' : code.endsWith('00') ? 'city' : 'district');
  for (const [label, v] of Object.entries(values)) {
    const m = /^(node|pg) (\d{6}(?:\d{6})?)$/.exec(label);
    const group = m
      ? `${m[1] === 'node' ? 'nodes' : 'pg'} ${tierOf(m[2])}`
      : label.startsWith('pg ')
        ? 'pg other'
        : label.startsWith('node ')
          ? 'nodes other'
          : label.split(' ')[0];
    groups[group] = (groups[group] ?? 0) + v;
  }
  const total = Object.values(groups).reduce((a, b) => a + b, 0);
  const per = (v) => (events > 0 ? Math.round((v * scale) / events) : 0);
  return Object.fromEntries([
    ...Object.entries(groups)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, per(v)]),
    ['total', per(total)],
  ]);
}

// ---------------------------------------------------------------------------------------------
// the stack

/** What to stop on the way out, in reverse order. */
const cleanups = [];
let shuttingDown = false;
let firstSignalAt = 0;

/** Samplers still polling: stopped first on the way out. */
const activeSamplers = new Set();

let cleaning = null;
/** @type {import('kafkajs').Kafka | null} */
let benchKafka = null;

/** Stops everything started, once; every caller waits for the same run. */
function cleanup() {
  cleaning ??= (async () => {
    for (const sampler of activeSamplers) sampler.running = false;
    // the bench's own consumers may be mid-run when the broker stops: no reconnect noise
    benchKafka?.logger().setLogLevel(0);
    for (const { what, fn } of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`${what} failed: ${err.message}`);
      }
    }
  })();
  return cleaning;
}

function onSignal(signal) {
  if (!firstSignalAt) {
    firstSignalAt = Date.now();
    shuttingDown = true;
    log(`${signal}: stopping everything (Ctrl-C again to kill at once)`);
    void cleanup().then(() => process.exit(130));
    return;
  }
  if (Date.now() - firstSignalAt < 500) return; // npm forwards the same Ctrl-C
  log(`${signal} again: killing everything`);
  killTrackedChildren('SIGKILL');
  process.exit(130);
}

function assertRunning() {
  if (shuttingDown) throw new Error('interrupted');
}

async function startStack(opts, runId) {
  const { Client } = require('pg');
  const namespace = `fedbench-${runId}`;
  const dbPrefix = `fedbench_${runId}`;
  const logDir = path.join(REPO_ROOT, '.run', 'bench-logs', runId);

  assertAppsBuilt(TOPOLOGY);
  await stopLeftoverNodes(PORT_OFFSET, stderrLog('federation'));
  pruneOldLogDirs(path.dirname(logDir), KEEP_LOG_DIRS - 1);
  await assertPortsFree(federationPorts(TOPOLOGY, PORT_OFFSET));

  const [kafkaResult, pgResult] = await Promise.allSettled([
    ensureKafka({
      name: 'bench',
      port: KAFKA_PORT,
      controllerPort: KAFKA_CONTROLLER_PORT,
      fresh: true,
      log: stderrLog('kafka'),
    }),
    ensurePostgres({ name: 'bench', log: stderrLog('postgres') }),
  ]);
  if (kafkaResult.status === 'fulfilled')
    cleanups.push({ what: 'stopping Kafka', fn: kafkaResult.value.stop });
  if (pgResult.status === 'fulfilled') {
    const pg = pgResult.value;
    cleanups.push({ what: 'stopping PostgreSQL', fn: pg.stop });
    cleanups.push({
      what: 'dropping the bench databases',
      fn: async () => {
        if (opts.keep) {
          log(`--keep: keeping the databases ${dbPrefix}_* on ${pg.serverUrl}`);
          return;
        }
        const dropped = await dropDatabases(pg.serverUrl, pg.adminDatabase, `${dbPrefix}_`);
        log(`dropped ${dropped.length} databases ${dbPrefix}_*`);
      },
    });
  }
  if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
  if (pgResult.status === 'rejected') throw pgResult.reason;
  const kafka = kafkaResult.value;
  const pg = pgResult.value;
  assertRunning();

  const federation = await startFederation({
    topologyFile: TOPOLOGY,
    portOffset: PORT_OFFSET,
    namespace,
    dbPrefix,
    brokers: kafka.brokers,
    serverUrl: pg.serverUrl,
    logDir,
    extraEnv: {
      LOG_LEVEL: opts.logLevel,
      ...(opts.profile
        ? {
            NODE_OPTIONS:
              `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'profile-hook.js')}`.trim(),
            FED_BENCH_PROFILE_DIR: path.join(logDir, 'profiles'),
          }
        : {}),
    },
    log: stderrLog('federation'),
    onNodeExit: (node, code, signal) => {
      if (!shuttingDown)
        log(`WARNING: ${node.tier} ${node.code} exited (${code ?? signal}); see ${node.logFile}`);
      nodeExited = `${node.tier} ${node.code} exited (${code ?? signal}); see ${node.logFile}`;
    },
  });
  cleanups.push({ what: 'stopping the federation', fn: federation.stop });
  assertRunning();
  // Cases can be filed only under catalog items: the demo catalog, as npm start publishes it.
  await publishDemoCatalog(federation.nodes, { log: stderrLog('catalog') });

  const { Kafka, logLevel } = require('kafkajs');
  const kafkaClient = new Kafka({
    clientId: 'fed-bench',
    brokers: kafka.brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  benchKafka = kafkaClient;
  const admin = kafkaClient.admin();
  await admin.connect();
  cleanups.push({ what: 'disconnecting the Kafka admin', fn: () => admin.disconnect() });

  /** One connection per node database, application_name fed-bench (small: the server is shared). */
  const dbs = new Map();
  const connect = async (database, suffix = '') => {
    const client = new Client({
      connectionString: databaseUrl(pg.serverUrl, database),
      application_name: `fed-bench${suffix}`,
    });
    client.on('error', (e) => log(`database ${database}: ${e.message}`));
    await client.connect();
    cleanups.push({ what: `closing ${database}`, fn: () => client.end() });
    return client;
  };
  const dbNodes = federation.nodes.filter((n) => n.tier !== 'monitor');
  for (const n of dbNodes) dbs.set(n.code, await connect(n.database));
  const adminDb = await connect(pg.adminDatabase);
  // a second city connection for the 50 ms poll, so it never waits behind the samplers
  const cityPollDb = await connect(federation.nodes.find((n) => n.tier === 'city').database, '-poll');

  return { kafka, pg, federation, namespace, dbPrefix, logDir, kafkaClient, admin, dbs, adminDb, cityPollDb };
}

let nodeExited = null;

// ---------------------------------------------------------------------------------------------
// observing the federation

/** db.query, one at a time per connection (pg deprecates overlapping queries on one client). */
function query(db, text, params) {
  const run = (db.benchChain ?? Promise.resolve()).then(() => db.query(text, params));
  db.benchChain = run.catch(() => undefined);
  return run;
}

/** Sum of sync_source.events_applied: every event this node applied, from any source. */
async function appliedTotal(db) {
  const { rows } = await query(db, 'SELECT coalesce(sum(events_applied), 0)::bigint AS n FROM sync_source');
  return Number(rows[0].n);
}

/**
 * Rows waiting in a node's outbox, from the ends of its id index (an upper bound: ids of rolled-back
 * rows count too). Not count(*): the outbox is written and emptied all the time, and counting its
 * dead rows every 50 ms took a tenth of the machine from the nodes being measured.
 */
async function outboxCount(db) {
  const { rows } = await query(db, 'SELECT coalesce(max(id) - min(id) + 1, 0)::int AS n FROM outbox');
  return rows[0].n;
}

async function consumerLag(ctx, code) {
  const topic = `${ctx.namespace}.up.${code}`;
  const groupId = `${ctx.namespace}.node.${code}`;
  const [committed, ends] = await Promise.all([
    ctx.admin.fetchOffsets({ groupId, topics: [topic] }),
    ctx.admin.fetchTopicOffsets(topic),
  ]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let lag = 0;
  for (const e of ends) {
    const at = done.get(e.partition) ?? -1;
    lag += Math.max(0, Number(e.high) - (at >= 0 ? at : Number(e.low)));
  }
  return lag;
}

/** Text of /metrics of every node, parsed into { name{labels}: value }. */
async function scrapeMetrics(ctx) {
  const out = {};
  await Promise.all(
    ctx.federation.nodes.map(async (n) => {
      try {
        const res = await ctx.httpGet(n, '/metrics');
        const values = {};
        for (const line of res.body.split('\n')) {
          if (!line || line.startsWith('#')) continue;
          const sp = line.lastIndexOf(' ');
          values[line.slice(0, sp)] = Number(line.slice(sp + 1));
        }
        out[n.code] = values;
      } catch (err) {
        out[n.code] = { error: err.message };
      }
    }),
  );
  return out;
}

function metricSum(values, name) {
  let sum = 0;
  for (const [k, v] of Object.entries(values ?? {})) {
    if (k === name || k.startsWith(`${name}{`)) sum += v;
  }
  return sum;
}

/** Per node: what happened between two scrapes (CPU, batches applied, events applied/published). */
function metricsDelta(before, after, wallSeconds) {
  const out = {};
  for (const code of Object.keys(after)) {
    const a = after[code];
    const b = before[code] ?? {};
    const d = (name) => metricSum(a, name) - metricSum(b, name);
    const batches = d('fed_apply_batch_seconds_count');
    const applied = d('fed_events_applied_total');
    out[code] = {
      cpuPercent: round((100 * d('process_cpu_seconds_total')) / wallSeconds, 1),
      casesFiled: d('fed_cases_filed_total') || undefined,
      eventsApplied: applied || undefined,
      eventsPublished: d('fed_events_published_total') || undefined,
      applyBatches: batches || undefined,
      meanBatchSize: batches ? round(applied / batches, 1) : undefined,
      meanApplyBatchMs: batches ? round((1000 * d('fed_apply_batch_seconds_sum')) / batches, 1) : undefined,
      meanFetchWaitMs: d('fed_fetch_wait_seconds_count')
        ? round((1000 * d('fed_fetch_wait_seconds_sum')) / d('fed_fetch_wait_seconds_count'), 1)
        : undefined,
      eventLoopLagP99Ms: round(1000 * metricSum(a, 'nodejs_eventloop_lag_p99_seconds'), 1),
      outboxBacklogGauge: metricSum(a, 'fed_outbox_backlog'),
      consumerLagGauge: metricSum(a, 'fed_consumer_lag'),
    };
  }
  return out;
}

/**
 * Every SAMPLE_MS while a measurement runs: the queue at each stage (community outboxes, district
 * consumer lag, district outboxes, city consumer lag) and what each tier has applied, plus CPU.
 */
class Sampler {
  constructor(ctx, label) {
    this.ctx = ctx;
    this.label = label;
    this.timeline = [];
    this.cpu = new CpuMeter({
      nodes: ctx.federation.nodes,
      kafkaPid: ctx.kafka.pid,
      adminDb: ctx.adminDb,
      dbPrefix: ctx.dbPrefix,
    });
  }

  async start(getFiled, base) {
    this.getFiled = getFiled;
    this.base = base;
    this.t0 = now();
    await this.cpu.start();
    this.metricsBefore = await scrapeMetrics(this.ctx);
    this.running = true;
    activeSamplers.add(this);
    this.loop = (async () => {
      let lastPrint = 0;
      while (this.running) {
        await sleep(SAMPLE_MS);
        if (!this.running) break;
        try {
          const s = await this.sample();
          this.timeline.push(s);
          await this.cpu.sample();
          if (s.t - lastPrint >= 2) {
            lastPrint = s.t;
            log(
              `${this.label} t=${s.t.toFixed(1)}s filed=${s.filed} community-outbox=${s.communityOutbox} ` +
                `district-lag=${s.districtLag} district-applied=${s.districtApplied} district-outbox=${s.districtOutbox} ` +
                `city-lag=${s.cityLag} city-applied=${s.cityApplied}`,
            );
          }
        } catch (err) {
          log(`sample failed: ${err.message}`);
        }
      }
    })();
  }

  async sample() {
    const { ctx } = this;
    const t = (now() - this.t0) / 1000;
    const communities = ctx.federation.nodes.filter((n) => n.tier === 'community');
    const districts = ctx.federation.nodes.filter((n) => n.tier === 'district');
    const city = ctx.federation.nodes.find((n) => n.tier === 'city');
    const [cOut, dApplied, dOut, dLag, cityApplied, cityLag] = await Promise.all([
      Promise.all(communities.map((n) => outboxCount(ctx.dbs.get(n.code)))),
      Promise.all(districts.map((n) => appliedTotal(ctx.dbs.get(n.code)))),
      Promise.all(districts.map((n) => outboxCount(ctx.dbs.get(n.code)))),
      Promise.all(districts.map((n) => consumerLag(ctx, n.code))),
      appliedTotal(ctx.dbs.get(city.code)),
      consumerLag(ctx, city.code),
    ]);
    const sum = (a) => a.reduce((s, x) => s + x, 0);
    return {
      t: round(t, 2),
      filed: this.getFiled(),
      communityOutbox: sum(cOut),
      districtLag: sum(dLag),
      districtApplied: sum(dApplied) - this.base.district,
      districtOutbox: sum(dOut),
      cityLag,
      cityApplied: cityApplied - this.base.city,
    };
  }

  async stop() {
    this.running = false;
    activeSamplers.delete(this);
    await this.loop;
    const cpu = await this.cpu.stop();
    const metricsAfter = await scrapeMetrics(this.ctx);
    return {
      timeline: this.timeline,
      cpu,
      nodes: metricsDelta(this.metricsBefore, metricsAfter, cpu.wallSeconds),
    };
  }
}

async function tierTotals(ctx) {
  const districts = ctx.federation.nodes.filter((n) => n.tier === 'district');
  const city = ctx.federation.nodes.find((n) => n.tier === 'city');
  const d = await Promise.all(districts.map((n) => appliedTotal(ctx.dbs.get(n.code))));
  return { district: d.reduce((s, x) => s + x, 0), city: await appliedTotal(ctx.dbs.get(city.code)) };
}

/**
 * Polls the city (every CITY_POLL_MS) and the districts until they applied `expected` more events
 * than `base`; records when each tier got there. Gives up after settleTimeout without progress.
 */
async function waitForTiers(ctx, base, expected, opts) {
  const districts = ctx.federation.nodes.filter((n) => n.tier === 'district');
  const communities = ctx.federation.nodes.filter((n) => n.tier === 'community');
  const done = { communityOutboxes: null, district: null, city: null };
  let lastProgress = now();
  let lastCity = -1;
  for (;;) {
    assertRunning();
    if (nodeExited) throw new Error(nodeExited);
    const t = now();
    const [city, ds, outboxes] = await Promise.all([
      appliedTotal(ctx.cityPollDb),
      done.district === null ? Promise.all(districts.map((n) => appliedTotal(ctx.dbs.get(n.code)))) : null,
      done.communityOutboxes === null
        ? Promise.all(communities.map((n) => outboxCount(ctx.dbs.get(n.code))))
        : null,
    ]);
    if (outboxes && outboxes.every((n) => n === 0)) done.communityOutboxes = t;
    if (ds && ds.reduce((s, x) => s + x, 0) - base.district >= expected) done.district = t;
    if (city - base.city >= expected) {
      done.city = t;
      done.district ??= t;
      done.communityOutboxes ??= t;
      return done;
    }
    if (city !== lastCity) {
      lastCity = city;
      lastProgress = t;
    } else if (t - lastProgress > opts.settleTimeoutS * 1000) {
      throw new Error(
        `the city applied ${city - base.city} of ${expected} events and made no progress for ${opts.settleTimeoutS} s`,
      );
    }
    await sleep(CITY_POLL_MS);
  }
}

/**
 * --profile: SIGWINCH to every node starts its CPU profiler (bench/profile-hook.js); the returned
 * function stops them and renames the profiles to <phase>-<code>.cpuprofile.
 */
function startProfiling(ctx, opts, phase) {
  if (!opts.profile) return async () => undefined;
  const nodes = ctx.federation.nodes;
  for (const n of nodes) process.kill(n.pid, 'SIGWINCH');
  return async () => {
    const dir = path.join(ctx.logDir, 'profiles');
    const before = new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
    for (const n of nodes) process.kill(n.pid, 'SIGWINCH');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const fresh = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter(
        (f) => f.endsWith('.cpuprofile') && !before.has(f),
      );
      if (fresh.length >= nodes.length || Date.now() > deadline) {
        for (const f of fresh) {
          const code = f.split('-').slice(0, -2).join('-');
          fs.renameSync(path.join(dir, f), path.join(dir, `${phase}-${code}.cpuprofile`));
        }
        log(
          `profiles: ${path.relative(REPO_ROOT, dir)}/${phase}-*.cpuprofile (${fresh.length} of ${nodes.length})`,
        );
        return;
      }
      await sleep(200);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// measurement 1: raw Kafka baseline

async function baselineTopic(ctx, name) {
  const topic = `${ctx.namespace}.bench.${name}`;
  await ctx.admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: BASELINE_PARTITIONS, replicationFactor: -1 }],
  });
  return topic;
}

/** A consumer group on `topic` configured as the nodes' (libs/federation/src/kafka.adapter.ts). */
async function baselineConsumer(ctx, topic, onMessage) {
  const consumer = ctx.kafkaClient.consumer({
    groupId: `${topic}.group`,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
  await consumer.run({
    partitionsConsumedConcurrently: BASELINE_PARTITIONS,
    eachBatch: async ({ batch }) => {
      const at = now();
      for (const m of batch.messages) onMessage(m, at);
    },
  });
  await Promise.race([
    joined,
    sleep(30_000).then(() => {
      throw new Error('baseline consumer did not join its group');
    }),
  ]);
  return consumer;
}

/** The nodes' producer settings: idempotent, acks -1, one request in flight. */
async function baselineProducer(ctx) {
  const { Partitioners } = require('kafkajs');
  const producer = ctx.kafkaClient.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/**
 * kafkajs alone moving `messages` (encoded envelopes keyed by case number), in sends of
 * --baseline-batch: one Kafka message per envelope, or `packed` as the outbox relay sends them (one
 * EventBatch per partition and send, libs/federation/src/packing.ts from dist/). Counts envelopes.
 */
async function baselineThroughput(ctx, opts, run, messages, packed = false) {
  const topic = await baselineTopic(ctx, `tput${packed ? '-packed' : ''}-r${run}`);
  const producer = await baselineProducer(ctx);
  const { packMessages } = require('../dist/libs/federation/src/packing');
  const { decodeBatch } = require('../dist/libs/contracts/src/batch.codec');
  let consumed = 0;
  let lastAt = 0;
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  const consumer = await baselineConsumer(ctx, topic, (m, at) => {
    consumed += packed ? decodeBatch(m.value).length : 1;
    lastAt = at;
    if (consumed >= messages.length) resolveAll();
  });
  try {
    const t0 = now();
    for (let i = 0; i < messages.length; i += opts.baselineBatch) {
      const slice = messages.slice(i, i + opts.baselineBatch);
      const toSend = packed
        ? packMessages(
            slice.map((m) => ({ topic, key: m.key, value: m.value, headers: m.headers ?? {} })),
            () => BASELINE_PARTITIONS,
            () => true,
          ).map((m) => ({ partition: m.partition, value: m.value, headers: m.headers }))
        : slice;
      await producer.send({ topic, acks: -1, messages: toSend });
    }
    const sentAt = now();
    await Promise.race([
      all,
      sleep(opts.settleTimeoutS * 1000).then(() => {
        throw new Error(`baseline: consumed ${consumed} of ${messages.length}`);
      }),
    ]);
    const seconds = (lastAt - t0) / 1000;
    return {
      messages: messages.length,
      meanBytes: round(messages.reduce((s, m) => s + m.value.length, 0) / messages.length, 0),
      producerRate: round(messages.length / ((sentAt - t0) / 1000), 0),
      throughput: round(messages.length / seconds, 0),
      seconds: round(seconds, 3),
    };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

/** Calls fire(i) for i in [0, total) at `rate` per second, open loop (never waits for a previous call). */
async function openLoop(rate, total, fire) {
  const interval = 1000 / rate;
  const t0 = now();
  let next = 0;
  let maxSlipMs = 0;
  while (next < total) {
    assertRunning();
    const t = now();
    const due = Math.min(total, Math.floor((t - t0) / interval) + 1);
    if (due > next) {
      maxSlipMs = Math.max(maxSlipMs, t - (t0 + next * interval));
      fire(next, due);
      next = due;
    }
    await sleep(1);
  }
  return { t0, sentAt: now(), maxSlipMs };
}

async function baselineLatency(ctx, opts, run, messages) {
  const topic = await baselineTopic(ctx, `lat-r${run}`);
  const producer = await baselineProducer(ctx);
  const warm = Math.round(opts.warmup * opts.rate);
  const total = warm + Math.round(opts.seconds * opts.rate);
  const latencies = [];
  let consumed = 0;
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  const consumer = await baselineConsumer(ctx, topic, (m, at) => {
    consumed++;
    const i = Number(m.headers['bench-i'].toString());
    if (i >= warm) latencies.push(at - Number(m.headers['bench-ts'].toString()));
    if (consumed >= total) resolveAll();
  });
  let errors = 0;
  const ackMs = [];
  try {
    const sends = [];
    let windowStart = 0;
    const loop = await openLoop(opts.rate, total, (from, to) => {
      const batch = [];
      const ts = String(now());
      if (from <= warm && to > warm) windowStart = now();
      for (let i = from; i < to; i++) {
        const m = messages[i % messages.length];
        batch.push({
          key: m.key,
          value: m.value,
          headers: { ...m.headers, 'bench-ts': ts, 'bench-i': String(i) },
        });
      }
      const sentAt = now();
      sends.push(
        producer.send({ topic, acks: -1, messages: batch }).then(
          () => from >= warm && ackMs.push(now() - sentAt),
          () => errors++,
        ),
      );
    });
    await Promise.all(sends);
    await Promise.race([
      all,
      sleep(opts.settleTimeoutS * 1000).then(() => {
        throw new Error(`baseline latency: consumed ${consumed} of ${total}`);
      }),
    ]);
    const windowSeconds = (loop.sentAt - (windowStart || loop.t0)) / 1000;
    return {
      ...summarize(latencies),
      offeredRate: opts.rate,
      achievedRate: round((total - warm) / windowSeconds, 1),
      errors,
      maxScheduleSlipMs: round(loop.maxSlipMs, 1),
      producerAck: summarize(ackMs),
    };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// measurement 2: end-to-end throughput

/**
 * Files `bodies` closed loop, at most `concurrency` requests in flight per community; with
 * `batchSize` > 1 each request is a bulk filing (POST /api/v1/cases/batch) of up to that many cases.
 */
async function fileClosedLoop(ctx, bodies, concurrency, onResult, batchSize = 1) {
  const byCommunity = new Map();
  for (const b of bodies) {
    const list = byCommunity.get(b.community.code) ?? [];
    list.push(b);
    byCommunity.set(b.community.code, list);
  }
  const caseNos = [];
  const errors = [];
  await Promise.all(
    [...byCommunity.entries()].map(async ([code, list]) => {
      const client = ctx.clients.get(code);
      const requests = [];
      for (let i = 0; i < list.length; i += batchSize) requests.push(list.slice(i, i + batchSize));
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, requests.length) }, async () => {
          while (next < requests.length && !shuttingDown) {
            const request = requests[next++];
            try {
              if (batchSize === 1) {
                const res = await client.post('/api/v1/cases', request[0].json);
                if (res.status === 201) caseNos.push(JSON.parse(res.body).caseNo);
                else errors.push(`${code}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
              } else {
                const json = `{"cases":[${request.map((b) => b.json).join(',')}]}`;
                const res = await client.post('/api/v1/cases/batch', json);
                // The case numbers only: a full JSON.parse of the 100 filed cases of each response
                // was a fifth of the load generator's CPU, which the federation shares.
                const filed =
                  res.status === 201 ? [...res.body.matchAll(CASE_NO_FIELD)].map((m) => m[1]) : [];
                if (filed.length === request.length) caseNos.push(...filed);
                else
                  errors.push(
                    `${code}: HTTP ${res.status}, ${filed.length} of ${request.length} case numbers: ${res.body.slice(0, 200)}`,
                  );
              }
            } catch (err) {
              errors.push(`${code}: ${err.message}`);
            }
            for (let i = 0; i < request.length; i++) onResult?.();
          }
        }),
      );
    }),
  );
  return { caseNos, errors };
}

async function countAtCity(ctx, caseNos) {
  const city = ctx.federation.nodes.find((n) => n.tier === 'city');
  const { rows } = await query(
    ctx.dbs.get(city.code),
    'SELECT count(*)::int AS n FROM case_record WHERE case_no = ANY($1::text[])',
    [caseNos],
  );
  return rows[0].n;
}

async function e2eThroughput(ctx, opts, run, bulk = false) {
  const communities = ctx.federation.nodes.filter((n) => n.tier === 'community');
  const bodies = makeBodies(communities, opts.cases, (bulk ? 5000 : 1000) + run);
  const batchSize = bulk ? opts.batchSize : 1;
  const concurrency = bulk ? opts.batchConcurrency : opts.concurrency;
  const base = await tierTotals(ctx);
  let filed = 0;
  const sampler = new Sampler(ctx, `run ${run} ${bulk ? 'bulk' : 'throughput'}`);
  await sampler.start(() => filed, base);
  const t0 = now();
  sampler.t0 = t0;
  const filing = fileClosedLoop(ctx, bodies, concurrency, () => filed++, batchSize).then((r) => ({
    ...r,
    at: now(),
  }));
  // the city is polled while filing goes on; its target is known once filing is done
  const { caseNos, errors, at: filedAt } = await filing;
  if (errors.length) log(`run ${run}: ${errors.length} filings failed, e.g. ${errors[0]}`);
  const tiers = await waitForTiers(ctx, base, caseNos.length, opts);
  const observed = await sampler.stop();
  const atCity = await countAtCity(ctx, caseNos);
  const seconds = (tiers.city - t0) / 1000;
  return {
    cases: opts.cases,
    casesPerRequest: batchSize,
    concurrencyPerCommunity: concurrency,
    filed: caseNos.length,
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
    verifiedAtCity: atCity,
    filingSeconds: round((filedAt - t0) / 1000, 3),
    filingRate: round(caseNos.length / ((filedAt - t0) / 1000), 0),
    communityOutboxDrainedSeconds: round((tiers.communityOutboxes - t0) / 1000, 3),
    districtsDoneSeconds: round((tiers.district - t0) / 1000, 3),
    districtThroughput: round(caseNos.length / ((tiers.district - t0) / 1000), 0),
    cityDoneSeconds: round(seconds, 3),
    throughput: round(caseNos.length / seconds, 0),
    ...observed,
  };
}

/**
 * Diagnostic: `count` encoded case.filed events inserted straight into the community outboxes (one
 * transaction per community), timed until the city holds them. No HTTP, no filing: the capacity of
 * outbox relay + Kafka + district apply/relay + city apply on their own.
 */
async function pipelineThroughput(ctx, opts, run, contracts) {
  const communities = ctx.federation.nodes.filter((n) => n.tier === 'community');
  const messages = makeBaselineMessages(communities, opts.cases, contracts, 800_000_000 + run * 1_000_000);
  // Written as the nodes write outbox rows: their own OutboxRepository.append, on the bench's connection.
  const { OutboxRepository } = require('../dist/libs/federation/src/outbox.repository');
  const outbox = new OutboxRepository(undefined);
  const base = await tierTotals(ctx);
  const sampler = new Sampler(ctx, `run ${run} pipeline`);
  await sampler.start(() => 0, base);
  const t0 = now();
  sampler.t0 = t0;
  await Promise.all(
    communities.map(async (c, ci) => {
      const db = ctx.dbs.get(c.code);
      const rows = messages
        .filter((_m, i) => i % communities.length === ci)
        .map((m) => ({
          topic: `${ctx.namespace}.up.${c.parent}`,
          key: m.key,
          value: m.value,
          headers: { 'fed-sender': c.code, 'fed-event-id': m.headers['fed-event-id'] },
        }));
      // One transaction, as a node's: append writes runs of STATEMENT_PARAM_BYTES, a statement each.
      await query(db, 'BEGIN');
      await outbox.append({ query: (sql, params) => query(db, sql, params) }, rows);
      await query(db, 'COMMIT');
    }),
  );
  const insertedAt = now();
  const tiers = await waitForTiers(ctx, base, messages.length, opts);
  const observed = await sampler.stop();
  return {
    events: messages.length,
    insertSeconds: round((insertedAt - t0) / 1000, 3),
    communityOutboxDrainedSeconds: round((tiers.communityOutboxes - t0) / 1000, 3),
    districtsDoneSeconds: round((tiers.district - t0) / 1000, 3),
    districtThroughput: round(messages.length / ((tiers.district - t0) / 1000), 0),
    cityDoneSeconds: round((tiers.city - t0) / 1000, 3),
    throughput: round(messages.length / ((tiers.city - t0) / 1000), 0),
    ...observed,
  };
}

// ---------------------------------------------------------------------------------------------
// measurement 3: end-to-end latency at a steady rate

async function latencyAt(db, caseNos) {
  const { rows } = await query(
    db,
    `SELECT extract(epoch FROM applied_at - occurred_at) * 1000 AS ms FROM case_event
     WHERE version = 1 AND case_no = ANY($1::text[])`,
    [caseNos],
  );
  return rows.map((r) => Number(r.ms));
}

async function e2eLatency(ctx, opts, run) {
  const communities = ctx.federation.nodes.filter((n) => n.tier === 'community');
  const warm = Math.round(opts.warmup * opts.rate);
  const total = warm + Math.round(opts.seconds * opts.rate);
  const bodies = makeBodies(communities, total, 2000 + run);
  const base = await tierTotals(ctx);
  const measured = [];
  const errors = [];
  const httpMs = [];
  let ok = 0;
  let windowStart = 0;
  let windowEnd = 0;
  const sampler = new Sampler(ctx, `run ${run} latency`);
  await sampler.start(() => ok, base);
  const inflight = [];
  const loop = await openLoop(opts.rate, total, (from, to) => {
    for (let i = from; i < to; i++) {
      const b = bodies[i];
      const sentAt = now();
      if (i === warm) windowStart = sentAt;
      if (i === total - 1) windowEnd = sentAt;
      inflight.push(
        ctx.latencyClients
          .get(b.community.code)
          .post('/api/v1/cases', b.json)
          .then((res) => {
            if (res.status !== 201) throw new Error(`HTTP ${res.status} ${res.body.slice(0, 200)}`);
            ok++;
            const caseNo = JSON.parse(res.body).caseNo;
            if (i >= warm) {
              measured.push(caseNo);
              httpMs.push(now() - sentAt);
            }
            return caseNo;
          })
          .catch((err) => {
            errors.push(`${b.community.code}: ${err.message}`);
            return null;
          }),
      );
    }
  });
  const all = (await Promise.all(inflight)).filter(Boolean);
  const lastResponseAt = now();
  if (errors.length) log(`run ${run}: ${errors.length} filings failed, e.g. ${errors[0]}`);
  await waitForTiers(ctx, base, all.length, opts);
  const observed = await sampler.stop();
  const city = ctx.federation.nodes.find((n) => n.tier === 'city');
  const districts = ctx.federation.nodes.filter((n) => n.tier === 'district');
  const cityMs = await latencyAt(ctx.dbs.get(city.code), measured);
  const districtMs = (
    await Promise.all(districts.map((d) => latencyAt(ctx.dbs.get(d.code), measured)))
  ).flat();
  const windowSeconds = ((windowEnd || loop.sentAt) - (windowStart || loop.t0)) / 1000;
  return {
    offeredRate: opts.rate,
    windowSeconds: round(windowSeconds, 2),
    warmupRequests: warm,
    measuredRequests: total - warm,
    measuredOk: measured.length,
    // requests of the window answered 201 per second of the schedule
    achievedRate: round(measured.length / windowSeconds, 1),
    responsesDoneSeconds: round((lastResponseAt - loop.t0) / 1000, 2),
    maxScheduleSlipMs: round(loop.maxSlipMs, 1),
    errors: errors.length,
    errorSamples: errors.slice(0, 5),
    city: summarize(cityMs),
    district: summarize(districtMs),
    httpResponse: summarize(httpMs),
    ...observed,
  };
}

// ---------------------------------------------------------------------------------------------
// report

function machineInfo(ctx, pgVersion) {
  const cpus = os.cpus();
  let commit = null;
  let dirty = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      }).trim() !== '';
  } catch {
    // not a git checkout
  }
  return {
    hostname: os.hostname(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
    kafka: ctx.kafka.external ? `external (${ctx.kafka.brokers})` : KAFKA_VERSION,
    kafkajs: require('kafkajs/package.json').version,
    postgres: pgVersion,
    postgresServer: ctx.pg.external ? 'external/shared' : 'embedded',
    gitCommit: commit,
    gitDirty: dirty,
  };
}

function width(text) {
  let w = 0;
  for (const ch of String(text)) {
    const cp = ch.codePointAt(0);
    w +=
      (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xff00 && cp <= 0xff60)
        ? 2
        : 1;
  }
  return w;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells) =>
    cells
      .map((c, i) => String(c ?? '') + ' '.repeat(widths[i] - width(c ?? '')))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function buildSummary(runs) {
  const pick = (fn) =>
    runs.map((r) => {
      try {
        return fn(r) ?? null;
      } catch {
        return null;
      }
    });
  const fig = (fn) => ({ median: median(pick(fn)), runs: pick(fn) });
  return {
    baseline: {
      throughput: fig((r) => r.baseline.throughput.throughput),
      packedThroughput: fig((r) => r.baseline.packed?.throughput),
      latencyP50: fig((r) => r.baseline.latency.p50),
      latencyP95: fig((r) => r.baseline.latency.p95),
      latencyP99: fig((r) => r.baseline.latency.p99),
      latencyMax: fig((r) => r.baseline.latency.max),
      achievedRate: fig((r) => r.baseline.latency.achievedRate),
      ackP50: fig((r) => r.baseline.latency.producerAck.p50),
      ackP99: fig((r) => r.baseline.latency.producerAck.p99),
    },
    e2e: {
      throughput: fig((r) => r.throughput.throughput),
      filingRate: fig((r) => r.throughput.filingRate),
      districtThroughput: fig((r) => r.throughput.districtThroughput),
      filingErrors: fig(
        (r) => (r.throughput?.errors ?? 0) + (r.bulk?.errors ?? 0) + (r.latency?.errors ?? 0),
      ),
      bulkThroughput: fig((r) => r.bulk.throughput),
      bulkFilingRate: fig((r) => r.bulk.filingRate),
      bulkMachineBusy: fig((r) => r.bulk.cpu.machineBusyPercent),
      latencyP50: fig((r) => r.latency.city.p50),
      latencyP95: fig((r) => r.latency.city.p95),
      latencyP99: fig((r) => r.latency.city.p99),
      latencyMax: fig((r) => r.latency.city.max),
      achievedRate: fig((r) => r.latency.achievedRate),
      districtP50: fig((r) => r.latency.district.p50),
      districtP95: fig((r) => r.latency.district.p95),
      districtP99: fig((r) => r.latency.district.p99),
      districtMax: fig((r) => r.latency.district.max),
      httpP50: fig((r) => r.latency.httpResponse.p50),
      httpP99: fig((r) => r.latency.httpResponse.p99),
      pipelineThroughput: fig((r) => r.pipeline.throughput),
      machineBusy: fig((r) => r.throughput.cpu.machineBusyPercent),
      otherProcesses: fig((r) => r.throughput.cpu.otherProcessesPercentOfOneCore),
      pipelineDistrictThroughput: fig((r) => r.pipeline.districtThroughput),
    },
  };
}

function printReport(result) {
  const s = result.summary;
  const o = result.parameters;
  const n = (f) => fmtInt(f.median);
  const ms = (f) => fmtMs(f.median);
  const verdict = (value, ok) => (value === null ? '—' : ok ? 'PASS' : 'MISS');
  const tput = s.e2e.throughput.median;
  const p99 = s.e2e.latencyP99.median;
  const errorsOk = s.e2e.filingErrors.runs.every((x) => x === 0 || x === null);
  const rows = [
    [
      'throughput, events/s',
      n(s.baseline.throughput),
      n(s.e2e.throughput),
      `≥ ${fmtInt(TARGET_THROUGHPUT)}`,
      verdict(tput, tput >= TARGET_THROUGHPUT),
    ],
    ['  raw Kafka packed as the relay sends, ev/s', n(s.baseline.packedThroughput), '', '', ''],
    ['  filing (HTTP POST), req/s', '', n(s.e2e.filingRate), '', ''],
    [
      `throughput, bulk filing (${o.batchSize}/POST), ev/s`,
      '',
      n(s.e2e.bulkThroughput),
      `≥ ${fmtInt(TARGET_THROUGHPUT)}`,
      verdict(s.e2e.bulkThroughput.median, s.e2e.bulkThroughput.median >= TARGET_THROUGHPUT),
    ],
    ['  bulk filing, cases/s', '', n(s.e2e.bulkFilingRate), '', ''],
    ['  community→district tier, ev/s', '', n(s.e2e.districtThroughput), '', ''],
    ['  filing errors', '', n(s.e2e.filingErrors), '0', verdict(s.e2e.filingErrors.median, errorsOk)],
    [`latency @ ${o.rate}/s    p50`, ms(s.baseline.latencyP50), ms(s.e2e.latencyP50), '', ''],
    ['                   p95', ms(s.baseline.latencyP95), ms(s.e2e.latencyP95), '', ''],
    [
      '                   p99',
      ms(s.baseline.latencyP99),
      ms(s.e2e.latencyP99),
      `< ${fmtInt(TARGET_P99_MS)} ms`,
      verdict(p99, p99 < TARGET_P99_MS),
    ],
    ['                   max', ms(s.baseline.latencyMax), ms(s.e2e.latencyMax), '', ''],
    ['  achieved rate, events/s', n(s.baseline.achievedRate), n(s.e2e.achievedRate), `${o.rate}`, ''],
    ['  producer ack p50 / p99', `${ms(s.baseline.ackP50)} / ${ms(s.baseline.ackP99)}`, '', '', ''],
    ['  HTTP POST response p50 / p99', '', `${ms(s.e2e.httpP50)} / ${ms(s.e2e.httpP99)}`, '', ''],
    ['district tier latency p50', '', ms(s.e2e.districtP50), '', ''],
    ['                   p95', '', ms(s.e2e.districtP95), '', ''],
    ['                   p99', '', ms(s.e2e.districtP99), '', ''],
    ['                   max', '', ms(s.e2e.districtMax), '', ''],
  ];
  if (s.e2e.pipelineThroughput.median !== null) {
    rows.push(
      ['diagnostic: outbox→city, no HTTP, ev/s', '', n(s.e2e.pipelineThroughput), '', ''],
      ['  outbox→districts, ev/s', '', n(s.e2e.pipelineDistrictThroughput), '', ''],
    );
  }
  const each = (label, f, fmt) => [label, ...f.runs.map((x) => (x === null ? '—' : fmt(x)))];
  const runRows = [
    each('raw Kafka throughput, msg/s', s.baseline.throughput, fmtInt),
    each('raw Kafka packed, ev/s', s.baseline.packedThroughput, fmtInt),
    each('raw Kafka p99 @ rate', s.baseline.latencyP99, fmtMs),
    each('end-to-end throughput, ev/s', s.e2e.throughput, fmtInt),
    each('filing rate, req/s', s.e2e.filingRate, fmtInt),
    each(`end-to-end, bulk filing (${o.batchSize}/POST), ev/s`, s.e2e.bulkThroughput, fmtInt),
    each('machine busy (bulk), %', s.e2e.bulkMachineBusy, (x) => `${x}%`),
    each('filing errors', s.e2e.filingErrors, fmtInt),
    each('city latency p50', s.e2e.latencyP50, fmtMs),
    each('city latency p99', s.e2e.latencyP99, fmtMs),
    each('city latency max', s.e2e.latencyMax, fmtMs),
    each('district latency p99', s.e2e.districtP99, fmtMs),
    each('achieved rate, ev/s', s.e2e.achievedRate, fmtInt),
    each('outbox→city (no HTTP), ev/s', s.e2e.pipelineThroughput, fmtInt),
    each('machine busy (throughput), %', s.e2e.machineBusy, (x) => `${x}%`),
    each('other processes (throughput), % of a core', s.e2e.otherProcesses, (x) => `${x}%`),
  ].filter((r) => r.slice(1).some((c) => c !== '—'));
  const m = result.machine;
  const flowPhases = o.phases.some((p) => p !== 'stats');
  const lines = [
    '',
    `Federation benchmark — ${result.startedAt}, median of ${o.runs} run(s)`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, Kafka ${m.kafka}, kafkajs ${m.kafkajs}, PostgreSQL ${m.postgres} (${m.postgresServer})`,
    ...(m.costs
      ? [
          `machine costs, start / end: page fault ${m.costs.atStart.pageFaultMicros} / ${m.costs.atEnd.pageFaultMicros} µs, fstat ${m.costs.atStart.fstatMicros} / ${m.costs.atEnd.fstatMicros} µs`,
        ]
      : []),
    `code: ${m.gitCommit ? m.gitCommit.slice(0, 10) : '?'}${m.gitDirty ? ' (with uncommitted changes)' : ''}`,
    `parameters: ${o.cases} cases at ${o.concurrency} in flight per community (${o.client}), latency ${o.seconds} s at ${o.rate}/s after ${o.warmup} s warm-up, LOG_LEVEL=${o.logLevel}`,
    '',
    ...(flowPhases
      ? [
          table(['', 'raw Kafka (kafkajs)', 'end to end (community→district→city)', 'target', ''], rows),
          '',
          table(['each run', ...result.runs.map((r) => `run ${r.run}`)], runRows),
          '',
        ]
      : []),
  ];
  /** `label value<unit>, ...` of [label, value] pairs. */
  const listed = (entries, unit = '') => entries.map(([k, v]) => `${k} ${v}${unit}`).join(', ');
  const cpuLines = (c, events) => {
    const cpu = listed(
      Object.entries(c.cpuPercentOfOneCore).filter(([, v]) => v >= 3),
      '%',
    );
    const others = listed(Object.entries(c.topOtherProcesses).slice(0, 3), '%');
    return [
      `  CPU: machine ${c.machineBusyPercent}% busy (${c.cores} cores); bench stack ${c.benchStackPercentOfOneCore}% of one core, ` +
        `other processes ${c.otherProcessesPercentOfOneCore}%${others ? ` (${others})` : ''}`,
      `  CPU of the bench stack, % of one core: ${cpu}`,
      `  CPU per event, µs: ${listed(Object.entries(perEventByTier(c.cpuSeconds ?? {}, events, 1e6)))}`,
      '  minor page faults per 1,000 events (not counting the load generator): ' +
        listed(Object.entries(perEventByTier(c.minorFaults ?? {}, events, 1000))),
    ];
  };
  for (const r of result.runs) {
    const t = r.throughput;
    if (t) {
      lines.push(
        `run ${r.run} throughput: filing done ${t.filingSeconds} s, community outboxes drained ${t.communityOutboxDrainedSeconds} s, ` +
          `districts done ${t.districtsDoneSeconds} s, city done ${t.cityDoneSeconds} s`,
        ...cpuLines(t.cpu, t.filed),
      );
    }
    const b = r.bulk;
    if (b) {
      lines.push(
        `run ${r.run} bulk: filing done ${b.filingSeconds} s, community outboxes drained ${b.communityOutboxDrainedSeconds} s, ` +
          `districts done ${b.districtsDoneSeconds} s, city done ${b.cityDoneSeconds} s`,
        ...cpuLines(b.cpu, b.filed),
      );
    }
    const p = r.pipeline;
    if (p) {
      lines.push(
        `run ${r.run} pipeline (${p.events} events into the outboxes): outboxes drained ${p.communityOutboxDrainedSeconds} s, ` +
          `districts done ${p.districtsDoneSeconds} s, city done ${p.cityDoneSeconds} s`,
        ...cpuLines(p.cpu, p.events),
      );
    }
  }
  if (result.stats) lines.push('', ...statsReportLines(result.stats, { table, fmtMs, fmtInt }));
  lines.push('', `JSON: ${path.relative(REPO_ROOT, result.file)}`, '');
  process.stdout.write(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n\n${HELP}`);
    process.exit(2);
  }
  if (!opts) {
    process.stdout.write(HELP);
    return;
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const runId = `b${Date.now().toString(36)}`;
  const startedAt = new Date();
  log(`run id ${runId}; parameters ${JSON.stringify(opts)}`);
  const costAtStart = calibrate();
  log(`machine costs: page fault ${costAtStart.pageFaultMicros} µs, fstat ${costAtStart.fstatMicros} µs`);
  const ctx = await startStack(opts, runId);
  const communities = ctx.federation.nodes.filter((n) => n.tier === 'community');
  ctx.clients = new Map(communities.map((c) => [c.code, makeClient(c.url, opts.client, opts.concurrency)]));
  ctx.latencyClients = new Map(communities.map((c) => [c.code, makeClient(c.url, opts.client, 256)]));
  const getClients = new Map();
  ctx.httpGet = (node, pathname) => {
    if (!getClients.has(node.code)) getClients.set(node.code, makeClient(node.url, 'http', 2));
    return getClients.get(node.code).get(pathname);
  };
  cleanups.push({
    what: 'closing HTTP clients',
    fn: async () => {
      for (const c of [...ctx.clients.values(), ...ctx.latencyClients.values(), ...getClients.values()])
        c.close();
    },
  });

  const pgVersion = (await ctx.adminDb.query('SHOW server_version')).rows[0].server_version;
  const machine = machineInfo(ctx, pgVersion);
  const { rows: conns } = await ctx.adminDb.query(
    'SELECT count(*)::int AS n, current_setting($1) AS max FROM pg_stat_activity',
    ['max_connections'],
  );
  log(`PostgreSQL: ${conns[0].n} connections open of max_connections ${conns[0].max}`);

  if (opts.warmupCases > 0) {
    log(`warm-up: filing ${opts.warmupCases} cases (not measured)`);
    const base = await tierTotals(ctx);
    const { caseNos, errors } = await fileClosedLoop(
      ctx,
      makeBodies(communities, opts.warmupCases, 7),
      Math.min(opts.concurrency, 16),
    );
    if (errors.length) throw new Error(`warm-up: ${errors.length} filings failed, e.g. ${errors[0]}`);
    await waitForTiers(ctx, base, caseNos.length, opts);
    log('warm-up done');
  }
  const city = ctx.federation.nodes.find((n) => n.tier === 'city');
  const { rows: sizeRows } = await ctx.dbs
    .get(city.code)
    .query('SELECT avg(octet_length(envelope))::int AS avg, count(*)::int AS n FROM case_event');

  const contracts = require(path.join(REPO_ROOT, 'dist', 'libs', 'contracts', 'src'));
  const baselineMessages = opts.phases.includes('baseline')
    ? makeBaselineMessages(communities, Math.max(opts.baselineMessages, 1), contracts)
    : [];
  if (baselineMessages.length) {
    const avg = baselineMessages.reduce((s, m) => s + m.value.length, 0) / baselineMessages.length;
    log(
      `baseline envelopes: ${Math.round(avg)} bytes on average (real ones at the city: ${sizeRows[0].avg ?? '?'} bytes)`,
    );
  }

  const runs = [];
  for (let run = 1; run <= opts.runs; run++) {
    const r = { run };
    runs.push(r);
    if (opts.phases.includes('baseline')) {
      log(`run ${run}: raw Kafka throughput (${baselineMessages.length} messages)`);
      r.baseline = { throughput: await baselineThroughput(ctx, opts, run, baselineMessages) };
      log(`run ${run}: raw Kafka ${JSON.stringify(r.baseline.throughput)}`);
      r.baseline.packed = await baselineThroughput(ctx, opts, run, baselineMessages, true);
      log(`run ${run}: raw Kafka, packed as the relay does, ${JSON.stringify(r.baseline.packed)}`);
      log(`run ${run}: raw Kafka latency at ${opts.rate}/s for ${opts.seconds} s`);
      r.baseline.latency = await baselineLatency(ctx, opts, run, baselineMessages);
      log(
        `run ${run}: raw Kafka latency p50 ${fmtMs(r.baseline.latency.p50)} p99 ${fmtMs(r.baseline.latency.p99)}`,
      );
    }
    if (opts.phases.includes('throughput')) {
      log(
        `run ${run}: end-to-end throughput, ${opts.cases} cases, ${opts.concurrency} in flight per community`,
      );
      const stopProfiling = startProfiling(ctx, run === 1 ? opts : { profile: false }, 'throughput');
      r.throughput = await e2eThroughput(ctx, opts, run);
      await stopProfiling();
      const t = r.throughput;
      log(
        `run ${run}: filed ${t.filed} (${t.errors} errors) at ${t.filingRate}/s; city holds all after ${t.cityDoneSeconds} s: ${t.throughput} events/s`,
      );
      await sleep(2000);
    }
    if (opts.phases.includes('bulk')) {
      log(
        `run ${run}: end-to-end throughput, bulk filing: ${opts.cases} cases, ${opts.batchSize} per request, ` +
          `${opts.batchConcurrency} requests in flight per community`,
      );
      const stopProfiling = startProfiling(ctx, run === 1 ? opts : { profile: false }, 'bulk');
      r.bulk = await e2eThroughput(ctx, opts, run, true);
      await stopProfiling();
      const t = r.bulk;
      log(
        `run ${run}: bulk-filed ${t.filed} (${t.errors} errors) at ${t.filingRate}/s; city holds all after ${t.cityDoneSeconds} s: ${t.throughput} events/s`,
      );
      await sleep(2000);
    }
    if (opts.phases.includes('pipeline')) {
      log(`run ${run}: pipeline diagnostic, ${opts.cases} events written into the community outboxes`);
      const stopProfiling = startProfiling(ctx, run === 1 ? opts : { profile: false }, 'pipeline');
      r.pipeline = await pipelineThroughput(ctx, opts, run, contracts);
      await stopProfiling();
      const p = r.pipeline;
      log(
        `run ${run}: pipeline: community outboxes drained ${p.communityOutboxDrainedSeconds} s, districts ${p.districtsDoneSeconds} s ` +
          `(${p.districtThroughput}/s), city ${p.cityDoneSeconds} s: ${p.throughput} events/s`,
      );
      await sleep(2000);
    }
    if (opts.phases.includes('latency')) {
      log(
        `run ${run}: end-to-end latency at ${opts.rate}/s for ${opts.seconds} s (+${opts.warmup} s warm-up)`,
      );
      r.latency = await e2eLatency(ctx, opts, run);
      const l = r.latency;
      log(
        `run ${run}: achieved ${l.achievedRate}/s, city p50 ${fmtMs(l.city.p50)} p99 ${fmtMs(l.city.p99)} max ${fmtMs(l.city.max)}; ` +
          `district p99 ${fmtMs(l.district.p99)}`,
      );
      await sleep(2000);
    }
  }

  // Once, after the other phases: the cases it loads would change what they measure.
  let stats = null;
  if (opts.phases.includes('stats')) {
    log(`stats: query benchmark over ${opts.statsCases} cases loaded into the city`);
    stats = await statsBenchmark(ctx, opts, {
      log,
      summarize,
      round,
      assertRunning,
      readDemoCatalog,
      demoItems: DEMO_ITEMS,
      pg: require('pg'),
    });
  }

  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  machine.costs = { atStart: costAtStart, atEnd: calibrate() };
  const result = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    runId,
    file,
    machine,
    parameters: {
      ...opts,
      topology: path.relative(REPO_ROOT, TOPOLOGY),
      portOffset: PORT_OFFSET,
      kafkaPort: KAFKA_PORT,
    },
    envelopeBytes: {
      baselineMean: baselineMessages.length
        ? round(baselineMessages.reduce((s, m) => s + m.value.length, 0) / baselineMessages.length, 0)
        : null,
      realMeanAtCity: sizeRows[0].avg,
    },
    targets: {
      throughputEventsPerSecond: TARGET_THROUGHPUT,
      p99Ms: TARGET_P99_MS,
      atRate: 500,
      statsQueryP95Ms: TARGET_P95_MS,
      statsSpeedupOverNaive: TARGET_SPEEDUP,
    },
    summary: buildSummary(runs),
    runs,
    stats,
    notes: [
      'latency = case_event.applied_at - occurred_at; applied_at defaults to clock_timestamp(), the moment the ' +
        'row is written inside the applying transaction: only that transaction’s commit is not included',
      'throughput = cases / (first POST .. first 50 ms poll at which the city applied them all)',
      'cpuPercentOfOneCore: utime+stime from /proc over the measurement; "pg <code>" are the backends of that ' +
        'node’s pool, "pg other" every other postgres process (WAL writer, checkpointer, other users)',
    ],
  };
  const toWrite = { ...result };
  delete toWrite.file;
  fs.writeFileSync(file, JSON.stringify(toWrite, null, 2) + '\n');
  printReport(result);
}

main()
  .then(
    () => cleanup(),
    async (err) => {
      if (!shuttingDown) log(`failed: ${err.stack || err.message}`);
      await cleanup();
      process.exitCode = 1;
    },
  )
  .then(() => {
    // kafkajs and pg keep nothing alive after cleanup, but do not hang on a stray handle either
    setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  });
