import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { transformFileSync } from '@swc/core';

import * as calendar from './index';

/**
 * A fixed set of calendar questions, as plain JavaScript so that exactly the same source runs in
 * this process and in the child processes (`c` is the library module, `now` a Date).
 */
const QUESTIONS = `
  const cal = c.WorkingCalendar.from(c.officialCalendarSpec(), [
    { date: '2026-03-04', kind: 'day-off', reason: 'local' },
  ]);
  const attempt = (fn) => {
    try {
      return fn();
    } catch (error) {
      return { error: error.name, message: error.message };
    }
  };
  return {
    today: c.shanghaiToday(now),
    shanghai: ['2026-02-13T15:59:59Z', '2026-02-13T16:00:00Z', '2025-12-31T16:00:00Z', '2026-07-01T03:30:00Z'].map(
      (iso) => c.shanghaiDate(new Date(iso)),
    ),
    epochDays: ['1970-01-01', '2024-02-29', '2026-02-13', '2026-03-08'].map((d) => c.toEpochDay(d)),
    weekdays: ['2026-02-13', '2026-02-14', '2026-02-15', '2026-03-08'].map((d) => c.dayOfWeek(d)),
    addDays: [c.addDays('2026-03-07', 1), c.addDays('2025-12-31', 1), c.addDays('2024-03-01', -1)],
    add: [
      ['2026-02-13', 1],
      ['2026-02-13', 2],
      ['2026-02-12', 20],
      ['2025-09-30', 4],
      ['2025-12-31', 1],
      ['2024-12-31', 1],
      ['2026-03-03', 1],
    ].map(([from, days]) => cal.addWorkingDays(from, days)),
    count: [
      cal.countWorkingDays('2026-02-01', '2026-02-28'),
      cal.countWorkingDays('2023-12-31', '2026-12-31'),
      cal.countWorkingDays('2026-03-01', '2026-03-08'),
    ],
    kinds: ['2026-02-14', '2026-02-21', '2026-03-04', '2026-03-08', '2025-10-08'].map((d) => cal.dayKind(d)),
    nonWorking: cal.nonWorkingDays('2025-12-30', '2026-01-05'),
    gap: attempt(() => cal.addWorkingDays('2026-12-31', 1)),
  };
`;

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const ask = new Function('c', 'now', QUESTIONS) as (c: typeof calendar, now: Date) => unknown;

const NOW = '2026-01-01T16:30:00Z';
const tzs = ['UTC', 'Asia/Shanghai', 'America/New_York'];

describe('answers do not depend on the process time zone', () => {
  let dir: string;

  beforeAll(() => {
    // Compile the library (not the specs) with swc into a temporary tree mirroring libs/calendar,
    // so that the relative import of ../data/*.json resolves as it does from the sources.
    dir = mkdtempSync(join(tmpdir(), 'fed-calendar-tz-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'data'));
    for (const file of readdirSync(__dirname)) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      const { code } = transformFileSync(join(__dirname, file), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      writeFileSync(join(dir, 'src', file.replace(/\.ts$/, '.js')), code);
    }
    const data = join(__dirname, '..', 'data');
    for (const file of readdirSync(data)) copyFileSync(join(data, file), join(dir, 'data', file));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(tzs)('TZ=%s gives the in-process answers', (tz) => {
    const expected = JSON.parse(JSON.stringify(ask(calendar, new Date(NOW)))) as unknown;
    const script = `
      const c = require(${JSON.stringify(join(dir, 'src', 'index.js'))});
      const ask = new Function('c', 'now', ${JSON.stringify(QUESTIONS)});
      process.stdout.write(JSON.stringify({
        localHour: new Date('2026-02-13T16:00:00Z').getHours(),
        answers: ask(c, new Date(${JSON.stringify(NOW)})),
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
    // See working-calendar.spec.ts and iso-date.spec.ts for the derivations.
    expect(ask(calendar, new Date(NOW))).toMatchObject({
      today: '2026-01-02',
      shanghai: ['2026-02-13', '2026-02-14', '2026-01-01', '2026-07-01'],
      epochDays: [0, 19782, 20497, 20520],
      weekdays: [5, 6, 7, 7],
      addDays: ['2026-03-08', '2026-01-01', '2024-02-29'],
      // Official answers from working-calendar.spec.ts, except where the local day off on Wed 4 Mar 2026
      // matters: Thu 12 Feb + 20 → Thu 19 Mar (one day later than 18 Mar); Tue 3 Mar + 1 → Thu 5 Mar.
      add: ['2026-02-14', '2026-02-24', '2026-03-19', '2025-10-13', '2026-01-04', '2025-01-02', '2026-03-05'],
      // Feb 2026: 16; 2024–2026: 747 − 1 (4 Mar) = 746; (1 Mar, 8 Mar] 2026: Mon 2, Tue 3, Thu 5, Fri 6 = 4.
      count: [16, 746, 4],
      kinds: [
        { date: '2026-02-14', working: true, reason: 'makeup-workday', name: '春节' },
        { date: '2026-02-21', working: false, reason: 'holiday', name: '春节' },
        { date: '2026-03-04', working: false, reason: 'local-day-off', name: 'local' },
        { date: '2026-03-08', working: false, reason: 'weekend' },
        { date: '2025-10-08', working: false, reason: 'holiday', name: '国庆节、中秋节' },
      ],
      nonWorking: [
        { date: '2026-01-01', reason: 'holiday', name: '元旦' },
        { date: '2026-01-02', reason: 'holiday', name: '元旦' },
        { date: '2026-01-03', reason: 'holiday', name: '元旦' },
      ],
      gap: {
        error: 'CalendarGapError',
        message: expect.stringContaining('no official arrangement for 2027') as string,
      },
    });
  });
});
