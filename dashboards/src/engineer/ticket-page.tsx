// One ticket for the service desk (`#/tickets/<id>`): what is wrong and when it is expected to fail,
// the SLA clocks counting, the actions its state allows, who it went to and why, the offers, the
// timeline, parts, the guidance sent and the appliance's live readings; live through its rooms.
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import type {
  AlarmDetail,
  Customer,
  DeviceView,
  GuidanceEvent,
  Part,
  Technician,
  TicketDetail,
} from '../../../contracts/src';
import { ApiError, path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useRooms, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { LiveReadings } from '../components/live-readings';
import { profileFor, useProfiles } from '../components/profiles';
import { SlaClocks } from '../components/sla-clocks';
import { usePredictionEstimate } from '../components/prediction-estimate';
import {
  Async,
  Empty,
  ErrorNote,
  Facts,
  Loading,
  PageTitle,
  PriorityBadge,
  Section,
  StatusBadge,
} from '../components/ui';
import { formatAgo, formatDateTime, formatInAbout, formatNumber, formatPercent } from '../i18n/format';
import { formatFailureWindow } from '../i18n/format-failure';
import { t, useI18n } from '../i18n/i18n';
import { partLabel, typeLabel } from '../i18n/labels';
import { readableText, regionLabel } from './device-words';
import { careTicketFacts, TicketNotifications } from './care-ticket';
import { TicketActions } from './ticket-actions';
import { TicketAssignment, TicketOffers } from './ticket-assignment';
import {
  auditAction,
  auditActor,
  auditReason,
  failureEstimate,
  ticketRef,
  ticketTitle,
  type Names,
} from './ticket-words';

export function TicketPage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api, me } = useApp();
  const id = params.id ?? '';
  const now = useNow(1000);
  const ticket = useLoad(() => api.get<TicketDetail>(path`/api/tickets/${id}`), [id]);
  const deviceId = ticket.data?.deviceId;
  const customerId = ticket.data?.customerId ?? null;
  const device = useLoad(
    () => (deviceId ? api.get<DeviceView>(path`/api/devices/${deviceId}`) : Promise.resolve(undefined)),
    [deviceId],
  );
  const customer = useLoad(
    () => (customerId ? api.get<Customer>(path`/api/customers/${customerId}`) : Promise.resolve(null)),
    [customerId],
  );
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const profiles = useProfiles();

  useRooms(deviceId ? [`ticket:${id}`, `device:${deviceId}`] : [`ticket:${id}`]);
  useSocketEvent('ticket', (changed) => {
    if (changed.id === id) ticket.reload();
  });
  useSocketEvent('sla', (event) => {
    if (event.ticketId === id) ticket.reload();
  });
  useSocketEvent('device', (event) => {
    if (event.deviceId === deviceId)
      device.update(
        (d) =>
          d && { ...d, online: event.online, lastSeen: event.lastSeen ?? d.lastSeen, fw: event.fw ?? d.fw },
      );
  });

  const names: Names = useMemo(() => {
    const byId = new Map((technicians.data ?? []).map((x) => [x.id, x.name]));
    return {
      meId: me.id,
      technician: (technicianId) => byId.get(technicianId),
      customer: (cid) => (customer.data && customer.data.id === cid ? customer.data.name : undefined),
    };
  }, [technicians.data, customer.data, me.id]);

  return (
    <>
      <nav class="breadcrumb" aria-label={t('engineer.device.breadcrumb')}>
        <a href="#/tickets">{t('nav.tickets')}</a> /{' '}
        <span>{t('engineer.tickets.ref', { ref: ticketRef(id) })}</span>
      </nav>
      <Async state={ticket}>
        {(detail) => {
          const d = device.data;
          const profile = d ? profileFor(profiles.data, d.type) : undefined;
          return (
            <>
              <PageTitle
                actions={
                  <>
                    <PriorityBadge priority={detail.priority} />
                    <span data-testid="ticket-status" data-status={detail.status} aria-live="polite">
                      <StatusBadge status={detail.status} />
                    </span>
                  </>
                }
              >
                <TicketHeading ticket={detail} deviceType={d?.type} />
              </PageTitle>
              <TicketSummary
                ticket={detail}
                device={d}
                customer={customer.data ?? null}
                names={names}
                now={now}
              />
              <Section title={t('engineer.sla.title')} testId="ticket-sla">
                <SlaClocks ticket={detail} now={now} />
              </Section>
              <Section title={t('engineer.actions.title')} testId="ticket-actions-section">
                <TicketActions
                  ticket={detail}
                  deviceType={d?.type}
                  technicians={technicians.data ?? []}
                  onChanged={ticket.reload}
                />
              </Section>
              <div class="columns">
                <Section title={t('engineer.assignment.title')} testId="ticket-assignment-section">
                  <TicketAssignment ticket={detail} names={names} />
                </Section>
                <Section title={t('engineer.offers.title')} testId="ticket-offers-section">
                  <TicketOffers ticket={detail} names={names} now={now} />
                </Section>
              </div>
              <div class="columns">
                <Section title={t('engineer.timeline.title')} testId="ticket-timeline-section">
                  <TicketTimeline ticket={detail} names={names} />
                </Section>
                <Section title={t('engineer.parts.title')} testId="ticket-parts">
                  <TicketParts ticket={detail} technicians={technicians.data ?? []} />
                </Section>
              </div>
              <TicketNotifications ticketId={detail.id} />
              <Section title={t('engineer.guidance.title')} testId="ticket-guidance">
                <TicketGuidance ticketId={detail.id} assigneeId={detail.assigneeId} names={names} />
              </Section>
              <Section title={t('engineer.device.readings')} testId="ticket-readings">
                {d ? (
                  <LiveReadings device={d} profile={profile} />
                ) : device.error ? (
                  <ErrorNote error={device.error} />
                ) : (
                  <Loading />
                )}
              </Section>
            </>
          );
        }}
      </Async>
    </>
  );
}

