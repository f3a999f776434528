import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { NODE_CONFIG, NodeConfig } from '@fed/platform';
import { IsString, Length } from 'class-validator';
import { CalendarError, CalendarErrorCode } from './calendar/calendar.errors';
import { CalendarService } from './calendar/calendar.service';
import { CaseNoPipe } from './cases.dto';
import { CaseError } from './cases.errors';
import { CasesRepository } from './cases.repository';
import { caseDeadlines } from '@fed/efficiency';
import { shanghaiDate } from '@fed/calendar';
import { Clock } from './warning/clock';
import { queryCodeMatches } from './query-code';

export class PublicLookupQuery {
  @IsString()
  @Length(1, 32)
  queryCode!: string;
}

/** How a citizen reads each event of the timeline. */
const LABELS: Record<string, string> = {
  'case.filed': '已收件',
  'case.accepted': '已受理',
  'case.rejected': '不予受理',
  'case.supplement-requested': '需补正材料',
  'case.supplement-received': '补正材料已收到',
  'case.special-procedure-started': '进入特别程序',
  'case.special-procedure-ended': '特别程序结束',
  'case.suspended': '已挂起',
  'case.resumed': '恢复办理',
  'case.step-started': '办理中',
  'case.step-ended': '办理中',
  'case.decided': '已办结',
  'case.delivered': '已送达',
  'case.withdrawn': '已撤回',
  'case.rated': '已评价',
  'case.handed-up': '已转上级审批',
};

/**
 * Citizen progress lookup (办件查询) with the case number and the query code given at filing. No
 * personal data; a wrong code answers exactly like an unknown case; rate-limited per client.
 */
@Controller('api/v1/public/cases')
@UseGuards(ThrottlerGuard)
@Throttle({ default: { limit: 20, ttl: 60_000 } })
export class PublicCasesController {
  constructor(
    private readonly cases: CasesRepository,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  @Get(':caseNo')
  async lookup(@Param('caseNo', CaseNoPipe) caseNo: string, @Query() q: PublicLookupQuery) {
    const hash = await this.cases.queryCodeHashOf(caseNo);
    if (hash === null || !queryCodeMatches(caseNo, q.queryCode, hash)) throw CaseError.notFound(caseNo);
    const found = await this.cases.findByCaseNo(caseNo);
    if (!found) throw CaseError.notFound(caseNo);
    const { topology } = this.config;
    const office = (code: string) => (topology.has(code) ? topology.get(code).name : code);
    const events = await this.cases.findEvents(caseNo);
    let expected: string | null = null;
    let provisional = false;
    let note: string | undefined;
    try {
      const today = shanghaiDate(this.clock.now());
      const { result } = await this.calendar.answer((c) =>
        found.status === 'accepted' ? caseDeadlines(found, c, today) : null,
      );
      expected = result?.promised.date ?? null;
      provisional = result?.promised.provisional ?? false;
    } catch (e) {
      // Not knowing the date is no reason to deny the citizen the rest of the answer.
      if (!(e instanceof CalendarError)) throw e;
      note =
        e.code === (CalendarErrorCode.MissingYear as string)
          ? 'the expected completion date cannot be computed yet: the working-day calendar does not reach it'
          : 'the expected completion date is not available at the moment';
    }
    return {
      caseNo,
      item: { code: found.item.code, name: found.item.name, department: found.item.department },
      status: found.status,
      filedAt: found.filedAt,
      promisedDays: found.item.promisedDays,
      expectedCompletionDate: expected,
      // Reaches a year without an official holiday notice yet: may move when it is published.
      ...(expected ? { expectedCompletionProvisional: provisional } : {}),
      ...(note ? { expectedCompletionNote: note } : {}),
      handlingOffice: office(found.handlingNode),
      outcome: found.lifecycle.outcome,
      timeline: events.map((e) => ({
        label: LABELS[e.type] ?? e.type,
        type: e.type,
        at: e.occurredAt,
        office: office(e.originNode),
      })),
    };
  }
}
