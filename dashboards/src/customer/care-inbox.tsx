// The customer's inbox (newest first, read and unread, one-tap actions, marked read when opened, live
// through the `notification` event), the unread badge the navigation shows, and "Messages we sent
// you" on a repair or a request: every channel with its delivery state in words.
import { useEffect, useState } from 'preact/hooks';
import type { Notification, NotificationEvent } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle, Section } from '../components/ui';
import { formatAgo, formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { announceUnread, onUnread, type NotificationList, careError } from './care-http';

/** The unread count next to "Inbox" in the navigation: loaded once, then live. */
export function CareInboxBadge() {
  useI18n();
  const { api } = useApp();
  const [unread, setUnread] = useState<number | null>(null);
  const loaded = useLoad(
    () => api.get<NotificationList>('/api/notifications', { channel: 'inbox', unread: 'true' }),
    [],
  );
  useEffect(() => {
    if (loaded.data) setUnread(loaded.data.unread);
  }, [loaded.data]);
  useSocketEvent('notification', (event) => setUnread(event.unread));
  useEffect(() => onUnread(setUnread), []);
  const count = unread ?? 0;
  return (
    <span aria-live="polite" class="care-badge-live">
      {count > 0 ? (
        <span class="care-badge" data-testid="inbox-badge" data-count={count}>
          <span aria-hidden="true">{count > 99 ? '99+' : count}</span>
          <span class="visually-hidden">{t('care.nav.unread', { count })}</span>
        </span>
      ) : (
        <span data-testid="inbox-badge" data-count={0} hidden />
      )}
    </span>
  );
}

/** Where a one-tap action leads. */
export function actionHref(action: NonNullable<Notification['action']>): string {
  switch (action.kind) {
    case 'book_visit':
      return href('repairs', action.id, 'visit');
    case 'open_ticket':
      return href('repairs', action.id);
    case 'open_request':
      return href('requests', action.id);
    // after-sales (customer care, part 2)
    case 'open_survey':
      return href('survey', action.id);
    case 'open_complaint':
      return href('complaints', action.id);
    case 'open_return':
      return href('returns', action.id);
    case 'open_loyalty':
      return '#/loyalty';
    case 'open_approval':
      // staff only; a customer never gets it
      return '#/aftercare';
  }
}

export function InboxPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(30_000);
  const [opened, setOpened] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const inbox = useLoad(() => api.get<NotificationList>('/api/notifications', { channel: 'inbox' }), []);
  useSocketEvent('notification', ({ notification, unread }) => {
    if (notification.channel !== 'inbox') return;
    inbox.update((current) => ({
      unread,
      items: [notification, ...current.items.filter((one) => one.id !== notification.id)],
    }));
  });

  const markRead = async (item: Notification): Promise<void> => {
    if (item.readAt) return;
    try {
      const read = await api.post<NotificationEvent>(path`/api/notifications/${item.id}/read`);
      announceUnread(read.unread);
      inbox.update((current) => ({
        unread: read.unread,
        items: current.items.map((one) => (one.id === item.id ? read.notification : one)),
      }));
    } catch (failure) {
      setError(failure);
    }
  };
  const markAll = async (): Promise<void> => {
    try {
      const marked = await api.post<{ unread: number }>('/api/notifications/read-all');
      const at = new Date().toISOString();
      inbox.update((current) => ({
        unread: marked.unread,
        items: current.items.map((one) => (one.readAt ? one : { ...one, readAt: at })),
      }));
      announceUnread(marked.unread);
    } catch (failure) {
      setError(failure);
    }
  };
  const open = (item: Notification): void => {
    setOpened((current) => new Set([...current, item.id]));
    void markRead(item);
  };

  const items = [...(inbox.data?.items ?? [])]
    .filter((one) => one.channel === 'inbox')
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const paged = usePaged(items, 20);

  return (
    <div class="customer-page">
      <PageTitle
        actions={
          <>
            <a class="button button--ghost" href="#/settings/notifications" data-testid="inbox-settings">
              {t('care.inbox.settings')}
            </a>
            {inbox.data && inbox.data.unread > 0 ? (
              <button
                type="button"
                class="button"
                data-testid="inbox-mark-all"
                onClick={() => void markAll()}
              >
                {t('care.inbox.markAll')}
              </button>
            ) : null}
          </>
        }
      >
        {t('care.inbox.title')}
      </PageTitle>
      {error ? (
        <p class="error-note" role="alert">
          {careError(error)}
        </p>
      ) : null}
      <Async state={inbox}>
        {() => (
          <section class="card" aria-label={t('care.inbox.title')} data-testid="inbox">
            {items.length === 0 ? (
              <Empty>{t('care.inbox.none')}</Empty>
            ) : (
              <>
                <ul class="list care-inbox" aria-live="polite">
                  {paged.items.map((item) => {
                    const isOpen = opened.has(item.id);
                    return (
                      <li
                        key={item.id}
                        class={`item care-note ${item.readAt ? '' : 'care-note--unread'}`}
                        data-testid={`inbox-item-${item.id}`}
                        data-kind={item.kind}
                        data-read={item.readAt ? 'true' : 'false'}
                      >
                        <div class="care-note__head">
                          {item.readAt ? null : (
                            <span class="badge care-unread">{t('care.inbox.unread')}</span>
                          )}
                          <button
                            type="button"
                            class="care-note__subject"
                            aria-expanded={isOpen}
                            data-testid="inbox-open"
                            onClick={() => open(item)}
                          >
                            {item.subject}
                          </button>
                        </div>
                        <p class="muted small">
                          {t('care.inbox.received', { ago: formatAgo(Date.parse(item.createdAt), now) })}
                        </p>
                        {isOpen ? (
                          <p class="care-note__body" data-testid="inbox-body">
                            {item.body}
                          </p>
                        ) : null}
                        {item.action ? (
                          <a
                            class="button button--small"
                            href={actionHref(item.action)}
                            data-testid={`inbox-action-${item.action.kind}`}
                            onClick={() => void markRead(item)}
                          >
                            {t(`care.inbox.action.${item.action.kind}`)}
                          </a>
                        ) : null}
                      </li>
                    );
                  })}
                </ul>
                <Pager paged={paged} />
              </>
            )}
          </section>
        )}
      </Async>
    </div>
  );
}

