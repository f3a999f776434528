import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { FileCaseDto } from './filing.dto';
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
}
