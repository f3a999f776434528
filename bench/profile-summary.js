#!/usr/bin/env node
'use strict';
/**
 * Summarizes V8 .cpuprofile files (from `node bench/run.js --profile`): where the sampled CPU time
 * went, by package / area, by function (self time) and by function with what it calls (total time:
 * a function's samples and those of every call below it, counted once per sample), per file.
 *
 *   node bench/profile-summary.js .run/bench-logs/<runid>/profiles/throughput-*.cpuprofile [--top 25]
 */

const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
let top = 25;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else if (args[i] === '-h' || args[i] === '--help') {
    process.stdout.write('usage: node bench/profile-summary.js <file.cpuprofile>... [--top N]\n');
    process.exit(0);
  } else files.push(args[i]);
}

/** Package or area a call frame belongs to. */
function area(frame) {
  const url = frame.url || '';
  if (!url) {
    if (frame.functionName.startsWith('(')) return frame.functionName; // (garbage collector), (idle), (program)
    return '(native)';
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return `app ${url
      .slice(dist + 6)
      .split('/')
      .slice(0, 3)
      .join('/')}`;
  return url;
}

function summarize(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfSamples = new Map();
  for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  const areas = new Map();
  const fns = new Map();
  const totals = new Map();
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (f) =>
    `${f.functionName || '(anonymous)'}  ${f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ''} [${area(f)}]`;
  for (const [id, n] of selfSamples) {
    const node = byId.get(id);
    const f = node.callFrame;
    const a = area(f);
    areas.set(a, (areas.get(a) ?? 0) + n);
    fns.set(keyOf(f), (fns.get(keyOf(f)) ?? 0) + n);
    if (a === '(idle)') continue;
    // Every function on the stack of these samples, once (a recursive one would count twice).
    const onStack = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) onStack.add(keyOf(byId.get(at).callFrame));
    for (const key of onStack) totals.set(key, (totals.get(key) ?? 0) + n);
  }
  const idle = areas.get('(idle)') ?? 0;
  const busy = total - idle;
  const pct = (n) => `${((100 * n) / busy).toFixed(1).padStart(5)}%`;
  const out = [
    `== ${path.basename(file)}: ${seconds.toFixed(1)} s profiled, ${((100 * busy) / total).toFixed(1)}% of samples busy (shares below are of busy samples)`,
    '  by package / area:',
  ];
  for (const [a, n] of [...areas]
    .filter(([k]) => k !== '(idle)')
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    out.push(`    ${pct(n)}  ${a}`);
  }
  out.push('  by function (self):');
  for (const [k, n] of [...fns]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    out.push(`    ${pct(n)}  ${k}`);
  }
  out.push('  by function with what it calls (total):');
  for (const [k, n] of [...totals]
    .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)'))
    .sort((x, y) => y[1] - x[1])
    .slice(0, top)) {
    out.push(`    ${pct(n)}  ${k}`);
  }
  return out.join('\n');
}

for (const f of files) process.stdout.write(`${summarize(f)}\n\n`);
