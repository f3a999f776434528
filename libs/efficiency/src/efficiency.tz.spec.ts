import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import * as calendar from '@fed/calendar';
import { CaseSnapshot } from '@fed/contracts';
import { acceptedCase } from './case.fixture';
import * as efficiency from './index';

// The technique of libs/calendar/src/working-calendar.tz.spec.ts: the same plain-JavaScript questions
// run in this process and in child processes with TZ=UTC, Asia/Shanghai and America/New_York, on the
// libraries' sources compiled with swc; all answers must be identical. Expected values (last test) are derived by
// hand from libs/calendar/data/cn-holidays-2024-2026.json, see deadline.spec.ts and warning.spec.ts.

/**
 * Cases whose Shanghai dates differ from their UTC or New York dates; `asOf` for each (also the decision
 * day of measureTiming); `strict` for the calendar without provisional years.
 */
const CASES: { name: string; c: CaseSnapshot; asOf: string; strict?: boolean }[] = [
  // 23:30 Fri 13 Feb 2026 in Shanghai (15:30Z; 10:30 Fri in New York).
  { name: 'friday-2330', c: acceptedCase('2026-02-13T15:30:00Z', 5, 20), asOf: '2026-02-13' },
  // 00:30 Sat 14 Feb 2026 in Shanghai (16:30Z Fri; 11:30 Fri in New York).
  { name: 'saturday-0030', c: acceptedCase('2026-02-13T16:30:00Z', 5, 20), asOf: '2026-02-14' },
  // 11:00 Sat 14 Feb 2026 in Shanghai, 22:00 Fri 13 Feb in New York (03:00Z).
  { name: 'saturday-1100', c: acceptedCase('2026-02-14T03:00:00Z', 1, 2), asOf: '2026-02-14' },
  // 00:00 Thu 1 Jan 2026 (元旦) in Shanghai, 16:00Z Wed 31 Dec.
  { name: 'new-year-0000', c: acceptedCase('2025-12-31T16:00:00Z', 1, 5), asOf: '2026-01-01' },
  // 00:30 Mon 30 Sep 2024 in Shanghai, 16:30Z Sun 29 Sep (a make-up day).
  { name: 'national-day-2024', c: acceptedCase('2024-09-29T16:30:00Z', 1, 1), asOf: '2024-09-30' },
  {
    // Accepted Mon 2 Mar 2026 10:00; 特别程序 from 23:00 Mon 9 to 01:00 Tue 10 Shanghai (15:00Z–17:00Z Mon 9).
    name: 'pause-over-midnight',
    c: acceptedCase('2026-03-02T02:00:00Z', 10, 20, [
      { kind: 'special-procedure', from: '2026-03-09T15:00:00Z', to: '2026-03-09T17:00:00Z', reason: 'test' },
    ]),
    asOf: '2026-03-12',
  },
  {
    // Accepted Mon 2 Mar 2026; 补正 from 11:30 Tue 10 Shanghai (23:30 Mon 9 in New York, EDT) to 11:30 Thu 12
    // (23:30 Wed 11 in New York), then 挂起 open since 11:30 Mon 16 Shanghai, asOf Wed 18.
    name: 'pauses-new-york-evening',
    c: acceptedCase('2026-03-02T02:00:00Z', 10, 20, [
      { kind: 'supplement', from: '2026-03-10T03:30:00Z', to: '2026-03-12T03:30:00Z', reason: 'test' },
      { kind: 'suspension', from: '2026-03-16T03:30:00Z', to: null, reason: 'test' },
    ]),
    asOf: '2026-03-18',
  },
  // Accepted Mon 14 Dec 2026, +5/+20: the legal walk reaches provisional 2027 …
  { name: 'turn-of-year', c: acceptedCase('2026-12-14T02:00:00Z', 5, 20), asOf: '2026-12-14' },
  // … which a calendar without provisional years refuses.
  { name: 'gap', c: acceptedCase('2026-12-14T02:00:00Z', 5, 20), asOf: '2026-12-14', strict: true },
  // 00:30 Thu 4 Feb 2027 in Shanghai (16:30Z Wed 3 Feb; 11:30 Wed 3 Feb in New York), the day before 除夕.
  { name: 'spring-festival-2027', c: acceptedCase('2027-02-03T16:30:00Z', 1, 2), asOf: '2027-02-11' },
  // Accepted Mon 15 Dec 2036, +5/+20: the legal walk reaches 2037, past the 10-year horizon.
  { name: 'past-horizon', c: acceptedCase('2036-12-15T02:00:00Z', 5, 20), asOf: '2036-12-15' },
];

