/**
 * Deadlines, warnings and statistics on the days that matter, whatever the day the tests run: a
 * federation of its own (city, district, community) whose clock is pinned and moved by the test
 * (FED_TEST_NOW, PUT /api/v1/test/clock): the working day before Spring Festival, a make-up working
 * Saturday, the last working days of December with deadlines reaching a year without an official
 * notice, and the publication of that notice.
 */
import {
  eventually,
  filingBody,
  getJson,
  OwnFederation,
  ownFederation,
  postJson,
  putJson,
} from '@fed/testing';

const CITY = '150200';
const DISTRICT = '150202';
const COMMUNITY = '150202001001';
const ALL = [COMMUNITY, DISTRICT, CITY];
/** Clear of the shared test federation (+20000), the failover test's (+21000) and the bench's (+25000). */
const PORT_OFFSET = 24_000;
/** A community-decided item of the district: 5 working days promised, 20 by law. */
const ITEM = '150202-DT-001';

type Deadline = {
  acceptedOn: string;
  promised: { date: string; provisional: boolean };
  legal: { date: string; provisional: boolean };
  provisional: boolean;
  provisionalYears: number[];
  provisionalRule?: string;
  warningRecorded: { level: string; promisedDeadline: string; legalDeadline: string } | null;
};
type Timing = { promisedDeadline: string; legalDeadline: string; completion: string; provisional?: boolean };
type Case = { caseNo: string; version: number; lifecycle: { timing: Timing | null } };

