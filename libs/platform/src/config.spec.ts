import path from 'node:path';
import { ConfigError, loadNodeConfig } from './config';

// jest's rootDir is the repository, and `npm run check` runs there.
const DEMO = path.join(process.cwd(), 'deploy/topology/demo.json');

/** The least a community node of the demo federation needs. */
const VALID: NodeJS.ProcessEnv = {
  FED_NODE_CODE: '150202001001',
  FED_TOPOLOGY: DEMO,
  DATABASE_URL: 'postgres://fed:secret@127.0.0.1:5432/fed_150202001001',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

/** VALID with some variables replaced, and those set to undefined removed (as they are from process.env). */
function env(patch: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...VALID };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

function configError(e: NodeJS.ProcessEnv): Error {
  try {
    loadNodeConfig(e);
  } catch (err) {
    return err as Error;
  }
  throw new Error('loadNodeConfig accepted the environment');
}

describe('loadNodeConfig', () => {
  it('reads a valid environment, with defaults for what is not set', () => {
    const config = loadNodeConfig(env());

    expect(config.node).toMatchObject({ code: '150202001001', tier: 'community', parent: '150202' });
    expect(config.topology.isWithin('150202001001', '150200')).toBe(true);
    expect(config).toMatchObject({
      httpHost: '127.0.0.1',
      httpPort: 3101,
      databaseUrl: 'postgres://fed:secret@127.0.0.1:5432/fed_150202001001',
      kafkaBrokers: ['127.0.0.1:9092'],
      namespace: 'fed',
      logLevel: 'info',
    });
  });

  it('takes the optional variables when set', () => {
    const config = loadNodeConfig(
      env({
        FED_HTTP_PORT: '4100',
        FED_HTTP_HOST: '0.0.0.0',
        KAFKA_BROKERS: 'kafka-1:9092,kafka-2:19092',
        FED_NAMESPACE: 'test-42.run_a',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgresql://fed@db.local/fed_150202?sslmode=disable',
      }),
    );

    expect(config).toMatchObject({
      httpHost: '0.0.0.0',
      httpPort: 4100,
      kafkaBrokers: ['kafka-1:9092', 'kafka-2:19092'],
      namespace: 'test-42.run_a',
      logLevel: 'debug',
      databaseUrl: 'postgresql://fed@db.local/fed_150202?sslmode=disable',
    });
  });

  it.each([
    ['150200', 'city', 3000],
    ['150204', 'district', 3200],
    ['150200-monitor', 'monitor', 3900],
  ])('configures node %s as a %s on port %i', (code, tier, port) => {
    const config = loadNodeConfig(env({ FED_NODE_CODE: code }));
    expect(config.node).toMatchObject({ code, tier });
    expect(config.httpPort).toBe(port);
  });

  it('ignores unrelated variables', () => {
    expect(loadNodeConfig(env({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'test' })).node.code).toBe(
      '150202001001',
    );
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['a missing FED_NODE_CODE', { FED_NODE_CODE: undefined }, 'FED_NODE_CODE'],
    ['a missing FED_TOPOLOGY', { FED_TOPOLOGY: undefined }, 'FED_TOPOLOGY'],
    ['a missing DATABASE_URL', { DATABASE_URL: undefined }, 'DATABASE_URL'],
    ['a mysql DATABASE_URL', { DATABASE_URL: 'mysql://fed@127.0.0.1/fed' }, 'DATABASE_URL'],
    ['a DATABASE_URL without a database', { DATABASE_URL: 'postgres://fed@127.0.0.1:5432/' }, 'DATABASE_URL'],
    ['a missing KAFKA_BROKERS', { KAFKA_BROKERS: undefined }, 'KAFKA_BROKERS'],
    ['KAFKA_BROKERS without a port', { KAFKA_BROKERS: '127.0.0.1' }, 'KAFKA_BROKERS'],
    ['KAFKA_BROKERS with a space', { KAFKA_BROKERS: 'a:9092, b:9092' }, 'KAFKA_BROKERS'],
    ['KAFKA_BROKERS with a trailing comma', { KAFKA_BROKERS: 'a:9092,' }, 'KAFKA_BROKERS'],
    ['FED_HTTP_PORT 70000', { FED_HTTP_PORT: '70000' }, 'FED_HTTP_PORT'],
    ['FED_HTTP_PORT 0', { FED_HTTP_PORT: '0' }, 'FED_HTTP_PORT'],
    ['a non-numeric FED_HTTP_PORT', { FED_HTTP_PORT: 'http' }, 'FED_HTTP_PORT'],
    ['a fractional FED_HTTP_PORT', { FED_HTTP_PORT: '3101.5' }, 'FED_HTTP_PORT'],
    ['an uppercase FED_NAMESPACE', { FED_NAMESPACE: 'Fed' }, 'FED_NAMESPACE'],
    ['a FED_NAMESPACE starting with a dash', { FED_NAMESPACE: '-fed' }, 'FED_NAMESPACE'],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
  ])('rejects %s, naming %s', (_name, patch, variable) => {
    const error = configError(env(patch));

    expect(error).toBeInstanceOf(ConfigError);
    // One line per bad variable, each starting with its name; only the bad one is named.
    expect(error.message).toMatch(new RegExp(`^invalid environment:\\n  ${variable}: \\S`));
    expect(error.message.split('\n')).toHaveLength(2);
  });

  it('names every bad variable at once', () => {
    const error = configError(
      env({ FED_HTTP_PORT: '70000', FED_NAMESPACE: 'FED', KAFKA_BROKERS: undefined }),
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^ {2}FED_HTTP_PORT: /m);
    expect(error.message).toMatch(/^ {2}FED_NAMESPACE: /m);
    expect(error.message).toMatch(/^ {2}KAFKA_BROKERS: /m);
  });

  it('rejects a node code that is not in the topology, naming FED_NODE_CODE and the file', () => {
    const error = configError(env({ FED_NODE_CODE: '150202009009' }));

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`FED_NODE_CODE: 150202009009 is not in ${DEMO}`);
  });
});
