// One service request for the service desk (`#/requests/<id>`): its facts in words, what the
// self-triage found, the conversation with a reply box, attachments, opening a visit, matching a
// request from an unknown sender, the linked ticket and what the customer was told; live through the
// `service_request` event.
import type { ComponentChildren } from 'preact';
import type { Customer, DeviceView, Partner, ServiceRequest } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { profileFor, useProfiles } from '../components/profiles';
import { Async, Facts, PageTitle, Section } from '../components/ui';
import { formatAgo, formatDateTime } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { CareNotifications } from './care-notifications';
import { Attachments, Conversation, MatchForm, RequestActions, TriageView } from './care-request-parts';
import { AnswerBy, ChannelBadge, RequestStatusBadge, UrgencyBadge } from './care-requests-page';
import { departmentLabel, requestTypeLabel, symptomLabel } from './care-words';
import { loadAllCustomers } from './desk-data';
import { ticketRef } from './ticket-words';

export function RequestPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const now = useNow(1000);
  const request = useLoad(() => api.get<ServiceRequest>(path`/api/service-requests/${id}`), [id]);
  const deviceId = request.data?.deviceId ?? null;
  const customerId = request.data?.customerId ?? null;
  const needsMatching = request.data?.status === 'needs_matching';
  const device = useLoad(
    () => (deviceId ? api.get<DeviceView>(path`/api/devices/${deviceId}`) : Promise.resolve(null)),
    [deviceId],
  );
  const customer = useLoad(
    () => (customerId ? api.get<Customer>(path`/api/customers/${customerId}`) : Promise.resolve(null)),
    [customerId],
  );
  const customers = useLoad(
    () => (needsMatching ? loadAllCustomers(api) : Promise.resolve([] as Customer[])),
    [needsMatching],
  );
  const profiles = useProfiles();
  useSocketEvent('service_request', (changed) => {
    if (changed.id === id) request.update(() => changed);
  });
  const replace = (changed: ServiceRequest): void => request.update(() => changed);

  return (
    <>
      <nav class="breadcrumb" aria-label={t('careDesk.request.breadcrumb')}>
        <a href="#/requests">{t('careDesk.nav.requests')}</a> / <span>{request.data?.number ?? '…'}</span>
      </nav>
      <Async state={request}>
        {(detail) => {
          const d = device.data ?? undefined;
          const profile = d ? profileFor(profiles.data, d.type) : undefined;
          return (
            <>
              <PageTitle
                actions={
                  <>
                    <UrgencyBadge urgency={detail.urgency} />
                    <span aria-live="polite">
                      <RequestStatusBadge status={detail.status} />
                    </span>
                  </>
                }
              >
                <span data-testid="request-title">
                  {t('careDesk.request.title', { number: detail.number })}
                </span>
              </PageTitle>
              <RequestFacts request={detail} device={d} customer={customer.data ?? null} now={now} />
              <div class="columns">
                <Section title={t('careDesk.triage.title')} testId="request-triage-section">
                  <TriageView request={detail} profile={profile} />
                </Section>
                <Section title={t('careDesk.actions.title')} testId="request-actions">
                  <RequestActions request={detail} onChanged={replace} />
                </Section>
              </div>
              {needsMatching ? (
                <Section title={t('careDesk.match.title')} testId="request-match">
                  <MatchForm request={detail} customers={customers.data ?? []} onChanged={replace} />
                </Section>
              ) : null}
              <div class="columns">
                <Section title={t('careDesk.conversation.title')} testId="request-conversation">
                  <Conversation request={detail} onChanged={replace} />
                </Section>
                <Section title={t('careDesk.attachments.title')} testId="request-attachments-section">
                  <Attachments request={detail} />
                </Section>
              </div>
              <CareNotifications
                requestId={detail.id}
                title={t('careDesk.notifications.requestTitle')}
                testId="request-notifications"
              />
            </>
          );
        }}
      </Async>
    </>
  );
}

