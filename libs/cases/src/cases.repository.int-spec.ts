import { DataSource } from 'typeorm';
import { encodeEvent, WarningLevel } from '@fed/contracts';
import { createTestDatabase, lifecycleEvent, newCaseNo } from '@fed/testing';
import { CasesRepository } from './cases.repository';

const COMMUNITY = '150202001001';

describe('CasesRepository.findWarningEvents (real PostgreSQL)', () => {
  let db: DataSource;
  let cases: CasesRepository;
  /** Every warning event stored, newest first, as the list orders them. */
  const stored: { caseNo: string; version: number; level: WarningLevel; at: Date }[] = [];

  beforeAll(async () => {
    db = new DataSource({ type: 'postgres', url: await createTestDatabase('alerts') });
    await db.initialize();
    cases = new CasesRepository(db);
    // 1,200 yellow warnings, the newest, several to a millisecond; older, 3 red ones among 300 green.
    const base = Date.UTC(2026, 10, 26, 0, 0);
    const warnings: { level: WarningLevel; at: number }[] = [
      ...Array.from({ length: 1200 }, (_, i) => ({
        level: 'yellow' as const,
        at: base + 100_000 + Math.floor(i / 3),
      })),
      ...Array.from({ length: 300 }, (_, i) => ({
        level: i % 100 === 50 ? ('red' as const) : ('green' as const),
        at: base + i * 10,
      })),
    ];
    const events = warnings.map(({ level, at }, i) => {
      const caseNo = newCaseNo(COMMUNITY);
      const version = 2 + (i % 3);
      const event = lifecycleEvent(
        caseNo,
        version,
        {
          action: 'warn',
          level,
          legalBreached: false,
          promisedDeadline: '2026-12-04',
          legalDeadline: '2026-12-24',
          workingDaysLeft: 1,
          calendarVersion: 1,
        },
        { occurredAt: new Date(at) },
      );
      stored.push({ caseNo, version, level, at: new Date(at) });
      return event;
    });
    await db.query(
      `INSERT INTO case_event (case_no, version, event_id, event_type, origin_node, occurred_at, envelope)
       SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::bytea[])`,
      [
        events.map((e) => e.caseNo),
        events.map((e) => e.caseVersion),
        events.map((e) => e.eventId),
        events.map(() => 'case.warning-changed'),
        events.map((e) => e.originNode),
        events.map((e) => e.occurredAt.toISOString()),
        events.map((e) => Buffer.from(encodeEvent(e))),
      ],
    );
    stored.sort(
      (a, b) =>
        b.at.getTime() - a.at.getTime() ||
        (a.caseNo < b.caseNo ? -1 : a.caseNo > b.caseNo ? 1 : 0) ||
        b.version - a.version,
    );
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const key = (e: { caseNo: string; version: number }) => `${e.caseNo}:${e.version}`;

  it('finds the warnings of a level however many newer ones of other levels there are', async () => {
    const red = await cases.findWarningEvents('red', 10);
    expect(red.map(key)).toEqual(stored.filter((s) => s.level === 'red').map(key));
    expect(red).toHaveLength(3);
    expect(red.every((r) => r.level === 'red')).toBe(true);
  });

  it('pages through events sharing a millisecond without skipping or repeating one', async () => {
    const green = await cases.findWarningEvents('green', 297);
    expect(green.map(key)).toEqual(stored.filter((s) => s.level === 'green').map(key));
    const yellow = await cases.findWarningEvents('yellow', 1000);
    expect(yellow.map(key)).toEqual(
      stored
        .filter((s) => s.level === 'yellow')
        .slice(0, 1000)
        .map(key),
    );
  });

  it('without a level, answers the newest up to the limit', async () => {
    const newest = await cases.findWarningEvents(null, 7);
    expect(newest.map(key)).toEqual(stored.slice(0, 7).map(key));
  });
});
