import { Client } from 'pg';

/** Creates the database named in `url` when it does not exist (connecting to `postgres` on the same server). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (e) {
        // 42P04 duplicate_database: another process created it meanwhile.
        if ((e as { code?: string }).code !== '42P04') throw e;
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * SQLSTATEs of a database that is going away or not taking connections (class 08, 57P01-57P03, 53300),
 * and the socket errors of a connection reset, refused or timed out.
 */
const UNAVAILABLE_STATES =
  /^(08...|57P0[123]|53300|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTCONN|EHOSTUNREACH)$/;

/** Messages of pg, pg-pool and TypeORM when a connection is lost, refused or not handed out in time. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|query runner was already released|Query runner already released|Client has encountered a connection error/;

/**
 * Whether `e` says the database could not be reached or dropped the connection, rather than refusing
 * the statement: worth a retry later (an HTTP 503), not a bug (a 500).
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  // TypeORM's QueryFailedError carries the driver's `code` itself.
  const code = (e as Error & { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_STATES.test(code)) return true;
  return UNAVAILABLE_MESSAGES.test(e.message);
}
