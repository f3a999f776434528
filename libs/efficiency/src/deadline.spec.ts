import { CalendarGapError, officialCalendarSpec, WorkingCalendar } from '@fed/calendar';
import { CasePause } from '@fed/contracts';
import { acceptedCase } from './case.fixture';
import { caseDeadlines, ExcludedDay } from './deadline';

// Every expected date below is derived by hand from libs/calendar/data/cn-holidays-2024-2026.json and
// a printed wall calendar, never computed by the code under test; each row's comment says how. The
// acceptance day is not counted ("+N" means the N-th working day after it). Relevant official data:
//   2024  中秋 15–17 Sep (Sun–Tue), make-up Sat 14 Sep · 国庆 1–7 Oct (Tue–Mon), make-up Sun 29 Sep,
//         Sat 12 Oct
//   2025  元旦 Wed 1 Jan · 春节 28 Jan–4 Feb (Tue–Tue), make-up Sun 26 Jan, Sat 8 Feb ·
//         国庆节、中秋节 1–8 Oct (Wed–Wed), make-up Sun 28 Sep, Sat 11 Oct
//   2026  元旦 1–3 Jan (Thu–Sat), make-up Sun 4 Jan · 春节 15–23 Feb (Sun–Mon), make-up Sat 14 Feb,
//         Sat 28 Feb · 清明 4–6 Apr (Sat–Mon) · 中秋 25–27 Sep (Fri–Sun) · 国庆 1–7 Oct (Thu–Wed),
//         make-up Sun 20 Sep, Sat 10 Oct · 2027 is not published.
//   2027  provisional (the law alone, libs/calendar/src/provisional.spec.ts): 元旦 Fri 1 Jan (Sat 2, Sun 3
//         weekend) · 春节 Fri 5 (除夕) – Mon 8 Feb, substitutes Tue 9, Wed 10 Feb · no make-up working day.
// Instants are UTC; Shanghai is UTC+8, so 02:00Z is 10:00 in Shanghai and 16:00Z is next midnight.

const official = WorkingCalendar.from(officialCalendarSpec());
/** Without a provisional horizon: the official years only, as before provisional years existed. */
const strict = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 0 });

function pause(kind: CasePause['kind'], from: string, to: string | null): CasePause {
  return { kind, from, to, reason: `${kind} (test)` };
}

/** Excluded days in one readable line each: 'date reason [name]'. */
function describeExcluded(days: ExcludedDay[]): string[] {
  return days.map((d) => [d.date, d.reason, 'name' in d ? d.name : undefined].filter(Boolean).join(' '));
}

const ANY_AS_OF = '2026-06-30';

