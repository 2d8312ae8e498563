import { Module } from '@nestjs/common';
import { DeviceCommandsRepository } from './device-commands.repository';
import { DeviceCommandsService } from './device-commands.service';
import { DeviceCredentialsController } from './device-credentials.controller';
import { DeviceCredentialsRepository } from './device-credentials.repository';
import { DeviceCredentialsService } from './device-credentials.service';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

@Module({
  // DeviceCredentialsController first: its `devices/ca-certificate` must win over `devices/:id`
  controllers: [DeviceCredentialsController, DevicesController],
  providers: [
    DevicesService,
    DevicesRepository,
    DeviceCommandsService,
    DeviceCommandsRepository,
    DeviceCredentialsService,
    DeviceCredentialsRepository,
  ],
  exports: [DevicesService, DeviceCommandsService, DeviceCredentialsService],
})
export class DevicesModule {}