/** Days each case is classified on. */
const TODAYS: Record<string, string[]> = {
  'friday-2330': ['2026-02-13', '2026-02-26', '2026-02-27', '2026-02-28'],
  'saturday-0030': ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02'],
  'saturday-1100': ['2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26'],
  'new-year-0000': ['2026-01-01', '2026-01-04', '2026-01-05', '2026-01-09'],
  'national-day-2024': ['2024-09-30', '2024-10-08', '2024-10-09'],
  'pause-over-midnight': ['2026-03-12', '2026-03-16', '2026-03-17', '2026-03-18'],
  'pauses-new-york-evening': ['2026-03-18'],
  'turn-of-year': ['2026-12-31', '2027-01-12', '2027-01-13'],
  gap: [],
  'spring-festival-2027': ['2027-02-04', '2027-02-10', '2027-02-11', '2027-02-12'],
  'past-horizon': [],
};

/**
 * The questions, as plain JavaScript so that exactly the same source runs here and in the children
 * (`e` is the efficiency module, `c` the calendar module, `input` the cases and days as JSON data).
 */
const QUESTIONS = `
  const provisional = c.WorkingCalendar.from(c.officialCalendarSpec());
  const strict = c.WorkingCalendar.from(c.officialCalendarSpec(), [], { provisionalYears: 0 });
  const answers = {};
  for (const { name, c: kase, asOf, strict: noHorizon } of input.cases) {
    const cal = noHorizon ? strict : provisional;
    try {
      const d = e.caseDeadlines(kase, cal, asOf);
      answers[name] = {
        deadlines: d,
        warnings: input.todays[name].map((today) => [today, e.classify(d, kase.itemCode, today, cal)]),
        timing: e.measureTiming(kase, cal, asOf),
      };
    } catch (error) {
      answers[name] = { error: error.name, year: error.year, message: error.message };
    }
  }
  return answers;
`;

type Answers = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const ask = new Function('e', 'c', 'input', QUESTIONS) as (
  e: typeof efficiency,
  c: typeof calendar,
  input: unknown,
) => Answers;
const INPUT = { cases: CASES, todays: TODAYS };

/** JSON round trip, as the children report (it also turns -0 into 0). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const tzs = ['UTC', 'Asia/Shanghai', 'America/New_York'];

/**
 * Prepended to each child's script: compiles TypeScript sources on require with swc (as jest does) and
 * resolves `@fed/<lib>` to libs/<lib>/src like tsconfig's paths, so the child loads the libraries'
 * sources and whatever they import (from @fed/contracts, node_modules, ../data/*.json) without a build.
 */
const REQUIRE_HOOK = `
  const Module = require('node:module');
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
  const libs = ${JSON.stringify(join(__dirname, '..', '..'))};
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const lib = /^@fed\\/([a-z-]+)$/.exec(request);
    return resolve.call(this, lib ? join(libs, lib[1], 'src', 'index.ts') : request, ...rest);
  };
  Module._extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
`;