/** "Messages we sent you" about one repair or request: channel, delivery state, time. */
export function CareSentMessages({ ticketId, requestId }: { ticketId?: string; requestId?: string }) {
  useI18n();
  const { api } = useApp();
  const sent = useLoad(
    () => api.get<NotificationList>('/api/notifications', { ticketId, requestId }),
    [ticketId, requestId],
  );
  useSocketEvent('notification', ({ notification }) => {
    if (
      (ticketId && notification.ticketId === ticketId) ||
      (requestId && notification.requestId === requestId)
    )
      sent.reload(); // the other channels of the same message are stored with it
  });
  const items = [...(sent.data?.items ?? [])]
    .filter((one) => one.channel !== 'webhook')
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const paged = usePaged(items, 10);
  return (
    <Section title={t('care.sent.title')} testId="sent-messages">
      <Async state={sent}>
        {() =>
          items.length === 0 ? (
            <Empty>{t('care.sent.none')}</Empty>
          ) : (
            <>
              <ul class="list care-sent" aria-live="polite">
                {paged.items.map((item) => (
                  <li
                    key={item.id}
                    class="item"
                    data-testid="sent-message"
                    data-channel={item.channel}
                    data-state={item.state}
                  >
                    <p class="care-sent__subject">{t(`care.sent.kind.${item.kind}`)}</p>
                    <p class="muted small">
                      {t('care.sent.at', {
                        channel: t(`care.sent.channel.${item.channel}`),
                        time: formatDateTime(Date.parse(item.sentAt ?? item.createdAt)),
                      })}{' '}
                      <span class={`badge care-delivery care-delivery--${item.state}`}>
                        {t(`care.sent.state.${item.state}`)}
                      </span>
                    </p>
                  </li>
                ))}
              </ul>
              <Pager paged={paged} />
            </>
          )
        }
      </Async>
    </Section>
  );
}
