import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** How much of a statement a log line keeps: enough to tell which one it was. */
export const LOGGED_SQL_CHARS = 200;

/** A statement on one line, cut to LOGGED_SQL_CHARS. */
export function sqlHead(query: string): string {
  const sql = query.replace(/\s+/g, ' ').trim();
  return sql.length > LOGGED_SQL_CHARS ? `${sql.slice(0, LOGGED_SQL_CHARS)}…` : sql;
}

/**
 * The fields of a failed query's log line: the error, its SQLSTATE and the statement's head, never
 * the parameters (they hold applicants' names, ID numbers and phones, and a batch's run up to
 * STATEMENT_PARAM_BYTES).
 */
export function queryFailure(error: unknown, query: string): Record<string, unknown> {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    msg: 'query failed',
    err: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
    sql: sqlHead(query),
  };
}

/**
 * TypeORM's own messages through the node's JSON logger (context `TypeORM`). Its default logger
 * printed a failed query as plain text lines with every parameter: personal data in the log, and
 * lines no log pipeline could parse. The caller of a failed query logs what it does about it; this
 * line says which statement it was.
 */
export class TypeOrmJsonLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  logQuery(): void {
    // every statement: not logged
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.warn(queryFailure(error, query));
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', ms: time, sql: sqlHead(query) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug({ msg: 'schema build', detail: message });
  }

  logMigration(message: string): void {
    this.logger.log({ msg: 'migration', detail: message });
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const line = { msg: String(message) };
    if (level === 'warn') this.logger.warn(line);
    else this.logger.log(line);
  }
}
