'use strict';
/**
 * Preloaded into every node by `node bench/run.js --profile` (NODE_OPTIONS=--require ...).
 * SIGWINCH (ignored by default, and not one of the signals Nest's enableShutdownHooks() treats as
 * "shut down", unlike SIGUSR2) starts the V8 sampling CPU profiler; the next SIGWINCH stops it and writes
 * $FED_BENCH_PROFILE_DIR/<node code>-<pid>-<n>.cpuprofile (open in Chrome DevTools, or summarize with
 * `node bench/profile-summary.js <files>`). Node's own --cpu-prof cannot be used: the nodes exit by
 * re-raising SIGTERM (Nest's shutdown hooks), which skips writing its profile.
 */

const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.FED_BENCH_PROFILE_DIR;
const code = process.env.FED_NODE_CODE || 'node';
/** @type {import('node:inspector').Session | null} */
let session = null;
let count = 0;

if (dir) {
  process.on('SIGWINCH', () => {
    if (!session) {
      const s = new inspector.Session();
      s.connect();
      session = s;
      s.post('Profiler.enable', () =>
        s.post('Profiler.setSamplingInterval', { interval: 500 }, () => s.post('Profiler.start')),
      );
      return;
    }
    const s = session;
    session = null;
    s.post('Profiler.stop', (err, result) => {
      if (!err && result) {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${code}-${process.pid}-${++count}.cpuprofile`);
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
        fs.renameSync(`${file}.tmp`, file);
      }
      s.disconnect();
    });
  });
}
