import { eventually } from './test-env';
import { getJson } from './http';
import { node } from './test-env';

// The demo federation booted by the global setup: every node its own process, real Kafka and PostgreSQL.
export const CITY = '150200';
export const DISTRICTS: Record<string, string[]> = {
  '150202': ['150202001001', '150202002003'],
  '150204': ['150204001002', '150204003001'],
};
export const COMMUNITIES = Object.values(DISTRICTS).flat();
export const districtOf = (community: string) => community.slice(0, 6);
export const otherDistrict = (district: string) => (district === '150202' ? '150204' : '150202');

export type CaseView = Record<string, unknown> & {
  caseNo: string;
  version: number;
  status: string;
  handlingNode: string;
};
export type EventView = {
  version: number;
  eventId: string;
  type: string;
  originNode: string;
  occurredAt: string;
  officer?: string;
  action?: Record<string, unknown>;
};

export const url = (code: string, path: string) => `${node(code).url}${path}`;

export async function caseAt(code: string, caseNo: string): Promise<CaseView | undefined> {
  const res = await getJson<CaseView>(url(code, `/api/v1/cases/${caseNo}`));
  return res.status === 200 ? res.body : undefined;
}

/** The case as `code` holds it, once it holds at least `version`. */
export const awaitCase = (code: string, caseNo: string, version = 1) =>
  eventually(
    async () => {
      const found = await caseAt(code, caseNo);
      return found && found.version >= version ? found : undefined;
    },
    { what: `case ${caseNo} v${version} at ${code}` },
  );

/** The history of a case at a node, without the node-local application time. */
export async function historyAt(code: string, caseNo: string): Promise<EventView[]> {
  const res = await getJson<{ events: (EventView & { appliedAt: string })[] }>(
    url(code, `/api/v1/cases/${caseNo}/events`),
  );
  return res.body.events.map(({ appliedAt: _node_local, ...event }) => event);
}

export const metric = (code: string, name: string, labels = ''): Promise<number> =>
  metricAt(node(code).url, name, labels);

/** The sum of a metric's samples (those whose labels include `labels`) in /metrics at `baseUrl`. */
export async function metricAt(baseUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Waits until the sum of a counter at `code` reaches `atLeast`. */
export const awaitMetric = (code: string, name: string, atLeast: number, what: string) =>
  eventually(async () => ((await metric(code, name)) >= atLeast ? true : undefined), { what });

export async function total(code: string, query = ''): Promise<number> {
  return (await getJson<{ total: number }>(url(code, `/api/v1/cases?pageSize=1${query}`))).body.total;
}
