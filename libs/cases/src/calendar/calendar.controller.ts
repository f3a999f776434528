import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import {
  AddWorkingDaysQuery,
  PublishCalendarDto,
  PublishCalendarQuery,
  PublishOverridesDto,
  WorkingDaysQuery,
} from './calendar.dto';
import { CalendarError } from './calendar.errors';
import { CalendarInForce, CalendarService, isoDate, provisionality } from './calendar.service';

const versions = (f: CalendarInForce) => ({
  calendarVersion: f.official.version,
  overridesVersion: f.overrides?.version ?? null,
});

/** Working-day questions, answered the same whatever the server's time zone. */
@Controller('api/v1/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get()
  describe() {
    return this.calendar.describe();
  }

  /** The official arrangement in force here (holidays and make-up working days of every covered year). */
  @Get('official')
  async official() {
    const { official } = await this.calendar.inForce();
    return { owner: official.owner, version: official.version, ...official.body.calendar };
  }

  /** The `days`-th working day after `from`; `from` itself is not counted (民法典 art. 201). */
  @Get('add-working-days')
  async addWorkingDays(@Query() q: AddWorkingDaysQuery) {
    const from = isoDate(q.from, 'from');
    const { result, inForce } = await this.calendar.answer((c) => {
      const date = c.addWorkingDays(from, q.days);
      return { date, skipped: c.nonWorkingDays(from, date), provisional: c.provisionalYearsIn(from, date) };
    });
    return {
      from,
      days: q.days,
      date: result.date,
      nonWorkingDays: result.skipped,
      ...provisionality(result.provisional),
      ...versions(inForce),
    };
  }

  /** Working days d with from < d ≤ to. */
  @Get('working-days')
  async workingDays(@Query() q: WorkingDaysQuery) {
    const from = isoDate(q.from, 'from');
    const to = isoDate(q.to, 'to');
    if (to < from) throw CalendarError.badRange(`to (${to}) is before from (${from})`);
    const { result, inForce } = await this.calendar.answer((c) => ({
      count: c.countWorkingDays(from, to),
      provisional: c.provisionalYearsIn(from, to),
    }));
    return { from, to, count: result.count, ...provisionality(result.provisional), ...versions(inForce) };
  }

  /** City: publish a new official arrangement (next year's, when the State Council notice is out). */
  @Put()
  async publish(@Body() dto: PublishCalendarDto, @Query() q: PublishCalendarQuery) {
    // Plain objects: the calendar's validation refuses anything else.
    return this.calendar.publishOfficial(
      {
        years: [...dto.years],
        holidays: dto.holidays.map((h) => ({ name: h.name, from: h.from, to: h.to })),
        makeupWorkdays: dto.makeupWorkdays.map((d) => ({ date: d.date, for: d.for })),
        notices: { ...dto.notices },
      },
      { allowPastChanges: q.allowPastChanges === 'true' },
    );
  }

  /** District: replace the local overrides. */
  @Put('overrides')
  async publishOverrides(@Body() dto: PublishOverridesDto) {
    return this.calendar.publishOverrides(
      dto.overrides.map((o) => ({ date: o.date, kind: o.kind, reason: o.reason })),
    );
  }
}
