import { Module } from '@nestjs/common';
import { TechnicianActivityService } from './technician-activity.service';
import { TechniciansController } from './technicians.controller';
import { TechniciansRepository } from './technicians.repository';
import { TechniciansService } from './technicians.service';

@Module({
  controllers: [TechniciansController],
  providers: [TechniciansService, TechniciansRepository, TechnicianActivityService],
  exports: [TechniciansService],
})
export class TechniciansModule {}
