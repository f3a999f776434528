import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { SupervisionService } from './supervision.service';
import { IsIsoDate } from '../iso-date.validator';
import { NO_CONTROL } from '../text.rules';

export class IssueTicketDto {
  @Matches(/^\d{12}\d{8}\d{6,10}$/, { message: 'caseNo must be a case number' })
  caseNo!: string;

  @IsString()
  @Length(1, 500)
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters' })
  reason!: string;

  @IsOptional()
  @IsIsoDate()
  dueDate?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(NO_CONTROL, { message: 'officer must not contain control characters' })
  officer?: string;
}

export class TicketsQuery {
  @IsOptional()
  @IsIn(['issued', 'delivered', 'answered'])
  status?: string;

  @IsOptional()
  @Matches(/^\d{12}\d{8}\d{6,10}$/, { message: 'caseNo must be a case number' })
  caseNo?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

/** Supervision tickets (督办): issued by a district or the city, answered at the handling node. */
@Controller('api/v1/supervision/tickets')
export class SupervisionController {
  constructor(private readonly supervision: SupervisionService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  issue(@Body() dto: IssueTicketDto) {
    return this.supervision.issue(dto);
  }

  /** The tickets this node knows (issued here, passing through, or delivered here), newest first. */
  @Get()
  async list(@Query() q: TicketsQuery) {
    return { items: await this.supervision.list({ status: q.status, caseNo: q.caseNo }, q.limit) };
  }
}