describe('caseDeadlines: promised and legal deadlines across holidays (official 2024–2026)', () => {
  it.each<[at: string, promisedDays: number, legalDays: number, on: string, promised: string, legal: string]>(
    [
      // [acceptedAt (UTC), promised limit, legal limit, acceptance day, promised date, legal date]
      // --- Spring Festival 2025 (accepted Fri 24 Jan) ---
      // Sun 26 Jan make-up (1), Mon 27 (2), 28 Jan–4 Feb 春节, Wed 5 (3), Thu 6 (4), Fri 7 Feb (5).
      // Legal: Sat 8 Feb make-up (6), Mon 10–Fri 14 (11), 17–21 (16), Mon 24–Thu 27 Feb (20).
      ['2025-01-24T02:00:00Z', 5, 20, '2025-01-24', '2025-02-07', '2025-02-27'],
      // … (6) is Sat 8 Feb, a make-up day; 9–13 Feb: Mon 10 (7), Tue 11 (8), Wed 12 (9), Thu 13 (10).
      ['2025-01-24T02:00:00Z', 6, 10, '2025-01-24', '2025-02-08', '2025-02-13'],
      // --- Spring Festival 2026 (accepted Fri 13 Feb) ---
      // Sat 14 Feb is a make-up day (1); 15–23 Feb 春节; Tue 24 Feb (2).
      ['2026-02-13T02:00:00Z', 1, 2, '2026-02-13', '2026-02-14', '2026-02-24'],
      // Sat 14 (1), Tue 24–Fri 27 Feb (5). Legal: Sat 28 Feb make-up (6), Mon 2–Fri 6 Mar (11),
      // 9–13 Mar (16), Mon 16–Thu 19 Mar (20).
      ['2026-02-13T02:00:00Z', 5, 20, '2026-02-13', '2026-02-27', '2026-03-19'],
      // (6) is Sat 28 Feb (make-up); Mon 2 (7), Tue 3 (8), Wed 4 (9), Thu 5 Mar (10).
      ['2026-02-13T02:00:00Z', 6, 10, '2026-02-13', '2026-02-28', '2026-03-05'],
      // --- National Day 2024 (accepted Fri 27 Sep) ---
      // Sun 29 Sep make-up (1), Mon 30 (2), 1–7 Oct 国庆, Tue 8 (3), Wed 9 (4), Thu 10 Oct (5).
      // Legal: Fri 11 (6), Sat 12 Oct make-up (7), 14–18 (12), 21–25 (17), Mon 28–Wed 30 Oct (20).
      ['2024-09-27T02:00:00Z', 5, 20, '2024-09-27', '2024-10-10', '2024-10-30'],
      // Mon 30 Sep; 1–7 Oct 国庆 → Tue 8 Oct (1). Legal: Wed 9 (2), Thu 10 (3), Fri 11 (4), Sat 12 make-up (5).
      ['2024-09-30T02:00:00Z', 1, 5, '2024-09-30', '2024-10-08', '2024-10-12'],
      // --- National Day + Mid-Autumn 2025, combined 1–8 Oct (accepted Fri 26 Sep) ---
      // Sun 28 Sep make-up (1), Mon 29 (2), Tue 30 (3), 1–8 Oct holiday, Thu 9 (4), Fri 10 Oct (5).
      // Legal: Sat 11 Oct make-up (6), 13–17 (11), 20–24 (16), Mon 27–Thu 30 Oct (20).
      ['2025-09-26T02:00:00Z', 5, 20, '2025-09-26', '2025-10-10', '2025-10-30'],
      // Tue 30 Sep; the 8-day holiday → Thu 9 Oct (1). Legal: Fri 10 (2), Sat 11 Oct make-up (3).
      ['2025-09-30T02:00:00Z', 1, 3, '2025-09-30', '2025-10-09', '2025-10-11'],
      // --- Mid-Autumn and National Day 2026 (accepted Fri 18 Sep) ---
      // Sun 20 Sep make-up (1), Mon 21–Thu 24 Sep (5). Legal: 25–27 中秋, Mon 28–Wed 30 (8), 1–7 Oct 国庆,
      // Thu 8 (9), Fri 9 (10), Sat 10 Oct make-up (11), 12–16 (16), Mon 19–Thu 22 Oct (20).
      ['2026-09-18T02:00:00Z', 5, 20, '2026-09-18', '2026-09-24', '2026-10-22'],
      // Thu 24 Sep; 25–27 中秋 → Mon 28 (1). Legal: Tue 29 (2), Wed 30 (3), Thu 8 (4), Fri 9 (5),
      // Sat 10 make-up (6), Mon 12 (7), Tue 13 (8), Wed 14 (9), Thu 15 Oct (10).
      ['2026-09-24T02:00:00Z', 1, 10, '2026-09-24', '2026-09-28', '2026-10-15'],
      // --- Year end 2024 → 2025 (元旦 Wed 1 Jan only) ---
      // Fri 27 Dec: Mon 30 (1), Tue 31 (2), 1 Jan 元旦, Thu 2 (3), Fri 3 (4), Mon 6 Jan (5). Legal: 7–10 (9),
      // 13–17 (14), 20–24 (19), Sat 25 off, Sun 26 Jan 2025 — a make-up day for 春节 (20).
      ['2024-12-27T02:00:00Z', 5, 20, '2024-12-27', '2025-01-06', '2025-01-26'],
      // Tue 31 Dec; 1 Jan 元旦 → Thu 2 Jan (1), Fri 3 Jan (2).
      ['2024-12-31T02:00:00Z', 1, 2, '2024-12-31', '2025-01-02', '2025-01-03'],
      // --- Year end 2025 → 2026 (元旦 1–3 Jan, make-up Sun 4 Jan) ---
      // Wed 31 Dec: Sun 4 Jan make-up (1), Mon 5 (2), Tue 6 (3), Wed 7 (4), Thu 8 Jan (5).
      ['2025-12-31T02:00:00Z', 1, 5, '2025-12-31', '2026-01-04', '2026-01-08'],
      // Mon 29 Dec: Tue 30 (1), Wed 31 (2), Sun 4 (3), Mon 5 (4), Tue 6 Jan (5). Legal: Wed 7 (6),
      // Thu 8 (7), Fri 9 (8), 12–16 (13), 19–23 (18), Mon 26 (19), Tue 27 Jan (20).
      ['2025-12-29T02:00:00Z', 5, 20, '2025-12-29', '2026-01-06', '2026-01-27'],
      // --- Instant items (即办件): promisedDays 0 → the acceptance day itself ---
      // Fri 13 Feb 2026; legal 20 as in the Spring Festival row above → Thu 19 Mar.
      ['2026-02-13T02:00:00Z', 0, 20, '2026-02-13', '2026-02-13', '2026-03-19'],
      // Accepted online on Mon 16 Feb 2026, a 春节 holiday: promised that day; legal +1 → Tue 24 Feb.
      ['2026-02-16T02:00:00Z', 0, 1, '2026-02-16', '2026-02-16', '2026-02-24'],
      // Thu 31 Dec 2026, 0/0: nothing after the acceptance day is examined, so no CalendarGapError.
      ['2026-12-31T02:00:00Z', 0, 0, '2026-12-31', '2026-12-31', '2026-12-31'],
      // --- Late in the evening, Shanghai time ---
      // 15:30Z = 23:30 Fri 13 Feb in Shanghai: still Friday, same answers as the 10:00 acceptance.
      ['2026-02-13T15:30:00Z', 5, 20, '2026-02-13', '2026-02-27', '2026-03-19'],
      // 15:59:59.999Z = the last millisecond of Friday in Shanghai: Sat 14 make-up (1).
      ['2026-02-13T15:59:59.999Z', 0, 1, '2026-02-13', '2026-02-13', '2026-02-14'],
      // 16:00Z = 00:00 Sat 14 Feb (a make-up working day, not counted as the acceptance day): Tue 24 (1).
      ['2026-02-13T16:00:00Z', 0, 1, '2026-02-14', '2026-02-14', '2026-02-24'],
      // 16:30Z = 00:30 Sat 14 Feb: Tue 24 (1), Wed 25 (2).
      ['2026-02-13T16:30:00Z', 1, 2, '2026-02-14', '2026-02-24', '2026-02-25'],
      // 00:30 Sat 14 Feb: Tue 24–Fri 27 (4), Sat 28 make-up (5); one working day later than on Friday in
      // both limits: legal Fri 20 Mar instead of Thu 19 Mar.
      ['2026-02-13T16:30:00Z', 5, 20, '2026-02-14', '2026-02-28', '2026-03-20'],
      // 16:30Z on Sun 29 Sep (UTC) is 00:30 Mon 30 Sep 2024 in Shanghai; 1–7 Oct 国庆 → Tue 8 Oct (1).
      ['2024-09-29T16:30:00Z', 1, 1, '2024-09-30', '2024-10-08', '2024-10-08'],
      // 17:00Z on Sun 26 Jan (UTC) is 01:00 Mon 27 Jan 2025; 28 Jan–4 Feb 春节 → Wed 5 Feb (1).
      ['2025-01-26T17:00:00Z', 1, 1, '2025-01-27', '2025-02-05', '2025-02-05'],
      // 23:59 Wed 31 Dec 2025 in Shanghai → as the 10:00 acceptance: Sun 4 Jan (1) … Thu 8 Jan (5).
      ['2025-12-31T15:59:00Z', 1, 5, '2025-12-31', '2026-01-04', '2026-01-08'],
      // 00:00 Thu 1 Jan 2026 (元旦) → accepted on a holiday; 2–3 Jan off: Sun 4 (1) … Thu 8 Jan (5).
      ['2025-12-31T16:00:00Z', 1, 5, '2026-01-01', '2026-01-04', '2026-01-08'],
    ],
  )('%s +%i/+%i → accepted %s, promised %s, legal %s', (at, promisedDays, legalDays, on, promised, legal) => {
    const d = caseDeadlines(acceptedCase(at, promisedDays, legalDays), official, ANY_AS_OF);
    expect(d).toMatchObject({
      acceptedOn: on,
      promised: { limitDays: promisedDays, pausedWorkingDays: 0, date: promised },
      legal: { limitDays: legalDays, pausedWorkingDays: 0, date: legal },
      clockStopped: false,
      asOf: ANY_AS_OF,
      calendarVersion: 1,
      localOverrides: 0,
      provisionalYears: [],
    });
    expect([d!.promised.provisional, d!.legal.provisional]).toEqual([false, false]);
  });

  it('is null for a case that has not been accepted', () => {
    expect(caseDeadlines(acceptedCase(null, 5, 20), official, ANY_AS_OF)).toBeNull();
  });

  it('explains a deadline across Spring Festival 2026 day by day', () => {
    // Fri 13 Feb, +6/+10: (13 Feb, 28 Feb] has the nine 春节 days; Sat 14 and Sat 28 are make-up
    // (working) days and not listed; the legal list adds Sun 1 Mar.
    const d = caseDeadlines(acceptedCase('2026-02-13T02:00:00Z', 6, 10), official, ANY_AS_OF);
    const chunJie = [15, 16, 17, 18, 19, 20, 21, 22, 23].map((day) => `2026-02-${day} holiday 春节`);
    expect(describeExcluded(d!.promised.excludedDays)).toEqual(chunJie);
    expect(describeExcluded(d!.legal.excludedDays)).toEqual([...chunJie, '2026-03-01 weekend']);
    expect(d!.promised.excludedDays[0]).toStrictEqual({
      date: '2026-02-15',
      working: false,
      reason: 'holiday',
      name: '春节',
    });
  });

  it('explains a deadline across the 2025 year end and counts a local day off', () => {
    // Wed 31 Dec 2025, +5: 1–3 Jan 元旦 listed, Sun 4 Jan is a make-up day (not listed).
    const d = caseDeadlines(acceptedCase('2025-12-31T02:00:00Z', 5, 5), official, ANY_AS_OF);
    expect(describeExcluded(d!.promised.excludedDays)).toEqual([
      '2026-01-01 holiday 元旦',
      '2026-01-02 holiday 元旦',
      '2026-01-03 holiday 元旦',
    ]);

    // Mon 2 Mar 2026, +10 with a local day off on Wed 4 Mar: Tue 3 (1), Thu 5 (2), Fri 6 (3),
    // 9–13 (8), Mon 16 (9), Tue 17 Mar (10) — one day later than the official Mon 16 Mar.
    const local = WorkingCalendar.from(officialCalendarSpec(), [
      { date: '2026-03-04', kind: 'day-off', reason: '地方节日（示例）' },
    ]);
    const l = caseDeadlines(acceptedCase('2026-03-02T02:00:00Z', 10, 10), local, ANY_AS_OF);
    expect(l).toMatchObject({ promised: { date: '2026-03-17' }, localOverrides: 1, calendarVersion: 1 });
    expect(describeExcluded(l!.promised.excludedDays)).toEqual([
      '2026-03-04 local-day-off 地方节日（示例）',
      '2026-03-07 weekend',
      '2026-03-08 weekend',
      '2026-03-14 weekend',
      '2026-03-15 weekend',
    ]);
  });
});

