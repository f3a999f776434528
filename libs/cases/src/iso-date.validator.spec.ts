import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AddWorkingDaysQuery, PublishOverridesDto, WorkingDaysQuery } from './calendar/calendar.dto';
import { IsIsoDate } from './iso-date.validator';
import { OversightQuery, StatsQuery } from './stats/stats.dto';
import { IssueTicketDto } from './supervision/supervision.controller';

class Window {
  @IsIsoDate()
  day!: unknown;
}

/** The messages of each field that fails, as the 400 answer lists them. */
async function problems(cls: new () => object, plain: object): Promise<Record<string, string[]>> {
  const errors = await validate(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true });
  const out: Record<string, string[]> = {};
  const walk = (es: typeof errors, prefix: string) => {
    for (const e of es) {
      if (e.constraints) out[prefix + e.property] = Object.values(e.constraints);
      walk(e.children ?? [], `${prefix}${e.property}.`);
    }
  };
  walk(errors, '');
  return out;
}

const MESSAGE = (field: string) =>
  `${field} must be a date YYYY-MM-DD that exists, from 1970-01-01 to 9999-12-31`;

describe('IsIsoDate', () => {
  it.each(['1970-01-01', '2024-02-29', '2026-12-31', '9999-12-31'])('takes %p', async (day) => {
    expect(await problems(Window, { day })).toEqual({});
  });

  it.each([
    ['30 February', '2025-02-30'],
    ['29 February of a common year', '2025-02-29'],
    ['all zeros', '0000-00-00'],
    ['before 1970', '1969-12-31'],
    ['month 13', '2026-13-01'],
    ['unpadded', '2026-1-5'],
    ['with a time', '2026-01-05T00:00:00Z'],
    ['a number', 20260105],
    ['empty', ''],
  ])('refuses %s (%p) with the reason', async (_what, day) => {
    expect(await problems(Window, { day })).toEqual({ day: [MESSAGE('day')] });
  });
});

describe('the dates of the DTOs that reach a ::date cast', () => {
  it.each([
    ['oversight filedFrom', OversightQuery, { filedFrom: '2025-02-30' }, 'filedFrom'],
    ['oversight filedTo', OversightQuery, { filedTo: '0000-00-00' }, 'filedTo'],
    ['oversight acceptedFrom', OversightQuery, { acceptedFrom: '2026-04-31' }, 'acceptedFrom'],
    ['oversight decidedTo', OversightQuery, { decidedTo: '2026-00-10' }, 'decidedTo'],
    ['stats date', StatsQuery, { date: '2025-02-29' }, 'date'],
    ['stats from', StatsQuery, { period: 'custom', from: '2025-02-30', to: '2025-03-01' }, 'from'],
    ['calendar from', AddWorkingDaysQuery, { from: '2026-02-30', days: '1' }, 'from'],
    ['calendar to', WorkingDaysQuery, { from: '2026-02-01', to: '2026-02-30' }, 'to'],
    [
      'an override date',
      PublishOverridesDto,
      { overrides: [{ date: '2026-02-30', kind: 'day-off', reason: 'x' }] },
      'overrides.0.date',
    ],
    [
      'a ticket dueDate',
      IssueTicketDto,
      { caseNo: '150202001001202611260000004', reason: '请加快办理', dueDate: '2025-02-30' },
      'dueDate',
    ],
  ] as const)('%s: refused, naming the field', async (_what, cls, plain, field) => {
    expect(await problems(cls, plain)).toEqual({ [field]: [MESSAGE(field.split('.').at(-1)!)] });
  });

  it('takes real dates', async () => {
    expect(await problems(OversightQuery, { filedFrom: '2024-02-29', filedTo: '9999-12-31' })).toEqual({});
    expect(
      await problems(IssueTicketDto, {
        caseNo: '150202001001202611260000004',
        reason: '请加快办理',
        dueDate: '2026-12-31',
      }),
    ).toEqual({});
  });
});
