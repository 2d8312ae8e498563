// One repair as its customer follows it: the progress in their words, the technician and, while on the
// way, how far away and when they arrive (live `location` events), the outcome, and a reopening within
// 30 days of the fix. Another customer's repair answers 404: "not found".
import { useState } from 'preact/hooks';
import type { Customer, DeviceView, Ticket, TicketDetail, TicketEta } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Async, Facts, PageTitle, Section } from '../components/ui';
import { formatAgo, formatDate } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { faultModeLabel, partLabel, typeLabel } from '../i18n/labels';
import { RepairFeedback } from './aftercare-repair-feedback';
import { BOOKABLE, CareBooking } from './care-booking';
import { CareSentMessages } from './care-inbox';
import { CustomerEta } from './customer-eta';
import { CustomerRepairTimeline } from './customer-repair-timeline';
import { CustomerReopen } from './customer-reopen';
import { RepairStatusBadge, repairSubject } from './customer-words';

interface RepairData {
  ticket: TicketDetail;
  device?: DeviceView;
  home: Customer | null;
}

export function RepairPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api, me } = useApp();
  const id = params.id ?? '';
  const now = useNow(5000);
  const [reopened, setReopened] = useState(false);

  const repair = useLoad(async (): Promise<RepairData> => {
    const ticket = await api.get<TicketDetail>(path`/api/tickets/${id}`);
    const [device, home] = await Promise.all([
      api.get<DeviceView>(path`/api/devices/${ticket.deviceId}`).catch(() => undefined),
      me.customerId
        ? api.get<Customer>(path`/api/customers/${me.customerId}`).catch(() => null)
        : Promise.resolve(null),
    ]);
    return { ticket, device, home };
  }, [id]);

  useSocketEvent('ticket', (ticket) => {
    if (ticket.id !== id) return;
    repair.update((data) => ({ ...data, ticket: { ...data.ticket, ...ticket } }));
    repair.reload(); // the detail brings the timeline and the arrival estimate
  });
  // kept apart from the loaded detail: a reload that started before this event must not put an
  // older position back
  const [liveEta, setLiveEta] = useState<TicketEta | null>(null);
  useSocketEvent('location', (event) => {
    if (event.ticketId !== id) return;
    setLiveEta({ etaMs: event.etaMs, technicianLocation: { lat: event.lat, lon: event.lon, ts: event.ts } });
  });
  const newestEta = (loaded: TicketEta | null): TicketEta | null =>
    liveEta && (!loaded || liveEta.technicianLocation.ts >= loaded.technicianLocation.ts) ? liveEta : loaded;

  const onReopened = (ticket: Ticket): void => {
    setReopened(true);
    repair.update((data) => ({ ...data, ticket: { ...data.ticket, ...ticket } }));
    repair.reload();
  };

  return (
    <div class="customer-page">
      <p class="breadcrumb">
        <a href="#/repairs">{t('customer.repair.back')}</a>
      </p>
      <Async state={repair}>
        {({ ticket, device, home }) => (
          <>
            <PageTitle
              actions={
                <span aria-live="polite" data-testid="repair-status">
                  <RepairStatusBadge status={ticket.status} />
                </span>
              }
            >
              {repairSubject(ticket, device?.type)}
            </PageTitle>
            <p class="muted small">{t('customer.repair.reference', { id: ticket.id.slice(0, 8) })}</p>
            {reopened ? (
              <p class="success-note" role="status" data-testid="reopened-note">
                {t('customer.repair.reopen.done')}
              </p>
            ) : null}

            <div class="columns customer-columns">
              <Section title={t('customer.repair.progress')} testId="repair-progress">
                <CustomerRepairTimeline ticket={ticket} />
                <RepairStatusNote ticket={ticket} now={now} />
              </Section>

              <Section title={t('customer.repair.technician')} testId="repair-technician">
                {ticket.assigneeName ? (
                  <p data-testid="repair-technician-name">
                    <strong>{t('customer.repair.technicianName', { name: ticket.assigneeName })}</strong>
                  </p>
                ) : null}
                {ticket.status === 'en_route' ? (
                  <CustomerEta eta={newestEta(ticket.eta)} home={home?.location ?? null} now={now} />
                ) : (
                  <p>
                    {ticket.assigneeId ||
                    ['on_site', 'waiting_parts', 'resolved', 'verified', 'closed'].includes(ticket.status)
                      ? ticket.status === 'on_site'
                        ? t('customer.repair.arrivedText')
                        : t('customer.repair.technicianAssigned')
                      : t('customer.repair.technicianNone')}
                  </p>
                )}
              </Section>
            </div>

            <Section title={t('customer.repair.problem')} testId="repair-problem">
              <Facts
                items={[
                  [
                    t('customer.repair.appliance'),
                    device ? [typeLabel(device.type), device.model].filter(Boolean).join(' · ') : '–',
                  ],
                  ...(ticket.faultMode
                    ? [[t('customer.repair.fault'), faultModeLabel(ticket.faultMode)] as [string, string]]
                    : []),
                  ...(ticket.likelyPart
                    ? [[t('customer.repair.partLabel'), partLabel(ticket.likelyPart)] as [string, string]]
                    : []),
                  [t('customer.repairs.reported'), formatDate(ticket.createdAt)],
                ]}
              />
            </Section>

            {BOOKABLE.has(ticket.status) || ticket.appointment ? (
              <Section title={t('care.booking.title')} testId="repair-booking">
                <CareBooking key={`${ticket.id}:${ticket.status}`} ticket={ticket} />
              </Section>
            ) : null}

            <CustomerReopen ticket={ticket} now={now} onReopened={onReopened} />

            <CareSentMessages ticketId={ticket.id} />

            <RepairFeedback ticket={ticket} />
          </>
        )}
      </Async>
    </div>
  );
}

function RepairStatusNote({ ticket, now }: { ticket: TicketDetail; now: number }) {
  const text =
    ticket.status === 'waiting_parts'
      ? t('customer.repair.waitingParts')
      : ticket.status === 'cancelled'
        ? t('customer.repair.cancelled')
        : ticket.status === 'reopened'
          ? t('customer.repair.reopened')
          : ticket.status === 'resolved' && ticket.resolvedAt
            ? t('customer.repair.repairedText', { ago: formatAgo(ticket.resolvedAt, now) })
            : ticket.status === 'verified' || ticket.status === 'closed'
              ? t('customer.repair.confirmedText')
              : null;
  return text ? (
    <p class="customer-status-note" aria-live="polite" data-testid="repair-note">
      {text}
    </p>
  ) : null;
}
