import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DevicesModule } from '../devices/devices.module';
import { RealtimeService } from './realtime.service';

@Module({
  imports: [AuthModule, DevicesModule],
  providers: [RealtimeService],
  exports: [RealtimeService],
})
export class RealtimeModule {}
