import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { JsonLogger } from './logger';

/** A JsonLogger whose lines land in an array, parsed. */
function capture(level = 'info'): { logger: JsonLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger({ node: '150202001001', tier: 'community' }, level, {
    write: (s: string) => {
      lines.push(JSON.parse(s) as Record<string, unknown>);
    },
  });
  return { logger, lines };
}

describe('JsonLogger', () => {
  it('writes one JSON line per entry: node, tier, context, msg and the fields of an object message', () => {
    const { logger, lines } = capture();
    logger.log(
      { msg: 'case filed', caseNo: '1502020010012026112600000042', messageId: 'm-1' },
      'FilingService',
    );
    logger.log({ msg: 'case filed', caseNo: '1502020010012026112600000043' }, 'FilingService');
    logger.warn('plain text', 'Relay');
    logger.log({ caseNo: 'x' });

    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      level: 'info',
      node: '150202001001',
      tier: 'community',
      context: 'FilingService',
      msg: 'case filed',
      caseNo: '1502020010012026112600000042',
      messageId: 'm-1',
    });
    expect(typeof lines[0].time).toBe('string');
    expect(lines[1]).toMatchObject({ context: 'FilingService', caseNo: '1502020010012026112600000043' });
    expect(lines[2]).toMatchObject({ level: 'warn', context: 'Relay', msg: 'plain text' });
    // an object without msg still gets one, empty, and no context it was not given
    expect(lines[3]).toMatchObject({ msg: '', caseNo: 'x' });
    expect(lines[3]).not.toHaveProperty('context');
  });

  it('keeps an error, a stack passed as Nest passes it, and the level threshold', () => {
    const { logger, lines } = capture('warn');
    logger.error(new Error('broker gone'), 'Kafka');
    logger.error({ msg: 'apply failed', caseNo: 'c-1' }, 'Error: boom\n    at x', 'ReplicaService');
    logger.log({ msg: 'not written below warn' }, 'FilingService');

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'error', context: 'Kafka', msg: 'broker gone' });
    expect((lines[0].err as { message: string }).message).toBe('broker gone');
    expect(lines[1]).toMatchObject({
      level: 'error',
      context: 'ReplicaService',
      msg: 'apply failed',
      caseNo: 'c-1',
      stack: 'Error: boom\n    at x',
    });
  });

  it('serves Nest Logger instances once it is the app logger', () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('FilingService').log({ msg: 'case filed', caseNo: 'c-2' });
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines).toEqual([
      expect.objectContaining({ context: 'FilingService', msg: 'case filed', caseNo: 'c-2' }),
    ]);
  });

  it("logs a failed query's error without its parameters, SQL or driver error, even as a cause", () => {
    const { logger, lines } = capture();
    const personal = ['王小明', '11010519491231002X', '13812345678'];
    // What TypeORM throws when a statement fails, as a 500 reaches Nest's ExceptionsHandler.
    const failed = () =>
      new QueryFailedError(
        'INSERT INTO case_applicant (case_no, name, id_number, phone) VALUES ($1, $2, $3, $4)',
        ['1502020010012026112600000042', ...personal],
        Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
          parameters: personal,
        }),
      );
    logger.error(failed(), 'ExceptionsHandler');
    logger.warn({ msg: 'filing failed', err: failed() }, 'FilingService');
    logger.error(new Error('filing failed', { cause: failed() }));

    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const text = JSON.stringify(line);
      for (const datum of personal) expect(text).not.toContain(datum);
      expect(text).not.toContain('INSERT INTO');
      expect(text).toContain('terminating connection due to administrator command');
    }
    expect(lines[0]).toMatchObject({ err: { type: 'QueryFailedError', code: '57P01' } });
  });
});