/** The title in words: the fault of the ticket, or the cause of the alarm that opened it. */
function TicketHeading({ ticket, deviceType }: { ticket: TicketDetail; deviceType: string | undefined }) {
  const { api } = useApp();
  const needsCause = !ticket.faultMode && ticket.alarmId !== null;
  const alarm = useLoad(
    () =>
      needsCause && ticket.alarmId
        ? api.get<AlarmDetail>(path`/api/alarms/${ticket.alarmId}`)
        : Promise.resolve(null),
    [needsCause, ticket.alarmId],
  );
  return <span data-testid="ticket-title">{ticketTitle(ticket, deviceType, alarm.data?.cause)}</span>;
}

function TicketSummary({
  ticket,
  device,
  customer,
  names,
  now,
}: {
  ticket: TicketDetail;
  device: DeviceView | undefined;
  customer: Customer | null;
  names: Names;
  now: number;
}) {
  const prediction = usePredictionEstimate(ticket);
  const estimate = failureEstimate(ticket, now, prediction);
  const window = prediction ? formatFailureWindow(prediction, now) : null;
  const items: Array<[string, ComponentChildren]> = [
    [
      t('engineer.fleet.device'),
      <a href={href('devices', ticket.deviceId)} data-testid="ticket-device-link">
        {device
          ? t('engineer.device.title', { type: typeLabel(device.type), serial: device.serial ?? device.id })
          : ticket.deviceId}
      </a>,
    ],
    [
      t('engineer.fleet.customer'),
      ticket.customerId ? (
        <span data-testid="ticket-customer">
          {customer?.name ?? '…'}{' '}
          {ticket.tier === 'vip' ? <span class="badge badge--warning">{t('tier.vip')}</span> : null}
        </span>
      ) : (
        t('engineer.fleet.noCustomer')
      ),
    ],
    [t('engineer.tickets.priority'), <PriorityBadge priority={ticket.priority} />],
    [t('engineer.tickets.status'), <StatusBadge status={ticket.status} />],
    [t('engineer.ticket.source'), t(`source.${ticket.source}`)],
    [
      t('engineer.tickets.opened'),
      t('engineer.ticket.openedAt', {
        at: formatDateTime(ticket.createdAt),
        ago: formatAgo(ticket.createdAt, now),
      }),
    ],
    [
      t('engineer.tickets.technician'),
      ticket.assigneeId ? (names.technician(ticket.assigneeId) ?? '…') : t('engineer.tickets.unassigned'),
    ],
  ];
  if (ticket.likelyPart) items.push([t('engineer.ticket.likelyPart'), partLabel(ticket.likelyPart)]);
  if (estimate)
    items.push([
      t('engineer.ticket.failure'),
      <span data-testid="failure-estimate">
        {estimate}
        {window ? <span class="small" data-testid="failure-window">{` · ${window}`}</span> : null}
      </span>,
    ]);
  if (ticket.failureProbability !== null)
    items.push([t('engineer.ticket.probability'), formatPercent(ticket.failureProbability)]);
  if (ticket.eta?.etaMs) items.push([t('engineer.ticket.eta'), formatInAbout(ticket.eta.etaMs, now)]);
  if (ticket.reopenCount > 0)
    items.push([t('engineer.ticket.repeat'), t('engineer.ticket.reopened', { count: ticket.reopenCount })]);
  items.push(...careTicketFacts(ticket));
  if (ticket.resolution) {
    items.push([t('engineer.ticket.rootCause'), readableText(ticket.resolution.rootCause)]);
    items.push([t('engineer.ticket.remote'), ticket.resolution.remote ? t('yes') : t('no')]);
  }
  return (
    <section class="card" aria-label={t('engineer.ticket.summary')} data-testid="ticket-summary">
      <Facts items={items} />
    </section>
  );
}

