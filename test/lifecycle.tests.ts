import {
  awaitCase,
  killNode,
  node,
  restartNode,
  stopRestartedNodes,
  caseAt,
  CaseView,
  CITY,
  eventually,
  filingBody,
  getJson,
  historyAt,
  postJson,
  putJson,
  url,
} from '@fed/testing';

type Filed = CaseView & { queryCode: string; item: { code: string; version: number; promisedDays: number } };
type ActionAnswer = { case: CaseView; events: { version: number; type: string }[] };

const put = putJson;

async function file(community: string, itemCode: string): Promise<Filed> {
  const res = await postJson<Filed>(url(community, '/api/v1/cases'), filingBody({ itemCode }));
  if (res.status !== 201)
    throw new Error(`filing ${itemCode} at ${community}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const act = (code: string, caseNo: string, action: string, body: Record<string, unknown> = {}) =>
  postJson<ActionAnswer & { allowedActions?: string[]; handlingNode?: string; message?: string }>(
    url(code, `/api/v1/cases/${caseNo}/actions/${action}`),
    body,
  );

async function mustAct(code: string, caseNo: string, action: string, body: Record<string, unknown> = {}) {
  const res = await act(code, caseNo, action, body);
  if (res.status !== 201) throw new Error(`${action} at ${code}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until `code` holds the case handled by `handler` at `version` or later. */
const awaitHandler = (code: string, caseNo: string, handler: string, version: number) =>
  eventually(
    async () => {
      const c = await caseAt(code, caseNo);
      return c && c.version >= version && c.handlingNode === handler ? c : undefined;
    },
    { what: `case ${caseNo} v${version} handled by ${handler}, seen at ${code}` },
  );

/** Every tier holds the same case and the same history, in the same order. */
async function expectSameEverywhere(caseNo: string, nodes: string[], version: number) {
  const [first, ...rest] = nodes;
  const reference: Record<string, unknown> = { ...(await awaitCase(first, caseNo, version)) };
  delete reference.applicantPersonal; // personal data stays at the community
  const history = await historyAt(first, caseNo);
  expect(history.map((e) => e.version)).toEqual(Array.from({ length: version }, (_v, i) => i + 1));
  for (const code of rest) {
    const other: Record<string, unknown> = { ...(await awaitCase(code, caseNo, version)) };
    delete other.applicantPersonal;
    expect(other).toEqual(reference);
    expect(await historyAt(code, caseNo)).toEqual(history);
  }
  return { snapshot: reference as CaseView & { lifecycle: Record<string, unknown> }, history };
}

export function describeLifecycle(): void {
  describe('case lifecycle and hand-off between tiers', () => {
    const community = '150202001001';
    const district = '150202';

    it('community accepts, hands up; the district decides; the community delivers; every tier holds one history', async () => {
      const c = await file(community, '150200-MZ-001'); // 最低生活保障, decided by the district
      await mustAct(community, c.caseNo, 'accept', { officer: '窗口 李娜' });
      const handed = await mustAct(community, c.caseNo, 'hand-up', { note: '材料齐全，转区民政局审核' });
      expect(handed.case.handlingNode).toBe(district);

      // Single writer: the community may no longer change the case.
      const refused = await act(community, c.caseNo, 'start-step', { step: 'undertake' });
      expect(refused.status).toBe(409);
      expect(refused.body.handlingNode).toBe(district);

      await awaitHandler(district, c.caseNo, district, 3);
      // The district's work queue lists it.
      const queue = await getJson<{ items: CaseView[] }>(
        url(district, `/api/v1/cases?handlingNode=${district}&status=accepted&pageSize=200`),
      );
      expect(queue.body.items.map((i) => i.caseNo)).toContain(c.caseNo);
      expect(queue.body.items.every((i) => i.handlingNode === district && i.status === 'accepted')).toBe(
        true,
      );
      await mustAct(district, c.caseNo, 'start-step', { step: 'review', officer: '区民政局 王强' });
      await mustAct(district, c.caseNo, 'end-step', { step: 'review', opinion: '符合条件' });
      const decided = await mustAct(district, c.caseNo, 'decide', {
        outcome: 'approved',
        result: '经审核，符合最低生活保障条件，自次月起发放',
      });
      expect(decided.case).toMatchObject({ status: 'decided', handlingNode: community });
      // The decision flows back down; the community delivers.
      await awaitHandler(community, c.caseNo, community, 6);
      await mustAct(community, c.caseNo, 'deliver', { method: 'window' });

      const { snapshot, history } = await expectSameEverywhere(c.caseNo, [community, district, CITY], 7);
      expect(history.map((e) => [e.type, e.originNode])).toEqual([
        ['case.filed', community],
        ['case.accepted', community],
        ['case.handed-up', community],
        ['case.step-started', district],
        ['case.step-ended', district],
        ['case.decided', district],
        ['case.delivered', community],
      ]);
      expect(snapshot).toMatchObject({ status: 'delivered', handlingNode: community });
      expect(history[5]).toMatchObject({
        action: {
          action: 'decide',
          outcome: 'approved',
          result: '经审核，符合最低生活保障条件，自次月起发放',
        },
      });
      expect(history[3]).toMatchObject({ officer: '区民政局 王强', action: { step: 'review' } });
      expect(snapshot.lifecycle).toMatchObject({
        acceptedBy: community,
        decidedBy: district,
        outcome: 'approved',
      });
    });

    it('a city-level item goes community → district → city and back; the city applies events of three tiers in order', async () => {
      const c = await file(community, '150200-RS-003'); // 失业保险金申领, decided by the city
      await mustAct(community, c.caseNo, 'accept');
      await mustAct(community, c.caseNo, 'hand-up');
      await awaitHandler(district, c.caseNo, district, 3);
      // The district may not decide a city item: it hands it up.
      const notHere = await act(district, c.caseNo, 'decide', { outcome: 'approved', result: '同意' });
      expect(notHere.status).toBe(409);
      expect(notHere.body.allowedActions).toContain('hand-up');
      await mustAct(district, c.caseNo, 'hand-up');
      await awaitHandler(CITY, c.caseNo, CITY, 4);
      await mustAct(CITY, c.caseNo, 'decide', {
        outcome: 'not-approved',
        result: '缴费不满一年，不符合申领条件',
      });
      await awaitHandler(community, c.caseNo, community, 5);
      await mustAct(community, c.caseNo, 'deliver', { method: 'sms' });
      const { history } = await expectSameEverywhere(c.caseNo, [CITY, district, community], 6);
      expect(history.map((e) => e.originNode)).toEqual([
        community,
        community,
        community,
        district,
        CITY,
        community,
      ]);
    });

    it('an instant item is decided the moment it is accepted', async () => {
      const c = await file(community, '150200-RS-001'); // 就业失业登记, promised limit 0
      const accepted = await mustAct(community, c.caseNo, 'accept');
      expect(accepted.events.map((e) => e.type)).toEqual(['case.accepted', 'case.decided']);
      expect(accepted.case).toMatchObject({ status: 'decided', version: 3 });
      await expectSameEverywhere(c.caseNo, [community, district, CITY], 3);
    });

    it('pauses stop the clock and are kept in the history', async () => {
      const c = await file(community, '150200-MZ-003'); // 高龄津贴, decided by the community
      await mustAct(community, c.caseNo, 'accept');
      await mustAct(community, c.caseNo, 'request-supplement', { materials: ['户口簿复印件'] });
      await mustAct(community, c.caseNo, 'receive-supplement');
      await mustAct(community, c.caseNo, 'start-special-procedure', {
        kind: 'expert-review',
        reason: '年龄存疑，需核查档案',
        limitDays: 10,
      });
      await mustAct(community, c.caseNo, 'end-special-procedure');
      await mustAct(community, c.caseNo, 'suspend', { reason: '申请人住院' });
      const resumed = await mustAct(community, c.caseNo, 'resume');
      expect(resumed.case.status).toBe('accepted');
      const { snapshot } = await expectSameEverywhere(c.caseNo, [community, district, CITY], 8);
      const pauses = snapshot.lifecycle.pauses as { kind: string; to: string | null }[];
      expect(pauses.map((p) => p.kind)).toEqual(['supplement', 'special-procedure', 'suspension']);
      expect(pauses.every((p) => p.to !== null)).toBe(true);
    });

    it.each([
      ['deliver', { method: 'window' }],
      ['decide', { outcome: 'approved', result: '同意' }],
      ['receive-supplement', {}],
      ['rate', { score: 5 }],
    ] as [string, Record<string, unknown>][])(
      'a forbidden transition (%s on a new case): 409 with the allowed actions, nothing written',
      async (action, body) => {
        const c = await file(community, '150200-MZ-003');
        const res = await act(community, c.caseNo, action, body);
        expect(res.status).toBe(409);
        expect(res.body.allowedActions).toEqual(['accept', 'reject', 'withdraw']);
        expect((await caseAt(community, c.caseNo))?.version).toBe(1);
        expect(await historyAt(community, c.caseNo)).toHaveLength(1);
      },
    );

    it('bad action input: unknown action 404, invalid body 400 naming the field; nothing written', async () => {
      const c = await file(community, '150200-MZ-003');
      await mustAct(community, c.caseNo, 'accept');
      expect((await act(community, c.caseNo, 'approve-everything')).status).toBe(404);
      const bad = await postJson<{ errors: { field: string }[] }>(
        url(community, `/api/v1/cases/${c.caseNo}/actions/start-special-procedure`),
        { kind: 'astrology', reason: '', limitDays: 0, extra: 1 },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e) => e.field)).toEqual(
        expect.arrayContaining(['kind', 'reason', 'limitDays', 'extra']),
      );
      expect((await act(community, c.caseNo, 'reject', { reason: '材料不全' })).status).toBe(409); // accepted: no longer rejectable
      expect((await caseAt(community, c.caseNo))?.version).toBe(2);
      expect((await act(community, '150202001001' + '20991231' + '99999999', 'accept')).status).toBe(404);
    });

    it('a bad rating opens a rectification; a case is rated once', async () => {
      const c = await file(community, '150200-MZ-004'); // 老年人优待证, instant
      await mustAct(community, c.caseNo, 'accept');
      await mustAct(community, c.caseNo, 'deliver', { method: 'window' });
      const rated = await mustAct(community, c.caseNo, 'rate', { score: 2, comment: '等候时间太长' });
      expect(rated.case.lifecycle).toMatchObject({ rating: { score: 2 }, rectification: 'open' });
      expect((await act(community, c.caseNo, 'rate', { score: 5 })).status).toBe(409);
    });
  });

  describe('service-item catalog flowing down', () => {
    it('filing against an unknown item: 422, nothing written', async () => {
      const community = '150204003001';
      const before = (await getJson<{ total: number }>(url(community, '/api/v1/cases?pageSize=1'))).body
        .total;
      const res = await postJson<{ code: string }>(
        url(community, '/api/v1/cases'),
        filingBody({ itemCode: 'NO-SUCH-ITEM' }),
      );
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('CATALOG_UNKNOWN_ITEM');
      expect((await getJson<{ total: number }>(url(community, '/api/v1/cases?pageSize=1'))).body.total).toBe(
        before,
      );
    });

    it('a district item reaches only its own communities; a new version reaches them; a case keeps the version it was filed under', async () => {
      const code = `150204-E2E-${Date.now() % 100000}`;
      const item = {
        name: '青山区测试事项',
        department: '青山区行政审批局',
        decidingTier: 'community',
        promisedDays: 5,
        legalDays: 20,
        materials: ['居民身份证'],
        guide: '第一行\n第二行',
      };
      expect((await put(url('150204', `/api/v1/catalog/items/${code}`), item)).status).toBe(200);
      const atCommunity = await eventually(
        async () => {
          const r = await getJson<{ version: number; guide: string; guideUrl: string }>(
            url('150204001002', `/api/v1/catalog/items/${code}`),
          );
          return r.status === 200 ? r.body : undefined;
        },
        { what: `item ${code} at community 150204001002` },
      );
      expect(atCommunity).toMatchObject({ version: 1, guide: '第一行\n第二行' });
      const qr = await fetch(url('150204001002', `/api/v1/catalog/items/${code}/qr.svg`));
      expect(qr.headers.get('content-type')).toContain('image/svg+xml');
      expect(await qr.text()).toContain('<svg');
      const guide = await fetch(atCommunity.guideUrl.replace(/^http:\/\/[^/]+/, node150204001002()));
      expect(await guide.text()).toContain('青山区测试事项');

      const filed = await file('150204001002', code);
      expect(filed.item).toMatchObject({ code, version: 1, promisedDays: 5 });
      // Never sideways: the other district's communities do not serve it.
      expect((await getJson(url('150202001001', `/api/v1/catalog/items/${code}`))).status).toBe(404);
      expect(
        (await postJson(url('150202001001', '/api/v1/cases'), filingBody({ itemCode: code }))).status,
      ).toBe(422);

      expect(
        (await put(url('150204', `/api/v1/catalog/items/${code}`), { ...item, promisedDays: 3 })).status,
      ).toBe(200);
      await eventually(
        async () => {
          const r = await getJson<{ version: number }>(url('150204003001', `/api/v1/catalog/items/${code}`));
          return r.body.version === 2 ? true : undefined;
        },
        { what: `item ${code} v2 at community 150204003001` },
      );
      expect((await caseAt('150204001002', filed.caseNo))?.item).toMatchObject({
        version: 1,
        promisedDays: 5,
      });

      // Withdrawn: no new case under it.
      expect(
        (await put(url('150204', `/api/v1/catalog/items/${code}`), { ...item, status: 'withdrawn' })).status,
      ).toBe(200);
      await eventually(
        async () => {
          const r = await postJson<{ code: string }>(
            url('150204001002', '/api/v1/cases'),
            filingBody({ itemCode: code }),
          );
          return r.status === 422 && r.body.code === 'CATALOG_ITEM_WITHDRAWN' ? true : undefined;
        },
        { what: `item ${code} withdrawn at community 150204001002` },
      );
    });

    it("a community serves the city's items and its own district's, marking the instant ones", async () => {
      const list = await getJson<{
        items: { code: string; instant: boolean; owner: string }[];
        total: number;
      }>(url('150202002003', '/api/v1/catalog/items'));
      expect(list.status).toBe(200);
      const owners = new Set(list.body.items.map((i) => i.owner));
      expect([...owners].sort()).toEqual(['150200', '150202']);
      expect(list.body.items.find((i) => i.code === '150200-RS-001')?.instant).toBe(true);
      expect(list.body.items.find((i) => i.code === '150200-MZ-001')?.instant).toBe(false);
      expect(list.body.total).toBeGreaterThanOrEqual(20);
    });

    it('a community cannot publish, a district cannot publish a city-decided item, a bad item is refused', async () => {
      const item = { name: 'x', department: 'y', decidingTier: 'community', promisedDays: 1, legalDays: 5 };
      expect((await put(url('150202001001', '/api/v1/catalog/items/X-1'), item)).status).toBe(403);
      expect(
        (await put(url('150202', '/api/v1/catalog/items/X-2'), { ...item, decidingTier: 'city' })).status,
      ).toBe(403);
      expect((await put(url(CITY, '/api/v1/catalog/items/X-3'), { ...item, promisedDays: 9 })).status).toBe(
        422,
      );
      expect((await put(url(CITY, '/api/v1/catalog/items/X-4'), { ...item, legalDays: 'five' })).status).toBe(
        400,
      );
      expect((await getJson(url(CITY, '/api/v1/catalog/items/X-3'))).status).toBe(404);
    });
  });

  describe('working-day calendar flowing down', () => {
    it('every node answers working-day questions from the official arrangement (nodes run in America/New_York)', async () => {
      for (const code of [CITY, '150202', '150204003001']) {
        const add = await getJson<{ date: string; calendarVersion: number }>(
          url(code, '/api/v1/calendar/add-working-days?from=2026-02-13&days=2'),
        );
        // Fri 13 Feb 2026 → Sat 14 Feb is a make-up working day; 15–23 Feb Spring Festival → Tue 24 Feb.
        expect(add.status).toBe(200);
        expect(add.body.date).toBe('2026-02-24');
        const count = await getJson<{ count: number }>(
          url(code, '/api/v1/calendar/working-days?from=2026-09-30&to=2026-10-09'),
        );
        // 1–7 Oct National Day; Thu 8 and Fri 9 Oct are working days.
        expect(count.body.count).toBe(2);
      }
    });

    it('a date past the official calendar is answered by the law alone and says so; past the horizon, 422', async () => {
      // Mon 28 Dec 2026: 29–31 Dec (3), 1 Jan 2027 元旦, 4–8 Jan (8), 11–12 Jan (10).
      const provisional = await getJson<{ date: string; provisional: boolean; provisionalYears: number[] }>(
        url('150202002003', '/api/v1/calendar/add-working-days?from=2026-12-28&days=10'),
      );
      expect(provisional.status).toBe(200);
      expect(provisional.body).toMatchObject({
        date: '2027-01-12',
        provisional: true,
        provisionalYears: [2027],
      });
      const exact = await getJson<{ provisional: boolean }>(
        url('150202002003', '/api/v1/calendar/working-days?from=2026-03-01&to=2026-04-01'),
      );
      expect(exact.body.provisional).toBe(false);
      const described = await getJson<{ provisional: { years: number[] }; range: { last: number } }>(
        url('150202002003', '/api/v1/calendar'),
      );
      expect(described.body.provisional.years[0]).toBe(2027);
      const res = await getJson<{ missingYear: number; message: string }>(
        url(
          '150202002003',
          `/api/v1/calendar/add-working-days?from=${described.body.range.last}-12-28&days=10`,
        ),
      );
      expect(res.status).toBe(422);
      expect(res.body.missingYear).toBe(described.body.range.last + 1);
      expect(res.body.message).toContain(String(described.body.range.last + 1));
      const bad = await getJson(
        url('150202002003', '/api/v1/calendar/working-days?from=2026-03-01&to=2026-02-01'),
      );
      expect(bad.status).toBe(400);
      expect(
        (await getJson(url('150202002003', '/api/v1/calendar/add-working-days?from=2026-02-30&days=1')))
          .status,
      ).toBe(400);
    });

    it('a new version of the official arrangement, published by the city with its notices, reaches every community', async () => {
      type Described = {
        official: { version: number; years: number[]; notices: Record<string, string> };
        alerts: string[];
      };
      const current = (await getJson<Described>(url(CITY, '/api/v1/calendar'))).body;
      const official = await getJson<{ years: number[]; holidays: unknown[]; makeupWorkdays: unknown[] }>(
        url(CITY, '/api/v1/calendar/official'),
      );
      expect(official.status).toBe(200);
      expect(official.body).toMatchObject({ owner: CITY, version: current.official.version });
      const arrangement = {
        years: official.body.years,
        holidays: official.body.holidays,
        makeupWorkdays: official.body.makeupWorkdays,
      };
      const res = await put<{ version: number }>(url(CITY, '/api/v1/calendar'), {
        ...arrangement,
        notices: { ...current.official.notices, '2026': `${current.official.notices['2026']}（复核）` },
      });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(current.official.version + 1);
      await eventually(
        async () => {
          const r = await getJson<Described>(url('150202002003', '/api/v1/calendar'));
          return r.body.official.version === res.body.version &&
            r.body.official.notices['2026'].endsWith('（复核）')
            ? true
            : undefined;
        },
        { what: 'the new calendar version at community 150202002003' },
      );
      // Only the city publishes the official arrangement; a malformed one is refused.
      const notices = current.official.notices;
      expect((await put(url('150202', '/api/v1/calendar'), { ...arrangement, notices })).status).toBe(403);
      expect(
        (await put(url(CITY, '/api/v1/calendar'), { ...arrangement, notices, years: [2026, 2027] })).status,
      ).toBe(422);
    });

    it("a district's local day off reaches its communities only", async () => {
      const res = await put(url('150204', '/api/v1/calendar/overrides'), {
        overrides: [{ date: '2026-06-03', kind: 'day-off', reason: '青山区地方活动日' }],
      });
      expect(res.status).toBe(200);
      const question = '/api/v1/calendar/add-working-days?from=2026-06-02&days=1';
      await eventually(
        async () => {
          const r = await getJson<{ date: string }>(url('150204001002', question));
          return r.body.date === '2026-06-04' ? true : undefined;
        },
        { what: 'the local day off at community 150204001002' },
      );
      expect((await getJson<{ date: string }>(url('150202001001', question))).body.date).toBe('2026-06-03');
      expect((await getJson<{ date: string }>(url(CITY, question))).body.date).toBe('2026-06-03');
      // Only a district publishes overrides.
      expect((await put(url('150204001002', '/api/v1/calendar/overrides'), { overrides: [] })).status).toBe(
        403,
      );
    });
  });

  describe('citizen progress lookup', () => {
    it('answers with the case number and query code at every tier, without personal data; a wrong code is an unknown case', async () => {
      const community = '150202002003';
      const c = await file(community, '150200-MZ-003');
      await mustAct(community, c.caseNo, 'accept');
      for (const code of [community, '150202', CITY]) {
        const res = await eventually(
          async () => {
            const r = await getJson<Record<string, unknown> & { timeline: unknown[] }>(
              url(code, `/api/v1/public/cases/${c.caseNo}?queryCode=${c.queryCode}`),
            );
            return r.status === 200 && r.body.timeline.length === 2 && r.body.status === 'accepted'
              ? r
              : undefined;
          },
          { what: `public lookup of ${c.caseNo} at ${code}` },
        );
        expect(res.body).toMatchObject({
          caseNo: c.caseNo,
          status: 'accepted',
          handlingOffice: expect.any(String) as unknown,
        });
        expect(
          typeof res.body.expectedCompletionDate === 'string' || 'expectedCompletionNote' in res.body,
        ).toBe(true);
        const text = JSON.stringify(res.body);
        expect(text).not.toContain((c.applicantPersonal as { idNumber: string }).idNumber);
        expect(text).not.toContain('王小明');
      }
      const wrong = await getJson(url(community, `/api/v1/public/cases/${c.caseNo}?queryCode=WRONG123`));
      const unknown = await getJson(
        url(community, `/api/v1/public/cases/${community}2099123199999999?queryCode=WRONG123`),
      );
      expect(wrong.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(Object.keys(wrong.body).sort()).toEqual(Object.keys(unknown.body).sort());
      expect((wrong.body as { message: string }).message.replace(c.caseNo, 'X')).toBe(
        (unknown.body as { message: string }).message.replace(`${community}2099123199999999`, 'X'),
      );
    });

    it('is rate-limited per client', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        statuses.push(
          (await getJson(url('150204003001', `/api/v1/public/cases/x${i}?queryCode=ABC`))).status,
        );
      }
      expect(statuses).toContain(429);
      expect(statuses.slice(0, 5).every((s) => s === 404)).toBe(true);
    });
  });

  describe('compliance statistics and oversight', () => {
    type Figures = {
      received: number;
      accepted: number;
      notAccepted: number;
      completed: number;
      completedAhead: number;
      aheadRate: number | null;
      satisfaction: Record<string, number | null>;
      open: { cases: number } | null;
    };
    type Stats = { total: Figures; groups: (Figures & { key: string })[] };
    // Days around the nodes' pinned "today" (FED_TEST_NOW), not the day the tests run.
    const shanghaiDay = (offsetDays: number) =>
      new Date(Date.parse(process.env.FED_TEST_NODES_NOW ?? '') + 8 * 3600_000 + offsetDays * 86_400_000)
        .toISOString()
        .slice(0, 10);
    // Yesterday to tomorrow in Shanghai: the test holds whenever it runs, even across midnight.
    const around = () => `period=custom&from=${shanghaiDay(-1)}&to=${shanghaiDay(1)}`;
    const stats = async (code: string, query: string) => {
      const res = await getJson<Stats>(url(code, `/api/v1/stats?${around()}&${query}`));
      expect(res.status).toBe(200);
      return res.body;
    };

    it('counts a case handed from community to district once at every tier, for the accepting and the deciding node', async () => {
      const community = '150202002003';
      const district = '150202';
      const code = `150202-ST-${Date.now() % 1_000_000}`;
      const item = {
        name: '东河区统计测试事项',
        department: '东河区统计测试局',
        decidingTier: 'district',
        promisedDays: 5,
        legalDays: 20,
      };
      expect((await put(url(district, `/api/v1/catalog/items/${code}`), item)).status).toBe(200);
      await eventually(
        async () =>
          (await getJson(url(community, `/api/v1/catalog/items/${code}`))).status === 200 ? true : undefined,
        { what: `item ${code} at ${community}` },
      );
      const [a, b, c] = [
        await file(community, code),
        await file(community, code),
        await file(community, code),
      ];
      await mustAct(community, a.caseNo, 'accept');
      await mustAct(community, a.caseNo, 'hand-up');
      await awaitHandler(district, a.caseNo, district, 3);
      await mustAct(district, a.caseNo, 'decide', { outcome: 'approved', result: '同意' });
      await awaitHandler(community, a.caseNo, community, 4);
      await mustAct(community, a.caseNo, 'deliver', { method: 'window' });
      await mustAct(community, a.caseNo, 'rate', { score: 5 });
      await mustAct(community, b.caseNo, 'reject', { reason: '不属于本事项受理范围' });
      await mustAct(community, c.caseNo, 'accept');
      await awaitCase(CITY, a.caseNo, 6);
      await awaitCase(CITY, b.caseNo, 2);
      await awaitCase(CITY, c.caseNo, 2);

      // Every tier that holds the three cases counts them the same way, once.
      for (const code2 of [community, district, CITY]) {
        const { total } = await stats(code2, `itemCode=${code}`);
        expect(total).toMatchObject({
          received: 3,
          accepted: 2,
          notAccepted: 1,
          completed: 1,
          completedAhead: 1, // decided the day it was accepted, with 5 working days promised
          aheadRate: 1,
          satisfaction: { '5': 1, average: 5 },
          open: { cases: 1 },
        });
      }
      const byDistrict = await stats(CITY, `itemCode=${code}&groupBy=district`);
      expect(byDistrict.groups).toEqual([expect.objectContaining({ key: district, received: 3 }) as unknown]);
      const accepted = await stats(CITY, `itemCode=${code}&groupBy=acceptedBy`);
      // The refused case was never accepted: it counts under no accepting node.
      expect(accepted.groups.find((g) => g.key === community)).toMatchObject({
        received: 2,
        accepted: 2,
        completed: 1,
      });
      expect(accepted.groups.find((g) => g.key === '')).toMatchObject({ received: 1, notAccepted: 1 });
      const decided = await stats(CITY, `itemCode=${code}&groupBy=decidedBy`);
      expect(decided.groups.find((g) => g.key === district)).toMatchObject({ completed: 1 });
      expect(decided.groups.find((g) => g.key === community)).toBeUndefined();

      // Oversight: the open one, at the district and the city; CSV of all three; not at a community.
      for (const code2 of [district, CITY]) {
        const open = await getJson<{ items: { caseNo: string }[]; total: number }>(
          url(code2, `/api/v1/oversight/cases?itemCode=${code}&status=open`),
        );
        expect(open.body.total).toBe(1);
        expect(open.body.items[0].caseNo).toBe(c.caseNo);
      }
      const csv = await fetch(url(CITY, `/api/v1/oversight/cases.csv?itemCode=${code}`));
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\r\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toContain('caseNo,districtCode,communityCode');
      expect(
        lines
          .slice(1)
          .map((l) => l.split(',')[0])
          .sort(),
      ).toEqual([a.caseNo, b.caseNo, c.caseNo].sort());
      expect((await getJson(url(community, '/api/v1/oversight/cases'))).status).toBe(403);
    });

    it.each([
      ['an unknown grouping', 'groupBy=weather'],
      ['an unknown field', 'colour=red'],
      ['an inverted range', 'period=custom&from=2026-05-01&to=2026-04-01'],
      ['a custom period without its end', 'period=custom&from=2026-05-01'],
      ['an absurd range', 'period=custom&from=2000-01-01&to=2026-01-01'],
      ['a date that does not exist', 'period=day&date=2026-02-30'],
    ])('stats with %s: 400 with the reason', async (_what, query) => {
      const res = await getJson<{ message: string }>(url(CITY, `/api/v1/stats?${query}`));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body).length).toBeGreaterThan(20);
    });

    it.each([
      ['a page size over the limit', 'pageSize=500'],
      ['an unknown sort', 'sort=applicantName'],
      ['an unknown filter', 'applicant=王'],
      ['a malformed date', 'filedFrom=yesterday'],
    ])('oversight with %s: 400', async (_what, query) => {
      expect((await getJson(url(CITY, `/api/v1/oversight/cases?${query}`))).status).toBe(400);
    });
  });

  describe('supervision tickets (督办)', () => {
    type Ticket = { ticketId: string; status: string; deliveredTo: string | null; answer: string | null };
    const ticketAt = async (code: string, caseNo: string) =>
      (await getJson<{ items: Ticket[] }>(url(code, `/api/v1/supervision/tickets?caseNo=${caseNo}`))).body
        .items[0];

    it('the city issues a ticket; it reaches the handling community, is answered there, and the city follows it', async () => {
      const community = '150202001001';
      const c = await file(community, '150200-MZ-003');
      await mustAct(community, c.caseNo, 'accept');
      await awaitCase(CITY, c.caseNo, 2);
      const issued = await postJson<Ticket>(url(CITY, '/api/v1/supervision/tickets'), {
        caseNo: c.caseNo,
        reason: '群众反映办理进度慢，请说明情况并加快办理',
        dueDate: '2026-12-31',
        officer: '市效能办 赵敏',
      });
      expect(issued.status).toBe(201);
      expect(issued.body.status).toBe('issued');
      const { ticketId } = issued.body;

      // Delivered: the community records it in the case; every tier sees the event.
      await eventually(
        async () => ((await ticketAt(CITY, c.caseNo))?.status === 'delivered' ? true : undefined),
        { what: `ticket ${ticketId} delivered, seen at the city` },
      );
      expect(await ticketAt(CITY, c.caseNo)).toMatchObject({ deliveredTo: community });
      const atCommunity = await caseAt(community, c.caseNo);
      expect(atCommunity?.lifecycle).toMatchObject({
        supervisions: [expect.objectContaining({ ticketId }) as unknown],
      });

      // Answered at the handling node; the district and the city follow.
      const wrong = await act(community, c.caseNo, 'answer-supervision', {
        ticketId: '00000000-0000-4000-8000-000000000000',
        answer: '—',
      });
      expect(wrong.status).toBe(409);
      await mustAct(community, c.caseNo, 'answer-supervision', {
        ticketId,
        answer: '已补派人手，本周内办结',
      });
      for (const code of ['150202', CITY]) {
        await eventually(
          async () => ((await ticketAt(code, c.caseNo))?.status === 'answered' ? true : undefined),
          { what: `ticket ${ticketId} answered, seen at ${code}` },
        );
      }
      expect(await ticketAt(CITY, c.caseNo)).toMatchObject({ answer: '已补派人手，本周内办结' });
    });

    it('is refused at a community, for a closed case, and with a bad body', async () => {
      const community = '150202001001';
      const c = await file(community, '150200-MZ-003');
      const body = { caseNo: c.caseNo, reason: '请加快办理' };
      expect((await postJson(url(community, '/api/v1/supervision/tickets'), body)).status).toBe(403);
      await mustAct(community, c.caseNo, 'reject', { reason: '材料不符' });
      await awaitCase('150202', c.caseNo, 2);
      expect((await postJson(url('150202', '/api/v1/supervision/tickets'), body)).status).toBe(409);
      expect(
        (await postJson(url('150202', '/api/v1/supervision/tickets'), { caseNo: 'x', reason: '' })).status,
      ).toBe(400);
    });
  });

  describe('the warning clock', () => {
    afterAll(stopRestartedNodes);

    type Deadline = {
      promised: { date: string; excludedDays: { date: string; reason: string }[] };
      legal: { date: string };
      calendar: { version: number };
      warningRecorded: { level: string; legalBreached: boolean } | null;
    };
    type Scan = { scan: { examined: number; changed: number } };
    /** Moves the node's clock: back to its pinned start (0), or to `hour` in Shanghai on `date`. */
    const moveClock = async (code: string, to: 0 | string, hour = 12) => {
      const body = to === 0 ? { offsetMs: 0 } : { at: `${to}T${String(hour).padStart(2, '0')}:00:00+08:00` };
      const res = await put<Scan>(url(code, '/api/v1/test/clock'), body);
      expect(res.status).toBe(200);
      return res.body.scan;
    };
    const nextDay = (date: string) =>
      new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10) + 1))
        .toISOString()
        .slice(0, 10);
    const warnings = async (code: string, caseNo: string) =>
      (await historyAt(code, caseNo))
        .filter((e) => e.type === 'case.warning-changed')
        .map(
          (e) =>
            (e.action as { level: string; legalBreached: boolean }).level +
            ((e.action as { legalBreached: boolean }).legalBreached ? '+legal' : ''),
        );

    it('turns a case yellow, then red, with the passing of time: each transition once, at every tier, and a restart repeats nothing', async () => {
      const community = '150204003001';
      const c = await file(community, '150200-MZ-003'); // promised 10 working days, legal 20
      await mustAct(community, c.caseNo, 'accept');
      expect((await moveClock(community, 0)).changed).toBeGreaterThanOrEqual(1);
      const d = (await getJson<Deadline>(url(community, `/api/v1/cases/${c.caseNo}/deadline`))).body;
      expect(d.warningRecorded).toMatchObject({ level: 'green', legalBreached: false });
      expect(d.promised.date > (c.filedAt as string).slice(0, 10)).toBe(true);

      // On the deadline day: yellow (0 working days left). The day after: red.
      await moveClock(community, d.promised.date);
      await moveClock(community, nextDay(d.promised.date));
      // Time passes, nothing changes: no new transition.
      await moveClock(community, nextDay(d.promised.date), 13);
      expect(await warnings(community, c.caseNo)).toEqual(['green', 'yellow', 'red']);

      // The alerts reach the district and the city, in the case's history and in their alert lists.
      await awaitCase(CITY, c.caseNo, 5);
      expect(await warnings(CITY, c.caseNo)).toEqual(['green', 'yellow', 'red']);
      const alerts = await getJson<{ items: { caseNo: string; level: string; node: string }[] }>(
        url(CITY, '/api/v1/alerts?level=red'),
      );
      expect(alerts.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ caseNo: c.caseNo, level: 'red', node: community }),
        ]),
      );

      // A restart of the node: the state is in the case, so nothing is lost or repeated.
      const n = node(community);
      killNode(n.pid);
      restartNode(n);
      await eventually(
        async () => ((await getJson(url(community, '/health'))).status === 200 ? true : undefined),
        {
          what: `community ${community} healthy again`,
          timeoutMs: 45000,
        },
      );
      await moveClock(community, nextDay(d.promised.date));
      expect(await warnings(community, c.caseNo)).toEqual(['green', 'yellow', 'red']);

      // Past the legal limit: flagged on its own.
      await moveClock(community, nextDay(d.legal.date));
      expect(await warnings(community, c.caseNo)).toEqual(['green', 'yellow', 'red', 'red+legal']);
      await eventually(async () => ((await warnings(CITY, c.caseNo)).length === 4 ? true : undefined), {
        what: 'the legal breach at the city',
      });

      // Explained: the excluded days name their reason.
      const explained = (await getJson<Deadline>(url(CITY, `/api/v1/cases/${c.caseNo}/deadline`))).body;
      expect(explained.promised.date).toBe(d.promised.date);
      expect(
        explained.promised.excludedDays.every((x) =>
          ['weekend', 'holiday', 'local-day-off'].includes(x.reason),
        ),
      ).toBe(true);
      await moveClock(community, 0);
    });

    it('moving the clock is refused where it is not enabled, and a deadline of an unknown case is 404', async () => {
      expect((await getJson(url(CITY, `/api/v1/cases/${CITY}00000000000000000000000/deadline`))).status).toBe(
        404,
      );
      const res = await put(url(CITY, '/api/v1/test/clock'), { offsetMs: -5 });
      expect(res.status).toBe(400);
    });
  });
}

const node150204001002 = () => url('150204001002', '');
