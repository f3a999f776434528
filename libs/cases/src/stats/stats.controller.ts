import { Controller, Get, Query } from '@nestjs/common';
import { StatsQuery } from './stats.dto';
import { StatsService } from './stats.service';

/** Compliance statistics of this node's scope. */
@Controller('api/v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  query(@Query() q: StatsQuery) {
    return this.stats.query(q);
  }
}
