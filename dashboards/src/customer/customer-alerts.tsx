// Preventive-maintenance alerts, one sentence each, with the repair to follow.
import type { ApplianceType, Ticket } from '../../../contracts/src';
import { href } from '../app/router';
import { Empty } from '../components/ui';
import { BOOKABLE } from './care-booking';
import { t } from '../i18n/i18n';
import { usePredictionEstimate } from '../components/prediction-estimate';
import { maintenanceAlerts, maintenanceText, maintenanceWindowText } from './customer-words';

export function CustomerAlerts({
  tickets,
  typeOf,
  now,
}: {
  tickets: readonly Ticket[];
  typeOf: (deviceId: string) => ApplianceType | undefined;
  now: number;
}) {
  const alerts = maintenanceAlerts(tickets, typeOf, now);
  return (
    <div aria-live="polite" data-testid="maintenance-alerts" data-count={alerts.length}>
      {alerts.length === 0 ? (
        <Empty>{t('customer.alerts.none')}</Empty>
      ) : (
        <ul class="list">
          {alerts.map(({ ticket }) => (
            <MaintenanceAlertItem key={ticket.id} ticket={ticket} type={typeOf(ticket.deviceId)} now={now} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** One alert, its period and interval from the prediction's latest estimate, kept live. */
function MaintenanceAlertItem({
  ticket,
  type,
  now,
}: {
  ticket: Ticket;
  type: ApplianceType | undefined;
  now: number;
}) {
  const estimate = usePredictionEstimate(ticket);
  const window = maintenanceWindowText(estimate, now);
  return (
    <li class="item item--major" data-testid={`maintenance-alert-${ticket.id}`}>
      <p class="customer-alert__text">{maintenanceText(ticket, type, now, estimate)}</p>
      {window ? (
        <p class="small" data-testid={`maintenance-window-${ticket.id}`}>
          {window}
        </p>
      ) : null}
      <p class="care-alert-actions">
        {BOOKABLE.has(ticket.status) && !ticket.appointment ? (
          <a
            class="button button--small"
            href={href('repairs', ticket.id, 'visit')}
            data-testid={`maintenance-book-${ticket.id}`}
          >
            {t('care.alerts.book')}
          </a>
        ) : null}
        <a href={href('repairs', ticket.id)}>{t('customer.alerts.follow')}</a>
      </p>
    </li>
  );
}