describe('dates that matter, on a pinned clock', () => {
  let federation: OwnFederation;
  const at = (code: string, path: string) => `${federation.nodes.find((n) => n.code === code)!.url}${path}`;

  /** Moves every node's clock to `instant` (Asia/Shanghai time given with its offset). */
  const setClock = async (instant: string) => {
    for (const code of ALL) {
      const res = await putJson<{ now: string }>(at(code, '/api/v1/test/clock'), { at: instant });
      expect(res.status).toBe(200);
      expect(new Date(res.body.now).getTime()).toBeGreaterThanOrEqual(new Date(instant).getTime());
    }
  };
  const fileAndAccept = async (): Promise<string> => {
    const filed = await postJson<{ caseNo: string }>(
      at(COMMUNITY, '/api/v1/cases'),
      filingBody({ itemCode: ITEM }),
    );
    expect(filed.status).toBe(201);
    const accepted = await postJson(at(COMMUNITY, `/api/v1/cases/${filed.body.caseNo}/actions/accept`), {});
    expect(accepted.status).toBe(201);
    return filed.body.caseNo;
  };
  const deadline = async (caseNo: string) => {
    const res = await getJson<Deadline>(at(COMMUNITY, `/api/v1/cases/${caseNo}/deadline`));
    expect(res.status).toBe(200);
    return res.body;
  };
  const caseAt = async (code: string, caseNo: string) =>
    (await getJson<Case>(at(code, `/api/v1/cases/${caseNo}`))).body;
  const awaitVersion = (code: string, caseNo: string, version: number) =>
    eventually(
      async () => {
        const c = await getJson<Case>(at(code, `/api/v1/cases/${caseNo}`));
        return c.status === 200 && c.body.version >= version ? c.body : undefined;
      },
      { what: `case ${caseNo} v${version} at ${code}` },
    );

  beforeAll(async () => {
    federation = await ownFederation('calendar-dates', {
      portOffset: PORT_OFFSET,
      communities: [COMMUNITY],
      // 4:55 pm on the Friday before Spring Festival 2026 (the official arrangement covers it).
      extraEnv: { FED_TEST_CLOCK: '1', FED_TEST_NOW: '2026-02-13T16:55:00+08:00' },
    }).start();
    const item = {
      name: '日期测试事项',
      department: '东河区民政局',
      decidingTier: 'community',
      promisedDays: 5,
      legalDays: 20,
    };
    expect((await putJson(at(DISTRICT, `/api/v1/catalog/items/${ITEM}`), item)).status).toBe(200);
    await eventually(
      async () =>
        (await getJson(at(COMMUNITY, `/api/v1/catalog/items/${ITEM}`))).status === 200 ? true : undefined,
      { what: `item ${ITEM} at the community` },
    );
  }, 240_000);

  afterAll(async () => {
    await federation?.stop();
  }, 120_000);

  it('the working day before Spring Festival, and a make-up working Saturday', async () => {
    // Fri 13 Feb 2026, 16:55: Sat 14 is a make-up working day (1), 15–23 Feb Spring Festival,
    // 24, 25, 26, 27 Feb (2–5): the promised deadline is Fri 27 Feb, exact.
    const friday = await fileAndAccept();
    expect(friday.slice(12, 20)).toBe('20260213');
    const d1 = await deadline(friday);
    expect(d1).toMatchObject({
      acceptedOn: '2026-02-13',
      promised: { date: '2026-02-27', provisional: false },
      provisional: false,
      provisionalYears: [],
    });
    // Sat 14 Feb 2026, a make-up working day: 24, 25, 26, 27 Feb, and Sat 28 Feb (another make-up day).
    await setClock('2026-02-14T09:30:00+08:00');
    const saturday = await fileAndAccept();
    expect(saturday.slice(12, 20)).toBe('20260214');
    expect((await deadline(saturday)).promised).toMatchObject({ date: '2026-02-28', provisional: false });
  });

  it('at the end of December, deadlines reaching a year without a notice are provisional, never an error', async () => {
    // Tue 22 Dec 2026: promised 23, 24, 25, 28, 29 Dec → 29 Dec, exact. Legal (20): 7 more days of
    // December, then 2027 by the law alone: 1 Jan 元旦 off, 4–8, 11–15, 18–20 Jan → 20 Jan, provisional.
    await setClock('2026-12-22T10:00:00+08:00');
    const open = await fileAndAccept();
    const decided = await fileAndAccept();
    const d = await deadline(open);
    expect(d).toMatchObject({
      acceptedOn: '2026-12-22',
      promised: { date: '2026-12-29', provisional: false },
      legal: { date: '2027-01-20', provisional: true },
      provisional: true,
      provisionalYears: [2027],
    });
    expect(d.provisionalRule).toContain('全国年节及纪念日放假办法');

    // The warning clock runs on it: on Mon 28 Dec one working day is left: yellow.
    await setClock('2026-12-28T09:00:00+08:00');
    expect((await deadline(open)).warningRecorded).toMatchObject({
      level: 'yellow',
      promisedDeadline: '2026-12-29',
      legalDeadline: '2027-01-20',
    });

    // Decided on Wed 6 Jan 2027: overdue, measured on the provisional calendar, counted as such.
    await setClock('2027-01-06T15:00:00+08:00');
    const res = await postJson<{ case: Case }>(at(COMMUNITY, `/api/v1/cases/${decided}/actions/decide`), {
      outcome: 'approved',
      result: '同意',
    });
    expect(res.status).toBe(201);
    expect(res.body.case.lifecycle.timing).toEqual(
      expect.objectContaining({
        promisedDeadline: '2026-12-29',
        legalDeadline: '2027-01-20',
        completion: 'overdue',
        provisional: true,
      }),
    );
    const v = res.body.case.version;
    await awaitVersion(CITY, decided, v);
    for (const code of ALL) {
      const s = await getJson<{ total: Record<string, unknown> }>(
        at(code, `/api/v1/stats?period=custom&from=2027-01-01&to=2027-01-31&itemCode=${ITEM}`),
      );
      expect(s.status).toBe(200);
      expect(s.body.total).toMatchObject({
        completed: 1,
        completedOverdue: 1,
        completedUnmeasured: 0,
        measuredProvisional: 1,
        measuredProvisionalShare: 1,
      });
    }

    // The 2027 notice (a test notice): 元旦 1–3 Jan, and Sat 16 Jan a make-up working day. The legal
    // deadline of both cases moves to 19 Jan; the promised one does not.
    const official = (
      await getJson<{
        years: number[];
        holidays: unknown[];
        makeupWorkdays: unknown[];
        notices: Record<string, string>;
      }>(at(CITY, '/api/v1/calendar/official'))
    ).body;
    const notice = {
      years: [...official.years, 2027],
      holidays: [
        ...official.holidays,
        { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
        { name: '春节', from: '2027-02-05', to: '2027-02-12' },
      ],
      makeupWorkdays: [...official.makeupWorkdays, { date: '2027-01-16', for: '春节' }],
      notices: { ...official.notices, '2027': '测试用通知：2027年部分节假日安排' },
    };
    // Bad notices change nothing: a make-up day on a weekday, a holiday outside the notice's years.
    const bad1 = await putJson<{ message: string }>(at(CITY, '/api/v1/calendar'), {
      ...notice,
      makeupWorkdays: [...official.makeupWorkdays, { date: '2027-01-15', for: '春节' }],
    });
    expect(bad1.status).toBe(422);
    expect(bad1.body.message).toContain('Saturday or Sunday');
    const bad2 = await putJson(at(CITY, '/api/v1/calendar'), {
      ...notice,
      holidays: [...notice.holidays, { name: '元旦', from: '2028-01-01', to: '2028-01-01' }],
    });
    expect(bad2.status).toBe(422);
    // A change of a day already past (Mon 4 Jan 2027 made a holiday) only when asked for explicitly.
    const past = await putJson<{ changedPastDates: string[] }>(at(CITY, '/api/v1/calendar'), {
      ...notice,
      holidays: [
        ...official.holidays,
        { name: '元旦', from: '2027-01-01', to: '2027-01-04' },
        notice.holidays.at(-1),
      ],
    });
    expect(past.status).toBe(409);
    expect(past.body.changedPastDates).toEqual(['2027-01-04']);

    const before = (await getJson<{ official: { version: number } }>(at(CITY, '/api/v1/calendar'))).body
      .official.version;
    const published = await putJson<{ version: number; unchanged: boolean; changedDays: { date: string }[] }>(
      at(CITY, '/api/v1/calendar'),
      notice,
    );
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: before + 1, unchanged: false });
    // 16 Jan becomes a working day; Spring Festival's days off beyond the law's (e.g. 9 Feb) stop being.
    expect(published.body.changedDays.map((c) => c.date)).toEqual(
      expect.arrayContaining(['2027-01-16', '2027-02-11', '2027-02-12']),
    );
    // The same notice again changes nothing.
    const again = await putJson<{ version: number; unchanged: boolean }>(
      at(CITY, '/api/v1/calendar'),
      notice,
    );
    expect(again.body).toMatchObject({ version: before + 1, unchanged: true });

    await eventually(
      async () => {
        const c = await getJson<{ official: { version: number } }>(at(COMMUNITY, '/api/v1/calendar'));
        return c.body.official.version === before + 1 ? true : undefined;
      },
      { what: 'the 2027 notice at the community' },
    );
    // The warning clock's next scan measures the decision again (one event) and moves the open
    // case's legal deadline (one warning event); both now exact.
    const openVersion = (await caseAt(COMMUNITY, open)).version;
    await setClock('2027-01-07T09:00:00+08:00');
    const corrected = await awaitVersion(CITY, decided, v + 1);
    expect(corrected.lifecycle.timing).toEqual({
      promisedDeadline: '2026-12-29',
      legalDeadline: '2027-01-19',
      decidedOn: '2027-01-06',
      workingDaysUsed: 10,
      completion: 'overdue',
      calendarVersion: before + 1,
    });
    const history = await getJson<{ events: { type: string }[] }>(
      at(CITY, `/api/v1/cases/${decided}/events`),
    );
    const types = history.body.events.map((e) => e.type);
    expect(types.filter((t) => t === 'case.timing-corrected')).toHaveLength(1);
    const d2 = await deadline(open);
    expect(d2).toMatchObject({
      legal: { date: '2027-01-19', provisional: false },
      provisional: false,
      provisionalYears: [],
    });
    expect((await caseAt(COMMUNITY, open)).version).toBe(openVersion + 1);
    for (const code of ALL) {
      await eventually(
        async () => {
          const s = await getJson<{ total: { measuredProvisional: number; completedOverdue: number } }>(
            at(code, `/api/v1/stats?period=custom&from=2027-01-01&to=2027-01-31&itemCode=${ITEM}`),
          );
          return s.body.total.measuredProvisional === 0 && s.body.total.completedOverdue === 1
            ? true
            : undefined;
        },
        { what: `statistics at ${code} exact after the notice` },
      );
    }
    // A second scan changes nothing more.
    await setClock('2027-01-07T10:00:00+08:00');
    expect((await caseAt(COMMUNITY, decided)).version).toBe(v + 1);
  });

  it('a date past the provisional horizon is a 422 naming the year', async () => {
    const res = await getJson<{ missingYear: number; message: string }>(
      at(COMMUNITY, '/api/v1/calendar/add-working-days?from=2099-12-28&days=10'),
    );
    expect(res.status).toBe(422);
    expect(res.body.missingYear).toBe(2099);
  });
});