interface TimelineRow {
  key: string;
  toStatus: string;
  action: string;
  actor: string;
  reason: string;
  at: number;
  /** The oldest of a run of identical notes, and how many there were. */
  since: number;
  times: number;
}

/** Newest first; a run of identical notes (the platform notes each new detection) is one line with its count. */
function timelineRows(ticket: TicketDetail, names: Names): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const entries = [...ticket.audit].sort((a, b) => b.at - a.at);
  entries.forEach((entry, index) => {
    const row = {
      key: `${entry.at}-${index}`,
      toStatus: entry.toStatus,
      action: auditAction(entry),
      actor: auditActor(entry, names),
      reason: auditReason(entry, names),
      at: entry.at,
      since: entry.at,
      times: 1,
    };
    const previous = rows[rows.length - 1];
    const note = entry.fromStatus === entry.toStatus;
    if (
      note &&
      previous &&
      previous.action === row.action &&
      previous.actor === row.actor &&
      previous.reason === row.reason
    ) {
      previous.times += 1;
      previous.since = entry.at;
    } else {
      rows.push(row);
    }
  });
  return rows;
}

function TicketTimeline({ ticket, names }: { ticket: TicketDetail; names: Names }) {
  const locale = useI18n();
  // the rows hold words: they are made again when the language changes
  const rows = useMemo(() => timelineRows(ticket, names), [ticket, names, locale]);
  const paged = usePaged(rows, 12);
  if (rows.length === 0) return <Empty>{t('engineer.timeline.none')}</Empty>;
  return (
    <>
      <ol class="timeline" data-testid="ticket-timeline" aria-live="polite">
        {paged.items.map((row) => (
          <li key={row.key} data-testid="timeline-entry" data-to={row.toStatus}>
            <div>
              <strong>{row.action}</strong> · {row.actor}
            </div>
            <div class="muted small">
              {row.times > 1
                ? t('engineer.timeline.repeated', {
                    times: row.times,
                    from: formatDateTime(row.since),
                    to: formatDateTime(row.at),
                  })
                : formatDateTime(row.at)}
            </div>
            {row.reason ? <div class="small">{row.reason}</div> : null}
          </li>
        ))}
      </ol>
      <Pager paged={paged} testId="timeline-pager" />
    </>
  );
}

