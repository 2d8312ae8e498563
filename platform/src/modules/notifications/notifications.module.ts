import { Global, Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { TicketsModule } from '../tickets/tickets.module';
import { CareNotifier } from '../../common/care/aftercare-ports';
import { CareNotifierService } from './care-notifier.service';
import { DeliveryChannels } from './delivery-channels';
import { EscalationContacts } from './escalation-contacts.service';
import { NotificationTriggers } from './notification-triggers.service';
import {
  NotificationPreferencesController,
  NotificationsController,
  PushController,
} from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { OutboxPort } from './outbox-port';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { RecipientsRepository } from './recipients.repository';

/**
 * The notifications outbox (`OutboxPort` for every feature), its channels (e-mail, inbox, Web
 * Push, webhooks), templates and triggers, people's preferences, and the SLA escalation contacts.
 */
@Global()
@Module({
  imports: [DevicesModule, TicketsModule],
  controllers: [NotificationsController, NotificationPreferencesController, PushController],
  providers: [
    OutboxRepository,
    RecipientsRepository,
    DeliveryChannels,
    OutboxService,
    { provide: OutboxPort, useExisting: OutboxService },
    NotificationsService,
    NotificationTriggers,
    EscalationContacts,
    { provide: CareNotifier, useClass: CareNotifierService },
  ],
  exports: [OutboxPort, OutboxService, EscalationContacts, NotificationTriggers, CareNotifier],
})
export class NotificationsModule {}
