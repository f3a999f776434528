'use strict';
/**
 * Publishes the demo service-item catalog (deploy/catalog/demo-catalog.json) through the city's and
 * the districts' API, and waits until every community serves all of it (it flows down over Kafka).
 * Publishing is skipped for an item whose current version already has the same content, so starting
 * the demo twice does not bump versions.
 */

const fs = require('node:fs');
const path = require('node:path');
const { httpRequest, sleep, REPO_ROOT } = require('./util');

const DEMO_CATALOG = path.join(REPO_ROOT, 'deploy', 'catalog', 'demo-catalog.json');

/** @returns {{ city: object[], districts: Record<string, object[]> }} */
function readDemoCatalog(file = DEMO_CATALOG) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const same = (/** @type {any} */ a, /** @type {any} */ b) =>
  ['name', 'department', 'decidingTier', 'promisedDays', 'legalDays', 'guide', 'feeFen'].every(
    (k) => a[k] === b[k],
  ) && JSON.stringify(a.materials) === JSON.stringify(b.materials);

/**
 * @param {{ code: string, tier: string, url: string }[]} nodes running nodes of the federation
 * @param {{ timeoutMs?: number, log?: (msg: string) => void }} [opts]
 * @returns {Promise<number>} items the communities serve
 */
async function publishDemoCatalog(nodes, opts = {}) {
  const { timeoutMs = 60_000, log = () => {} } = opts;
  const catalog = readDemoCatalog();
  const city = nodes.find((n) => n.tier === 'city');
  if (!city) throw new Error('the federation has no city node');
  const owners = [{ node: city, items: catalog.city }];
  for (const [code, items] of Object.entries(catalog.districts)) {
    const node = nodes.find((n) => n.code === code);
    if (node) owners.push({ node, items });
  }
  let published = 0;
  for (const { node, items } of owners) {
    for (const item of /** @type {any[]} */ (items)) {
      const { code, ...body } = item;
      const url = `${node.url}/api/v1/catalog/items/${encodeURIComponent(code)}`;
      const existing = await httpRequest('GET', url);
      if (existing.status === 200 && same(JSON.parse(existing.body), item)) continue;
      const res = await httpRequest('PUT', url, { body });
      if (res.status !== 200) throw new Error(`PUT ${url}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      published++;
    }
  }
  log(`catalog: ${published} item version(s) published`);
  // Each community serves the city's items and its district's.
  const deadline = Date.now() + timeoutMs;
  const communities = nodes.filter((n) => n.tier === 'community');
  const expected = (/** @type {any} */ c) => catalog.city.length + (catalog.districts[c.parent]?.length ?? 0);
  for (const c of communities) {
    for (;;) {
      const res = await httpRequest('GET', `${c.url}/api/v1/catalog/items`).catch(() => null);
      const total = res?.status === 200 ? JSON.parse(res.body).total : -1;
      if (total >= expected(c)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `community ${c.code} serves ${total} of ${expected(c)} catalog items after ${timeoutMs} ms`,
        );
      }
      await sleep(200);
    }
  }
  return communities.length ? expected(communities[0]) : 0;
}

module.exports = { publishDemoCatalog, readDemoCatalog, DEMO_CATALOG };