function TicketParts({ ticket, technicians }: { ticket: TicketDetail; technicians: readonly Technician[] }) {
  const { api } = useApp();
  const parts = useLoad(() => api.get<Part[]>('/api/parts'), []);
  const partBySku = new Map((parts.data ?? []).map((p) => [p.sku, p.part]));
  const vanOwner = new Map(technicians.filter((x) => x.vanId).map((x) => [x.vanId as string, x.name]));
  const partName = (sku: string): string => {
    const part = partBySku.get(sku);
    return part ? partLabel(part) : sku;
  };
  const where = (locationId: string): string => {
    const owner = vanOwner.get(locationId);
    if (owner) return t('engineer.parts.van', { name: owner });
    if (locationId.startsWith('wh-'))
      return t('engineer.parts.warehouse', { region: regionLabel(locationId.slice(3)) });
    return locationId;
  };
  const lots = (list: ReadonlyArray<{ lot: string; qty: number }>): string =>
    list.map((l) => t('engineer.parts.lot', { lot: l.lot, qty: formatNumber(l.qty) })).join(', ');
  if (ticket.reservations.length === 0 && ticket.consumptions.length === 0)
    return <Empty>{t('engineer.parts.none')}</Empty>;
  return (
    <div class="stack">
      {ticket.reservations.length > 0 ? (
        <>
          <h3>{t('engineer.parts.reserved')}</h3>
          <ul class="list" data-testid="parts-reserved">
            {ticket.reservations.map((r) => (
              <li key={r.id} class="item">
                <strong>{partName(r.sku)}</strong> <span class="muted small">{r.sku}</span>
                <div class="small">{where(r.locationId)}</div>
                <div class="small">{lots(r.lots)}</div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {ticket.consumptions.length > 0 ? (
        <>
          <h3>{t('engineer.parts.consumed')}</h3>
          <ul class="list" data-testid="parts-consumed">
            {ticket.consumptions.map((c, index) => (
              <li key={index} class="item">
                <strong>{partName(c.sku)}</strong> <span class="muted small">{c.sku}</span>
                <div class="small">
                  {where(c.locationId)} · {formatDateTime(c.at)}
                </div>
                <div class="small">{lots([{ lot: c.lot, qty: c.qty }])}</div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function TicketGuidance({
  ticketId,
  assigneeId,
  names,
}: {
  ticketId: string;
  assigneeId: string | null;
  names: Names;
}) {
  const { api } = useApp();
  const guidance = useLoad(
    () =>
      api.get<GuidanceEvent>(path`/api/tickets/${ticketId}/guidance`).catch((error: unknown) => {
        // never dispatched: nothing was sent yet
        if (error instanceof ApiError && (error.status === 404 || error.code === 'guidance.not_pushed'))
          return null;
        throw error;
      }),
    [ticketId, assigneeId],
  );
  useSocketEvent('guidance', (event) => {
    if (event.ticketId === ticketId) guidance.reload();
  });
  return (
    <Async state={guidance}>
      {(sent) => {
        if (!sent) return <Empty>{t('engineer.guidance.none')}</Empty>;
        const article = sent.article;
        return (
          <div class="stack" data-testid="guidance-sent">
            <p>
              {t('engineer.guidance.sentTo', {
                name: names.technician(sent.technicianId) ?? t('role.technician'),
              })}
            </p>
            {article ? (
              <>
                <h3>{readableText(article.title)}</h3>
                <p class="muted small">{t('engineer.guidance.version', { version: article.version })}</p>
                {article.checks.length > 0 ? (
                  <>
                    <h4>{t('engineer.guidance.checks')}</h4>
                    <ul>
                      {article.checks.map((line, index) => (
                        <li key={index}>{readableText(line)}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
                <h4>{t('engineer.guidance.steps')}</h4>
                <ol>
                  {article.steps.map((line, index) => (
                    <li key={index}>{readableText(line)}</li>
                  ))}
                </ol>
                {article.safetyNotes.length > 0 ? (
                  <>
                    <h4>{t('engineer.guidance.safety')}</h4>
                    <ul>
                      {article.safetyNotes.map((line, index) => (
                        <li key={index}>{readableText(line)}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
                {article.parts.length > 0 ? (
                  <p>
                    {t('engineer.guidance.parts', {
                      parts: article.parts.map((p) => partLabel(p)).join(', '),
                    })}
                  </p>
                ) : null}
              </>
            ) : (
              <p class="muted">{t('engineer.guidance.noArticle')}</p>
            )}
          </div>
        );
      }}
    </Async>
  );
}
