import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync, IsUrl } from 'class-validator';
import { Topology, TopologyNode } from './topology';

/** The process environment a node accepts, validated once at boot. */
class NodeEnv {
  /** Code of this node in the topology (a community, district, city or the monitor). */
  @IsString()
  FED_NODE_CODE!: string;

  /** Path of the topology JSON file. */
  @IsString()
  FED_TOPOLOGY!: string;

  /** HTTP port; defaults to the port the topology gives this node. */
  @IsOptional()
  @Transform(({ value }: { value: string }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(65535)
  FED_HTTP_PORT?: number;

  @IsOptional()
  @IsString()
  FED_HTTP_HOST?: string;

  /** postgres:// URL of this node's own database (created on start when missing). */
  @Matches(/^postgres(ql)?:\/\/.+\/[A-Za-z0-9_]+(\?.*)?$/, {
    message: 'DATABASE_URL must be a postgres:// URL naming this node’s database',
  })
  DATABASE_URL!: string;

  /** Comma-separated host:port list. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS!: string;

  /** Prefix of every topic and consumer group, so several federations can share a broker. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'FED_NAMESPACE must be lowercase letters, digits, . _ -' })
  FED_NAMESPACE?: string;

  @IsOptional()
  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  LOG_LEVEL?: string;

  /** Where citizens reach this node (QR codes link to it); default: the host a request came to. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  FED_PUBLIC_BASE_URL?: string;

  /** How often the warning clock looks at the open cases this node handles, in ms (default 60000). */
  @IsOptional()
  @Transform(({ value }: { value: string }) => Number(value))
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  FED_WARNING_INTERVAL_MS?: number;

  /**
   * How often a node compares its replica of each child with the child (anti-entropy), in ms;
   * default 300000 (5 minutes), 0: only on start, on a new Kafka cluster and on demand.
   */
  @IsOptional()
  @Transform(({ value }: { value: string }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  FED_RECONCILE_INTERVAL_MS?: number;

  /**
   * A check compares the tiers as they stood this long ago (ms, default 30000): events still on
   * their way make no difference.
   */
  @IsOptional()
  @Transform(({ value }: { value: string }) => Number(value))
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  FED_RECONCILE_SETTLE_MS?: number;

  /**
   * Warning thresholds of this node as JSON, e.g. {"yellowWorkingDays":1,"yellowShare":0.2,
   * "items":{"150200-MZ-001":{"yellowWorkingDays":3}}}; default 1 working day or 20 %.
   */
  @IsOptional()
  @IsString()
  FED_WARNING_POLICY?: string;

  /** "1" lets tests move this node's warning clock (PUT /api/v1/test/clock); never set in production. */
  @IsOptional()
  @IsIn(['0', '1'])
  FED_TEST_CLOCK?: string;

  /**
   * With FED_TEST_CLOCK=1: the instant (ISO-8601 with its offset) this node's clock starts at, e.g.
   * 2026-06-17T10:00:00+08:00; it runs on from there. Tests pin "today" with it.
   */
  @IsOptional()
  @IsString()
  FED_TEST_NOW?: string;
}

/** Typed configuration of one node. Built once by `loadNodeConfig`; nothing else reads process.env. */
export interface NodeConfig {
  node: TopologyNode;
  topology: Topology;
  httpHost: string;
  httpPort: number;
  databaseUrl: string;
  kafkaBrokers: string[];
  namespace: string;
  logLevel: string;
  publicBaseUrl: string | null;
  warning: {
    intervalMs: number;
    policy: {
      yellowWorkingDays: number;
      yellowShare: number;
      items?: Record<string, { yellowWorkingDays?: number; yellowShare?: number }>;
    };
    /** Tests may move the clock. */
    testClock: boolean;
    /** The instant a test node's clock starts at (FED_TEST_NOW); null: real time. */
    testNow: Date | null;
  };
  reconcile: {
    /** Between two checks with each child; 0: none but on start, on a new cluster and on demand. */
    intervalMs: number;
    /** A check compares the tiers as they stood this long ago. */
    settleMs: number;
  };
}

export class ConfigError extends Error {}

/** Validates the environment and the topology; throws naming every bad variable. */
export function loadNodeConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const parsed = plainToInstance(NodeEnv, env, { excludeExtraneousValues: false });
  const errors = validateSync(parsed, { whitelist: false });
  if (errors.length) {
    const lines = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`invalid environment:\n  ${lines.join('\n  ')}`);
  }
  let topology: Topology;
  try {
    topology = Topology.fromFile(parsed.FED_TOPOLOGY);
  } catch (e) {
    throw new ConfigError(`FED_TOPOLOGY: ${(e as Error).message}`);
  }
  if (!topology.has(parsed.FED_NODE_CODE)) {
    throw new ConfigError(`FED_NODE_CODE: ${parsed.FED_NODE_CODE} is not in ${parsed.FED_TOPOLOGY}`);
  }
  const node = topology.get(parsed.FED_NODE_CODE);
  return {
    node,
    topology,
    httpHost: parsed.FED_HTTP_HOST ?? '127.0.0.1',
    httpPort: parsed.FED_HTTP_PORT ?? node.port,
    databaseUrl: parsed.DATABASE_URL,
    kafkaBrokers: parsed.KAFKA_BROKERS.split(','),
    namespace: parsed.FED_NAMESPACE ?? 'fed',
    logLevel: parsed.LOG_LEVEL ?? 'info',
    publicBaseUrl: parsed.FED_PUBLIC_BASE_URL ?? null,
    warning: {
      intervalMs: parsed.FED_WARNING_INTERVAL_MS ?? 60_000,
      policy: parseWarningPolicy(parsed.FED_WARNING_POLICY),
      testClock: testClock(parsed.FED_TEST_CLOCK, env.NODE_ENV),
      testNow: testNow(parsed.FED_TEST_NOW, parsed.FED_TEST_CLOCK),
    },
    reconcile: {
      intervalMs: parsed.FED_RECONCILE_INTERVAL_MS ?? 300_000,
      settleMs: parsed.FED_RECONCILE_SETTLE_MS ?? 30_000,
    },
  };
}

/** Injection token of the NodeConfig. */
export const NODE_CONFIG = Symbol('NODE_CONFIG');

/** FED_WARNING_POLICY, checked; the defaults when unset. */
function parseWarningPolicy(raw: string | undefined): NodeConfig['warning']['policy'] {
  const defaults = { yellowWorkingDays: 1, yellowShare: 0.2 };
  if (raw === undefined || raw.trim() === '') return defaults;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ConfigError('FED_WARNING_POLICY: not JSON');
  }
  const rules = (v: unknown, where: string) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ConfigError(`${where}: not an object`);
    const r = v as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (!['yellowWorkingDays', 'yellowShare', 'items'].includes(key))
        throw new ConfigError(`${where}: unknown field ${key}`);
    }
    if (
      r.yellowWorkingDays !== undefined &&
      !(
        Number.isInteger(r.yellowWorkingDays) &&
        (r.yellowWorkingDays as number) >= 0 &&
        (r.yellowWorkingDays as number) <= 365
      )
    ) {
      throw new ConfigError(`${where}.yellowWorkingDays: an integer from 0 to 365`);
    }
    if (
      r.yellowShare !== undefined &&
      !(typeof r.yellowShare === 'number' && r.yellowShare >= 0 && r.yellowShare <= 1)
    ) {
      throw new ConfigError(`${where}.yellowShare: a number from 0 to 1`);
    }
    return r as { yellowWorkingDays?: number; yellowShare?: number; items?: unknown };
  };
  const top = rules(value, 'FED_WARNING_POLICY');
  const items: Record<string, { yellowWorkingDays?: number; yellowShare?: number }> = {};
  if (top.items !== undefined) {
    if (typeof top.items !== 'object' || top.items === null)
      throw new ConfigError('FED_WARNING_POLICY.items: not an object');
    for (const [code, v] of Object.entries(top.items)) {
      const r = rules(v, `FED_WARNING_POLICY.items.${code}`);
      if (r.items !== undefined) throw new ConfigError(`FED_WARNING_POLICY.items.${code}: items cannot nest`);
      items[code] = { yellowWorkingDays: r.yellowWorkingDays, yellowShare: r.yellowShare };
    }
  }
  return {
    yellowWorkingDays: top.yellowWorkingDays ?? defaults.yellowWorkingDays,
    yellowShare: top.yellowShare ?? defaults.yellowShare,
    items,
  };
}

/** FED_TEST_NOW, checked: an instant with its offset, on a test node only. */
function testNow(raw: string | undefined, flag: string | undefined): Date | null {
  if (raw === undefined || raw === '') return null;
  if (flag !== '1') throw new ConfigError('FED_TEST_NOW needs FED_TEST_CLOCK=1 (a test node)');
  const at = new Date(raw);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(raw) || Number.isNaN(at.getTime())) {
    throw new ConfigError(
      `FED_TEST_NOW must be an ISO-8601 instant with its offset, got ${JSON.stringify(raw)}`,
    );
  }
  return at;
}

/** The test clock lets anyone move a node's warning clock: never in production. */
function testClock(flag: string | undefined, nodeEnv: string | undefined): boolean {
  if (flag !== '1') return false;
  if (nodeEnv === 'production') throw new ConfigError('FED_TEST_CLOCK=1 is refused with NODE_ENV=production');
  return true;
}
