import { asBatchFailure, describeFailure } from './failure';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('describeFailure', () => {
  it.each([
    ['a value out of range (22003)', pgError('22003'), false],
    ['NUL in text (22021)', pgError('22021'), false],
    ['a unique violation (23505)', pgError('23505'), false],
    ['a connection failure (08006)', pgError('08006'), true],
    ['a deadlock (40P01)', pgError('40P01'), true],
    ['a serialization failure (40001)', pgError('40001'), true],
    ['an administrator shutdown (57P01)', pgError('57P01'), true],
    ['a missing table (42P01): a deployment problem, not the message', pgError('42P01'), true],
    [
      'a refused TCP connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      true,
    ],
    ['a pool timeout', new Error('timeout exceeded when trying to connect'), true],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'x')"), false],
    ['a RangeError', new RangeError('Invalid time value'), false],
  ])('%s → transient %s', (_what, error, transient) => {
    expect(describeFailure(error).transient).toBe(transient);
  });

  it('keeps the SQLSTATE and the message', () => {
    expect(describeFailure(pgError('23505'))).toEqual({
      transient: false,
      message: 'pg 23505',
      code: '23505',
    });
  });

  it('recovers a failure that crossed the RPC layer as a plain object', () => {
    expect(asBatchFailure({ transient: false, message: 'bad', code: '22003' })).toEqual({
      transient: false,
      message: 'bad',
      code: '22003',
    });
    expect(asBatchFailure({ status: 'error', message: 'Internal server error' }).transient).toBe(true);
  });
});
