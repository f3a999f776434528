#!/usr/bin/env node
'use strict';
/**
 * Installs the npm dependencies when they are missing or do not match package-lock.json.
 * Runs before node_modules exists (as `prestart` / `pretest`), so it uses Node built-ins only.
 *
 * "Do not match" is judged by content, not by file times (a git checkout touches package-lock.json
 * without changing it): every non-optional package the lockfile lists must be installed at the
 * locked version according to npm's own record of the tree, node_modules/.package-lock.json.
 *
 *   node deploy/scripts/bootstrap.js          install when needed (npm ci, or npm install without a lockfile)
 *   node deploy/scripts/bootstrap.js --check  only say whether an install is needed (exit 1 when it is)
 */

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const LOCKFILE = path.join(ROOT, 'package-lock.json');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const HIDDEN_LOCKFILE = path.join(NODE_MODULES, '.package-lock.json');

/**
 * Why an install is needed, or null when node_modules is up to date.
 * @returns {string | null}
 */
function installReason() {
  if (!fs.existsSync(NODE_MODULES)) return 'node_modules is missing';
  if (!fs.existsSync(LOCKFILE)) {
    // without a lockfile, fall back to file times against package.json
    const pkg = fs.statSync(path.join(ROOT, 'package.json')).mtimeMs;
    const installed = fs.existsSync(HIDDEN_LOCKFILE) ? fs.statSync(HIDDEN_LOCKFILE).mtimeMs : 0;
    return pkg > installed ? 'package.json is newer than node_modules' : null;
  }
  if (!fs.existsSync(HIDDEN_LOCKFILE))
    return 'node_modules was not installed by npm 7+ (no .package-lock.json)';
  let locked;
  let installed;
  try {
    locked = JSON.parse(fs.readFileSync(LOCKFILE, 'utf8')).packages;
    installed = JSON.parse(fs.readFileSync(HIDDEN_LOCKFILE, 'utf8')).packages;
  } catch {
    return fs.statSync(LOCKFILE).mtimeMs > fs.statSync(HIDDEN_LOCKFILE).mtimeMs
      ? 'package-lock.json is newer than node_modules'
      : null;
  }
  if (!locked || !installed) return 'package-lock.json has no "packages" (lockfileVersion 1?)';
  const omitDev =
    /(^|[\s,])dev($|[\s,])/.test(process.env.npm_config_omit ?? '') || process.env.NODE_ENV === 'production';
  for (const [key, meta] of Object.entries(locked)) {
    // the root; optional packages (platform-specific ones are legitimately absent)
    if (key === '' || meta.optional) continue;
    if (omitDev && meta.dev) continue;
    const have = installed[key];
    if (!have) return `${key.replace(/^.*node_modules\//, '')} is not installed`;
    if (!meta.link && meta.version && have.version !== meta.version) {
      return `${key.replace(/^.*node_modules\//, '')} is ${have.version}, package-lock.json says ${meta.version}`;
    }
  }
  return null;
}

/** npm, preferably the one running this lifecycle script. */
function npm() {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.c?js$/.test(execPath) && fs.existsSync(execPath)) {
    return { command: process.execPath, args: [execPath] };
  }
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: [] };
}

function main() {
  const reason = installReason();
  if (process.argv.includes('--check')) {
    process.stdout.write(reason ? `install needed: ${reason}\n` : 'node_modules is up to date\n');
    process.exit(reason ? 1 : 0);
  }
  if (!reason) return;
  const action = fs.existsSync(LOCKFILE) ? 'ci' : 'install';
  process.stderr.write(`[bootstrap] ${reason}: running npm ${action}\n`);
  const { command, args } = npm();
  const result = spawnSync(command, [...args, action, '--no-audit', '--no-fund'], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.error) {
    process.stderr.write(`[bootstrap] could not run npm: ${result.error.message}\n`);
    process.exit(1);
  }
  if (result.status !== 0) {
    process.stderr.write(
      `[bootstrap] npm ${action} failed (exit ${result.status ?? result.signal})` +
        (action === 'ci'
          ? '; if package.json changed, run `npm install` to update package-lock.json\n'
          : '\n'),
    );
    process.exit(result.status ?? 1);
  }
}

if (require.main === module) main();

module.exports = { installReason };
