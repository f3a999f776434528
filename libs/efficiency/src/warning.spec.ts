import { IsoDate, officialCalendarSpec, WorkingCalendar } from '@fed/calendar';
import { CaseSnapshot } from '@fed/contracts';
import { acceptedCase } from './case.fixture';
import { CaseDeadlines, caseDeadlines } from './deadline';
import { classify, DEFAULT_WARNING_POLICY, WarningLevel, WarningPolicy } from './warning';

// Expected values are derived by hand from libs/calendar/data/cn-holidays-2024-2026.json and a wall
// calendar (see deadline.spec.ts for the deadlines themselves). workingDaysLeft = working days d with
// today < d ≤ promised date; after the promised date it is minus the working days d with
// promised < d ≤ today. Default policy: yellow when left ≤ 1 or left ≤ 20 % of the promised limit.

const official = WorkingCalendar.from(officialCalendarSpec());

function deadlinesOf(c: CaseSnapshot, asOf: IsoDate = '2026-06-30'): CaseDeadlines {
  const d = caseDeadlines(c, official, asOf);
  if (!d) throw new Error('case not accepted');
  return d;
}

const CASES = {
  // Accepted Mon 2 Mar 2026, +10/+20: promised Mon 16 Mar, legal Mon 30 Mar (20 % of 10 = 2 days).
  P10: deadlinesOf(acceptedCase('2026-03-02T02:00:00Z', 10, 20)),
  // Accepted Thu 5 Mar 2026, +1/+3: promised Fri 6 Mar, legal Tue 10 Mar (Fri 6, Mon 9, Tue 10).
  P1: deadlinesOf(acceptedCase('2026-03-05T02:00:00Z', 1, 3)),
  // Instant item accepted Fri 13 Feb 2026, +0/+1: promised Fri 13 Feb, legal Sat 14 Feb (make-up day).
  P0: deadlinesOf(acceptedCase('2026-02-13T02:00:00Z', 0, 1)),
  // Accepted Fri 13 Feb 2026, +10/+20: Sat 14 (1), 15–23 春节, 24–27 (5), Sat 28 (6), Mon 2–Thu 5 Mar
  // (10) → promised Thu 5 Mar; legal Thu 19 Mar.
  SF10: deadlinesOf(acceptedCase('2026-02-13T02:00:00Z', 10, 20)),
};

it('the fixtures have the hand-derived deadlines', () => {
  expect(
    Object.fromEntries(Object.entries(CASES).map(([k, d]) => [k, [d.promised.date, d.legal.date]])),
  ).toEqual({
    P10: ['2026-03-16', '2026-03-30'],
    P1: ['2026-03-06', '2026-03-10'],
    P0: ['2026-02-13', '2026-02-14'],
    SF10: ['2026-03-05', '2026-03-19'],
  });
});

interface Row {
  c: keyof typeof CASES;
  today: IsoDate;
  level: WarningLevel;
  left: number;
  legal?: boolean;
}

