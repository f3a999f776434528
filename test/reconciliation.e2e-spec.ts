/**
 * Anti-entropy between tiers on a federation and a broker of the test's own: a thousand agreeing
 * cases cost no event sent again; a case removed by hand at the district comes back; a case at the
 * district that its community never filed is reported and kept; a decision lost on its way down (the
 * broker dropped the records) reaches the community; and a case whose events were published and then
 * lost with the broker (a new, empty broker) reaches the district and the city, with no manual step.
 */
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  eventually,
  filingBody,
  getJson,
  metricAt,
  OwnFederation,
  ownFederation,
  postJson,
} from '@fed/testing';

interface KafkaHandle {
  brokers: string;
  stop: () => Promise<void>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { publishDemoCatalog } = require('../deploy/infra/catalog') as {
  publishDemoCatalog: (nodes: OwnFederation['nodes'], o?: Record<string, unknown>) => Promise<number>;
};
const { ensureKafka } = require('../deploy/infra/kafka') as {
  ensureKafka: (o: {
    name: string;
    port: number;
    controllerPort: number;
    fresh?: boolean;
  }) => Promise<KafkaHandle>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const CITY = '150200';
const DISTRICT = '150202';
const COMMUNITY = '150202001001';
const OTHER = '150202002003';
/** Clear of the shared test federation (+20000) and the other suites' own (+21000, +22000, +24000, +25000). */
const PORT_OFFSET = 23_000;
const BROKER = { name: 'test-reconcile', port: 29292, controllerPort: 29293 };
/** A community-decided item of the demo catalog, and one the district decides (最低生活保障). */
const COMMUNITY_ITEM = '150200-MZ-003';
const DISTRICT_ITEM = '150200-MZ-001';

type Reconciliation = {
  children: {
    child: string;
    state: string;
    agreed: boolean | null;
    casesRepaired: number;
    eventsResent: number;
    checks: number;
    lastCheck: {
      checkId: string;
      divergent: string[];
      orphans: string[];
      unrepaired: string[];
      casesCompared: number;
      messages: number;
    } | null;
  }[];
  clusters: { clusterId: string }[];
};

// With KAFKA_BROKERS the tests run against a broker the project did not start and cannot replace.
const describeOwnBroker = process.env.KAFKA_BROKERS ? describe.skip : describe;

describeOwnBroker('tiers that prove they agree (a federation and a broker of its own)', () => {
  const own = ownFederation('reconciliation', {
    portOffset: PORT_OFFSET,
    communities: [COMMUNITY, OTHER],
    extraEnv: { FED_RECONCILE_INTERVAL_MS: '20000', FED_RECONCILE_SETTLE_MS: '1000' },
  });
  const namespace = own.namespace;
  let kafka: KafkaHandle;
  let federation: OwnFederation | undefined;

  const node = (code: string) => {
    const found = federation?.nodes.find((n) => n.code === code);
    if (!found) throw new Error(`node ${code} is not running`);
    return found;
  };
  const at = (code: string, path: string) => `${node(code).url}${path}`;
  const databaseUrl = (code: string) => node(code).databaseUrl;
  const sql = async <T>(url: string, text: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const start = async () => {
    federation = await own.start(kafka.brokers);
  };
  const stopNode = async (code: string) => {
    const { pid } = node(code);
    process.kill(pid, 'SIGTERM');
    await eventually(
      () => {
        try {
          process.kill(pid, 0);
          return Promise.resolve(undefined);
        } catch {
          return Promise.resolve(true);
        }
      },
      { what: `node ${code} stopped`, timeoutMs: 30_000 },
    );
  };
  const file = async (itemCode: string) => {
    const res = await postJson<{ caseNo: string }>(at(COMMUNITY, '/api/v1/cases'), filingBody({ itemCode }));
    expect(res.status).toBe(201);
    return res.body.caseNo;
  };
  const act = async (code: string, caseNo: string, action: string, body: Record<string, unknown> = {}) => {
    const res = await postJson(at(code, `/api/v1/cases/${caseNo}/actions/${action}`), body);
    expect({ action, status: res.status }).toEqual({ action, status: 201 });
  };
  const versionAt = async (code: string, caseNo: string) => {
    const res = await getJson<{ version: number }>(at(code, `/api/v1/cases/${caseNo}`));
    return res.status === 200 ? res.body.version : 0;
  };
  const awaitVersion = (code: string, caseNo: string, version: number, timeoutMs = 30_000) =>
    eventually(async () => ((await versionAt(code, caseNo)) >= version ? true : undefined), {
      what: `${caseNo} v${version} at ${code}`,
      timeoutMs,
    });
  const outboxEmpty = (code: string) =>
    eventually(
      async () => {
        const [row] = await sql<{ n: number }>(databaseUrl(code), 'SELECT count(*)::int AS n FROM outbox');
        return row.n === 0 ? true : undefined;
      },
      { what: `${code}'s outbox published` },
    );
  const reconciliation = async (code: string) =>
    (await getJson<Reconciliation>(at(code, '/api/v1/sync/reconciliation'))).body;
  const childState = async (parent: string, child: string) =>
    (await reconciliation(parent)).children.find((c) => c.child === child)!;
  /** Runs a check at `parent` now and waits for its outcome with `child`. */
  const checkNow = async (parent: string, child: string) => {
    const res = await postJson<{ checks: { child: string; checkId: string }[] }>(
      at(parent, '/api/v1/sync/reconciliation'),
      {},
    );
    expect(res.status).toBe(202);
    const checkId = res.body.checks.find((c) => c.child === child)!.checkId;
    return eventually(
      async () => {
        const s = await childState(parent, child);
        return s.lastCheck?.checkId === checkId ? s : undefined;
      },
      { what: `check ${checkId} of ${parent} with ${child}`, timeoutMs: 30_000 },
    );
  };
  /** The cases each tier holds of the community, with their versions: one list everywhere. */
  const holdings = async (code: string) =>
    sql<{ case_no: string; version: number }>(
      databaseUrl(code),
      `SELECT case_no, version FROM case_record WHERE community_code = $1 ORDER BY case_no`,
      [COMMUNITY],
    );
  const received = async (code: string) => {
    const [row] = await sql<{ n: number }>(
      databaseUrl(code),
      `SELECT coalesce(sum(received), 0)::int AS n FROM stats_daily WHERE community_code = $1`,
      [COMMUNITY],
    );
    return row.n;
  };
  const expectTiersAgree = async () => {
    const community = await holdings(COMMUNITY);
    for (const code of [DISTRICT, CITY]) {
      await eventually(
        async () => (JSON.stringify(await holdings(code)) === JSON.stringify(community) ? true : undefined),
        { what: `${code} holds the community's cases at their versions`, timeoutMs: 60_000 },
      );
      expect(await received(code)).toBe(community.length);
    }
    expect(await received(COMMUNITY)).toBe(community.length);
  };

  beforeAll(async () => {
    kafka = await ensureKafka({ ...BROKER, fresh: true });
    await start();
    await publishDemoCatalog(federation!.nodes);
    for (const item of [COMMUNITY_ITEM, DISTRICT_ITEM])
      await eventually(
        async () =>
          (await getJson(at(COMMUNITY, `/api/v1/catalog/items/${item}`))).status === 200 ? true : undefined,
        { what: `item ${item} at the community` },
      );
  }, 240_000);

  afterAll(async () => {
    try {
      await federation?.stop();
    } finally {
      await kafka?.stop();
    }
  }, 120_000);

  it('a thousand cases agreeing: digests only, no event sent again', async () => {
    const bodies = Array.from({ length: 500 }, () => filingBody({ itemCode: COMMUNITY_ITEM }));
    for (let i = 0; i < 2; i++) {
      const res = await postJson(at(COMMUNITY, '/api/v1/cases/batch'), { cases: bodies });
      expect(res.status).toBe(201);
    }
    await expectTiersAgree();
    await new Promise((r) => setTimeout(r, 1500)); // older than FED_RECONCILE_SETTLE_MS
    const resentBefore = await Promise.all(
      [COMMUNITY, DISTRICT].map((c) => metricAt(node(c).url, 'fed_reconcile_events_resent_total')),
    );
    const s = await checkNow(DISTRICT, COMMUNITY);
    expect(s.state).toBe('agreed');
    expect(s.lastCheck!.casesCompared).toBeGreaterThanOrEqual(1000);
    expect(s.lastCheck!.divergent).toEqual([]);
    // A request and its answer: the top level says all is equal.
    expect(s.lastCheck!.messages).toBeLessThanOrEqual(2);
    const city = await checkNow(CITY, DISTRICT);
    expect(city.state).toBe('agreed');
    const resentAfter = await Promise.all(
      [COMMUNITY, DISTRICT].map((c) => metricAt(node(c).url, 'fed_reconcile_events_resent_total')),
    );
    expect(resentAfter).toEqual(resentBefore);
  }, 120_000);

  it('a case removed by hand at the district is repaired, and counted once', async () => {
    const rowOnly = await file(COMMUNITY_ITEM);
    const whole = await file(COMMUNITY_ITEM);
    await act(COMMUNITY, whole, 'accept');
    await awaitVersion(CITY, whole, 2);
    await awaitVersion(CITY, rowOnly, 1);
    await new Promise((r) => setTimeout(r, 1500));
    // The row alone (its history kept), and a case with its whole history.
    await sql(databaseUrl(DISTRICT), 'DELETE FROM case_record WHERE case_no = $1', [rowOnly]);
    await sql(databaseUrl(DISTRICT), 'DELETE FROM case_event WHERE case_no = $1', [whole]);
    await sql(databaseUrl(DISTRICT), 'DELETE FROM case_record WHERE case_no = $1', [whole]);
    expect(await versionAt(DISTRICT, whole)).toBe(0);
    const found = await checkNow(DISTRICT, COMMUNITY);
    expect(found.lastCheck!.divergent).toEqual([whole]);
    expect(await versionAt(DISTRICT, rowOnly)).toBe(1); // rebuilt from the district's own log
    await awaitVersion(DISTRICT, whole, 2);
    const [events] = await sql<{ n: number }>(
      databaseUrl(DISTRICT),
      'SELECT count(*)::int AS n FROM case_event WHERE case_no = $1',
      [whole],
    );
    expect(events.n).toBe(2);
    await expectTiersAgree();
    const after = await eventually(
      async () => {
        const s = await checkNow(DISTRICT, COMMUNITY);
        return s.state === 'agreed' ? s : undefined;
      },
      { what: 'the district agreeing with the community again', timeoutMs: 30_000 },
    );
    expect(after.casesRepaired).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('a case at the district that its community never filed is reported, kept, and not sent down', async () => {
    const [model] = await sql<{ case_no: string }>(
      databaseUrl(DISTRICT),
      'SELECT case_no FROM case_record WHERE community_code = $1 ORDER BY case_no DESC LIMIT 1',
      [COMMUNITY],
    );
    const stray = `${model.case_no.slice(0, 20)}99999999`;
    await sql(
      databaseUrl(DISTRICT),
      `INSERT INTO case_record SELECT (jsonb_populate_record(r, jsonb_build_object('case_no', $2::text))).*
       FROM case_record r WHERE case_no = $1`,
      [model.case_no, stray],
    );
    try {
      const s = await checkNow(DISTRICT, COMMUNITY);
      expect(s.state).toBe('diverged');
      expect(s.lastCheck!.orphans).toEqual([stray]);
      expect(s.lastCheck!.divergent).toEqual([]);
      expect(await versionAt(DISTRICT, stray)).toBeGreaterThan(0);
      expect(await versionAt(COMMUNITY, stray)).toBe(0);
      expect(await metricAt(node(DISTRICT).url, 'fed_reconcile_orphan_cases', `child="${COMMUNITY}"`)).toBe(
        1,
      );
    } finally {
      await sql(databaseUrl(DISTRICT), 'DELETE FROM case_record WHERE case_no = $1', [stray]);
    }
  }, 60_000);

  it('a decision the broker lost on its way down reaches the community', async () => {
    const caseNo = await file(DISTRICT_ITEM);
    await act(COMMUNITY, caseNo, 'accept');
    await act(COMMUNITY, caseNo, 'hand-up');
    await awaitVersion(DISTRICT, caseNo, 3);
    await outboxEmpty(COMMUNITY);
    await stopNode(COMMUNITY);
    await act(DISTRICT, caseNo, 'decide', { outcome: 'approved', result: '同意' });
    await outboxEmpty(DISTRICT);
    // The broker drops what it held for the community (retention, a disk lost): offsets out of range.
    const client = new Kafka({
      clientId: 'test-reconcile',
      brokers: [kafka.brokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = client.admin();
    await admin.connect();
    try {
      const topic = `${namespace}.down.${COMMUNITY}`;
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.deleteTopicRecords({
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
    } finally {
      await admin.disconnect();
    }
    await federation!.stop();
    await start();
    await awaitVersion(COMMUNITY, caseNo, 4, 60_000);
    // Sent down again by the district, from its own event log.
    expect(
      await metricAt(node(DISTRICT).url, 'fed_reconcile_events_resent_total', 'direction="down"'),
    ).toBeGreaterThanOrEqual(1);
    const [decided] = await sql<{ status: string; handling_node: string }>(
      databaseUrl(COMMUNITY),
      'SELECT status, handling_node FROM case_record WHERE case_no = $1',
      [caseNo],
    );
    expect(decided).toEqual({ status: 'decided', handling_node: COMMUNITY });
    await expectTiersAgree();
  }, 240_000);

  it('events published and then lost with the broker reach every tier: a new broker, the same databases', async () => {
    await stopNode(DISTRICT);
    const caseNo = await file(COMMUNITY_ITEM);
    await act(COMMUNITY, caseNo, 'accept');
    await outboxEmpty(COMMUNITY);
    expect(await versionAt(CITY, caseNo)).toBe(0);
    await federation!.stop();
    const before = (
      await sql<{ cluster_id: string }>(databaseUrl(DISTRICT), 'SELECT cluster_id FROM broker_cluster')
    ).map((r) => r.cluster_id);
    await kafka.stop();
    kafka = await ensureKafka({ ...BROKER, fresh: true });
    await start();
    // No manual step: the nodes see a new cluster and check with their children.
    await awaitVersion(DISTRICT, caseNo, 2, 60_000);
    await awaitVersion(CITY, caseNo, 2, 60_000);
    await expectTiersAgree();
    const status = await reconciliation(DISTRICT);
    expect(status.clusters.length).toBe(before.length + 1);
    expect(await metricAt(node(DISTRICT).url, 'fed_reconcile_cluster_changes_total')).toBe(1);
    const s = await eventually(
      async () => {
        const c = await childState(DISTRICT, COMMUNITY);
        return c.state === 'agreed' ? c : undefined;
      },
      { what: 'the district agreeing with the community', timeoutMs: 60_000 },
    );
    expect(s.casesRepaired).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
