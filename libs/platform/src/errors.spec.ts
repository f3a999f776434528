import { ArgumentsHost } from '@nestjs/common';
import { DomainError, DomainErrorFilter } from './errors';

/** What the filter did to a reply: status, headers, body. */
function answer(error: DomainError) {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  new DomainErrorFilter().catch(error, host);
  return sent;
}

describe('DomainErrorFilter', () => {
  it('answers the status of the kind, with the code, message and details', () => {
    expect(answer(new DomainError('conflict', 'not_allowed', 'no', { allowed: ['accept'] }))).toEqual({
      status: 409,
      headers: {},
      body: { statusCode: 409, code: 'not_allowed', message: 'no', allowed: ['accept'] },
    });
  });

  it('says when to try again: Retry-After', () => {
    const sent = answer(
      new DomainError('unavailable', 'database_unavailable', 'down', undefined, { retryAfterSeconds: 2 }),
    );
    expect(sent.status).toBe(503);
    expect(sent.headers).toEqual({ 'retry-after': '2' });
    expect(sent.body).toEqual({ statusCode: 503, code: 'database_unavailable', message: 'down' });
  });
});
