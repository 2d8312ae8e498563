// My jobs: the technician's tickets (the server answers only theirs) as offers waiting for an answer,
// active jobs and done jobs. An offer arriving live shows at once, with a sound and a notification.
import { useMemo, useState } from 'preact/hooks';
import type { Customer, DeviceView, Ticket, TicketDetail, TicketOffer } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle, PriorityBadge, Section, StatusBadge } from '../components/ui';
import { formatDateTime, formatDue } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { JobAlertsToggle, markOffersSeen, useOfferAlerts } from './job-offer-alerts';
import { JobOfferActions } from './job-offer-actions';
import { DONE_STATUSES, byUrgency, jobTitle } from './job-words';

interface JobsData {
  tickets: Ticket[];
  /** The offer of each dispatched ticket (accepted or not); absent until its detail is read. */
  offers: Record<string, TicketOffer | null>;
  devices: Record<string, DeviceView>;
  customers: Record<string, Customer>;
}

const isOffer = (ticket: Ticket, offers: JobsData['offers']): boolean =>
  ticket.status === 'dispatched' && !offers[ticket.id]?.acceptedAtMs;

export function JobsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(5000);
  const [note, setNote] = useState<string | null>(null);
  const [arrivedLive, setArrivedLive] = useState<ReadonlySet<string>>(new Set());

  const jobs = useLoad(async (): Promise<JobsData> => {
    const [tickets, devices] = await Promise.all([
      api.get<Ticket[]>('/api/tickets'),
      api.get<DeviceView[]>('/api/devices'),
    ]);
    const open = tickets.filter((ticket) => !DONE_STATUSES.has(ticket.status));
    const [details, customers] = await Promise.all([
      Promise.all(
        open
          .filter((ticket) => ticket.status === 'dispatched')
          .map((ticket) => api.get<TicketDetail>(path`/api/tickets/${ticket.id}`).catch(() => null)),
      ),
      Promise.all(
        [...new Set(open.map((ticket) => ticket.customerId).filter((id): id is string => !!id))].map((id) =>
          api.get<Customer>(path`/api/customers/${id}`).catch(() => null),
        ),
      ),
    ]);
    markOffersSeen(tickets.map((ticket) => ticket.id));
    return {
      tickets,
      offers: Object.fromEntries(details.filter((d) => d !== null).map((d) => [d.id, d.offer])),
      devices: Object.fromEntries(devices.map((d) => [d.id, d])),
      customers: Object.fromEntries(customers.filter((c) => c !== null).map((c) => [c.id, c])),
    };
  }, []);

  /** A ticket changed: take the event's copy at once, then its offer, device and customer from the server. */
  const refresh = async (ticket: Ticket): Promise<void> => {
    jobs.update((data) => ({ ...data, tickets: upsert(data.tickets, ticket) }));
    let detail: TicketDetail;
    try {
      detail = await api.get<TicketDetail>(path`/api/tickets/${ticket.id}`);
    } catch {
      // no longer ours (reassigned or declined): it leaves the list
      jobs.update((data) => ({ ...data, tickets: data.tickets.filter((t) => t.id !== ticket.id) }));
      return;
    }
    const [device, customer] = await Promise.all([
      jobs.data?.devices[detail.deviceId]
        ? null
        : api.get<DeviceView>(path`/api/devices/${detail.deviceId}`).catch(() => null),
      !detail.customerId || jobs.data?.customers[detail.customerId]
        ? null
        : api.get<Customer>(path`/api/customers/${detail.customerId}`).catch(() => null),
    ]);
    jobs.update((data) => ({
      tickets: upsert(data.tickets, detail),
      offers: { ...data.offers, [detail.id]: detail.offer },
      devices: device ? { ...data.devices, [device.id]: device } : data.devices,
      customers: customer ? { ...data.customers, [customer.id]: customer } : data.customers,
    }));
  };

  useOfferAlerts((ticket) =>
    setArrivedLive((ids) => (ids.has(ticket.id) ? ids : new Set([...ids, ticket.id]))),
  );
  useSocketEvent('ticket', (ticket) => void refresh(ticket));

  const answered = (ticket: Ticket, answer: 'accepted' | 'declined'): void => {
    setNote(answer === 'accepted' ? t('technician.offer.accepted') : t('technician.offer.declined'));
    if (answer === 'declined') {
      jobs.update((data) => ({ ...data, tickets: data.tickets.filter((one) => one.id !== ticket.id) }));
      return;
    }
    jobs.update((data) => {
      const offer = data.offers[ticket.id];
      return {
        ...data,
        tickets: upsert(data.tickets, ticket),
        offers: {
          ...data.offers,
          [ticket.id]: offer ? { ...offer, acceptedAtMs: offer.acceptedAtMs ?? Date.now() } : offer,
        },
      };
    });
    void refresh(ticket);
  };

  const groups = useMemo(() => {
    const data = jobs.data;
    if (!data) return { offers: [], active: [], done: [] };
    const offers = data.tickets.filter((ticket) => isOffer(ticket, data.offers)).sort(byUrgency);
    const active = data.tickets
      .filter((ticket) => !DONE_STATUSES.has(ticket.status) && !isOffer(ticket, data.offers))
      .sort(byUrgency);
    const done = data.tickets
      .filter((ticket) => DONE_STATUSES.has(ticket.status))
      .sort((a, b) => b.updatedAt - a.updatedAt);
    return { offers, active, done };
  }, [jobs.data]);
  const donePaged = usePaged(groups.done, 10);

  return (
    <div class="job-list-page">
      <PageTitle actions={<JobAlertsToggle />}>{t('technician.jobs.title')}</PageTitle>
      {note ? (
        <p class="success-note" role="status" data-testid="jobs-note">
          {note}
        </p>
      ) : null}
      <Async state={jobs}>
        {(data) => {
          const type = (ticket: Ticket) => data.devices[ticket.deviceId]?.type;
          const area = (ticket: Ticket, withStreet: boolean): string | null => {
            const address = ticket.customerId ? data.customers[ticket.customerId]?.address : undefined;
            if (!address) return null;
            const parts = withStreet ? [address.street, address.city] : [address.postcode, address.city];
            return parts.filter(Boolean).join(', ') || null;
          };
          return (
            <>
              <Section title={t('technician.jobs.offers')} testId="offers">
                <p class="muted small" aria-live="polite" data-testid="offer-count">
                  {t('technician.jobs.offerCount', { count: groups.offers.length })}
                </p>
                {groups.offers.length === 0 ? (
                  <Empty>{t('technician.jobs.noOffers')}</Empty>
                ) : (
                  <ul class="list">
                    {groups.offers.map((ticket) => (
                      <li
                        key={ticket.id}
                        class="item item--major job-card"
                        data-testid={`offer-${ticket.id}`}
                        data-ticket-id={ticket.id}
                      >
                        <div class="item__head">
                          <h3 class="job-card__title">
                            <a href={href('jobs', ticket.id)}>{jobTitle(ticket, type(ticket))}</a>
                          </h3>
                          <span class="toolbar">
                            {arrivedLive.has(ticket.id) ? (
                              <span class="badge badge--warning" data-testid="offer-new">
                                {t('technician.offer.isNew')}
                              </span>
                            ) : null}
                            <PriorityBadge priority={ticket.priority} />
                          </span>
                        </div>
                        <p class="item__meta">
                          {[
                            area(ticket, false),
                            t('technician.jobs.onSiteDue', { due: formatDue(ticket.onSiteBy, now) }),
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </p>
                        <JobOfferActions
                          ticketId={ticket.id}
                          acceptByMs={data.offers[ticket.id]?.acceptByMs ?? null}
                          now={now}
                          onAnswered={answered}
                        />
                      </li>
                    ))}
                  </ul>
                )}
              </Section>

              <Section title={t('technician.jobs.active')} testId="active-jobs">
                <p class="muted small" aria-live="polite" data-testid="active-count">
                  {t('technician.jobs.activeCount', { count: groups.active.length })}
                </p>
                {groups.active.length === 0 ? (
                  <Empty>{t('technician.jobs.noActive')}</Empty>
                ) : (
                  <ul class="list">
                    {groups.active.map((ticket) => (
                      <li
                        key={ticket.id}
                        class="item item--warning job-card"
                        data-testid={`job-${ticket.id}`}
                        data-ticket-id={ticket.id}
                      >
                        <div class="item__head">
                          <h3 class="job-card__title">
                            <a href={href('jobs', ticket.id)}>{jobTitle(ticket, type(ticket))}</a>
                          </h3>
                          <span class="toolbar">
                            <StatusBadge status={ticket.status} />
                            <PriorityBadge priority={ticket.priority} />
                          </span>
                        </div>
                        <p class="item__meta">
                          {[
                            area(ticket, true),
                            t('technician.jobs.onSiteDue', { due: formatDue(ticket.onSiteBy, now) }),
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </p>
                      </li>
                    ))}
                  </ul>
                )}
              </Section>

              <Section title={t('technician.jobs.done')} testId="done-jobs">
                {groups.done.length === 0 ? (
                  <Empty>{t('technician.jobs.noDone')}</Empty>
                ) : (
                  <div class="table-scroll">
                    <table class="data-table data-table--cards">
                      <thead>
                        <tr>
                          <th scope="col">{t('technician.jobs.job')}</th>
                          <th scope="col">{t('technician.jobs.status')}</th>
                          <th scope="col">{t('technician.jobs.finished')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {donePaged.items.map((ticket) => (
                          <tr key={ticket.id} data-testid={`done-${ticket.id}`} data-ticket-id={ticket.id}>
                            <td data-label={t('technician.jobs.job')}>
                              <a href={href('jobs', ticket.id)}>{jobTitle(ticket, type(ticket))}</a>
                            </td>
                            <td data-label={t('technician.jobs.status')}>
                              <StatusBadge status={ticket.status} />
                            </td>
                            <td data-label={t('technician.jobs.finished')} class="nowrap">
                              {formatDateTime(ticket.updatedAt)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                <Pager paged={donePaged} testId="done-pager" />
              </Section>
            </>
          );
        }}
      </Async>
    </div>
  );
}

function upsert<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const index = list.findIndex((one) => one.id === item.id);
  if (index < 0) return [item, ...list];
  const copy = [...list];
  copy[index] = { ...copy[index], ...item };
  return copy;
}
