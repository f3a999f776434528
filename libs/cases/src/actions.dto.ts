import {
  ACTION_LIMITS,
  CaseAction,
  StaffActionName,
  DELIVERY_METHODS,
  DeliveryMethod,
  Outcome,
  OUTCOMES,
  SPECIAL_PROCEDURE_KINDS,
  SpecialProcedureKind,
  StepName,
  STEPS,
} from '@fed/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { NO_CONTROL, noControl } from './text.rules';

/** Who acts: every action body may name the staff member. */
export class ActionBodyDto {
  @IsOptional()
  @IsString()
  @Length(1, ACTION_LIMITS.officer)
  @Matches(NO_CONTROL, noControl)
  officer?: string;
}

class ReasonDto extends ActionBodyDto {
  @IsString()
  @Length(1, ACTION_LIMITS.reason)
  @Matches(NO_CONTROL, noControl)
  reason!: string;
}

class NoteDto extends ActionBodyDto {
  @IsOptional()
  @IsString()
  @Length(0, ACTION_LIMITS.note)
  @Matches(NO_CONTROL, noControl)
  note?: string;
}

class RequestSupplementDto extends NoteDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ACTION_LIMITS.materials)
  @IsString({ each: true })
  @Length(1, ACTION_LIMITS.material, { each: true })
  @Matches(NO_CONTROL, { each: true, ...noControl })
  materials!: string[];
}

class StartSpecialProcedureDto extends ReasonDto {
  @IsIn(SPECIAL_PROCEDURE_KINDS)
  kind!: SpecialProcedureKind;

  @IsInt()
  @Min(1)
  @Max(ACTION_LIMITS.specialProcedureDays)
  limitDays!: number;
}

class StepDto extends ActionBodyDto {
  @IsIn(STEPS)
  step!: StepName;
}

class EndStepDto extends StepDto {
  @IsOptional()
  @IsString()
  @Length(0, ACTION_LIMITS.note)
  @Matches(NO_CONTROL, noControl)
  opinion?: string;
}

class DecideDto extends ActionBodyDto {
  @IsIn(OUTCOMES)
  outcome!: Outcome;

  @IsString()
  @Length(1, ACTION_LIMITS.result)
  @Matches(NO_CONTROL, noControl)
  result!: string;
}

class DeliverDto extends ActionBodyDto {
  @IsIn(DELIVERY_METHODS)
  method!: DeliveryMethod;
}

class RateDto extends ActionBodyDto {
  @IsInt()
  @Min(1)
  @Max(5)
  score!: number;

  @IsOptional()
  @IsString()
  @Length(0, ACTION_LIMITS.comment)
  @Matches(NO_CONTROL, noControl)
  comment?: string;
}

class HandUpDto extends NoteDto {
  /** The parent node; may be left out, and must be the parent when given. */
  @IsOptional()
  @Matches(/^\d{6}(\d{6})?$/, { message: 'toNode must be a 6 or 12 digit node code' })
  toNode?: string;
}

class AnswerSupervisionDto extends ActionBodyDto {
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'ticketId must be a UUID',
  })
  ticketId!: string;

  @IsString()
  @Length(1, ACTION_LIMITS.result)
  @Matches(NO_CONTROL, noControl)
  answer!: string;
}

/** The body DTO of each action, and how it becomes the action the event carries. */
export const ACTION_BODIES: {
  [A in StaffActionName]: { dto: new () => ActionBodyDto; toAction: (body: never) => CaseAction };
} = {
  accept: { dto: ActionBodyDto, toAction: () => ({ action: 'accept' }) },
  reject: { dto: ReasonDto, toAction: (b: ReasonDto) => ({ action: 'reject', reason: b.reason }) },
  'request-supplement': {
    dto: RequestSupplementDto,
    toAction: (b: RequestSupplementDto) => ({
      action: 'request-supplement',
      materials: b.materials,
      note: b.note ?? '',
    }),
  },
  'receive-supplement': {
    dto: NoteDto,
    toAction: (b: NoteDto) => ({ action: 'receive-supplement', note: b.note ?? '' }),
  },
  'start-special-procedure': {
    dto: StartSpecialProcedureDto,
    toAction: (b: StartSpecialProcedureDto) => ({
      action: 'start-special-procedure',
      kind: b.kind,
      reason: b.reason,
      limitDays: b.limitDays,
    }),
  },
  'end-special-procedure': {
    dto: NoteDto,
    toAction: (b: NoteDto) => ({ action: 'end-special-procedure', note: b.note ?? '' }),
  },
  suspend: { dto: ReasonDto, toAction: (b: ReasonDto) => ({ action: 'suspend', reason: b.reason }) },
  resume: { dto: NoteDto, toAction: (b: NoteDto) => ({ action: 'resume', note: b.note ?? '' }) },
  'start-step': { dto: StepDto, toAction: (b: StepDto) => ({ action: 'start-step', step: b.step }) },
  'end-step': {
    dto: EndStepDto,
    toAction: (b: EndStepDto) => ({ action: 'end-step', step: b.step, opinion: b.opinion ?? '' }),
  },
  decide: {
    dto: DecideDto,
    toAction: (b: DecideDto) => ({ action: 'decide', outcome: b.outcome, result: b.result }),
  },
  deliver: { dto: DeliverDto, toAction: (b: DeliverDto) => ({ action: 'deliver', method: b.method }) },
  withdraw: { dto: ReasonDto, toAction: (b: ReasonDto) => ({ action: 'withdraw', reason: b.reason }) },
  rate: {
    dto: RateDto,
    toAction: (b: RateDto) => ({ action: 'rate', score: b.score, comment: b.comment ?? '' }),
  },
  'answer-supervision': {
    dto: AnswerSupervisionDto,
    toAction: (b: AnswerSupervisionDto) => ({
      action: 'answer-supervision',
      ticketId: b.ticketId,
      answer: b.answer,
    }),
  },
  'hand-up': {
    dto: HandUpDto,
    // toNode is filled in by the service: always the parent of the acting node.
    toAction: (b: HandUpDto) => ({ action: 'hand-up', toNode: b.toNode ?? '', note: b.note ?? '' }),
  },
};
