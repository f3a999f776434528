import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DomainError, NODE_CONFIG, NodeConfig } from '@fed/platform';
import { CaseView } from '../cases.repository';
import { OversightRepository } from './oversight.repository';
import { OversightQuery } from './stats.dto';

const CSV_COLUMNS: [string, (c: CaseView) => string | number | boolean | null | undefined][] = [
  ['caseNo', (c) => c.caseNo],
  ['districtCode', (c) => c.districtCode],
  ['communityCode', (c) => c.communityCode],
  ['itemCode', (c) => c.itemCode],
  ['itemName', (c) => c.item.name],
  ['department', (c) => c.item.department],
  ['status', (c) => c.status],
  ['handlingNode', (c) => c.handlingNode],
  ['filedAt', (c) => c.filedAt],
  ['acceptedAt', (c) => c.lifecycle.acceptedAt],
  ['acceptedBy', (c) => c.lifecycle.acceptedBy],
  ['decidedAt', (c) => c.lifecycle.decidedAt],
  ['decidedBy', (c) => c.lifecycle.decidedBy],
  ['outcome', (c) => c.lifecycle.outcome],
  ['promisedDeadline', (c) => c.lifecycle.timing?.promisedDeadline ?? c.lifecycle.warning?.promisedDeadline],
  ['completion', (c) => c.lifecycle.timing?.completion],
  ['warningLevel', (c) => c.lifecycle.warning?.level],
  ['legalBreached', (c) => c.lifecycle.warning?.legalBreached],
  ['rating', (c) => c.lifecycle.rating?.score],
];

/** RFC 4180 field; a leading = + - @ tab or CR is defused so a spreadsheet does not run it as a formula. */
function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Oversight (效能监察) queries of a district or the city over its scope. */
@Controller('api/v1/oversight')
export class OversightController {
  constructor(
    private readonly oversight: OversightRepository,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  private supervisorsOnly(): void {
    if (this.config.node.tier === 'community') {
      throw new DomainError(
        'forbidden',
        'OVERSIGHT_NOT_HERE',
        'oversight queries are for a district or the city',
      );
    }
  }

  @Get('cases')
  async cases(@Query() q: OversightQuery) {
    this.supervisorsOnly();
    const { items, total } = await this.oversight.page(q);
    return { items, total, page: q.page, pageSize: q.pageSize, sort: q.sort, order: q.order };
  }

  /** The same query as CSV, streamed in filing order (newest first) however many rows match. */
  @Get('cases.csv')
  async casesCsv(@Query() q: OversightQuery): Promise<StreamableFile> {
    this.supervisorsOnly();
    const pages = this.oversight.all(q);
    // The first page is read before the answer starts: a query the database refuses is then an error
    // answer with its status, not a 200 whose download stops after the header.
    const first = await pages.next();
    const rows = (page: CaseView[]) =>
      page.map((c) => CSV_COLUMNS.map(([, get]) => csvField(get(c))).join(',')).join('\r\n') + '\r\n';
    async function* lines() {
      yield `\uFEFF${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;
      if (first.done) return;
      yield rows(first.value);
      for await (const page of pages) yield rows(page);
    }
    return new StreamableFile(Readable.from(lines()), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="cases.csv"',
    });
  }
}
