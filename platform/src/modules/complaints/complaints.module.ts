import { Global, Module } from '@nestjs/common';
import { ComplaintIntake } from '../../common/care/aftercare-ports';
import { AlarmsModule } from '../alarms/alarms.module';
import { AuthModule } from '../auth/auth.module';
import { CustomersModule } from '../customers/customers.module';
import { DevicesModule } from '../devices/devices.module';
import { JobsModule } from '../jobs/jobs.module';
import { TechniciansModule } from '../technicians/technicians.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ComplaintInvestigationService } from './complaint-investigation.service';
import { ComplaintsController } from './complaints.controller';
import { ComplaintsRepository } from './complaints.repository';
import { ComplaintsService } from './complaints.service';

/** Complaints in the eight steps; provides `ComplaintIntake` (a survey's low score opens one). */
@Global()
@Module({
  imports: [
    AuthModule,
    DevicesModule,
    CustomersModule,
    TicketsModule,
    TechniciansModule,
    AlarmsModule,
    JobsModule,
  ],
  controllers: [ComplaintsController],
  providers: [
    ComplaintsRepository,
    ComplaintsService,
    ComplaintInvestigationService,
    { provide: ComplaintIntake, useExisting: ComplaintsService },
  ],
  exports: [ComplaintIntake, ComplaintsService],
})
export class ComplaintsModule {}
