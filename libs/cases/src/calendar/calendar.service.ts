import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  CalendarGapError,
  CalendarSpec,
  CalendarSpecError,
  InvalidDateError,
  addDays,
  epochDayOfJan1,
  fromEpochDay,
  officialCalendarSpec,
  parseIsoDate,
  PROVISIONAL_RULE,
  shanghaiToday,
  validateCalendarSpec,
  validateOverrides,
  WorkingCalendar,
} from '@fed/calendar';
import {
  CALENDAR_OVERRIDES_PUBLISHED,
  CALENDAR_PUBLISHED,
  PublishedCalendar,
  PublishedOverride,
  ReferenceBody,
  subjectOf,
} from '@fed/contracts';
import { Metrics, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { ReferencePublisher } from '../reference.publisher';
import { ReferenceRepository, StoredReference } from '../reference.repository';
import { Clock } from '../warning/clock';
import { CalendarError } from './calendar.errors';

/** What every answer that used the calendar says about provisional years. */
export interface Provisionality {
  /** True when the answer touched a year without an official arrangement. */
  provisional: boolean;
  provisionalYears: number[];
  /** The rule those years follow (when provisional). */
  provisionalRule?: string;
}

export function provisionality(years: readonly number[]): Provisionality {
  return years.length > 0
    ? { provisional: true, provisionalYears: [...years], provisionalRule: PROVISIONAL_RULE }
    : { provisional: false, provisionalYears: [] };
}

type CalendarBody = Extract<ReferenceBody, { type: typeof CALENDAR_PUBLISHED }>;
type OverridesBody = Extract<ReferenceBody, { type: typeof CALENDAR_OVERRIDES_PUBLISHED }>;

/** The calendar in force at a node: the city's arrangement and its district's overrides, with versions. */
export interface CalendarInForce {
  calendar: WorkingCalendar;
  official: StoredReference<CalendarBody>;
  overrides: StoredReference<OverridesBody> | null;
}

/**
 * The working-day calendar (工作日历): the official arrangement, published by the city (seeded from the
 * State Council notices on its first start), and a district's local overrides, both flowing down.
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CalendarService.name);
  private cached?: { generation: number; value: Promise<CalendarInForce> };

  constructor(
    private readonly references: ReferenceRepository,
    private readonly publisher: ReferencePublisher,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /** The city publishes the official arrangement it ships with, once, when it has none. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.node.tier !== 'city') return;
    await this.publish(CALENDAR_PUBLISHED, withoutVersion(officialCalendarSpec()), { onlyIfNone: true });
  }

  /** City and district codes whose calendar data applies here: [city, district?]. */
  private owners(): { city: string; district: string | null } {
    const chain = this.config.topology.lineage(this.config.node.code);
    return { city: chain[0], district: chain.length > 1 ? chain[1] : null };
  }

  /** The calendar in force here; kept in memory until reference data changes at this node. */
  async inForce(): Promise<CalendarInForce> {
    const generation = this.references.generation;
    if (this.cached?.generation !== generation) {
      const value = this.load();
      this.cached = { generation, value };
      value.catch(() => (this.cached = undefined));
    }
    return this.cached.value;
  }

  private async load(): Promise<CalendarInForce> {
    const { city, district } = this.owners();
    const [official] = await this.references.current<CalendarBody>('calendar', [city]);
    if (!official) throw CalendarError.notReceived(this.config.node.code);
    const [overrides] = district
      ? await this.references.current<OverridesBody>('calendar-overrides', [district])
      : [];
    // Validated on receipt; a failure here means stored data no longer passes today's rules.
    const calendar = this.validated(() =>
      WorkingCalendar.from(
        { version: official.version, ...official.body.calendar },
        overrides?.body.overrides ?? [],
      ),
    );
    return { calendar, official, overrides: overrides ?? null };
  }

  /**
   * Runs a calendar question; a date outside the calendar's range (before its first official year,
   * past its provisional horizon) is a 422 naming the year, and an operator alert.
   */
  async answer<T>(question: (c: WorkingCalendar) => T): Promise<{ result: T; inForce: CalendarInForce }> {
    const inForce = await this.inForce();
    try {
      return { result: question(inForce.calendar), inForce };
    } catch (e) {
      if (e instanceof CalendarGapError) {
        this.metrics.calendarGaps.inc({ year: String(e.year) });
        this.logger.warn({
          msg: 'a date outside the working-day calendar was asked about',
          alert: 'calendar-year-missing',
          year: e.year,
        });
        throw CalendarError.missingYear(e.year, e.message);
      }
      if (e instanceof InvalidDateError || e instanceof RangeError) throw CalendarError.badRange(e.message);
      throw e;
    }
  }

  /** What is in force here, and a warning when next year's arrangement is missing late in the year. */
  async describe() {
    const { calendar, official, overrides } = await this.inForce();
    const today = shanghaiToday(this.clock.now());
    const year = Number(today.slice(0, 4));
    const alerts: string[] = [];
    for (const y of [year, year + 1]) {
      // The State Council publishes the next year's arrangement in October–November.
      if (!calendar.covers(y) && (y === year || today.slice(5) >= '11-01')) {
        alerts.push(
          `no official holiday arrangement for ${y} yet: dates in ${y} follow the law alone (provisional) ` +
            'until the city publishes the notice',
        );
      }
    }
    return {
      official: {
        owner: official.owner,
        version: official.version,
        publishedAt: official.occurredAt,
        years: official.body.calendar.years,
        notices: official.body.calendar.notices,
      },
      provisional: {
        years: calendar.provisionalYears,
        rule: PROVISIONAL_RULE,
      },
      range: calendar.range,
      overrides: overrides && {
        owner: overrides.owner,
        version: overrides.version,
        publishedAt: overrides.occurredAt,
        items: overrides.body.overrides,
      },
      today,
      alerts,
    };
  }

  /**
   * The city publishes a new official arrangement (e.g. next year's, when the notice comes out). The
   * answer lists the days whose working status changes (provisional days corrected included); the
   * same arrangement again changes nothing. One that changes days already past — cases already
   * measured — is refused unless `allowPastChanges`.
   */
  async publishOfficial(calendar: PublishedCalendar, { allowPastChanges = false } = {}) {
    if (this.config.node.tier !== 'city') {
      throw CalendarError.notPublisher(
        this.config.node.code,
        'only the city publishes the official arrangement',
      );
    }
    const checked = this.validated(() => withoutVersion(validateCalendarSpec({ version: 1, ...calendar })));
    const current = await this.inForce().catch(() => null);
    if (current && sameArrangement(current.official.body.calendar, checked)) {
      return {
        subject: current.official.subject,
        version: current.official.version,
        unchanged: true,
        changedDays: [],
      };
    }
    const next = this.validated(() => WorkingCalendar.from({ version: 1, ...checked }));
    const changed = current ? changedDays(current.calendar, next) : [];
    const today = shanghaiToday(this.clock.now());
    const past = changed.filter((d) => d.date < today).map((d) => d.date);
    if (past.length > 0 && !allowPastChanges) throw CalendarError.changesPast(past);
    const published = await this.publish(CALENDAR_PUBLISHED, checked, { onlyIfNone: false });
    return { ...published, unchanged: false, changedDays: changed };
  }

  /** A district replaces its set of local overrides (an extra local day off, a local working day). */
  async publishOverrides(overrides: PublishedOverride[]) {
    if (this.config.node.tier !== 'district') {
      throw CalendarError.notPublisher(this.config.node.code, "local overrides are a district's");
    }
    const checked = this.validated(() => validateOverrides(overrides));
    return this.publish(CALENDAR_OVERRIDES_PUBLISHED, checked, { onlyIfNone: false });
  }

  private validated<T>(check: () => T): T {
    try {
      return check();
    } catch (e) {
      if (e instanceof CalendarSpecError) throw CalendarError.invalid(e.message, [...e.issues]);
      throw e;
    }
  }

  private async publish(
    type: typeof CALENDAR_PUBLISHED | typeof CALENDAR_OVERRIDES_PUBLISHED,
    content: PublishedCalendar | PublishedOverride[],
    { onlyIfNone }: { onlyIfNone: boolean },
  ): Promise<{ subject: string; version: number } | null> {
    const { node } = this.config;
    const body = (
      type === CALENDAR_PUBLISHED
        ? { type, calendar: content as PublishedCalendar }
        : { type, overrides: content as PublishedOverride[] }
    ) as ReferenceBody;
    const subject = subjectOf(node.code, body);
    const event = await this.publisher.publish(subject, (_version, current) =>
      onlyIfNone && current > 0 ? null : body,
    );
    if (!event) return null;
    this.logger.log({ msg: 'calendar published', subject, version: event.version, messageId: event.eventId });
    return { subject, version: event.version };
  }
}

