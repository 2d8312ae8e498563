import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { JobsModule } from '../jobs/jobs.module';
import { DeviceSalesController, ReturnsController } from './returns.controller';
import { ReturnsRepository } from './returns.repository';
import { ReturnsService } from './returns.service';

/** Appliances' sales, and returns, exchanges and refunds of them. */
@Module({
  imports: [DevicesModule, JobsModule],
  controllers: [DeviceSalesController, ReturnsController],
  providers: [ReturnsService, ReturnsRepository],
  exports: [ReturnsService],
})
export class ReturnsModule {}