describe('classify with the default policy', () => {
  it.each<Row>([
    // --- P10: promised Mon 16 Mar (10 days, yellow at ≤ 2 left), legal Mon 30 Mar ---
    { c: 'P10', today: '2026-03-02', level: 'green', left: 10 }, // acceptance day: 3–6, 9–13, 16
    { c: 'P10', today: '2026-03-10', level: 'green', left: 4 }, // Wed 11, Thu 12, Fri 13, Mon 16
    { c: 'P10', today: '2026-03-11', level: 'green', left: 3 }, // Thu 12, Fri 13, Mon 16: 3 > 2
    { c: 'P10', today: '2026-03-12', level: 'yellow', left: 2 }, // Fri 13, Mon 16: 2 ≤ 20 % of 10
    { c: 'P10', today: '2026-03-13', level: 'yellow', left: 1 }, // Mon 16
    { c: 'P10', today: '2026-03-14', level: 'yellow', left: 1 }, // Sat: Mon 16
    { c: 'P10', today: '2026-03-15', level: 'yellow', left: 1 }, // Sun: Mon 16
    { c: 'P10', today: '2026-03-16', level: 'yellow', left: 0 }, // the deadline day itself
    { c: 'P10', today: '2026-03-17', level: 'red', left: -1 }, // the next working day
    { c: 'P10', today: '2026-03-21', level: 'red', left: -4 }, // Sat: Tue 17–Fri 20 overdue
    { c: 'P10', today: '2026-03-30', level: 'red', left: -10 }, // 17–20, 23–27, 30; legal date itself
    { c: 'P10', today: '2026-03-31', level: 'red', left: -11, legal: true }, // after the legal date
    // --- P1: promised Fri 6 Mar (yellow at ≤ 1 left), legal Tue 10 Mar ---
    { c: 'P1', today: '2026-03-05', level: 'yellow', left: 1 }, // acceptance day: Fri 6 left
    { c: 'P1', today: '2026-03-06', level: 'yellow', left: 0 }, // the deadline day
    // Weekend after a Friday deadline: red, though no working day has passed (0 overdue).
    { c: 'P1', today: '2026-03-07', level: 'red', left: 0 },
    { c: 'P1', today: '2026-03-08', level: 'red', left: 0 },
    { c: 'P1', today: '2026-03-09', level: 'red', left: -1 }, // Mon 9
    { c: 'P1', today: '2026-03-10', level: 'red', left: -2 }, // Mon 9, Tue 10; legal date: not breached
    { c: 'P1', today: '2026-03-11', level: 'red', left: -3, legal: true }, // Wed 11: legal breached
    // --- P0 (instant): promised Fri 13 Feb, legal Sat 14 Feb (make-up day) ---
    { c: 'P0', today: '2026-02-13', level: 'yellow', left: 0 }, // acceptance day = deadline day
    { c: 'P0', today: '2026-02-14', level: 'red', left: -1 }, // Sat 14 make-up day; the legal date
    { c: 'P0', today: '2026-02-15', level: 'red', left: -1, legal: true }, // 春节: still Sat 14 only
    { c: 'P0', today: '2026-02-24', level: 'red', left: -2, legal: true }, // Sat 14, Tue 24
    // --- SF10: accepted Fri 13 Feb 2026, promised Thu 5 Mar across Spring Festival ---
    { c: 'SF10', today: '2026-02-13', level: 'green', left: 10 }, // acceptance day
    { c: 'SF10', today: '2026-02-14', level: 'green', left: 9 }, // make-up Sat: 24–28 Feb, 2–5 Mar
    { c: 'SF10', today: '2026-02-22', level: 'green', left: 9 }, // during 春节 nothing is used up
    { c: 'SF10', today: '2026-03-02', level: 'green', left: 3 }, // Tue 3, Wed 4, Thu 5
    { c: 'SF10', today: '2026-03-03', level: 'yellow', left: 2 }, // Wed 4, Thu 5
    { c: 'SF10', today: '2026-03-05', level: 'yellow', left: 0 }, // deadline day
    { c: 'SF10', today: '2026-03-06', level: 'red', left: -1 }, // Fri 6
  ])('$c on $today → $level ($left)', ({ c, today, level, left, legal = false }) => {
    const state = classify(CASES[c], 'TEST-ITEM', today, official);
    // toBe uses Object.is, so a row's 0 and -0 are told apart.
    expect(state.level).toBe(level);
    expect(state.workingDaysLeft).toBe(left);
    expect(state.legalBreached).toBe(legal);
    expect(classify(CASES[c], 'TEST-ITEM', today, official, DEFAULT_WARNING_POLICY)).toStrictEqual(state);
  });
});