/** A date parameter, checked for being a real date. */
export function isoDate(value: string, field: string): string {
  try {
    return parseIsoDate(value);
  } catch (e) {
    throw CalendarError.badRange(`${field}: ${(e as Error).message}`);
  }
}

/** The arrangement as published: its version is the event's. */
function withoutVersion(spec: CalendarSpec): PublishedCalendar {
  return {
    years: spec.years,
    holidays: spec.holidays,
    makeupWorkdays: spec.makeupWorkdays,
    notices: spec.notices,
  };
}

/** Two arrangements with the same years, days and notices (order of the lists aside). */
function sameArrangement(a: PublishedCalendar, b: PublishedCalendar): boolean {
  const canonical = (c: PublishedCalendar) =>
    JSON.stringify({
      years: [...c.years].sort(),
      holidays: [...c.holidays].map((h) => [h.from, h.to, h.name]).sort(),
      makeupWorkdays: [...c.makeupWorkdays].map((m) => [m.date, m.for]).sort(),
      notices: Object.entries(c.notices).sort(),
    });
  return canonical(a) === canonical(b);
}

/** A day whose working status differs between two calendars, with what it was and becomes. */
export interface ChangedDay {
  date: string;
  was: { working: boolean; provisional: boolean } | null;
  now: { working: boolean; provisional: boolean } | null;
}

/** The days (of either calendar's range) whose working status differs, ascending. */
export function changedDays(before: WorkingCalendar, after: WorkingCalendar): ChangedDay[] {
  const first = Math.min(before.range.first, after.range.first);
  const last = Math.max(before.range.last, after.range.last);
  const kind = (c: WorkingCalendar, date: string) => {
    const year = Number(date.slice(0, 4));
    if (year < c.range.first || year > c.range.last) return null;
    const k = c.dayKind(date);
    return { working: k.working, provisional: k.provisional === true };
  };
  const changed: ChangedDay[] = [];
  for (let d = fromEpochDay(epochDayOfJan1(first)), end = `${last}-12-31`; d <= end; d = addDays(d, 1)) {
    const was = kind(before, d);
    const now = kind(after, d);
    if (was?.working !== now?.working && was !== null && now !== null) changed.push({ date: d, was, now });
  }
  return changed;
}
