import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** What kind of refusal a domain error is; the HTTP filter and the consumer map kinds, never codes. */
export type DomainErrorKind =
  'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'unavailable';

export interface DomainErrorOptions {
  /** When the client may try again, in seconds: sent as `Retry-After` (for 'unavailable'). */
  retryAfterSeconds?: number;
}

/** Base of every error a service throws on purpose. `code` is stable and machine-readable. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const STATUS: Record<DomainErrorKind, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): void {
    const status = STATUS[error.kind];
    const reply = host.switchToHttp().getResponse<FastifyReply>().status(status);
    const { retryAfterSeconds } = error.options;
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
    void reply.send({ statusCode: status, code: error.code, message: error.message, ...error.details });
  }
}
