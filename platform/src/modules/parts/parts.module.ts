import { Module } from '@nestjs/common';
import { TechniciansModule } from '../technicians/technicians.module';
import { PartShipmentsController } from './part-shipments.controller';
import { PartShipmentsService } from './part-shipments.service';
import { PartsController } from './parts.controller';
import { PartsRepository } from './parts.repository';
import { PartsService } from './parts.service';
import { TechnicianVanController } from './technician-van.controller';

@Module({
  imports: [TechniciansModule],
  controllers: [PartShipmentsController, PartsController, TechnicianVanController],
  providers: [PartsService, PartsRepository, PartShipmentsService],
  exports: [PartsService, PartShipmentsService],
})
export class PartsModule {}
