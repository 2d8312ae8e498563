import { Module } from '@nestjs/common';
import { DeviceCommandsRepository } from './device-commands.repository';
import { DeviceCommandsService } from './device-commands.service';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

@Module({
  controllers: [DevicesController],
  providers: [DevicesService, DevicesRepository, DeviceCommandsService, DeviceCommandsRepository],
  exports: [DevicesService, DeviceCommandsService],
})
export class DevicesModule {}
