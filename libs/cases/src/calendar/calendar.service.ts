import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  CalendarGapError,
  CalendarSpec,
  CalendarSpecError,
  InvalidDateError,
  officialCalendarSpec,
  parseIsoDate,
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
import { CalendarError } from './calendar.errors';

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

  /** Runs a calendar question; a year past the known calendar is a 422 naming it, and an operator alert. */
  async answer<T>(question: (c: WorkingCalendar) => T): Promise<{ result: T; inForce: CalendarInForce }> {
    const inForce = await this.inForce();
    try {
      return { result: question(inForce.calendar), inForce };
    } catch (e) {
      if (e instanceof CalendarGapError) {
        this.metrics.calendarGaps.inc({ year: String(e.year) });
        this.logger.warn({
          msg: 'working-day calendar has no arrangement for a year asked about; publish it',
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
    const today = shanghaiToday();
    const year = Number(today.slice(0, 4));
    const alerts: string[] = [];
    for (const y of [year, year + 1]) {
      // The State Council publishes the next year's arrangement in October–November.
      if (!calendar.covers(y) && (y === year || today.slice(5) >= '11-01')) {
        alerts.push(
          `no official holiday arrangement for ${y} yet: dates in ${y} are refused until the city publishes it`,
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

  /** The city publishes a new official arrangement (e.g. next year's, when the notice comes out). */
  async publishOfficial(calendar: PublishedCalendar) {
    if (this.config.node.tier !== 'city') {
      throw CalendarError.notPublisher(
        this.config.node.code,
        'only the city publishes the official arrangement',
      );
    }
    const checked = this.validated(() => withoutVersion(validateCalendarSpec({ version: 1, ...calendar })));
    return this.publish(CALENDAR_PUBLISHED, checked, { onlyIfNone: false });
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
