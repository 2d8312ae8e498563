// One job, phone first: what to do next for its status, the appliance and its problem in words, the
// customer to visit, the SLA clocks, a self test, and the remote guidance beside the live readings.
// On a wide screen the facts stand beside the work.
import type {
  ApplianceProfileView,
  Customer,
  DeviceView,
  Ticket,
  TicketDetail,
} from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href, navigate } from '../app/router';
import { useLoad, useNow, useRooms, useSocketEvent } from '../components/hooks';
import { profileFor, useProfiles } from '../components/profiles';
import { SlaClocks } from '../components/sla-clocks';
import { Async, Empty, Facts, PageTitle, PriorityBadge, Section, StatusBadge } from '../components/ui';
import { formatInAbout } from '../i18n/format';
import { formatFailureWindow } from '../i18n/format-failure';
import { usePredictionEstimate } from '../components/prediction-estimate';
import { t, useI18n } from '../i18n/i18n';
import { errorCodeMeaning, faultModeLabel, partLabel, typeLabel } from '../i18n/labels';
import { JobGuidance } from './job-guidance';
import { useOfferAlerts } from './job-offer-alerts';
import { JobOfferActions } from './job-offer-actions';
import {
  JobPartsArrived,
  JobRemoteResolve,
  JobResolution,
  JobResolveForm,
  JobWaitForParts,
} from './job-resolve';
import { JobOnTheWay, JobSetOff } from './job-route';
import { JobSelfTest } from './job-self-test';
import { JobShipments } from './job-shipments';
import { DONE_STATUSES, jobTitle } from './job-words';

interface JobData {
  ticket: TicketDetail;
  /** Undefined once the job is finished: its appliance and customer are no longer the technician's to see. */
  device?: DeviceView;
  customer?: Customer;
}