function RequestFacts({
  request,
  device,
  customer,
  now,
}: {
  request: ServiceRequest;
  device: DeviceView | undefined;
  customer: Customer | null;
  now: number;
}) {
  const contact = [request.contact.name, request.contact.phone, request.contact.email]
    .filter(Boolean)
    .join(' · ');
  const items: Array<[string, ComponentChildren]> = [
    [t('careDesk.request.number'), <span data-testid="request-number">{request.number}</span>],
    [t('careDesk.request.channel'), <ChannelBadge channel={request.channel} />],
    [t('careDesk.request.status'), <RequestStatusBadge status={request.status} />],
    [t('careDesk.request.type'), requestTypeLabel(request.type)],
    [t('careDesk.request.urgency'), <UrgencyBadge urgency={request.urgency} />],
    [t('careDesk.request.department'), departmentLabel(request.department)],
    [
      t('careDesk.request.customer'),
      request.customerId ? (
        <span data-testid="request-customer">{customer?.name ?? '…'}</span>
      ) : (
        <span class="muted">{t('careDesk.queue.unknownCustomer')}</span>
      ),
    ],
    [
      t('careDesk.request.appliance'),
      request.deviceId ? (
        <a href={href('devices', request.deviceId)} data-testid="request-device-link">
          {device
            ? t('careDesk.queue.applianceName', {
                type: typeLabel(device.type),
                serial: device.serial ?? device.id,
              })
            : request.deviceId}
        </a>
      ) : (
        <span class="muted">{t('careDesk.queue.noAppliance')}</span>
      ),
    ],
    [
      t('careDesk.request.symptom'),
      <span data-testid="request-symptom">
        {request.symptom ? symptomLabel(request.symptom) : t('careDesk.request.noSymptom')}
      </span>,
    ],
    [
      t('careDesk.request.received'),
      `${formatDateTime(Date.parse(request.createdAt))} (${formatAgo(Date.parse(request.createdAt), now)})`,
    ],
    [
      t('careDesk.request.answerBy'),
      <>
        <AnswerBy request={request} now={now} />
        <div class="muted small">{formatDateTime(Date.parse(request.respondBy))}</div>
      </>,
    ],
    [
      t('careDesk.request.respondedAt'),
      request.respondedAt
        ? formatDateTime(Date.parse(request.respondedAt))
        : t('careDesk.request.notAnswered'),
    ],
    [t('careDesk.request.contact'), contact || t('careDesk.request.contactNone')],
    [
      t('careDesk.request.ticket'),
      request.ticketId ? (
        <a href={href('tickets', request.ticketId)} data-testid="request-ticket-link">
          {t('careDesk.request.ticketLink', { ref: ticketRef(request.ticketId) })}
        </a>
      ) : (
        <span class="muted">{t('careDesk.request.noTicket')}</span>
      ),
    ],
  ];
  if (request.partnerId)
    items.push([t('careDesk.request.partner'), <PartnerName key="partner" id={request.partnerId} />]);
  if (request.externalRef) items.push([t('careDesk.request.externalRef'), request.externalRef]);
  if (request.mergedCount > 0)
    items.push([
      t('careDesk.request.merged'),
      t('careDesk.request.mergedCount', { count: request.mergedCount }),
    ]);
  const windows = request.preferredWindows;
  return (
    <section class="card" aria-label={t('careDesk.request.facts')} data-testid="request-facts">
      <Facts items={items} />
      <h2 class="care-subhead">{t('careDesk.request.description')}</h2>
      <p class="care-message__text" data-testid="request-description">
        {request.description ?? <span class="muted">{t('careDesk.request.noDescription')}</span>}
      </p>
      <h2 class="care-subhead">{t('careDesk.request.preferredWindows')}</h2>
      {windows.length === 0 ? (
        <p class="muted">{t('careDesk.request.noWindows')}</p>
      ) : (
        <ul data-testid="request-windows">
          {windows.map((w) => (
            <li key={w.start}>
              {t('careDesk.request.window', {
                start: formatDateTime(Date.parse(w.start)),
                end: formatDateTime(Date.parse(w.end)),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The partner system that filed the request, by name. */
function PartnerName({ id }: { id: string }) {
  const { api } = useApp();
  const partners = useLoad(() => api.get<Partner[]>('/api/partners'), []);
  const name = partners.data?.find((partner) => partner.id === id)?.name;
  return <span data-testid="request-partner">{name ?? t('careDesk.request.partnerUnknown')}</span>;
}
