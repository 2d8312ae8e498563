import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { DeadLetterRepository } from './dead-letter.repository';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

@Module({
  imports: [DevicesModule],
  controllers: [IngestController],
  providers: [IngestService, DeadLetterRepository],
  exports: [IngestService],
})
export class IngestModule {}
