/** What the transport needs to know of a failed batch: retry it, or split it and set the culprit aside. */
export interface BatchFailure {
  /** True when trying again later may succeed (database or broker away, deadlock, lock timeout). */
  transient: boolean;
  message: string;
  /** SQLSTATE when the database refused. */
  code?: string;
}

/** SQLSTATE classes a message itself causes: retrying the same data fails the same way. */
const PERMANENT_SQL_CLASSES = new Set(['22', '23']);

/**
 * Classifies an error thrown while applying a batch. Data the database refuses (bad values, constraint
 * violations) and programming errors are permanent: the batch is split until the culprit is found and
 * dead-lettered. Everything else — connections, deadlocks, timeouts, a missing table — is retried.
 */
export function describeFailure(error: unknown): BatchFailure {
  const e = error as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const code = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (code) return { transient: !PERMANENT_SQL_CLASSES.has(code.slice(0, 2)), message, code };
  const permanent = error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
  return { transient: !permanent, message };
}

/** Recovers a BatchFailure that crossed Nest's RPC exception layer (see the batch handler). */
export function asBatchFailure(error: unknown): BatchFailure {
  const e = error as Partial<BatchFailure> | null;
  if (e && typeof e.transient === 'boolean' && typeof e.message === 'string') {
    return { transient: e.transient, message: e.message, code: e.code };
  }
  return describeFailure(error);
}
