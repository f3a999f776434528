import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv, TestNode } from './test-env';

/** A node of a federation a suite started for itself (deploy/infra/federation.js). */
export interface OwnNode {
  code: string;
  tier: TestNode['tier'];
  url: string;
  port: number;
  pid: number;
  databaseUrl: string;
  logFile: string;
}
export interface OwnFederation {
  nodes: OwnNode[];
  stop: () => Promise<void>;
}

// The launcher `npm start` and the test setup use (plain JavaScript under deploy/).
/* eslint-disable @typescript-eslint/no-require-imports */
const { startFederation } = require('../../deploy/infra/federation') as {
  startFederation: (o: Record<string, unknown>) => Promise<OwnFederation>;
};
const { stderrLog } = require('../../deploy/infra/util') as {
  stderrLog: (name: string) => (m: string) => void;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface TopologyFile {
  city: {
    code: string;
    districts: { code: string; communities: { code: string }[] }[];
  };
}

/**
 * A federation of a suite's own: the demo city, and of its districts and communities only those
 * named (with their demo names and ports), under `label` (logs in <FED_TEST_LOG_DIR>/<label>,
 * topics <namespace>-<label>, databases <dbPrefix>_<label>_*). Its nodes run in America/New_York
 * with the warning clock slowed to an hour, as the shared test federation's; `start` may be called
 * again after `stop` (same databases), on another broker if need be.
 */
export function ownFederation(
  label: string,
  o: {
    portOffset: number;
    communities: string[];
    /** A PostgreSQL server of the suite's own; default the shared test server. */
    serverUrl?: string;
    extraEnv?: Record<string, string>;
  },
) {
  const runDir = join(process.env.FED_TEST_LOG_DIR ?? '.run', label);
  const topologyFile = join(runDir, 'topology.json');
  const namespace = `${testEnv.namespace}-${label}`;
  const demo = JSON.parse(
    readFileSync(join(process.cwd(), 'deploy/topology/demo.json'), 'utf8'),
  ) as TopologyFile;
  const districts = demo.city.districts
    .map((d) => ({ ...d, communities: d.communities.filter((c) => o.communities.includes(c.code)) }))
    .filter((d) => d.communities.length > 0);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(topologyFile, JSON.stringify({ city: { ...demo.city, districts } }));
  const start = (brokers = testEnv.kafkaBrokers.join(',')): Promise<OwnFederation> =>
    startFederation({
      topologyFile,
      portOffset: o.portOffset,
      namespace,
      dbPrefix: `${testEnv.dbPrefix}_${label.replace(/-/g, '_')}`,
      brokers,
      serverUrl: o.serverUrl ?? testEnv.pgServerUrl,
      logDir: runDir,
      log: stderrLog(`test-${label}-federation`),
      extraEnv: { TZ: 'America/New_York', FED_WARNING_INTERVAL_MS: '3600000', ...o.extraEnv },
    });
  return { runDir, topologyFile, namespace, start };
}
