import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { encodeBatch, encodeEvent, FederationEvent } from '@fed/contracts';
import { STATEMENT_PARAM_BYTES } from '@fed/persistence';
import { describeLifecycle } from './lifecycle.tests';
import {
  acceptedEvent,
  awaitCase,
  awaitMetric,
  caseAt,
  CaseView,
  CITY,
  COMMUNITIES,
  cutDatabaseConnections,
  DISTRICTS,
  districtOf,
  historyAt,
  metric,
  otherDistrict,
  total,
  url,
  eventually,
  filedEvent,
  filingBody,
  getJson,
  JsonResponse,
  newCaseNo,
  node,
  killNode,
  postJson,
  restartNode,
  stopRestartedNodes,
  testEnv,
} from '@fed/testing';

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const shanghaiDate = (at: Date) => {
  const parts = Object.fromEntries(SHANGHAI.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}${parts.month}${parts.day}`;
};

describe('the demo federation on real Kafka and PostgreSQL', () => {
  let producer: Producer;
  const topic = (code: string) => `${testEnv.namespace}.up.${code}`;

  type Envelope = FederationEvent | Buffer;
  const envelope = (e: Envelope) => (Buffer.isBuffer(e) ? e : Buffer.from(encodeEvent(e)));

  /**
   * Publishes as `sender` would, straight onto a node's inbound topic, one Kafka message per item: an
   * event goes as a batch of one, a list of envelopes as one packed batch, raw bytes as they are.
   */
  async function publish(to: string, sender: string, messages: (Envelope | Envelope[])[]) {
    await producer.send({
      topic: topic(to),
      acks: -1,
      messages: messages.map((m) => {
        const first = Buffer.isBuffer(m) ? undefined : [m].flat().find((e) => !Buffer.isBuffer(e));
        return {
          key: first && !Buffer.isBuffer(first) ? first.caseNo : 'garbage',
          value: Buffer.isBuffer(m) ? m : encodeBatch([m].flat().map(envelope)),
          headers: { 'fed-sender': sender },
        };
      }),
    });
  }

  beforeAll(async () => {
    const kafka = new Kafka({ brokers: testEnv.kafkaBrokers, clientId: 'e2e', logLevel: logLevel.WARN });
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  it('every node is healthy and knows its place in the federation', async () => {
    for (const code of [CITY, ...Object.keys(DISTRICTS), ...COMMUNITIES]) {
      expect((await getJson(url(code, '/health'))).status).toBe(200);
    }
    const district = (await getJson(url('150202', '/api/v1/node'))).body;
    expect(district).toMatchObject({
      tier: 'district',
      code: '150202',
      name: '东河区',
      parent: { code: CITY, tier: 'city' },
      children: DISTRICTS['150202'].map((code): unknown =>
        expect.objectContaining({ code, tier: 'community' }),
      ),
    });
    expect((await getJson(url(CITY, '/api/v1/node'))).body).toMatchObject({ tier: 'city', parent: null });
  });

  it('cases filed at every community reach their district and the city with identical content and history', async () => {
    const filed: CaseView[] = [];
    for (const community of COMMUNITIES) {
      for (let i = 0; i < 3; i++) {
        const res = await postJson<CaseView & { applicantPersonal: unknown }>(
          url(community, '/api/v1/cases'),
          filingBody(),
        );
        expect(res.status).toBe(201);
        expect(res.body.caseNo.startsWith(community)).toBe(true);
        // The nodes run in America/New_York; the number carries the filing date in Asia/Shanghai.
        expect(res.body.caseNo.slice(12, 20)).toBe(shanghaiDate(new Date(res.body.filedAt as string)));
        filed.push(res.body);
      }
    }
    for (const c of filed) {
      const community = c.caseNo.slice(0, 12);
      const atCommunity = await caseAt(community, c.caseNo);
      // Personal data stays at the community (DESIGN §5); everything else is the replicated record.
      const { applicantPersonal, ...shared } = atCommunity!;
      expect(applicantPersonal).toMatchObject({ name: '王小明' });
      expect(await awaitCase(districtOf(community), c.caseNo)).toEqual(shared);
      expect(await awaitCase(CITY, c.caseNo)).toEqual(shared);
      const history = await historyAt(community, c.caseNo);
      expect(history).toHaveLength(1);
      expect(await historyAt(districtOf(community), c.caseNo)).toEqual(history);
      expect(await historyAt(CITY, c.caseNo)).toEqual(history);
    }
    // The query code's hash is compared by the citizen lookup only: no answer shows it (an 8-character
    // code is found from its unsalted hash offline).
    const listed = await getJson<{ items: unknown[] }>(url(CITY, `/api/v1/cases?pageSize=50`));
    const oversight = await getJson<{ items: unknown[] }>(url(CITY, '/api/v1/oversight/cases?pageSize=50'));
    for (const shown of [
      filed,
      listed.body.items,
      oversight.body.items,
      await caseAt(CITY, filed[0].caseNo),
    ]) {
      expect(JSON.stringify(shown)).not.toMatch(/queryCodeHash|[0-9a-f]{64}/);
    }
    // Upper tiers see the applicant masked.
    expect(JSON.stringify(await caseAt(CITY, filed[0].caseNo))).not.toContain(
      (filed[0] as unknown as { applicantPersonal: { idNumber: string } }).applicantPersonal.idNumber,
    );

    // Never sideways: a community's cases are unknown at the other district.
    for (const c of filed) {
      const other = otherDistrict(districtOf(c.caseNo.slice(0, 12)));
      expect((await getJson(url(other, `/api/v1/cases/${c.caseNo}`))).status).toBe(404);
    }
    for (const community of COMMUNITIES) {
      expect(await total(otherDistrict(districtOf(community)), `&communityCode=${community}`)).toBe(0);
      expect(await total(CITY, `&communityCode=${community}`)).toBeGreaterThanOrEqual(3);
    }
  });

  it('every node reports its sync in /metrics: published, applied, backlog, lag, broker wait, apply time', async () => {
    // After the filings above: each tier has published and applied, and says how long messages waited.
    const community = COMMUNITIES[0];
    const district = districtOf(community);
    expect(await metric(community, 'fed_cases_filed_total')).toBeGreaterThan(0);
    expect(await metric(community, 'fed_events_published_total')).toBeGreaterThan(0);
    for (const code of [district, CITY]) {
      expect(await metric(code, 'fed_events_applied_total')).toBeGreaterThan(0);
      expect(await metric(code, 'fed_fetch_wait_seconds_count')).toBeGreaterThan(0);
      expect(await metric(code, 'fed_apply_batch_seconds_count')).toBeGreaterThan(0);
      expect(await metric(code, 'fed_event_delay_seconds_count')).toBeGreaterThan(0);
    }
    expect(await metric(district, 'fed_events_published_total')).toBeGreaterThan(0);
    const text = await (await fetch(url(district, '/metrics'))).text();
    for (const name of [
      'fed_outbox_backlog',
      'fed_consumer_lag',
      'fed_events_duplicate_total',
      'fed_events_dead_lettered_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
  });

  it('files a bulk of cases at once, in the order given, and they reach the city', async () => {
    const community = '150204001002';
    // About 600 KB to store at the community: several statements (STATEMENT_PARAM_BYTES), one transaction.
    const cases = Array.from({ length: 120 }, (_v, i) =>
      filingBody({ formData: { line: i, note: '材料齐全'.repeat(200) } }),
    );
    expect(Buffer.byteLength(JSON.stringify(cases))).toBeGreaterThan(STATEMENT_PARAM_BYTES);
    const res = await postJson<{ items: CaseView[] }>(url(community, '/api/v1/cases/batch'), { cases });
    expect(res.status).toBe(201);
    expect(res.body.items.map((c) => c.formData)).toEqual(cases.map((c) => c.formData));
    expect(new Set(res.body.items.map((c) => c.caseNo)).size).toBe(120);
    for (const c of res.body.items)
      expect(await awaitCase(CITY, c.caseNo)).toMatchObject({ formData: c.formData });
  });

  it('applies a redelivered event once, at the district and at the city', async () => {
    const community = '150204003001';
    const event = filedEvent(newCaseNo(community));
    const dupsBefore = await metric('150204', 'fed_events_duplicate_total');
    await publish('150204', community, [event, event]);
    await publish('150204', community, [event]);
    await awaitCase(CITY, event.caseNo);
    await awaitMetric(
      '150204',
      'fed_events_duplicate_total',
      dupsBefore + 2,
      'two duplicates counted at the district',
    );
    expect(await historyAt('150204', event.caseNo)).toHaveLength(1);
    expect(await historyAt(CITY, event.caseNo)).toEqual(await historyAt('150204', event.caseNo));
    // The district relayed it once, so the city saw no duplicate of it either.
    const cityStatus = await getJson<{ sources: { node: string; eventsApplied: number }[] }>(
      url(CITY, '/api/v1/sync/status'),
    );
    expect(cityStatus.body.sources.find((s) => s.node === community)?.eventsApplied).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('applies events of one case in version order when they arrive out of order', async () => {
    const community = '150202002003';
    const caseNo = newCaseNo(community);
    const v1 = filedEvent(caseNo);
    const v2 = acceptedEvent(caseNo, 2);
    await publish('150202', community, [v2]);
    await eventually(
      async () => {
        const s = await getJson<{ parkedEvents: number }>(url('150202', '/api/v1/sync/status'));
        return s.body.parkedEvents > 0 ? true : undefined;
      },
      { what: 'version 2 parked at the district' },
    );
    expect(await caseAt('150202', caseNo)).toBeUndefined();
    await publish('150202', community, [v1]);

    for (const code of ['150202', CITY]) {
      const c = await awaitCase(code, caseNo, 2);
      expect(c).toMatchObject({ version: 2, status: 'accepted' });
      expect((await historyAt(code, caseNo)).map((e) => [e.version, e.type, e.eventId])).toEqual([
        [1, 'case.filed', v1.eventId],
        [2, 'case.accepted', v2.eventId],
      ]);
    }
  });

  it('sets aside an event the database refuses (an event id reused for another case) and applies the rest', async () => {
    const community = '150202002003';
    const first = filedEvent(newCaseNo(community));
    const reused = filedEvent(newCaseNo(community), { eventId: first.eventId });
    const after = filedEvent(newCaseNo(community));
    await publish('150202', community, [first, reused, after]);

    await awaitCase(CITY, after.caseNo);
    // The two cases may sit in different partitions and be applied in either order: whichever
    // comes second is refused. Wait until both have been dealt with.
    const outcome = await eventually(
      async () => {
        const held = await Promise.all([first, reused].map((e) => caseAt('150202', e.caseNo)));
        const letters = await getJson<{ items: { reason: string; key: string | null }[] }>(
          url('150202', '/api/v1/sync/dead-letters'),
        );
        const refused = [first, reused].find((_, i) => !held[i]);
        const letter = letters.body.items.find((l) => l.key === refused?.caseNo);
        return held.filter(Boolean).length === 1 && letter ? letter : undefined;
      },
      { what: 'one of the two cases applied and the other dead-lettered' },
    );
    expect(outcome.reason).toMatch(/^cannot be applied: .*uq_case_event_event_id/);
  });

  it('dead-letters a message that does not decode or is not allowed, counts it, and goes on', async () => {
    const community = '150202001001';
    const lettersBefore = await metric('150202', 'fed_events_dead_lettered_total');
    const good = filedEvent(newCaseNo(community));
    const foreign = filedEvent(newCaseNo('150204001002'));
    const [before, after] = [1, 2].map(() => filedEvent(newCaseNo(community)));
    await publish('150202', community, [Buffer.from('not a protobuf batch'), foreign]);
    await publish('150202', '150204001002', [foreign]);
    // One packed message with a bad envelope between two good ones: only that envelope is set aside.
    await publish('150202', community, [[before, Buffer.from('not a protobuf envelope'), after]]);
    await publish('150202', community, [good]);

    for (const e of [good, before, after]) await awaitCase(CITY, e.caseNo);
    await awaitMetric(
      '150202',
      'fed_events_dead_lettered_total',
      lettersBefore + 4,
      'four dead letters counted',
    );
    expect(
      await metric('150202', 'fed_events_dead_lettered_total', 'reason="undecodable"'),
    ).toBeGreaterThanOrEqual(1);
    expect(await caseAt('150202', foreign.caseNo)).toBeUndefined();
    expect(await caseAt(CITY, foreign.caseNo)).toBeUndefined();
    const letters = await getJson<{ items: { reason: string; key: string | null; index: number }[] }>(
      url('150202', '/api/v1/sync/dead-letters'),
    );
    const at = (index: number) => letters.body.items.filter((l) => l.index === index).map((l) => l.reason);
    expect(at(-1).some((r) => r.startsWith('batch does not decode'))).toBe(true);
    expect(at(1).some((r) => r.startsWith('envelope does not decode'))).toBe(true);
    expect(letters.body.items.map((l) => l.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('origin 150204001002 is not within sender 150202001001'),
        expect.stringContaining('sender 150204001002 on'),
      ]),
    );
  });

  describe('filing with an Idempotency-Key', () => {
    const community = '150204003001';
    type Filed = { caseNo: string; queryCode: string; applicantPersonal: { idNumber: string } };
    const file = (body: unknown, key: string, path = '/api/v1/cases') =>
      postJson<Filed & { items: Filed[] }>(url(community, path), body, { 'idempotency-key': key });

    it('a repeat files nothing new and answers as the first did, query code included', async () => {
      const key = randomUUID();
      const body = filingBody();
      const before = await total(community);
      const first = await file(body, key);
      expect(first.status).toBe(201);
      expect(first.headers?.get('idempotent-replayed')).toBeNull();
      // A clerk's retry after a timeout, and two more clicks at once.
      const again = await Promise.all([file(body, key), file(body, key), file(body, key)]);
      for (const res of again) {
        expect(res.status).toBe(201);
        expect(res.headers?.get('idempotent-replayed')).toBe('true');
        expect(res.body).toEqual(first.body);
      }
      expect(await total(community)).toBe(before + 1);
      await awaitCase(CITY, first.body.caseNo);
      expect((await historyAt(CITY, first.body.caseNo)).map((e) => e.version)).toEqual([1]);
    });

    it('the same key sent at once from several places files one case', async () => {
      const key = randomUUID();
      const body = filingBody();
      const before = await total(community);
      const answers = await Promise.all(Array.from({ length: 8 }, () => file(body, key)));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
      expect(new Set(answers.map((a) => a.body.caseNo)).size).toBe(1);
      expect(answers.filter((a) => a.headers?.get('idempotent-replayed') === null)).toHaveLength(1);
      expect(await total(community)).toBe(before + 1);
    });

    it('a bulk filing repeated files its cases once', async () => {
      const key = randomUUID();
      const body = { cases: [filingBody(), filingBody(), filingBody()] };
      const before = await total(community);
      const first = await file(body, key, '/api/v1/cases/batch');
      const again = await file(body, key, '/api/v1/cases/batch');
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.body).toEqual(first.body);
      expect(first.body.items).toHaveLength(3);
      expect(await total(community)).toBe(before + 3);
    });

    it('a key reused for another request: 422 with the reason, nothing filed', async () => {
      const key = randomUUID();
      const first = await file(filingBody(), key);
      expect(first.status).toBe(201);
      const before = await total(community);
      const other = await file(filingBody(), key);
      expect(other.status).toBe(422);
      expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });
      const batch = await file({ cases: [filingBody()] }, key, '/api/v1/cases/batch');
      expect(batch.status).toBe(422);
      expect(await total(community)).toBe(before);
    });

    it.each([
      ['empty', ''],
      ['too short', 'form-0042'],
      ['too long', 'k'.repeat(129)],
      ['with a space', 'form 0042 of station 7'],
      ['not ASCII', 'clé-0123456789abcdef'],
    ])('a key %s: 400 naming the header, nothing filed', async (_what, key) => {
      const before = await total(community);
      const res = await file(filingBody(), key);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('Idempotency-Key');
      expect(await total(community)).toBe(before);
    });
  });

  describe('bad input at the community API changes nothing', () => {
    const community = '150202001001';

    it.each([
      [
        'an invalid ID check digit',
        { applicant: { name: '李四', idNumber: '110105194912310021', phone: '13812345678' } },
        'applicant.idNumber',
      ],
      [
        'a landline phone',
        { applicant: { name: '李四', idNumber: '11010519491231002X', phone: '04712345678' } },
        'applicant.phone',
      ],
      ['an unknown channel', { channel: 'fax' }, 'channel'],
      ['formData that is not an object', { formData: 'x' }, 'formData'],
      ['an unexpected field', { priority: 'high' }, 'priority'],
      ['a form over 64 KiB', { formData: { blob: 'x'.repeat(70 * 1024) } }, 'formData'],
      ['a NUL in the form', { formData: { note: 'a\u0000b' } }, 'formData'],
      [
        'a NUL in the name',
        { applicant: { name: '李\u0000四', idNumber: '11010519491231002X', phone: '13812345678' } },
        'applicant.name',
      ],
    ])('%s: 400 naming the field', async (_what, overrides, field) => {
      const before = await total(community);
      const res = await postJson<{ errors: { field: string }[] }>(
        url(community, '/api/v1/cases'),
        filingBody(overrides),
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
      expect(await total(community)).toBe(before);
    });

    it.each([
      ['1e400', /formData\.area is a number too large/],
      ['12345678901234567890', /formData\.area is an integer beyond 2\^53/],
    ])('a form number stored other than as sent (%s): 400 naming formData, nothing filed', async (n, why) => {
      const before = await total(community);
      const body = JSON.stringify(filingBody({ formData: { area: 0 } })).replace('"area":0', `"area":${n}`);
      expect(body).toContain(`"area":${n}`);
      const res = await postJson<{ errors: { field: string; messages: string[] }[] }>(
        url(community, '/api/v1/cases'),
        body,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'formData', messages: [expect.stringMatching(why) as string] },
      ]);
      expect(await total(community)).toBe(before);
    });

    it('a bulk filing with one bad case: 400 naming it, and none of the others is filed', async () => {
      const before = await total(community);
      const cases = [filingBody(), filingBody({ channel: 'fax' }), filingBody()];
      const res = await postJson<{ errors: { field: string }[] }>(url(community, '/api/v1/cases/batch'), {
        cases,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain('cases.1.channel');
      expect(await total(community)).toBe(before);
    });

    it.each([
      ['empty', { cases: [] }],
      ['over 500 cases', { cases: Array.from({ length: 501 }, () => filingBody()) }],
      ['not a list', { cases: filingBody() }],
    ])('a bulk filing that is %s: 400, nothing filed', async (_what, body) => {
      const before = await total(community);
      const res = await postJson<{ errors: { field: string }[] }>(
        url(community, '/api/v1/cases/batch'),
        body,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain('cases');
      expect(await total(community)).toBe(before);
    });

    it('a body over 1 MB: 413', async () => {
      const before = await total(community);
      const res = await fetch(url(community, '/api/v1/cases'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(filingBody({ formData: { blob: 'x'.repeat(1024 * 1024) } })),
      });
      expect(res.status).toBe(413);
      expect(await total(community)).toBe(before);
    });

    it('a body nesting deeper than 32 levels: 400 before validation walks it', async () => {
      const before = await total(community);
      const deep = '{"d":'.repeat(100_000) + '1' + '}'.repeat(100_000);
      const body = JSON.stringify(filingBody()).replace('"formData":{', `"formData":{"deep":${deep},`);
      const res = await postJson<{ message: string }>(url(community, '/api/v1/cases'), body);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('nests deeper than 32 levels');
      expect(await total(community)).toBe(before);
    });

    it('an unpaired surrogate (\\ud800 alone) in any string: 400, not a failed write', async () => {
      const before = await total(community);
      for (const body of [
        JSON.stringify(filingBody({ formData: { note: 'a\ud800b' } })),
        JSON.stringify(filingBody()).replace('"name":"', '"name":"\\udc00'),
        JSON.stringify({ cases: [filingBody(), filingBody({ formData: { ['k\udbff']: 1 } })] }),
      ]) {
        const batch = body.startsWith('{"cases"');
        const res = await postJson<{ message: string }>(
          url(community, batch ? '/api/v1/cases/batch' : '/api/v1/cases'),
          body,
        );
        expect(res.status).toBe(400);
        expect(res.body.message).toContain('unpaired UTF-16 surrogate');
      }
      // A pair, escaped or not, is text.
      const pair = JSON.stringify(filingBody({ formData: { note: '😀' } })).replace('😀', '\\ud83d\\ude00');
      expect((await postJson(url(community, '/api/v1/cases'), pair)).status).toBe(201);
      expect(await total(community)).toBe(before + 1);
    });

    it('malformed JSON: 400; an unknown route or case: 404', async () => {
      expect((await postJson(url(community, '/api/v1/cases'), '{"itemCode": ')).status).toBe(400);
      expect((await getJson(url(community, '/api/v1/nothing-here'))).status).toBe(404);
      expect((await getJson(url(community, `/api/v1/cases/${newCaseNo(community)}`))).status).toBe(404);
      expect((await getJson(url(community, '/api/v1/cases?pageSize=5000'))).status).toBe(400);
    });

    it.each([
      ['a case', 'GET', community, '/api/v1/cases/abc%00'],
      ['a citizen lookup', 'GET', community, '/api/v1/public/cases/a%00?queryCode=x'],
      ['an action', 'POST', community, '/api/v1/cases/a%00/actions/accept'],
      ['statistics', 'GET', community, '/api/v1/stats?department=%00'],
      ['oversight', 'GET', CITY, '/api/v1/oversight/cases?department=%00'],
      ['a case number with a NUL after it', 'GET', community, `/api/v1/cases/${newCaseNo(community)}%00`],
    ])('a NUL in the URL of %s: 400 with the reason, nothing changed', async (_what, method, code, path) => {
      const before = await total(community);
      const res =
        method === 'POST'
          ? await postJson<{ message: string }>(url(code, path), {})
          : await getJson<{ message: string }>(url(code, path));
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('NUL');
      expect(await total(community)).toBe(before);
    });

    it('a :caseNo that cannot be a case number: 404 like an unknown case, on every route that takes one', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/cases/abc'],
        ['GET', '/api/v1/cases/abc/events'],
        ['GET', '/api/v1/cases/abc/deadline'],
        ['GET', '/api/v1/public/cases/abc?queryCode=ABCD2345'],
        ['POST', '/api/v1/cases/abc/actions/accept'],
        ['GET', `/api/v1/cases/${community}`],
      ]) {
        const res =
          method === 'POST'
            ? await postJson<{ code: string }>(url(community, path), {})
            : await getJson<{ code: string }>(url(community, path));
        expect({ path, status: res.status, code: res.body.code }).toEqual({
          path,
          status: 404,
          code: 'CASE_NOT_FOUND',
        });
      }
    });

    it.each([
      ['oversight, a 30 February', CITY, '/api/v1/oversight/cases?filedFrom=2025-02-30', 'filedFrom'],
      ['oversight, a year 0000', CITY, '/api/v1/oversight/cases?filedTo=0000-00-00', 'filedTo'],
      ['the CSV export', CITY, '/api/v1/oversight/cases.csv?filedFrom=2025-02-30', 'filedFrom'],
      ['statistics', community, '/api/v1/stats?period=day&date=2025-02-29', 'date'],
      ['the calendar', community, '/api/v1/calendar/working-days?from=2026-02-01&to=2026-02-30', 'to'],
    ])(
      'an impossible date in %s: 400 naming the field, before any byte of an answer',
      async (_what, code, path, field) => {
        const res = await fetch(url(code, path));
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/json');
        const body = (await res.json()) as { errors: { field: string; messages: string[] }[] };
        expect(body.errors).toEqual([
          {
            field,
            messages: [`${field} must be a date YYYY-MM-DD that exists, from 1970-01-01 to 9999-12-31`],
          },
        ]);
      },
    );

    it('a supervision ticket due on an impossible date: 400 naming dueDate, no ticket issued', async () => {
      const caseNo = newCaseNo(community);
      const res = await postJson<{ errors: { field: string }[] }>(url(CITY, '/api/v1/supervision/tickets'), {
        caseNo,
        reason: '请加快办理',
        dueDate: '2025-02-30',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toEqual(['dueDate']);
      const tickets = await getJson<{ items: unknown[] }>(
        url(CITY, `/api/v1/supervision/tickets?caseNo=${caseNo}`),
      );
      expect(tickets.body.items).toEqual([]);
    });

    it('statistics at the edges of the calendar: the periods it holds answered, a week it cannot hold 400 with the reason', async () => {
      type Stats = { period: { from: string; to: string }; total: { received: number } };
      const month = await getJson<Stats>(url(community, '/api/v1/stats?period=month&date=9999-12-31'));
      expect(month.status).toBe(200);
      expect(month.body.period).toMatchObject({ from: '9999-12-01', to: '9999-12-31' });
      expect(month.body.total.received).toBe(0);
      const lastDay = await getJson<Stats>(
        url(community, '/api/v1/stats?period=custom&from=9999-12-31&to=9999-12-31'),
      );
      expect(lastDay.status).toBe(200);
      expect(lastDay.body.period).toMatchObject({ from: '9999-12-31', to: '9999-12-31' });
      for (const date of ['1970-01-01', '9999-12-31']) {
        const week = await getJson<{ code: string; message: string }>(
          url(community, `/api/v1/stats?period=week&date=${date}`),
        );
        expect(week.status).toBe(400);
        expect(week.body.code).toBe('STATS_BAD_PERIOD');
        expect(week.body.message).toContain(`the week of ${date} runs outside 1970-01-01 to 9999-12-31`);
      }
    });
  });

  // Lifecycle, hand-off, catalog, calendar, citizen lookup (in this file: the nodes are shared).
  describeLifecycle();

  // Last, because it kills nodes the other tests use.
  describe('when nodes die', () => {
    afterAll(stopRestartedNodes);

    const appliedFrom = async (code: string, origin: string) => {
      const status = await getJson<{ sources: { node: string; eventsApplied: number }[] }>(
        url(code, '/api/v1/sync/status'),
      );
      return status.body.sources.find((s) => s.node === origin)?.eventsApplied ?? 0;
    };
    /**
     * Every case a community of 150202 holds now beyond `before.community` (answered 201 or not: a
     * filing cut off may have been committed) reaches the district and the city once; each answered
     * one has a history of one version at both.
     */
    const expectEachAppliedOnce = async (
      code: string,
      before: { community: number; district: number; city: number },
      filed: string[],
    ) => {
      const committed = (await total(code)) - before.community;
      expect(committed).toBeGreaterThanOrEqual(filed.length);
      await eventually(
        async () => ((await appliedFrom(CITY, code)) >= before.city + committed ? true : undefined),
        { what: `all ${committed} cases applied at the city`, timeoutMs: 45000 },
      );
      expect(await appliedFrom('150202', code)).toBe(before.district + committed);
      expect(await appliedFrom(CITY, code)).toBe(before.city + committed);
      for (const caseNo of filed) {
        expect((await historyAt(CITY, caseNo)).map((e) => e.version)).toEqual([1]);
        expect((await historyAt('150202', caseNo)).map((e) => e.version)).toEqual([1]);
      }
    };
    /** Files `n` cases at `community`, 10 at a time, each answered 201; their numbers go to `filed`. */
    const fileCasesAt = async (community: string, n: number, filed: string[]) => {
      for (let i = 0; i < n; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, () =>
            postJson<{ caseNo: string }>(url(community, '/api/v1/cases'), filingBody()),
          ),
        );
        for (const res of batch) {
          expect(res.status).toBe(201);
          filed.push(res.body.caseNo);
        }
      }
    };

    it('loses nothing and counts nothing twice when the databases of a community, its district and the city drop every connection while cases flow', async () => {
      // The other district than the kill tests below, which restart 150204 and the city.
      const code = '150202001001';
      const tiers = [node(code), node('150202'), node(CITY)];
      const interrupted = () =>
        tiers.reduce((n, t) => n + readFileSync(t.logFile, 'utf8').split('"code":"57P01"').length - 1, 0);
      const before = {
        community: await total(code),
        district: await appliedFrom('150202', code),
        city: await appliedFrom(CITY, code),
        interrupted: interrupted(),
      };
      // Every 150 ms for 3 s, while the community files on: filings, applies, relays and their
      // commits cut mid-way. A filing whose transaction was cut is answered 503 (and retried by the
      // clerk, with its Idempotency-Key); the others are retried on new connections by the node.
      const answers: Promise<JsonResponse<{ caseNo: string; code?: string }>>[] = [];
      const filing = (async () => {
        for (let i = 0; i < 12; i++) {
          const batch = Array.from({ length: 10 }, () =>
            postJson<{ caseNo: string; code?: string }>(url(code, '/api/v1/cases'), filingBody()),
          );
          answers.push(...batch);
          await Promise.all(batch);
        }
      })();
      for (let i = 0; i < 20; i++) {
        await cutDatabaseConnections(tiers);
        await new Promise((r) => setTimeout(r, 150));
      }
      await filing;
      const settled = await Promise.all(answers);
      // A filing cut off is a 503 naming the cause (retry it, with its key), never a 500.
      const refused = settled.filter((a) => a.status !== 201);
      expect(
        refused.filter(
          (a) =>
            a.status !== 503 ||
            a.body.code !== 'database_unavailable' ||
            a.headers?.get('retry-after') !== '2',
        ),
      ).toEqual([]);
      const filed = settled.filter((a) => a.status === 201).map((a) => a.body.caseNo);
      expect(filed.length).toBeGreaterThan(0);
      // Statements were cut in the middle (TypeORM's "query failed" lines carry the SQLSTATE).
      expect(interrupted()).toBeGreaterThan(before.interrupted);

      await expectEachAppliedOnce(code, before, filed);
    });

    it('loses nothing and counts nothing twice when a community is killed while it files and relays', async () => {
      const code = '150202002003';
      const community = node(code);
      const before = {
        community: await total(code),
        district: await appliedFrom('150202', code),
        city: await appliedFrom(CITY, code),
      };
      // 120 filings at once; the process dies once 10 are answered, so the others are in flight: it
      // dies while it commits them and relays the committed ones. A filing in flight gets no answer:
      // it may or may not have been committed.
      let answered = 0;
      let tenAnswered!: () => void;
      const ten = new Promise<void>((resolve) => (tenAnswered = resolve));
      const inFlight = Promise.allSettled(
        Array.from({ length: 120 }, () =>
          postJson<{ caseNo: string }>(url(code, '/api/v1/cases'), filingBody()).finally(() => {
            if (++answered === 10) tenAnswered();
          }),
        ),
      );
      await ten;
      killNode(community.pid);
      const filed: string[] = [];
      const outcomes = await inFlight;
      for (const r of outcomes) {
        if (r.status === 'fulfilled' && r.value.status === 201) filed.push(r.value.body.caseNo);
      }
      expect(outcomes.some((r) => r.status === 'rejected')).toBe(true); // some were cut off

      restartNode(community);
      await eventually(
        async () => ((await getJson(url(code, '/health'))).status === 200 ? true : undefined),
        { what: `community ${code} ready again`, timeoutMs: 60000 },
      );
      await fileCasesAt(code, 20, filed);

      await expectEachAppliedOnce(code, before, filed);
    });

    it('loses nothing and counts nothing twice when the district and the city are killed while cases flow', async () => {
      const community = '150204001002';
      const district = node('150204');
      const city = node(CITY);
      const before = {
        district: await appliedFrom('150204', community),
        city: await appliedFrom(CITY, community),
      };
      const filed: string[] = [];
      const fileCases = (n: number) => fileCasesAt(community, n, filed);

      await fileCases(40);
      killNode(district.pid); // while it is applying and relaying what was just filed
      await fileCases(40); // the community keeps filing while its district is down
      killNode(city.pid);
      await fileCases(40);
      restartNode(district);
      restartNode(city);

      await eventually(
        async () => ((await appliedFrom(CITY, community)) >= before.city + filed.length ? true : undefined),
        {
          what: `all ${filed.length} cases applied at the city`,
          timeoutMs: 45000,
        },
      );
      expect(await appliedFrom('150204', community)).toBe(before.district + filed.length);
      expect(await appliedFrom(CITY, community)).toBe(before.city + filed.length);
      for (const caseNo of filed) {
        const history = await historyAt(CITY, caseNo);
        expect(history.map((e) => e.version)).toEqual([1]);
      }
    });

    it('every node logged one JSON object per line and no ID number, through the cut connections and the kills', () => {
      for (const n of testEnv.nodes) {
        const lines = readFileSync(n.logFile, 'utf8')
          .split('\n')
          .filter((line) => line.length > 0);
        const notJson = lines.filter((line) => {
          try {
            const value: unknown = JSON.parse(line);
            return typeof value !== 'object' || value === null;
          } catch {
            return true;
          }
        });
        expect({ node: n.code, notJson: notJson.slice(0, 3) }).toEqual({ node: n.code, notJson: [] });
        // Applicants' ID numbers never reach a log, not even in a failed statement's error.
        const idNumbers = lines.filter((line) => /\b\d{17}[\dX]\b/.test(line));
        expect({ node: n.code, idNumbers: idNumbers.slice(0, 1) }).toEqual({ node: n.code, idNumbers: [] });
        expect(lines.length).toBeGreaterThan(0);
      }
    });
  });
});
