import { Controller, Get, Param, Query } from '@nestjs/common';
import { CaseNoPipe, ListCasesQuery } from './cases.dto';
import { CaseError } from './cases.errors';
import { CasesRepository } from './cases.repository';

/** The read API every tier shares: the cases this node holds. */
@Controller('api/v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesRepository) {}

  @Get()
  async list(@Query() query: ListCasesQuery) {
    const { items, total } = await this.cases.findPage(query, query.page, query.pageSize);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  @Get(':caseNo')
  async get(@Param('caseNo', CaseNoPipe) caseNo: string) {
    const found = await this.cases.findByCaseNo(caseNo);
    if (!found) throw CaseError.notFound(caseNo);
    return found;
  }

  @Get(':caseNo/events')
  async events(@Param('caseNo', CaseNoPipe) caseNo: string) {
    const events = await this.cases.findEvents(caseNo);
    if (events.length === 0) throw CaseError.notFound(caseNo);
    return { caseNo, events };
  }
}
