// What the platform told the customer (and partners) about a ticket or a request: each notification of
// the outbox with its channel, recipient, delivery state, attempts, sent time and last error; reloaded
// when the ticket or the request changes (a change is what sends one).
import type { Notification } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, Section } from '../components/ui';
import { formatAgo, formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { notificationChannelLabel, notificationKindLabel } from './care-words';

type NotificationState = Notification['state'];

const STATE_BADGE: Record<NotificationState, string> = {
  pending: 'badge--warning',
  held: 'badge--minor',
  sent: 'badge--ok',
  kept: 'badge--minor',
  failed: 'badge--critical',
};

export function NotificationStateBadge({ state }: { state: NotificationState }) {
  return (
    <span class={`badge ${STATE_BADGE[state]}`} data-testid="notification-state" data-state={state}>
      {t(`careDesk.notifications.states.${state}`)}
    </span>
  );
}

/** Notifications to staff (a technician's offer, SLA escalations) rather than to the customer. */
const STAFF_KINDS: ReadonlySet<Notification['kind']> = new Set(['new_offer', 'sla_warning', 'sla_breach']);

function recipient(notification: Notification): string {
  if (notification.address) return notification.address;
  if (notification.channel === 'push') return t('careDesk.notifications.pushOf');
  return STAFF_KINDS.has(notification.kind)
    ? t('careDesk.notifications.staffInbox')
    : t('careDesk.notifications.inboxOf');
}

/** `GET /api/notifications?ticketId=` or `?requestId=`, as a section of the page. */
export function CareNotifications({
  ticketId,
  requestId,
  title,
  testId,
}: {
  ticketId?: string;
  requestId?: string;
  title: string;
  testId: string;
}) {
  useI18n();
  const { api } = useApp();
  const now = useNow(10_000);
  const list = useLoad(
    () => api.get<{ items: Notification[]; unread: number }>('/api/notifications', { ticketId, requestId }),
    [ticketId, requestId],
  );
  useSocketEvent('ticket', (ticket) => {
    if (ticketId && ticket.id === ticketId) list.reload();
  });
  useSocketEvent('service_request', (request) => {
    if ((requestId && request.id === requestId) || (ticketId && request.ticketId === ticketId)) list.reload();
  });
  const items = [...(list.data?.items ?? [])].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  const paged = usePaged(items, 10);
  return (
    <Section title={title} testId={testId}>
      <Async state={list}>
        {() =>
          items.length === 0 ? (
            <Empty>{t('careDesk.notifications.none')}</Empty>
          ) : (
            <>
              <p class="muted small" aria-live="polite" data-testid="notification-count">
                {t('careDesk.notifications.count', { count: items.length })}
              </p>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="notification-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('careDesk.notifications.kind')}</th>
                      <th scope="col">{t('careDesk.notifications.channel')}</th>
                      <th scope="col">{t('careDesk.notifications.recipient')}</th>
                      <th scope="col">{t('careDesk.notifications.state')}</th>
                      <th scope="col" class="num">
                        {t('careDesk.notifications.attempts')}
                      </th>
                      <th scope="col">{t('careDesk.notifications.sentAt')}</th>
                      <th scope="col">{t('careDesk.notifications.lastError')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.items.map((n) => (
                      <tr
                        key={n.id}
                        data-testid="notification-row"
                        data-kind={n.kind}
                        data-channel={n.channel}
                        data-state={n.state}
                      >
                        <td data-label={t('careDesk.notifications.kind')}>
                          {notificationKindLabel(n.kind)}{' '}
                          {n.urgent ? (
                            <span class="badge badge--critical">{t('careDesk.notifications.urgent')}</span>
                          ) : null}
                        </td>
                        <td data-label={t('careDesk.notifications.channel')}>
                          {notificationChannelLabel(n.channel)}
                        </td>
                        <td data-label={t('careDesk.notifications.recipient')} class="care-address">
                          {recipient(n)}
                        </td>
                        <td data-label={t('careDesk.notifications.state')}>
                          <NotificationStateBadge state={n.state} />
                          {n.nextAttemptAt && (n.state === 'pending' || n.state === 'held') ? (
                            <div class="muted small">
                              {t('careDesk.notifications.nextAttempt', {
                                when: formatDateTime(Date.parse(n.nextAttemptAt)),
                              })}
                            </div>
                          ) : null}
                        </td>
                        <td data-label={t('careDesk.notifications.attempts')} class="num">
                          {n.attempts}
                        </td>
                        <td data-label={t('careDesk.notifications.sentAt')}>
                          {n.sentAt ? (
                            <>
                              <span class="nowrap">{formatDateTime(Date.parse(n.sentAt))}</span>
                              <div class="muted small">{formatAgo(Date.parse(n.sentAt), now)}</div>
                            </>
                          ) : (
                            <span class="muted">{t('careDesk.notifications.notSent')}</span>
                          )}
                        </td>
                        <td data-label={t('careDesk.notifications.lastError')} class="care-address">
                          {/* kept mail says why in its state: the server's note would repeat it in English */}
                          {n.state !== 'kept' && n.lastError
                            ? n.lastError
                            : t('careDesk.notifications.noError')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} testId="notification-pager" />
            </>
          )
        }
      </Async>
    </Section>
  );
}
