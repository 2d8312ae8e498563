// Customer care on the ticket page: the booked visit window and the service request among the ticket's
// facts, and the notifications the customer was sent about it.
import type { ComponentChildren } from 'preact';
import type { ServiceRequest, TicketDetail } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { formatDate } from '../i18n/format';
import { currentLocale, t } from '../i18n/i18n';
import { CareNotifications } from './care-notifications';

/** "09:00" in the reader's locale. */
const shortTime = (tsMs: number): string =>
  new Intl.DateTimeFormat(currentLocale(), { timeStyle: 'short' }).format(tsMs);

/** The request the ticket answers, by the number the customer quotes. */
function RequestLink({ requestId }: { requestId: string }) {
  const { api } = useApp();
  const request = useLoad(
    () => api.get<ServiceRequest>(path`/api/service-requests/${requestId}`),
    [requestId],
  );
  return (
    <a href={href('requests', requestId)} data-testid="ticket-request-link">
      {request.data?.number ?? t('careDesk.ticket.request')}
    </a>
  );
}

/** Facts to add to the ticket summary: the booked window and the request, when there are. */
export function careTicketFacts(ticket: TicketDetail): Array<[string, ComponentChildren]> {
  const items: Array<[string, ComponentChildren]> = [];
  if (ticket.appointment) {
    const start = Date.parse(ticket.appointment.start);
    const end = Date.parse(ticket.appointment.end);
    items.push([
      t('careDesk.ticket.appointment'),
      <span data-testid="ticket-appointment">
        {t('careDesk.ticket.appointmentWindow', {
          date: formatDate(start),
          start: shortTime(start),
          end: shortTime(end),
        })}
      </span>,
    ]);
  }
  if (ticket.requestId)
    items.push([t('careDesk.ticket.request'), <RequestLink requestId={ticket.requestId} />]);
  return items;
}

export function TicketNotifications({ ticketId }: { ticketId: string }) {
  return (
    <CareNotifications
      ticketId={ticketId}
      title={t('careDesk.notifications.title')}
      testId="ticket-notifications"
    />
  );
}
