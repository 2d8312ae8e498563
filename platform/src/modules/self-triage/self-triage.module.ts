import { Global, Module } from '@nestjs/common';
import { AlarmsModule } from '../alarms/alarms.module';
import { AppointmentsModule } from '../appointments/appointments.module';
import { DevicesModule } from '../devices/devices.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { TriagePort, VisitPort } from '../service-requests/care-ports';
import { TicketsModule } from '../tickets/tickets.module';
import { CustomerVisitService } from './customer-visit.service';
import { HelpArticlesController } from './help-articles.controller';
import { HelpArticlesRepository } from './help-articles.repository';
import { HelpArticlesService } from './help-articles.service';
import { SelfTriageService } from './self-triage.service';

/**
 * Self-triage before a visit (`TriagePort`), the customer-sourced visit ticket (`VisitPort`) and
 * the customer help articles. Global: the service requests module asks for the ports by their
 * abstract classes.
 */
@Global()
@Module({
  imports: [DevicesModule, AlarmsModule, IncidentsModule, TicketsModule, AppointmentsModule],
  controllers: [HelpArticlesController],
  providers: [
    HelpArticlesRepository,
    HelpArticlesService,
    { provide: TriagePort, useClass: SelfTriageService },
    { provide: VisitPort, useClass: CustomerVisitService },
  ],
  exports: [TriagePort, VisitPort, HelpArticlesService],
})
export class SelfTriageModule {}
