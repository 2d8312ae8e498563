import { Global, Module } from '@nestjs/common';
import { PartnerScope } from './partner-scope';
import { AuthModule } from '../auth/auth.module';
import { CustomersModule } from '../customers/customers.module';
import { DevicesModule } from '../devices/devices.module';
import { JobsModule } from '../jobs/jobs.module';
import { IntakePort } from './care-ports';
import { RequestEscalation } from './request-escalation.service';
import { ServiceRequestIntake } from './service-request-intake.service';
import { ServiceRequestsController } from './service-requests.controller';
import { ServiceRequestsRepository } from './service-requests.repository';
import { ServiceRequestsService } from './service-requests.service';

/** Service requests from every channel; provides `IntakePort` to inbound e-mail. */
@Global()
@Module({
  imports: [AuthModule, DevicesModule, CustomersModule, JobsModule],
  controllers: [ServiceRequestsController],
  providers: [
    ServiceRequestsService,
    ServiceRequestsRepository,
    RequestEscalation,
    ServiceRequestIntake,
    { provide: IntakePort, useExisting: ServiceRequestIntake },
    PartnerScope,
  ],
  exports: [ServiceRequestsService, IntakePort, PartnerScope],
})
export class ServiceRequestsModule {}