describe('deadlines and warnings do not depend on the process time zone', () => {
  it.each(tzs)('TZ=%s gives the in-process answers', (tz) => {
    const expected = asJson(ask(efficiency, calendar, INPUT));
    const script = `
      ${REQUIRE_HOOK}
      const e = require(${JSON.stringify(join(__dirname, 'index.ts'))});
      const c = require('@fed/calendar');
      const ask = new Function('e', 'c', 'input', ${JSON.stringify(QUESTIONS)});
      process.stdout.write(JSON.stringify({
        localHour: new Date('2026-02-13T16:00:00Z').getHours(),
        answers: ask(e, c, ${JSON.stringify(INPUT)}),
      }));
    `;
    const result = spawnSync(process.execPath, ['-e', script], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as { localHour: number; answers: unknown };

    // Sanity check that the child really runs in the requested zone (16:00Z in February).
    expect(out.localHour).toBe({ UTC: 16, 'Asia/Shanghai': 0, 'America/New_York': 11 }[tz]);
    expect(out.answers).toStrictEqual(expected);
  });

  it('the in-process answers are the hand-derived ones', () => {
    const answers = ask(efficiency, calendar, INPUT);
    const warning = (level: string, workingDaysLeft: number, legalBreached = false) => ({
      level,
      workingDaysLeft,
      legalBreached,
    });
    expect(answers).toMatchObject({
      // Fri 13 Feb 2026: Sat 14 make-up (1), 15–23 春节, Tue 24–Fri 27 Feb (5); legal … Thu 19 Mar (20).
      'friday-2330': {
        deadlines: {
          acceptedOn: '2026-02-13',
          promised: { date: '2026-02-27' },
          legal: { date: '2026-03-19' },
        },
        warnings: [
          ['2026-02-13', warning('green', 5)],
          ['2026-02-26', warning('yellow', 1)], // Fri 27
          ['2026-02-27', warning('yellow', 0)],
          ['2026-02-28', warning('red', -1)], // Sat 28 is a make-up working day
        ],
      },
      // Sat 14 Feb (not counted): Tue 24–Fri 27 (4), Sat 28 make-up (5); legal Fri 20 Mar (20).
      'saturday-0030': {
        deadlines: {
          acceptedOn: '2026-02-14',
          promised: { date: '2026-02-28' },
          legal: { date: '2026-03-20' },
        },
        warnings: [
          ['2026-02-27', warning('yellow', 1)], // Sat 28 (1 ≤ 1)
          ['2026-02-28', warning('yellow', 0)],
          ['2026-03-01', warning('red', 0)], // Sun 1 Mar: no working day overdue yet
          ['2026-03-02', warning('red', -1)],
        ],
      },
      // Sat 14 Feb: Tue 24 (1), Wed 25 (2).
      'saturday-1100': {
        deadlines: {
          acceptedOn: '2026-02-14',
          promised: { date: '2026-02-24' },
          legal: { date: '2026-02-25' },
        },
        warnings: [
          ['2026-02-14', warning('yellow', 1)],
          ['2026-02-24', warning('yellow', 0)],
          ['2026-02-25', warning('red', -1)], // the legal date itself: not breached
          ['2026-02-26', warning('red', -2, true)],
        ],
      },
      // Thu 1 Jan 2026 (元旦): 2–3 Jan off, Sun 4 Jan make-up (1), Mon 5 … Thu 8 Jan (5).
      'new-year-0000': {
        deadlines: {
          acceptedOn: '2026-01-01',
          promised: { date: '2026-01-04' },
          legal: { date: '2026-01-08' },
        },
        warnings: [
          ['2026-01-01', warning('yellow', 1)],
          ['2026-01-04', warning('yellow', 0)],
          ['2026-01-05', warning('red', -1)],
          ['2026-01-09', warning('red', -5, true)], // Mon 5–Fri 9
        ],
      },
      // Mon 30 Sep 2024; 1–7 Oct 国庆 → Tue 8 Oct (1).
      'national-day-2024': {
        deadlines: {
          acceptedOn: '2024-09-30',
          promised: { date: '2024-10-08' },
          legal: { date: '2024-10-08' },
        },
        warnings: [
          ['2024-09-30', warning('yellow', 1)],
          ['2024-10-08', warning('yellow', 0)],
          ['2024-10-09', warning('red', -1, true)],
        ],
      },
      // Tue 10 Mar stopped (Shanghai Mon 9 → Tue 10): 11th / 21st working day → Tue 17 / Tue 31 Mar.
      'pause-over-midnight': {
        deadlines: {
          acceptedOn: '2026-03-02',
          promised: {
            date: '2026-03-17',
            pausedWorkingDays: 1,
            excludedDays: [
              { date: '2026-03-07', working: false, reason: 'weekend' },
              { date: '2026-03-08', working: false, reason: 'weekend' },
              { date: '2026-03-10', working: true, reason: 'special-procedure' },
              { date: '2026-03-14', working: false, reason: 'weekend' },
              { date: '2026-03-15', working: false, reason: 'weekend' },
            ],
          },
          legal: { date: '2026-03-31' },
          clockStopped: false,
        },
        warnings: [
          ['2026-03-12', warning('green', 3)], // Fri 13, Mon 16, Tue 17
          ['2026-03-16', warning('yellow', 1)],
          ['2026-03-17', warning('yellow', 0)],
          ['2026-03-18', warning('red', -1)],
        ],
      },
      // 补正 Shanghai Tue 10 → Thu 12 stops Wed 11, Thu 12; 挂起 open since Mon 16, asOf Wed 18 stops
      // Tue 17, Wed 18 → p=4: 14th / 24th working day → Fri 20 Mar / Fri 3 Apr; on Wed 18: Thu 19, Fri 20.
      'pauses-new-york-evening': {
        deadlines: {
          acceptedOn: '2026-03-02',
          promised: {
            date: '2026-03-20',
            pausedWorkingDays: 4,
            excludedDays: [
              { date: '2026-03-07', working: false, reason: 'weekend' },
              { date: '2026-03-08', working: false, reason: 'weekend' },
              { date: '2026-03-11', working: true, reason: 'supplement' },
              { date: '2026-03-12', working: true, reason: 'supplement' },
              { date: '2026-03-14', working: false, reason: 'weekend' },
              { date: '2026-03-15', working: false, reason: 'weekend' },
              { date: '2026-03-17', working: true, reason: 'suspension' },
              { date: '2026-03-18', working: true, reason: 'suspension' },
            ],
          },
          legal: { date: '2026-04-03' },
          clockStopped: true,
          asOf: '2026-03-18',
        },
        warnings: [['2026-03-18', warning('yellow', 2)]], // 2 ≤ 20 % of 10
      },
      // Mon 14 Dec 2026, +5: 15–18 (4), Mon 21 Dec (5), exact. +20: 22–25 (9), 28–31 (13), Fri 1 Jan 2027
      // 元旦 and the weekend of 2–3 Jan (provisional), 4–8 Jan (18), Mon 11 (19), Tue 12 Jan 2027 (20).
      'turn-of-year': {
        deadlines: {
          acceptedOn: '2026-12-14',
          promised: { date: '2026-12-21', provisional: false },
          legal: { date: '2027-01-12', provisional: true },
          provisionalYears: [2027],
        },
        warnings: [
          ['2026-12-31', warning('red', -8)], // 22–25, 28–31 Dec
          ['2027-01-12', warning('red', -15)], // … + 4–8, 11, 12 Jan; the legal date itself
          ['2027-01-13', warning('red', -16, true)],
        ],
        // Decided the day it was accepted: ahead, flagged for the provisional legal deadline.
        timing: {
          promisedDeadline: '2026-12-21',
          legalDeadline: '2027-01-12',
          workingDaysUsed: 0,
          completion: 'ahead',
          provisional: true,
        },
      },
      gap: {
        error: 'CalendarGapError',
        year: 2027,
        message:
          'working-day calendar has no arrangement for 2027, official or provisional (official years: 2024, 2025, 2026)',
      },
      // Thu 4 Feb 2027 (Shanghai): 春节 Fri 5 – Mon 8, substitutes Tue 9, Wed 10 → Thu 11 (1), Fri 12 (2).
      'spring-festival-2027': {
        deadlines: {
          acceptedOn: '2027-02-04',
          promised: { date: '2027-02-11', provisional: true },
          legal: { date: '2027-02-12', provisional: true },
          provisionalYears: [2027],
        },
        warnings: [
          ['2027-02-04', warning('yellow', 1)],
          ['2027-02-10', warning('yellow', 1)], // a substitute day: Thu 11 still ahead
          ['2027-02-11', warning('yellow', 0)],
          ['2027-02-12', warning('red', -1)], // the legal date itself: not breached
        ],
        timing: { workingDaysUsed: 1, completion: 'on-time', provisional: true },
      },
      'past-horizon': {
        error: 'CalendarGapError',
        year: 2037,
        message:
          'working-day calendar has no arrangement for 2037, official or provisional (official years: 2024, 2025, 2026; provisional up to 2036)',
      },
    });
    // Exact answers carry no flag: all in 2026 or before.
    expect(answers['friday-2330']).toMatchObject({
      deadlines: { provisionalYears: [], promised: { provisional: false }, legal: { provisional: false } },
    });
    expect(answers['friday-2330']).toHaveProperty('timing.completion', 'ahead');
    expect(answers['friday-2330']).not.toHaveProperty('timing.provisional');
  });
});
