import { CalendarGapError, officialCalendarSpec, WorkingCalendar } from '@fed/calendar';
import { CasePause, CaseTiming } from '@fed/contracts';
import { acceptedCase } from './case.fixture';
import { measureTiming } from './timing';

// Expected values are derived by hand from libs/calendar/data/cn-holidays-2024-2026.json and, for 2027,
// from the provisional calendar (the law alone: 元旦 Fri 1 Jan with the weekend of 2–3 Jan; 春节 Fri 5 –
// Mon 8 Feb with substitutes Tue 9, Wed 10 Feb), see deadline.spec.ts. workingDaysUsed = working days d with
// acceptance day < d ≤ decision day, net of the stopped ones. `provisional: true` is present when the
// promised or legal deadline or the days counted reach 2027, absent otherwise.

const official = WorkingCalendar.from(officialCalendarSpec());
const strict = WorkingCalendar.from(officialCalendarSpec(), [], { provisionalYears: 0 });

function pause(kind: CasePause['kind'], from: string, to: string | null): CasePause {
  return { kind, from, to, reason: `${kind} (test)` };
}

const DEC14 = '2026-12-14T02:00:00Z'; // Mon 14 Dec 2026, 10:00 Shanghai

describe('measureTiming around the turn of the year', () => {
  it.each<{
    name: string;
    at: string;
    promisedDays: number;
    legalDays: number;
    pauses?: CasePause[];
    decidedOn: string;
    expected: Omit<CaseTiming, 'decidedOn' | 'calendarVersion'>;
  }>([
    {
      // +10/+13: promised Mon 28 Dec, legal Thu 31 Dec 2026. (14, 23 Dec] = 15–18, 21–23 → 7.
      name: 'all in 2026, decided early: exact',
      at: DEC14,
      promisedDays: 10,
      legalDays: 13,
      decidedOn: '2026-12-23',
      expected: {
        promisedDeadline: '2026-12-28',
        legalDeadline: '2026-12-31',
        workingDaysUsed: 7,
        completion: 'ahead',
      },
    },
    {
      // (14, 31 Dec] = 15–18 (4), 21–25 (9), 28–31 (13): late, but measured on official days only.
      name: 'all in 2026, decided on 31 Dec: exact',
      at: DEC14,
      promisedDays: 10,
      legalDays: 13,
      decidedOn: '2026-12-31',
      expected: {
        promisedDeadline: '2026-12-28',
        legalDeadline: '2026-12-31',
        workingDaysUsed: 13,
        completion: 'overdue',
      },
    },
    {
      // Same deadlines; decided Mon 4 Jan 2027: 13 + Mon 4 Jan = 14 — the days counted reach 2027.
      name: 'deadlines in 2026, decision in 2027: provisional',
      at: DEC14,
      promisedDays: 10,
      legalDays: 13,
      decidedOn: '2027-01-04',
      expected: {
        promisedDeadline: '2026-12-28',
        legalDeadline: '2026-12-31',
        workingDaysUsed: 14,
        completion: 'overdue',
        provisional: true,
      },
    },
    {
      // Decided online on Fri 1 Jan 2027 (元旦): no working day added to the 13, but 1 Jan was examined.
      name: 'decided on 元旦 2027: provisional',
      at: DEC14,
      promisedDays: 10,
      legalDays: 13,
      decidedOn: '2027-01-01',
      expected: {
        promisedDeadline: '2026-12-28',
        legalDeadline: '2026-12-31',
        workingDaysUsed: 13,
        completion: 'overdue',
        provisional: true,
      },
    },
    {
      // Tue 8 Dec 2026, +5/+20: promised Tue 15 Dec (exact), legal Wed 6 Jan 2027 (provisional). Decided
      // Mon 14 Dec: Wed 9, Thu 10, Fri 11, Mon 14 → 4, ahead; flagged for the legal deadline.
      name: 'decided in 2026 with a provisional legal deadline',
      at: '2026-12-08T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      decidedOn: '2026-12-14',
      expected: {
        promisedDeadline: '2026-12-15',
        legalDeadline: '2027-01-06',
        workingDaysUsed: 4,
        completion: 'ahead',
        provisional: true,
      },
    },
    {
      // Thu 31 Dec 2026, +1/+5: promised Mon 4 Jan, legal Fri 8 Jan 2027. Decided Mon 4 Jan: 1, on time.
      name: 'accepted 31 Dec 2026, decided on the first working day of 2027',
      at: '2026-12-31T02:00:00Z',
      promisedDays: 1,
      legalDays: 5,
      decidedOn: '2027-01-04',
      expected: {
        promisedDeadline: '2027-01-04',
        legalDeadline: '2027-01-08',
        workingDaysUsed: 1,
        completion: 'on-time',
        provisional: true,
      },
    },
    {
      // Thu 4 Feb 2027, +5/+20: promised Wed 17 Feb, legal Wed 10 Mar. Decided Fri 12 Feb: Thu 11, Fri 12
      // (5–10 Feb off) → 2, ahead.
      name: 'across Spring Festival 2027',
      at: '2027-02-04T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      decidedOn: '2027-02-12',
      expected: {
        promisedDeadline: '2027-02-17',
        legalDeadline: '2027-03-10',
        workingDaysUsed: 2,
        completion: 'ahead',
        provisional: true,
      },
    },
    {
      // +10/+20: promised Mon 28 Dec 2026, legal Tue 12 Jan 2027. 补正 Wed 30 Dec → Tue 5 Jan 2027 stops
      // Thu 31 Dec, Mon 4, Tue 5 Jan → legal Fri 15 Jan; decided Wed 6 Jan: (14 Dec, 6 Jan] holds 16
      // working days (13 in Dec, 4–6 Jan) − 3 stopped = 13; overdue (promised unmoved: the pause began after
      // it).
      name: 'a pause across the new year',
      at: DEC14,
      promisedDays: 10,
      legalDays: 20,
      pauses: [pause('supplement', '2026-12-30T02:00:00Z', '2027-01-05T02:00:00Z')],
      decidedOn: '2027-01-06',
      expected: {
        promisedDeadline: '2026-12-28',
        legalDeadline: '2027-01-15',
        workingDaysUsed: 13,
        completion: 'overdue',
        provisional: true,
      },
    },
    {
      // Fri 24 Jan 2025, +5/+20: promised Fri 7 Feb, legal Thu 27 Feb 2025 (deadline.spec.ts); decided
      // Fri 7 Feb: Sun 26 Jan make-up, Mon 27, 5–7 Feb → 5, on time. All official: exact.
      name: 'Spring Festival 2025: exact',
      at: '2025-01-24T02:00:00Z',
      promisedDays: 5,
      legalDays: 20,
      decidedOn: '2025-02-07',
      expected: {
        promisedDeadline: '2025-02-07',
        legalDeadline: '2025-02-27',
        workingDaysUsed: 5,
        completion: 'on-time',
      },
    },
    {
      // An instant item accepted and decided on Mon 4 Jan 2027: nothing after the acceptance day is
      // counted, so no answer depends on the provisional calendar.
      name: 'an instant item decided the day it is accepted in 2027: exact',
      at: '2027-01-04T02:00:00Z',
      promisedDays: 0,
      legalDays: 0,
      decidedOn: '2027-01-04',
      expected: {
        promisedDeadline: '2027-01-04',
        legalDeadline: '2027-01-04',
        workingDaysUsed: 0,
        completion: 'on-time',
      },
    },
  ])('$name', ({ at, promisedDays, legalDays, pauses = [], decidedOn, expected }) => {
    const c = acceptedCase(at, promisedDays, legalDays, pauses);
    const timing = measureTiming(c, official, decidedOn);
    // toStrictEqual: `provisional` must be absent (not false) when the timing is exact.
    expect(timing).toStrictEqual({ ...expected, decidedOn, calendarVersion: 1 });
    // Without a provisional horizon a provisional timing is refused (2027); an exact one is unchanged.
    if (expected.provisional) {
      expect(catchError(() => measureTiming(c, strict, decidedOn))).toMatchObject({
        name: 'CalendarGapError',
        year: 2027,
      });
    } else {
      // (The instant item of 2027 too: no day of 2027 is examined.)
      expect(measureTiming(c, strict, decidedOn)).toStrictEqual(timing);
    }
  });

  it('is null for a case never accepted', () => {
    expect(measureTiming(acceptedCase(null, 5, 20), official, '2027-01-04')).toBeNull();
  });

  it('refuses a decision past the horizon', () => {
    // Mon 15 Dec 2036, +5/+12 (deadlines 22 and 31 Dec 2036); decided Fri 2 Jan 2037.
    const thrown = catchError(() =>
      measureTiming(acceptedCase('2036-12-15T02:00:00Z', 5, 12), official, '2037-01-02'),
    );
    expect(thrown).toBeInstanceOf(CalendarGapError);
    expect(thrown).toMatchObject({ year: 2037, lastYear: 2036 });
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
