import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { DomainError } from '@fed/platform';
import { StatsQuery } from './stats.dto';
import { statsPeriod } from './stats.service';

const query = (plain: Record<string, string>) => plainToInstance(StatsQuery, plain);
const TODAY = '2026-03-18'; // a Wednesday

function refusal(f: () => unknown): DomainError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  return undefined;
}

describe('statsPeriod', () => {
  it.each([
    ['this month by default', {}, { from: '2026-03-01', to: '2026-03-31' }],
    ['a day', { period: 'day', date: '2024-02-29' }, { from: '2024-02-29', to: '2024-02-29' }],
    ['a week, Monday to Sunday', { period: 'week' }, { from: '2026-03-16', to: '2026-03-22' }],
    [
      'a week across a year',
      { period: 'week', date: '2026-01-01' },
      { from: '2025-12-29', to: '2026-01-04' },
    ],
    [
      'February of a leap year',
      { period: 'month', date: '2024-02-10' },
      { from: '2024-02-01', to: '2024-02-29' },
    ],
    [
      'the last month there is',
      { period: 'month', date: '9999-12-31' },
      { from: '9999-12-01', to: '9999-12-31' },
    ],
    [
      'the first month there is',
      { period: 'month', date: '1970-01-01' },
      { from: '1970-01-01', to: '1970-01-31' },
    ],
    [
      'the first whole week',
      { period: 'week', date: '1970-01-05' },
      { from: '1970-01-05', to: '1970-01-11' },
    ],
    ['a year', { period: 'year', date: '9999-06-01' }, { from: '9999-01-01', to: '9999-12-31' }],
    [
      'the last day as a custom period',
      { period: 'custom', from: '9999-12-31', to: '9999-12-31' },
      { from: '9999-12-31', to: '9999-12-31' },
    ],
    [
      'ten years to the last day',
      { period: 'custom', from: '9989-12-31', to: '9999-12-31' },
      { from: '9989-12-31', to: '9999-12-31' },
    ],
  ])('%s', (_what, plain, expected) => {
    expect(statsPeriod(query(plain), TODAY)).toEqual(expected);
  });

  it.each([
    [
      'the week of 1970-01-01 (it began in 1969)',
      { period: 'week', date: '1970-01-01' },
      /week of 1970-01-01 runs outside 1970-01-01 to 9999-12-31/,
    ],
    [
      'the week of 9999-12-31 (it ends in 10000)',
      { period: 'week', date: '9999-12-31' },
      /week of 9999-12-31 runs outside/,
    ],
    [
      'a custom period over ten years',
      { period: 'custom', from: '9970-01-01', to: '9999-12-31' },
      /at most 3660 days/,
    ],
    ['an inverted range', { period: 'custom', from: '2026-05-01', to: '2026-04-01' }, /before from/],
    ['a custom period without its end', { period: 'custom', from: '2026-05-01' }, /needs from and to/],
    ['from without period=custom', { period: 'month', from: '2026-05-01' }, /go with period=custom/],
    [
      'a date that does not exist',
      { period: 'day', date: '2026-02-30' },
      /^date: "2026-02-30" is not a valid date/,
    ],
  ])('refuses %s: 400 STATS_BAD_PERIOD with the reason', (_what, plain, reason) => {
    const error = refusal(() => statsPeriod(query(plain), TODAY));
    expect(error).toMatchObject({ kind: 'invalid', code: 'STATS_BAD_PERIOD' });
    expect(error?.message).toMatch(reason);
  });
});
