import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { validationFailed } from '@fed/platform';
import { FileCaseBatchDto, FileCaseDto } from './filing.dto';
import { FilingAnswer, FilingService } from './filing.service';
import { IDEMPOTENCY_KEY } from './idempotency';

@Controller('api/v1/cases')
export class FilingController {
  constructor(private readonly filing: FilingService) {}

  /**
   * Files a case at this community (收件). With an `Idempotency-Key` header, sending the same request
   * again files nothing new and answers as the first time, marked `Idempotent-Replayed: true`.
   */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  async file(
    @Body() dto: FileCaseDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.filing.file(dto, checkedKey(key)));
  }

  /** Files up to 500 cases at once, all or none; the answer lists them in the order given. */
  @Post('batch')
  @HttpCode(HttpStatus.CREATED)
  async fileMany(
    @Body() dto: FileCaseBatchDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(reply, await this.filing.fileMany(dto.cases, checkedKey(key)));
  }
}

function checkedKey(key: string | undefined): string | undefined {
  if (key === undefined || IDEMPOTENCY_KEY.test(key)) return key;
  throw validationFailed([
    {
      field: 'Idempotency-Key (header)',
      messages: ['Idempotency-Key must be 16 to 128 visible ASCII characters (a random UUID, say)'],
    },
  ]);
}

function answer<T>(reply: FastifyReply, { body, replayed }: FilingAnswer<T>): T {
  if (replayed) void reply.header('idempotent-replayed', 'true');
  return body;
}
