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
  };
}

/** Injection token of the NodeConfig. */
export const NODE_CONFIG = Symbol('NODE_CONFIG');
