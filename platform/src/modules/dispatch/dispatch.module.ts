import { Module } from '@nestjs/common';
import { PartsModule } from '../parts/parts.module';
import { TechniciansModule } from '../technicians/technicians.module';
import { DispatchService } from './dispatch.service';

@Module({
  imports: [TechniciansModule, PartsModule],
  providers: [DispatchService],
  exports: [DispatchService, TechniciansModule, PartsModule],
})
export class DispatchModule {}