export function JobPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const now = useNow(1000);
  const profiles = useProfiles();

  const job = useLoad(async (): Promise<JobData> => {
    const ticket = await api.get<TicketDetail>(path`/api/tickets/${id}`);
    const [device, customer] = await Promise.all([
      api.get<DeviceView>(path`/api/devices/${ticket.deviceId}`).catch(() => undefined),
      ticket.customerId
        ? api.get<Customer>(path`/api/customers/${ticket.customerId}`).catch(() => undefined)
        : undefined,
    ]);
    return { ticket, device, customer };
  }, [id]);

  const deviceId = job.data?.device?.id;
  useRooms(deviceId ? [`ticket:${id}`, `device:${deviceId}`] : [`ticket:${id}`]);
  useSocketEvent('ticket', (ticket) => {
    if (ticket.id !== id) return;
    job.update((data) => ({ ...data, ticket: { ...data.ticket, ...ticket } }));
    job.reload();
  });
  const { lastOffer } = useOfferAlerts();

  const changed = (ticket: Ticket): void => {
    job.update((data) => ({ ...data, ticket: { ...data.ticket, ...ticket } }));
    job.reload();
  };

  return (
    <>
      <p class="breadcrumb">
        <a href="#/jobs">{t('technician.job.back')}</a>
      </p>
      {lastOffer && lastOffer.id !== id ? (
        <p class="success-note" role="status" data-testid="offer-banner">
          <a href={href('jobs', lastOffer.id)}>
            {t('technician.offer.arrived', { title: jobTitle(lastOffer, undefined) })}
          </a>
        </p>
      ) : null}
      <Async state={job}>
        {({ ticket, device, customer }) => {
          const profile = device ? profileFor(profiles.data, device.type) : undefined;
          const offered =
            ticket.status === 'dispatched' && ticket.offer !== null && ticket.offer.acceptedAtMs === null;
          const working = !DONE_STATUSES.has(ticket.status);
          return (
            <>
              <PageTitle
                actions={
                  <span class="toolbar" aria-live="polite" data-testid="job-status">
                    <StatusBadge status={ticket.status} />
                    <PriorityBadge priority={ticket.priority} />
                  </span>
                }
              >
                {jobTitle(ticket, device?.type)}
              </PageTitle>
              <p class="muted small job-reference">
                {t('technician.job.reference', { id: ticket.id.slice(0, 8) })}
              </p>

              <div class="job-layout">
                <div class="job-layout__next">
                  <Section title={t('technician.job.nextStep')} testId="next-step">
                    <NextStep
                      ticket={ticket}
                      device={device}
                      offered={offered}
                      now={now}
                      onChanged={changed}
                    />
                  </Section>
                  {working ? <JobShipments ticketId={ticket.id} /> : null}
                </div>

                <div class="job-layout__side">
                  <ProblemFacts ticket={ticket} device={device} profile={profile} now={now} />
                  <CustomerFacts customer={customer} />
                  {ticket.sla.length > 0 ? (
                    <Section title={t('technician.job.sla')} testId="job-sla">
                      <SlaClocks ticket={ticket} now={now} />
                    </Section>
                  ) : null}
                  {working && device && !offered ? <JobSelfTest deviceId={device.id} /> : null}
                </div>

                <div class="job-layout__guide">
                  {working ? <JobGuidance ticket={ticket} device={device} profile={profile} /> : null}
                  {working && !device ? (
                    <Section title={t('technician.readings.title')}>
                      <Empty>{t('technician.readings.unavailable')}</Empty>
                    </Section>
                  ) : null}
                </div>
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}

/** The actions the job's status allows. */
function NextStep({
  ticket,
  device,
  offered,
  now,
  onChanged,
}: {
  ticket: TicketDetail;
  device: DeviceView | undefined;
  offered: boolean;
  now: number;
  onChanged: (ticket: Ticket) => void;
}) {
  if (offered)
    return (
      <>
        <p>{t('technician.offer.waiting')}</p>
        <JobOfferActions
          ticketId={ticket.id}
          acceptByMs={ticket.offer?.acceptByMs ?? null}
          now={now}
          onAnswered={(next, answer) => (answer === 'declined' ? navigate('/jobs') : onChanged(next))}
        />
      </>
    );
  switch (ticket.status) {
    case 'dispatched':
      return (
        <>
          <JobSetOff ticket={ticket} onChanged={onChanged} />
          <JobRemoteResolve ticket={ticket} onChanged={onChanged} />
        </>
      );
    case 'en_route':
      return (
        <>
          <JobOnTheWay ticket={ticket} onChanged={onChanged} />
          <JobRemoteResolve ticket={ticket} onChanged={onChanged} />
        </>
      );
    case 'on_site':
      return (
        <div class="stack">
          <JobResolveForm ticket={ticket} applianceType={device?.type} onChanged={onChanged} />
          <JobWaitForParts ticket={ticket} onChanged={onChanged} />
        </div>
      );
    case 'waiting_parts':
      return <JobPartsArrived ticket={ticket} onChanged={onChanged} />;
    case 'resolved':
    case 'verified':
    case 'closed':
    case 'cancelled':
      return <JobResolution ticket={ticket} />;
    case 'new':
    case 'acknowledged':
    case 'reopened':
      return (
        <p>
          <StatusBadge status={ticket.status} />
        </p>
      );
  }
}

/** The appliance and its problem in words: fault, error code and its meaning, the part likely needed. */
function ProblemFacts({
  ticket,
  device,
  profile,
  now,
}: {
  ticket: TicketDetail;
  device: DeviceView | undefined;
  profile: ApplianceProfileView | undefined;
  now: number;
}) {
  const fault = ticket.faultMode ? profile?.faultModes.find((f) => f.mode === ticket.faultMode) : undefined;
  // the prediction alarm's latest estimate, else the one the ticket was opened with
  const prediction = usePredictionEstimate(ticket);
  const failureAt =
    prediction?.expectedFailureAt ??
    (ticket.hoursToFailure !== null ? ticket.createdAt + ticket.hoursToFailure * 3_600_000 : null);
  const window = prediction ? formatFailureWindow(prediction, now) : null;
  const unknown = t('technician.job.unknown');
  const items: Array<[string, string]> = [
    [
      t('technician.job.appliance'),
      device ? [typeLabel(device.type), device.model].filter(Boolean).join(' · ') : unknown,
    ],
  ];
  if (device?.serial) items.push([t('technician.job.serial'), device.serial]);
  items.push([t('technician.job.fault'), ticket.faultMode ? faultModeLabel(ticket.faultMode) : unknown]);
  if (fault) {
    const meaning = profile?.errorCodes.find((c) => c.code === fault.errorCode)?.meaning;
    items.push([
      t('technician.job.errorCode'),
      t('technician.job.errorCodeText', {
        code: fault.errorCode,
        meaning: errorCodeMeaning(fault.errorCode, meaning),
      }),
    ]);
  }
  items.push([t('technician.job.part'), ticket.likelyPart ? partLabel(ticket.likelyPart) : unknown]);
  if (failureAt !== null && failureAt > now && !DONE_STATUSES.has(ticket.status))
    items.push([
      t('technician.job.failureIn'),
      window
        ? t('failureEstimate.withWindow', { expected: formatInAbout(failureAt, now), window })
        : formatInAbout(failureAt, now),
    ]);
  return (
    <Section title={t('technician.job.problem')} testId="job-problem">
      <Facts items={items} />
    </Section>
  );
}

function CustomerFacts({ customer }: { customer: Customer | undefined }) {
  const unknown = t('technician.job.unknown');
  return (
    <Section title={t('technician.job.customer')} testId="job-customer">
      {customer ? (
        <Facts
          items={[
            [t('technician.job.name'), customer.name],
            [
              t('technician.job.address'),
              [
                customer.address.street,
                [customer.address.postcode, customer.address.city].filter(Boolean).join(' '),
              ]
                .filter(Boolean)
                .join(', ') || unknown,
            ],
            [
              t('technician.job.phone'),
              customer.phone ? (
                <a href={`tel:${customer.phone.replace(/[^\d+]/g, '')}`} data-testid="customer-phone">
                  {customer.phone}
                </a>
              ) : (
                unknown
              ),
            ],
          ]}
        />
      ) : (
        <Empty>{t('technician.job.noCustomer')}</Empty>
      )}
    </Section>
  );
}