describe('caseDeadlines: stopped clock (补正, 特别程序, 挂起)', () => {
  // Base case: accepted Mon 2 Mar 2026 10:00, promised 10, legal 20. March 2026 working days: 2–6, 9–13,
  // 16–20, 23–27, 30, 31; then Wed 1–Fri 3 Apr, 清明 4–6 Apr, Tue 7 Apr …
  // Unpaused: promised = Mon 16 Mar (3–6: 4, 9–13: 9, 16: 10); legal = Mon 30 Mar (17–20: 14,
  // 23–27: 19, 30: 20). With p paused working days the deadlines are the (10+p)-th and (20+p)-th:
  //   p=1 → Tue 17 / Tue 31 Mar · p=2 → Wed 18 Mar / Wed 1 Apr · p=3 → Thu 19 Mar / Thu 2 Apr ·
  //   p=4 → Fri 20 Mar / Fri 3 Apr.
  const MAR2 = '2026-03-02T02:00:00Z';

  it.each<{
    name: string;
    at?: string;
    promisedDays?: number;
    legalDays?: number;
    pauses: CasePause[];
    asOf?: string;
    paused: number;
    promised: string;
    legal: string;
    stopped?: boolean;
  }>([
    {
      // Nothing stopped.
      name: 'no pause',
      pauses: [],
      paused: 0,
      promised: '2026-03-16',
      legal: '2026-03-30',
    },
    {
      // 补正 Mon 9 (09:00) → Wed 11 (15:00): stops (Mon 9, Wed 11] = Tue 10, Wed 11 → p=2.
      name: 'a supplement Monday to Wednesday adds 2',
      pauses: [pause('supplement', '2026-03-09T01:00:00Z', '2026-03-11T07:00:00Z')],
      paused: 2,
      promised: '2026-03-18',
      legal: '2026-04-01',
    },
    {
      // 挂起 Thu 5 → Tue 10: (Thu 5, Tue 10] = Fri 6, [Sat 7, Sun 8], Mon 9, Tue 10 → p=3 (not 5).
      name: 'a pause spanning a weekend adds only the working days',
      pauses: [pause('suspension', '2026-03-05T02:00:00Z', '2026-03-10T02:00:00Z')],
      paused: 3,
      promised: '2026-03-19',
      legal: '2026-04-02',
    },
    {
      // 补正 Fri 6 → material arrives online Sat 7: (Fri 6, Sat 7] has no working day.
      name: 'a pause ending on a weekend day adds 0',
      pauses: [pause('supplement', '2026-03-06T02:00:00Z', '2026-03-07T02:00:00Z')],
      paused: 0,
      promised: '2026-03-16',
      legal: '2026-03-30',
    },
    {
      // Mon 9, 09:00 → 16:00: (Mon 9, Mon 9] is empty.
      name: 'a pause that starts and ends the same day adds 0',
      pauses: [pause('supplement', '2026-03-09T01:00:00Z', '2026-03-09T08:00:00Z')],
      paused: 0,
      promised: '2026-03-16',
      legal: '2026-03-30',
    },
    {
      // 15:00Z Mon 9 = 23:00 Mon 9 Shanghai; 17:00Z Mon 9 = 01:00 Tue 10 Shanghai → Tue 10 stopped, p=1
      // (the same UTC day, but two Shanghai days).
      name: 'a pause across Shanghai midnight adds 1',
      pauses: [pause('special-procedure', '2026-03-09T15:00:00Z', '2026-03-09T17:00:00Z')],
      paused: 1,
      promised: '2026-03-17',
      legal: '2026-03-31',
    },
    {
      // 补正 Mon 9 → Wed 11 (Tue 10, Wed 11) and 特别程序 Fri 13 → Tue 17 (Mon 16, Tue 17) → p=4.
      name: 'two pauses add up',
      pauses: [
        pause('supplement', '2026-03-09T01:00:00Z', '2026-03-11T07:00:00Z'),
        pause('special-procedure', '2026-03-13T02:00:00Z', '2026-03-17T02:00:00Z'),
      ],
      paused: 4,
      promised: '2026-03-20',
      legal: '2026-04-03',
    },
    {
      // 补正 Mon 9 → Wed 11 and 挂起 Tue 10 → Thu 12 overlap: (Mon 9, Thu 12] = Tue 10, Wed 11, Thu 12 → p=3.
      name: 'overlapping pauses count a day once',
      pauses: [
        pause('supplement', '2026-03-09T01:00:00Z', '2026-03-11T07:00:00Z'),
        pause('suspension', '2026-03-10T02:00:00Z', '2026-03-12T02:00:00Z'),
      ],
      paused: 3,
      promised: '2026-03-19',
      legal: '2026-04-02',
    },
    {
      // Open 补正 since Mon 9, asOf Thu 12: (Mon 9, Thu 12] = Tue 10, Wed 11, Thu 12 → p=3.
      name: 'an open pause counts up to asOf',
      pauses: [pause('supplement', '2026-03-09T01:00:00Z', null)],
      asOf: '2026-03-12',
      paused: 3,
      promised: '2026-03-19',
      legal: '2026-04-02',
      stopped: true,
    },
    {
      // Open 补正 since Mon 9, asOf Sun 15: Tue 10–Fri 13 → p=4 (the weekend adds nothing).
      name: 'an open pause counted up to a Sunday',
      pauses: [pause('supplement', '2026-03-09T01:00:00Z', null)],
      asOf: '2026-03-15',
      paused: 4,
      promised: '2026-03-20',
      legal: '2026-04-03',
      stopped: true,
    },
    {
      // Opened today (asOf Mon 9): nothing stopped yet, but the clock is stopped.
      name: 'an open pause opened on asOf',
      pauses: [pause('special-procedure', '2026-03-09T01:00:00Z', null)],
      asOf: '2026-03-09',
      paused: 0,
      promised: '2026-03-16',
      legal: '2026-03-30',
      stopped: true,
    },
    {
      // 补正 on the acceptance day Mon 2 → Wed 4 (Tue 3, Wed 4) + open 挂起 since Tue 10, asOf Thu 12
      // (Wed 11, Thu 12) → p=4.
      name: 'a closed and an open pause',
      pauses: [
        pause('supplement', '2026-03-02T03:00:00Z', '2026-03-04T02:00:00Z'),
        pause('suspension', '2026-03-10T02:00:00Z', null),
      ],
      asOf: '2026-03-12',
      paused: 4,
      promised: '2026-03-20',
      legal: '2026-04-03',
      stopped: true,
    },
    {
      // Accepted Tue 10 Feb 2026. Unpaused: Wed 11 (1), Thu 12 (2), Fri 13 (3), Sat 14 (4), 24–27 (8),
      // Sat 28 (9), Mon 2 Mar (10) … Mon 16 Mar (20). 补正 Fri 13 → Wed 25 Feb stops (13 Feb, 25 Feb] =
      // Sat 14 (make-up!), Tue 24, Wed 25 → p=3 of 12 calendar days: Thu 5 Mar (13), Thu 19 Mar (23).
      name: 'a pause across Spring Festival 2026 adds only its 3 working days',
      at: '2026-02-10T02:00:00Z',
      pauses: [pause('supplement', '2026-02-13T02:00:00Z', '2026-02-25T02:00:00Z')],
      paused: 3,
      promised: '2026-03-05',
      legal: '2026-03-19',
    },
    {
      // Accepted Mon 22 Sep 2025. Unpaused: Tue 23–Fri 26 (4), Sun 28 Sep make-up (5), Mon 29 (6),
      // Tue 30 (7), Thu 9 (8), Fri 10 (9), Sat 11 Oct make-up (10); legal 13–17 (15), 20–24 Oct (20).
      // 特别程序 Tue 30 Sep → Thu 9 Oct stops 1–8 Oct (holiday) and Thu 9 → p=1: Mon 13 Oct, Mon 27 Oct.
      name: 'a pause across National Day 2025 adds 1',
      at: '2025-09-22T02:00:00Z',
      pauses: [pause('special-procedure', '2025-09-30T02:00:00Z', '2025-10-09T02:00:00Z')],
      paused: 1,
      promised: '2025-10-13',
      legal: '2025-10-27',
    },
  ])(
    '$name',
    ({
      at = MAR2,
      promisedDays = 10,
      legalDays = 20,
      pauses,
      asOf = ANY_AS_OF,
      paused,
      promised,
      legal,
      stopped = false,
    }) => {
      const d = caseDeadlines(acceptedCase(at, promisedDays, legalDays, pauses), official, asOf);
      expect(d).toMatchObject({
        promised: { limitDays: promisedDays, pausedWorkingDays: paused, date: promised },
        legal: { limitDays: legalDays, pausedWorkingDays: paused, date: legal },
        clockStopped: stopped,
        asOf,
      });
    },
  );

  it('lists weekend and holiday days with their reason and paused days with their kind, by date', () => {
    // Accepted Tue 10 Feb 2026, 补正 Fri 13 → Wed 25 Feb (see the table): promised Thu 5 Mar.
    // In (10 Feb, 5 Mar]: Sat 14 paused (a make-up day, so working), 15–23 春节, Tue 24 and Wed 25
    // paused, Sat 28 make-up (working, not listed), Sun 1 Mar weekend.
    const d = caseDeadlines(
      acceptedCase('2026-02-10T02:00:00Z', 10, 20, [
        pause('supplement', '2026-02-13T02:00:00Z', '2026-02-25T02:00:00Z'),
      ]),
      official,
      ANY_AS_OF,
    );
    const holiday = (day: number): ExcludedDay => ({
      date: `2026-02-${day}`,
      working: false,
      reason: 'holiday',
      name: '春节',
    });
    expect(d!.promised.excludedDays).toStrictEqual([
      { date: '2026-02-14', working: true, reason: 'supplement' },
      ...[15, 16, 17, 18, 19, 20, 21, 22, 23].map(holiday),
      { date: '2026-02-24', working: true, reason: 'supplement' },
      { date: '2026-02-25', working: true, reason: 'supplement' },
      { date: '2026-03-01', working: false, reason: 'weekend' },
    ]);
    // Legal Thu 19 Mar adds the weekends Sat 7/Sun 8 and Sat 14/Sun 15 Mar.
    expect(describeExcluded(d!.legal.excludedDays).slice(-5)).toEqual([
      '2026-03-01 weekend',
      '2026-03-07 weekend',
      '2026-03-08 weekend',
      '2026-03-14 weekend',
      '2026-03-15 weekend',
    ]);
    expect(d!.legal.excludedDays).toHaveLength(17);
  });

  it.each([
    {
      // 补正 Mon 9 → Wed 11, 特别程序 Fri 13 → Tue 17; promised Fri 20 Mar.
      name: 'two pauses',
      pauses: [
        pause('supplement', '2026-03-09T01:00:00Z', '2026-03-11T07:00:00Z'),
        pause('special-procedure', '2026-03-13T02:00:00Z', '2026-03-17T02:00:00Z'),
      ],
      expected: [
        '2026-03-07 weekend',
        '2026-03-08 weekend',
        '2026-03-10 supplement',
        '2026-03-11 supplement',
        '2026-03-14 weekend',
        '2026-03-15 weekend',
        '2026-03-16 special-procedure',
        '2026-03-17 special-procedure',
      ],
    },
    {
      // Overlap: Tue 10 and Wed 11 belong to the first pause listed, Thu 12 to the 挂起; promised Thu 19.
      name: 'overlapping pauses',
      pauses: [
        pause('supplement', '2026-03-09T01:00:00Z', '2026-03-11T07:00:00Z'),
        pause('suspension', '2026-03-10T02:00:00Z', '2026-03-12T02:00:00Z'),
      ],
      expected: [
        '2026-03-07 weekend',
        '2026-03-08 weekend',
        '2026-03-10 supplement',
        '2026-03-11 supplement',
        '2026-03-12 suspension',
        '2026-03-14 weekend',
        '2026-03-15 weekend',
      ],
    },
  ])('excludedDays with $name', ({ pauses, expected }) => {
    const d = caseDeadlines(acceptedCase(MAR2, 10, 20, pauses), official, ANY_AS_OF);
    expect(describeExcluded(d!.promised.excludedDays)).toEqual(expected);
    expect(d!.promised.excludedDays.filter((e) => e.working)).toHaveLength(d!.promised.pausedWorkingDays);
  });

  it('does not move a deadline for a pause that begins after it: an overdue case stays overdue', () => {
    // Promised Mon 16 Mar. 挂起 Tue 17 (already a day late) → Fri 20 stops Wed 18, Thu 19, Fri 20: all
    // after Mon 16, so the promised date stays Mon 16 Mar with no paused day counted.
    const d = caseDeadlines(
      acceptedCase(MAR2, 10, 20, [pause('suspension', '2026-03-17T02:00:00Z', '2026-03-20T02:00:00Z')]),
      official,
      ANY_AS_OF,
    );
    expect(d!.promised).toMatchObject({ date: '2026-03-16', pausedWorkingDays: 0 });
    expect(d!.promised.excludedDays.filter((e) => e.working)).toEqual([]);
    // Legal: the 20th working day, Mon 30 Mar, lies after all three paused days: +3 → Thu 2 Apr.
    expect(d!.legal).toMatchObject({ date: '2026-04-02', pausedWorkingDays: 3 });
    // The explanation adds up: (2 Mar, 2 Apr] holds 23 working days, 3 of them paused.
    expect(d!.legal.excludedDays.filter((e) => e.working).map((e) => e.date)).toEqual([
      '2026-03-18',
      '2026-03-19',
      '2026-03-20',
    ]);
  });
});

