import { Body, Controller, Get, HttpCode, Inject, Param, Put, Query } from '@nestjs/common';
import { shanghaiDate } from '@fed/calendar';
import { isOpen } from '@fed/contracts';
import { caseDeadlines, classify } from '@fed/efficiency';
import { DomainError, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CalendarService, provisionality } from '../calendar/calendar.service';
import { CaseNoPipe } from '../cases.dto';
import { CaseError } from '../cases.errors';
import { CasesRepository } from '../cases.repository';
import { Clock } from './clock';
import { WarningClock } from './warning.clock';

export class AlertsQuery {
  @IsOptional()
  @IsIn(['green', 'yellow', 'red'])
  level?: 'green' | 'yellow' | 'red';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;
}

export class TestClockDto {
  /** How far ahead of its start the node's clock runs, in ms (0: its start, FED_TEST_NOW or real time). */
  @ValidateIf((o: TestClockDto) => o.at === undefined)
  @IsInt()
  @Min(0)
  @Max(3650 * 24 * 3600 * 1000)
  offsetMs?: number;

  /** Or the instant the clock shows from now on (ISO-8601 with its offset). */
  @IsOptional()
  @Matches(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, {
    message: 'at must be an ISO-8601 instant with its offset',
  })
  at?: string;
}

/** Deadlines explained, and the alerts of the warning clock. */
@Controller('api/v1')
export class WarningController {
  constructor(
    private readonly cases: CasesRepository,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    private readonly warnings: WarningClock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  /**
   * Both limits of a case side by side, the calendar version used, every day excluded and why
   * (weekend, holiday, local day off, pause), the resulting dates, and the warning state today.
   */
  @Get('cases/:caseNo/deadline')
  async deadline(@Param('caseNo', CaseNoPipe) caseNo: string) {
    const found = await this.cases.findByCaseNo(caseNo);
    if (!found) throw CaseError.notFound(caseNo);
    const today = shanghaiDate(this.clock.now());
    const { result, inForce } = await this.calendar.answer((calendar) => {
      const deadlines = caseDeadlines(found, calendar, today);
      const now =
        deadlines && isOpen(found.status)
          ? classify(deadlines, found.item.code, today, calendar, this.config.warning.policy)
          : null;
      return { deadlines, now };
    });
    return {
      caseNo,
      status: found.status,
      item: found.item,
      today,
      calendar: {
        version: inForce.official.version,
        overridesVersion: inForce.overrides?.version ?? null,
        notices: inForce.official.body.calendar.notices,
      },
      ...(result.deadlines ?? { acceptedOn: null, promised: null, legal: null }),
      // Each limit says whether it is exact or provisional; this says whether either is.
      ...provisionality(result.deadlines?.provisionalYears ?? []),
      warningNow: result.now,
      warningRecorded: found.lifecycle.warning ?? null,
    };
  }

  /** The latest warning transitions this node holds (its own and, replicated, those of the tiers below). */
  @Get('alerts')
  async alerts(@Query() q: AlertsQuery) {
    return { items: await this.cases.findWarningEvents(q.level ?? null, q.limit) };
  }

  /** Test nodes only (FED_TEST_CLOCK=1): run the warning clock ahead of real time, and scan now. */
  @Put('test/clock')
  @HttpCode(200)
  async moveClock(@Body() dto: TestClockDto) {
    if (!this.config.warning.testClock) {
      throw new DomainError('not_found', 'NOT_FOUND', 'Cannot PUT /api/v1/test/clock');
    }
    if (dto.at !== undefined) this.clock.setNow(new Date(dto.at));
    else this.clock.setOffset(dto.offsetMs ?? 0);
    return {
      offsetMs: this.clock.offset,
      now: this.clock.now().toISOString(),
      scan: await this.warnings.tick(),
    };
  }
}
