import { Module } from '@nestjs/common';
import { FilingController } from './filing.controller';
import { FilingRepository } from './filing.repository';
import { FilingService } from './filing.service';

@Module({
  controllers: [FilingController],
  providers: [FilingRepository, FilingService],
})
export class FilingModule {}
