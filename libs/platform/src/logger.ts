import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

/**
 * Properties of an error that carry data rather than a diagnosis: TypeORM's QueryFailedError holds the
 * failed statement's SQL and parameters (applicants' names, ID numbers and phones, in runs of up to
 * 192 KiB) and the driver's error with them. Logged errors leave them out, here and in their causes.
 */
export const ERROR_DATA_FIELDS = ['parameters', 'query', 'driverError'] as const;

/** pino's error serializer without ERROR_DATA_FIELDS. */
export function errorWithoutData(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of ERROR_DATA_FIELDS) delete out[field];
  if (typeof out.cause === 'object' && out.cause !== null) out.cause = errorWithoutData(err.cause);
  return out;
}

/**
 * Nest's LoggerService on pino: one JSON line per entry, bound to the node.
 * Pass an object as the message to add fields: `logger.log({ msg: 'case filed', caseNo })`.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;
  private readonly children = new Map<string, Pino>();

  /** `stream` (tests) replaces standard output. */
  constructor(bindings: { node: string; tier: string }, level = 'info', stream?: pino.DestinationStream) {
    this.pino = pino(
      {
        level,
        base: { pid: process.pid, ...bindings },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        serializers: { err: errorWithoutData },
      },
      stream ?? JsonLogger.stdout(),
    );
  }

  /**
   * Asynchronous writes: a busy node coalesces log lines instead of making a system call per line
   * on the request path. Whatever is buffered is written out synchronously when the process exits.
   */
  private static stdout(): pino.DestinationStream {
    const destination = pino.destination({ dest: 1, sync: false });
    process.once('exit', () => {
      try {
        destination.flushSync();
      } catch {
        // stdout is gone: nothing left to write to
      }
    });
    return destination;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  // Nest calls log(message, context) and error(message, stack, context): the last string is the context.
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = rest.find((r): r is string => typeof r === 'string');
    const logger = context === undefined ? this.pino : this.child(context);
    if (message instanceof Error) {
      logger[level](stack === undefined ? { err: message } : { stack, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const fields = message as Record<string, unknown>;
      if (stack === undefined && typeof fields.msg === 'string') {
        // The common case, a line per case filed or applied: the object goes to pino as it is, its
        // `msg` a field like the others (copying it without `msg` was most of a log line's cost).
        logger[level](fields);
      } else {
        const { msg, ...others } = fields;
        logger[level](
          stack === undefined ? others : { ...others, stack },
          typeof msg === 'string' ? msg : '',
        );
      }
    } else {
      logger[level](stack === undefined ? {} : { stack }, String(message));
    }
  }

  /** A child logger per context, its `context` field serialized once. */
  private child(context: string): Pino {
    let child = this.children.get(context);
    if (!child) {
      child = this.pino.child({ context });
      this.children.set(context, child);
    }
    return child;
  }
}
