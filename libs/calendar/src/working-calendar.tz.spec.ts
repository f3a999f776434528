import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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
  const strict = c.WorkingCalendar.from(c.officialCalendarSpec(), [], { provisionalYears: 0 });
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
    provisional: {
      add: [
        ['2026-12-31', 1],
        ['2027-02-04', 1],
        ['2027-09-30', 1],
        ['2028-09-29', 1],
      ].map(([from, days]) => cal.addWorkingDays(from, days)),
      count: cal.countWorkingDays('2026-12-31', '2027-12-31'),
      kinds: ['2027-01-01', '2027-02-06', '2027-02-10', '2027-02-13'].map((d) => cal.dayKind(d)),
      years: cal.provisionalYearsIn('2026-12-31', '2027-01-04'),
      range: cal.range,
      statutory: [2027, 2028, 2036].map((y) => c.statutoryHolidays(y).map((h) => h.date + ' ' + h.name)),
    },
    gap: attempt(() => strict.addWorkingDays('2026-12-31', 1)),
    pastHorizon: attempt(() => cal.addWorkingDays('2036-12-31', 1)),
    beforeFirstYear: attempt(() => cal.addWorkingDays('2023-12-29', 1)),
  };
`;

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const ask = new Function('c', 'now', QUESTIONS) as (c: typeof calendar, now: Date) => unknown;

const NOW = '2026-01-01T16:30:00Z';
// Besides Shanghai and New York, the extremes: UTC+14 and UTC−11 (lunar dates must not shift a day).
const tzs = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];

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
    // The library's npm dependencies (lunar-javascript) resolve from the tree's node_modules.
    symlinkSync(dirname(dirname(require.resolve('lunar-javascript'))), join(dir, 'node_modules'), 'junction');
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
    expect(out.localHour).toBe(
      {
        UTC: 16,
        'Asia/Shanghai': 0,
        'America/New_York': 11,
        'Pacific/Kiritimati': 6,
        'Pacific/Pago_Pago': 5,
      }[tz],
    );
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
      // Provisional 2027 (see provisional.spec.ts): Thu 31 Dec 2026 + 1 → Mon 4 Jan 2027 (元旦 Fri 1, weekend
      // 2–3); Thu 4 Feb + 1 → Thu 11 Feb (春节 Fri 5–Mon 8, substitutes Tue 9, Wed 10); Thu 30 Sep + 1 → Wed 6
      // Oct (国庆 Fri 1–Sun 3, substitutes Mon 4, Tue 5); Fri 29 Sep 2028 + 1 → Thu 5 Oct (Sun 1–Tue 3 国庆
      // with 中秋 on Tue 3, substitute Wed 4). Whole 2027: 261 weekdays − 13 weekdays off = 248.
      provisional: {
        add: ['2027-01-04', '2027-02-11', '2027-10-06', '2028-10-05'],
        count: 248,
        kinds: [
          { date: '2027-01-01', working: false, reason: 'holiday', name: '元旦', provisional: true },
          { date: '2027-02-06', working: false, reason: 'holiday', name: '春节', provisional: true },
          { date: '2027-02-10', working: false, reason: 'holiday', name: '春节(补假)', provisional: true },
          { date: '2027-02-13', working: false, reason: 'weekend', provisional: true },
        ],
        years: [2027],
        range: { first: 2024, last: 2036 },
        statutory: [
          [
            '2027-01-01 元旦',
            '2027-02-05 春节',
            '2027-02-06 春节',
            '2027-02-07 春节',
            '2027-02-08 春节',
            '2027-02-09 春节(补假)',
            '2027-02-10 春节(补假)',
            '2027-04-05 清明节',
            '2027-05-01 劳动节',
            '2027-05-02 劳动节',
            '2027-05-03 劳动节(补假)',
            '2027-05-04 劳动节(补假)',
            '2027-06-09 端午节',
            '2027-09-15 中秋节',
            '2027-10-01 国庆节',
            '2027-10-02 国庆节',
            '2027-10-03 国庆节',
            '2027-10-04 国庆节(补假)',
            '2027-10-05 国庆节(补假)',
          ],
          [
            '2028-01-01 元旦',
            '2028-01-03 元旦(补假)',
            '2028-01-25 春节',
            '2028-01-26 春节',
            '2028-01-27 春节',
            '2028-01-28 春节',
            '2028-04-04 清明节',
            '2028-05-01 劳动节',
            '2028-05-02 劳动节',
            '2028-05-28 端午节',
            '2028-05-29 端午节(补假)',
            '2028-10-01 国庆节',
            '2028-10-02 国庆节',
            '2028-10-03 中秋节',
            '2028-10-04 国庆节(补假)',
          ],
          // 2036: 除夕 Sun 27 Jan → Thu 31 Jan; 中秋 Sat 4 Oct → Mon 6 Oct.
          [
            '2036-01-01 元旦',
            '2036-01-27 春节',
            '2036-01-28 春节',
            '2036-01-29 春节',
            '2036-01-30 春节',
            '2036-01-31 春节(补假)',
            '2036-04-04 清明节',
            '2036-05-01 劳动节',
            '2036-05-02 劳动节',
            '2036-05-30 端午节',
            '2036-10-01 国庆节',
            '2036-10-02 国庆节',
            '2036-10-03 国庆节',
            '2036-10-04 中秋节',
            '2036-10-06 中秋节(补假)',
          ],
        ],
      },
      // Without a horizon 2027 is refused; with the default one, 2037 and 2023 are.
      gap: {
        error: 'CalendarGapError',
        message:
          'working-day calendar has no arrangement for 2027, official or provisional (official years: 2024, 2025, 2026)',
      },
      pastHorizon: {
        error: 'CalendarGapError',
        message:
          'working-day calendar has no arrangement for 2037, official or provisional (official years: 2024, 2025, 2026; provisional up to 2036)',
      },
      beforeFirstYear: {
        error: 'CalendarGapError',
        message:
          'working-day calendar does not reach back to 2023 (official years: 2024, 2025, 2026; provisional up to 2036)',
      },
    });
  });
});