describe('classify with other policies', () => {
  const POLICY: WarningPolicy = {
    yellowWorkingDays: 1,
    yellowShare: 0.2,
    items: {
      'ITEM-5D': { yellowWorkingDays: 5 },
      'ITEM-HALF': { yellowShare: 0.5 },
      'ITEM-LAST': { yellowWorkingDays: 0, yellowShare: 0 },
      // As FED_WARNING_POLICY is parsed: a field left out arrives as undefined and must not erase
      // the node's own threshold.
      'ITEM-2D': { yellowWorkingDays: 2, yellowShare: undefined },
    },
  };
  const THREE_DAYS: WarningPolicy = { yellowWorkingDays: 3, yellowShare: 0.2 };
  const HALF_WITH_ITEM: WarningPolicy = {
    yellowWorkingDays: 1,
    yellowShare: 0.5,
    items: { 'ITEM-0D': { yellowWorkingDays: 0, yellowShare: undefined } },
  };

  it.each<Row & { item: string; policy: WarningPolicy }>([
    // P10 on Mon 9 Mar: (9, 16] = 10–13, 16 → 5 left; on Fri 6 Mar: 9–13, 16 → 6 left.
    { policy: POLICY, item: 'ITEM-5D', c: 'P10', today: '2026-03-09', level: 'yellow', left: 5 }, // 5 ≤ 5
    { policy: POLICY, item: 'ITEM-5D', c: 'P10', today: '2026-03-06', level: 'green', left: 6 },
    { policy: POLICY, item: 'OTHER', c: 'P10', today: '2026-03-09', level: 'green', left: 5 }, // no override
    // ITEM-2D keeps the node's 20 %: 2 left ≤ 2 (either rule); 3 left (Wed 11 Mar) is green.
    { policy: POLICY, item: 'ITEM-2D', c: 'P10', today: '2026-03-12', level: 'yellow', left: 2 },
    { policy: POLICY, item: 'ITEM-2D', c: 'P10', today: '2026-03-11', level: 'green', left: 3 },
    { policy: POLICY, item: 'ITEM-HALF', c: 'P10', today: '2026-03-09', level: 'yellow', left: 5 }, // ≤ 50 %
    { policy: POLICY, item: 'ITEM-HALF', c: 'P10', today: '2026-03-06', level: 'green', left: 6 },
    // Only the deadline day is yellow.
    { policy: POLICY, item: 'ITEM-LAST', c: 'P10', today: '2026-03-13', level: 'green', left: 1 },
    { policy: POLICY, item: 'ITEM-LAST', c: 'P10', today: '2026-03-16', level: 'yellow', left: 0 },
    { policy: POLICY, item: 'ITEM-LAST', c: 'P10', today: '2026-03-17', level: 'red', left: -1 },
    // ITEM-0D names only its days: the node's 50 % still applies (5 left ≤ 5).
    { policy: HALF_WITH_ITEM, item: 'ITEM-0D', c: 'P10', today: '2026-03-09', level: 'yellow', left: 5 },
    { policy: HALF_WITH_ITEM, item: 'ITEM-0D', c: 'P10', today: '2026-03-06', level: 'green', left: 6 },
    // yellowWorkingDays 3 for every item.
    { policy: THREE_DAYS, item: 'TEST-ITEM', c: 'P10', today: '2026-03-10', level: 'green', left: 4 },
    { policy: THREE_DAYS, item: 'TEST-ITEM', c: 'P10', today: '2026-03-11', level: 'yellow', left: 3 },
    { policy: THREE_DAYS, item: 'TEST-ITEM', c: 'SF10', today: '2026-03-02', level: 'yellow', left: 3 },
    { policy: THREE_DAYS, item: 'TEST-ITEM', c: 'SF10', today: '2026-02-27', level: 'green', left: 5 }, // Sat 28, Mon 2–Thu 5
    { policy: THREE_DAYS, item: 'TEST-ITEM', c: 'P1', today: '2026-03-05', level: 'yellow', left: 1 },
  ])('$item under $policy.yellowWorkingDays/$policy.yellowShare: $c on $today → $level ($left)', (row) => {
    const state = classify(CASES[row.c], row.item, row.today, official, row.policy);
    expect(state).toStrictEqual({ level: row.level, legalBreached: false, workingDaysLeft: row.left });
  });
});

describe('classify while and after the clock is stopped', () => {
  // P10 (accepted Mon 2 Mar, promised Mon 16 Mar) with 补正 from Tue 10 Mar; deadlines worked out with
  // asOf = today, as a caller would.
  const from = '2026-03-10T02:00:00Z';

  it.each([
    // asOf Tue 10: nothing stopped yet → Mon 16; left Wed 11, Thu 12, Fri 13, Mon 16.
    { today: '2026-03-10', promised: '2026-03-16', left: 4 },
    // asOf Thu 12: Wed 11, Thu 12 stopped → 12th working day Wed 18; left Fri 13, 16, 17, 18.
    { today: '2026-03-12', promised: '2026-03-18', left: 4 },
    // asOf Fri 20: Wed 11–Fri 20 stopped (8) → 18th working day: 17–20 (14), 23–26 → Thu 26 Mar;
    // left Mon 23, Tue 24, Wed 25, Thu 26.
    { today: '2026-03-20', promised: '2026-03-26', left: 4 },
  ])(
    'an open pause freezes the count: $today → promised $promised, $left left',
    ({ today, promised, left }) => {
      const d = deadlinesOf(
        acceptedCase('2026-03-02T02:00:00Z', 10, 20, [
          { kind: 'supplement', from, to: null, reason: '补正' },
        ]),
        today,
      );
      expect(d).toMatchObject({ clockStopped: true, promised: { date: promised } });
      expect(classify(d, 'TEST-ITEM', today, official)).toStrictEqual({
        level: 'green',
        legalBreached: false,
        workingDaysLeft: left,
      });
    },
  );

  it.each([
    // 补正 Tue 10 → Thu 12 stopped Wed 11, Thu 12 → promised Wed 18 Mar.
    { today: '2026-03-13', level: 'green', left: 3 }, // Mon 16, Tue 17, Wed 18
    { today: '2026-03-16', level: 'yellow', left: 2 }, // Tue 17, Wed 18
    { today: '2026-03-18', level: 'yellow', left: 0 }, // the moved deadline day
    { today: '2026-03-19', level: 'red', left: -1 }, // Thu 19
  ])('after a supplement Tue 10 → Thu 12: $today → $level ($left)', ({ today, level, left }) => {
    const d = deadlinesOf(
      acceptedCase('2026-03-02T02:00:00Z', 10, 20, [
        { kind: 'supplement', from, to: '2026-03-12T02:00:00Z', reason: '补正' },
      ]),
      today,
    );
    expect(d.promised.date).toBe('2026-03-18');
    expect(classify(d, 'TEST-ITEM', today, official)).toStrictEqual({
      level,
      legalBreached: false,
      workingDaysLeft: left,
    });
  });
});