describe('caseDeadlines: the turn of the year into provisional 2027', () => {
  it.each<{
    name: string;
    at: string;
    promisedDays: number;
    legalDays: number;
    pauses?: CasePause[];
    asOf?: string;
    on: string;
    promised: [date: string, provisional: boolean, paused?: number];
    legal: [date: string, provisional: boolean, paused?: number];
    stopped?: boolean;
  }>([
    {
      // Tue 8 Dec 2026, +5: Wed 9 (1), Thu 10 (2), Fri 11 (3), Mon 14 (4), Tue 15 Dec (5) — exact.
      // +20: 16–18 (8), 21–25 (13), 28–31 (17), Fri 1 Jan 2027 元旦, Sat 2 / Sun 3 weekend, Mon 4 (18),
      // Tue 5 (19), Wed 6 Jan 2027 (20) — provisional.
      name: 'a 5-day item accepted 8 Dec 2026: exact promised, provisional legal',
      at: '2026-12-08T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      on: '2026-12-08',
      promised: ['2026-12-15', false],
      legal: ['2027-01-06', true],
    },
    {
      // Mon 14 Dec 2026, +5: 15–18 (4), Mon 21 Dec (5) — exact. +20: 22–25 (9), 28–31 (13), 元旦 and the
      // weekend, 4–8 Jan (18), Mon 11 (19), Tue 12 Jan 2027 (20).
      name: 'a legal limit reaching 2027',
      at: '2026-12-14T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      on: '2026-12-14',
      promised: ['2026-12-21', false],
      legal: ['2027-01-12', true],
    },
    {
      // Thu 31 Dec 2026, +1: Fri 1 Jan 元旦, Sat 2 / Sun 3 → Mon 4 Jan 2027 (1).
      name: 'a case accepted on 31 Dec 2026, +1/+1',
      at: '2026-12-31T02:00:00Z',
      promisedDays: 1,
      legalDays: 1,
      on: '2026-12-31',
      promised: ['2027-01-04', true],
      legal: ['2027-01-04', true],
    },
    {
      // Thu 31 Dec 2026, +5: Mon 4–Fri 8 Jan (5). +20: 11–15 (10), 18–22 (15), Mon 25–Fri 29 Jan 2027 (20).
      name: 'a case accepted on 31 Dec 2026, +5/+20',
      at: '2026-12-31T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      on: '2026-12-31',
      promised: ['2027-01-08', true],
      legal: ['2027-01-29', true],
    },
    {
      // 23:30 Thu 31 Dec 2026 in Shanghai (15:30Z): still the 31st, as above.
      name: 'late on 31 Dec 2026 in Shanghai',
      at: '2026-12-31T15:30:00Z',
      promisedDays: 1,
      legalDays: 1,
      on: '2026-12-31',
      promised: ['2027-01-04', true],
      legal: ['2027-01-04', true],
    },
    {
      // 00:30 Fri 1 Jan 2027 in Shanghai (16:30Z Thu 31 Dec): accepted on 元旦, not counted; Mon 4 (1).
      name: 'just after midnight on 1 Jan 2027 in Shanghai',
      at: '2026-12-31T16:30:00Z',
      promisedDays: 1,
      legalDays: 2,
      on: '2027-01-01',
      promised: ['2027-01-04', true],
      legal: ['2027-01-05', true],
    },
    {
      // Mon 14 Dec 2026, +10/+13 ends Mon 28 Dec / Thu 31 Dec; 补正 Mon 21 → Tue 22 (p=1): promised Tue 29
      // Dec (exact), legal the 14th working day: Mon 4 Jan 2027 (provisional).
      name: 'a pause pushing the legal limit into 2027',
      at: '2026-12-14T02:00:00Z',
      promisedDays: 10,
      legalDays: 13,
      pauses: [pause('supplement', '2026-12-21T02:00:00Z', '2026-12-22T02:00:00Z')],
      on: '2026-12-14',
      promised: ['2026-12-29', false, 1],
      legal: ['2027-01-04', true, 1],
    },
    {
      // Mon 14 Dec 2026, +10/+20: promised Mon 28 Dec, legal Tue 12 Jan (see above). 补正 open since Wed 30
      // Dec, asOf Tue 5 Jan 2027: stops Thu 31 Dec, Mon 4, Tue 5 Jan (元旦 is no working day) → p=3, all
      // after Mon 28 Dec: promised unmoved (exact); legal Fri 15 Jan 2027.
      name: 'an open pause across the new year',
      at: '2026-12-14T02:00:00Z',
      promisedDays: 10,
      legalDays: 20,
      pauses: [pause('supplement', '2026-12-30T02:00:00Z', null)],
      asOf: '2027-01-05',
      on: '2026-12-14',
      promised: ['2026-12-28', false, 0],
      legal: ['2027-01-15', true, 3],
      stopped: true,
    },
    {
      // Thu 4 Feb 2027, the working day before Spring Festival: 除夕 Fri 5 – Mon 8 Feb, substitutes Tue 9,
      // Wed 10 → Thu 11 (1), Fri 12 (2), Mon 15–Wed 17 Feb (5). +20: Thu 18 (6), Fri 19 (7), 22–26 (12),
      // Mar 1–5 (17), Mon 8 (18), Tue 9 (19), Wed 10 Mar 2027 (20).
      name: 'the working day before Spring Festival 2027',
      at: '2027-02-04T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      on: '2027-02-04',
      promised: ['2027-02-17', true],
      legal: ['2027-03-10', true],
    },
    {
      // 00:30 Thu 4 Feb 2027 in Shanghai (16:30Z Wed 3 Feb): accepted Thursday, +1 → Thu 11 Feb (read as
      // Wed 3 Feb, it would be Thu 4 Feb).
      name: 'just after midnight before Spring Festival 2027',
      at: '2027-02-03T16:30:00Z',
      promisedDays: 1,
      legalDays: 2,
      on: '2027-02-04',
      promised: ['2027-02-11', true],
      legal: ['2027-02-12', true],
    },
    {
      // Sat 10 Oct 2026, an official make-up working day (国庆), not counted as the acceptance day:
      // Mon 12 Oct (1).
      name: 'a case accepted on a make-up Saturday, +1/+1',
      at: '2026-10-10T02:00:00Z',
      promisedDays: 1,
      legalDays: 1,
      on: '2026-10-10',
      promised: ['2026-10-12', false],
      legal: ['2026-10-12', false],
    },
    {
      // Sat 10 Oct 2026, +20: Oct 12–16 (5), 19–23 (10), 26–30 (15), Nov 2–6 (20) → Fri 6 Nov (exact).
      // +60: Nov 9–13 (25), 16–20 (30), 23–27 (35), Nov 30–Dec 4 (40), 7–11 (45), 14–18 (50), 21–25 (55),
      // 28–31 Dec (59), 元旦 and the weekend, Mon 4 Jan 2027 (60) — provisional.
      name: 'a case accepted on a make-up Saturday, +20/+60',
      at: '2026-10-10T02:00:00Z',
      promisedDays: 20,
      legalDays: 60,
      on: '2026-10-10',
      promised: ['2026-11-06', false],
      legal: ['2027-01-04', true],
    },
    {
      // Mon 14 Dec 2026, +10/+13 without a pause: Mon 28 Dec / Thu 31 Dec 2026 — exact, just before 2027.
      name: 'just before the turn of the year',
      at: '2026-12-14T02:00:00Z',
      promisedDays: 10,
      legalDays: 13,
      on: '2026-12-14',
      promised: ['2026-12-28', false],
      legal: ['2026-12-31', false],
    },
    {
      // Thu 31 Dec 2026, 0/0: nothing after the acceptance day is counted, so nothing is provisional.
      name: 'an instant item on 31 Dec 2026',
      at: '2026-12-31T02:00:00Z',
      promisedDays: 0,
      legalDays: 0,
      on: '2026-12-31',
      promised: ['2026-12-31', false],
      legal: ['2026-12-31', false],
    },
  ])(
    '$name',
    ({
      at,
      promisedDays,
      legalDays,
      pauses = [],
      asOf = '2026-12-31',
      on,
      promised,
      legal,
      stopped = false,
    }) => {
      const d = caseDeadlines(acceptedCase(at, promisedDays, legalDays, pauses), official, asOf);
      expect(d).toMatchObject({
        acceptedOn: on,
        promised: {
          limitDays: promisedDays,
          date: promised[0],
          provisional: promised[1],
          pausedWorkingDays: promised[2] ?? 0,
        },
        legal: {
          limitDays: legalDays,
          date: legal[0],
          provisional: legal[1],
          pausedWorkingDays: legal[2] ?? 0,
        },
        clockStopped: stopped,
        asOf,
        calendarVersion: 1,
        provisionalYears: promised[1] || legal[1] ? [2027] : [],
      });
      // Without a provisional horizon, every case that reaches 2027 is refused as before.
      const act = () => caseDeadlines(acceptedCase(at, promisedDays, legalDays, pauses), strict, asOf);
      if (promised[1] || legal[1]) {
        expect(catchError(act)).toBeInstanceOf(CalendarGapError);
        expect(catchError(act)).toMatchObject({ name: 'CalendarGapError', year: 2027, lastYear: 2026 });
      } else {
        expect(act()).toStrictEqual(d);
      }
    },
  );

  it('explains a provisional deadline day by day, flagging the 2027 days', () => {
    // Tue 8 Dec 2026, +5/+20 (see the table): the promised list has only 2026 weekends; the legal one adds
    // 元旦 and the weekend of 2–3 Jan 2027, each flagged provisional.
    const d = caseDeadlines(acceptedCase('2026-12-08T02:00:00Z', 5, 20), official, '2026-12-08');
    expect(d!.promised.excludedDays).toStrictEqual([
      { date: '2026-12-12', working: false, reason: 'weekend' },
      { date: '2026-12-13', working: false, reason: 'weekend' },
    ]);
    expect(d!.legal.excludedDays).toStrictEqual([
      { date: '2026-12-12', working: false, reason: 'weekend' },
      { date: '2026-12-13', working: false, reason: 'weekend' },
      { date: '2026-12-19', working: false, reason: 'weekend' },
      { date: '2026-12-20', working: false, reason: 'weekend' },
      { date: '2026-12-26', working: false, reason: 'weekend' },
      { date: '2026-12-27', working: false, reason: 'weekend' },
      { date: '2027-01-01', working: false, reason: 'holiday', name: '元旦', provisional: true },
      { date: '2027-01-02', working: false, reason: 'weekend', provisional: true },
      { date: '2027-01-03', working: false, reason: 'weekend', provisional: true },
    ]);
    expect(d!.provisionalYears).toEqual([2027]);
  });

  it('explains Spring Festival 2027 with its substitute days', () => {
    // Thu 4 Feb 2027, +5: (4 Feb, 17 Feb] holds 除夕–初三 (Fri 5–Mon 8, Sat 6 and Sun 7 being holidays, not
    // weekend days), the substitutes Tue 9 and Wed 10, and the weekend of 13–14 Feb.
    const d = caseDeadlines(acceptedCase('2027-02-04T02:00:00Z', 5, 20), official, '2027-02-04');
    expect(describeExcluded(d!.promised.excludedDays)).toEqual([
      '2027-02-05 holiday 春节',
      '2027-02-06 holiday 春节',
      '2027-02-07 holiday 春节',
      '2027-02-08 holiday 春节',
      '2027-02-09 holiday 春节(补假)',
      '2027-02-10 holiday 春节(补假)',
      '2027-02-13 weekend',
      '2027-02-14 weekend',
    ]);
    expect(d!.promised.excludedDays.every((x) => 'provisional' in x && x.provisional === true)).toBe(true);
  });

  it('counts a local override in a provisional year', () => {
    // Tue 9 Feb 2027 (a provisional substitute day) worked locally: Thu 4 Feb + 1 → Tue 9 Feb.
    const local = WorkingCalendar.from(officialCalendarSpec(), [
      { date: '2027-02-09', kind: 'working-day', reason: '窗口值班（示例）' },
    ]);
    const d = caseDeadlines(acceptedCase('2027-02-04T02:00:00Z', 1, 2), local, '2027-02-04');
    expect(d).toMatchObject({
      promised: { date: '2027-02-09', provisional: true },
      legal: { date: '2027-02-11', provisional: true },
      localOverrides: 1,
      provisionalYears: [2027],
    });
  });
});

