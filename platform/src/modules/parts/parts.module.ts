import { Module } from '@nestjs/common';
import { PartsController } from './parts.controller';
import { PartsRepository } from './parts.repository';
import { PartsService } from './parts.service';

@Module({
  controllers: [PartsController],
  providers: [PartsService, PartsRepository],
  exports: [PartsService],
})
export class PartsModule {}
