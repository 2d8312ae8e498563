import { Module } from '@nestjs/common';
import { TechniciansModule } from '../technicians/technicians.module';
import { PartsController } from './parts.controller';
import { PartsRepository } from './parts.repository';
import { PartsService } from './parts.service';
import { TechnicianVanController } from './technician-van.controller';

@Module({
  imports: [TechniciansModule],
  controllers: [PartsController, TechnicianVanController],
  providers: [PartsService, PartsRepository],
  exports: [PartsService],
})
export class PartsModule {}