describe('caseDeadlines: beyond the calendar range', () => {
  it.each([
    // Mon 15 Dec 2036, +5/+20: promised Mon 22 Dec 2036 would be provisional, but the legal walk passes
    // 23–26 (9), 29–31 Dec (12) and reaches Thu 1 Jan 2037, past the 10-year horizon.
    { name: 'a legal limit reaching 2037', at: '2036-12-15T02:00:00Z', year: 2037, lastYear: 2036 },
    // Thu 28 Dec 2023, +5/+20: Fri 29 Dec 2023 lies before the first official year.
    { name: 'a case accepted in 2023', at: '2023-12-28T02:00:00Z', year: 2023, lastYear: 2036 },
  ])('$name throws CalendarGapError ($year)', ({ at, year, lastYear }) => {
    const thrown = catchError(() => caseDeadlines(acceptedCase(at, 5, 20), official, ANY_AS_OF));
    expect(thrown).toBeInstanceOf(CalendarGapError);
    expect(thrown).toMatchObject({ name: 'CalendarGapError', year, lastYear });
  });

  it('answers a provisional promised date in the last year of the range', () => {
    // Mon 15 Dec 2036, +5/+12: Tue 16–Fri 19 (4), Mon 22 (5); legal … Wed 31 Dec 2036 (12).
    const d = caseDeadlines(acceptedCase('2036-12-15T02:00:00Z', 5, 12), official, ANY_AS_OF);
    expect(d).toMatchObject({
      promised: { date: '2036-12-22', provisional: true },
      legal: { date: '2036-12-31', provisional: true },
      provisionalYears: [2036],
    });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
