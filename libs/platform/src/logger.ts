import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

/**
 * Nest's LoggerService on pino: one JSON line per entry, bound to the node.
 * Pass an object as the message to add fields: `logger.log({ msg: 'case filed', caseNo })`.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(bindings: { node: string; tier: string }, level = 'info') {
    // Asynchronous writes: a busy node coalesces log lines instead of making a system call per line
    // on the request path. Whatever is buffered is written out synchronously when the process exits.
    const destination = pino.destination({ dest: 1, sync: false });
    process.once('exit', () => {
      try {
        destination.flushSync();
      } catch {
        // stdout is gone: nothing left to write to
      }
    });
    this.pino = pino(
      {
        level,
        base: { pid: process.pid, ...bindings },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination,
    );
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
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields.stack = stack;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...rest2 } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...rest2 }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
