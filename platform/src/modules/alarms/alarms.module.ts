import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { AlarmsController } from './alarms.controller';
import { AlarmsRepository } from './alarms.repository';
import { AlarmsService } from './alarms.service';

@Module({
  imports: [DevicesModule],
  controllers: [AlarmsController],
  providers: [AlarmsService, AlarmsRepository],
  exports: [AlarmsService],
})
export class AlarmsModule {}
