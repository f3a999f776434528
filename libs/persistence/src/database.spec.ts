import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database';

describe('isDatabaseUnavailable', () => {
  const pgError = (message: string, code?: string) => Object.assign(new Error(message), { code });

  it('holds for a database going away, refusing connections or dropping one', () => {
    for (const e of [
      pgError('terminating connection due to administrator command', '57P01'),
      pgError('the database system is shutting down', '57P03'),
      pgError('sorry, too many clients already', '53300'),
      pgError('connection failure', '08006'),
      new QueryFailedError(
        'COMMIT',
        [],
        pgError('terminating connection due to administrator command', '57P01'),
      ),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      // a socket reset in the middle of a statement, as TypeORM wraps it (seen in CI)
      new QueryFailedError('INSERT', [], pgError('read ECONNRESET', 'ECONNRESET')),
      pgError('write EPIPE', 'EPIPE'),
      new Error('Query runner already released. Cannot run queries anymore.'),
      new Error(
        'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
      ),
    ]) {
      expect({ e: e.message, unavailable: isDatabaseUnavailable(e) }).toEqual({
        e: e.message,
        unavailable: true,
      });
    }
  });

  it('does not hold for a statement the database refused, or for anything else', () => {
    for (const e of [
      pgError('duplicate key value violates unique constraint "pk_case_record"', '23505'),
      new QueryFailedError('INSERT', [], pgError('null value in column "case_no"', '23502')),
      pgError('syntax error at or near "SELEC"', '42601'),
      new Error('something else'),
      'Connection terminated',
      null,
    ]) {
      expect(isDatabaseUnavailable(e)).toBe(false);
    }
  });
});
