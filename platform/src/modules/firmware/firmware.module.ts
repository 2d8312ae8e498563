import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { JobsModule } from '../jobs/jobs.module';
import { FirmwareCampaignsService } from './firmware-campaigns.service';
import { FirmwareController } from './firmware.controller';
import { FirmwareImagesService } from './firmware-images.service';
import { FirmwareRepository } from './firmware.repository';

/** Firmware images (upload, signing, download) and campaigns (waves, soak, halt, rollback). */
@Module({
  imports: [DevicesModule, JobsModule],
  controllers: [FirmwareController],
  providers: [FirmwareImagesService, FirmwareCampaignsService, FirmwareRepository],
  exports: [FirmwareImagesService, FirmwareCampaignsService],
})
export class FirmwareModule {}
