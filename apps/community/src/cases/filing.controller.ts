import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { FileCaseBatchDto, FileCaseDto } from './filing.dto';
import { FilingService } from './filing.service';

@Controller('api/v1/cases')
export class FilingController {
  constructor(private readonly filing: FilingService) {}

  /** Files a case at this community (收件). */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  file(@Body() dto: FileCaseDto) {
    return this.filing.file(dto);
  }

  /** Files up to 500 cases at once, all or none; the answer lists them in the order given. */
  @Post('batch')
  @HttpCode(HttpStatus.CREATED)
  async fileMany(@Body() dto: FileCaseBatchDto) {
    return { items: await this.filing.fileMany(dto.cases) };
  }
}
