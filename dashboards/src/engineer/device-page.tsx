// One device for the support engineer (`#/devices/<id>`): who owns it and its warranty, presence and
// readings live, a chart per metric, remote commands, its alarms by cause, incidents and tickets.
import { useMemo } from 'preact/hooks';
import type { Customer, DeviceView, Incident, Ticket } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useRooms, useSocketEvent } from '../components/hooks';
import { LiveReadings } from '../components/live-readings';
import { Pager, usePaged } from '../components/pager';
import { profileFor, useProfiles } from '../components/profiles';
import {
  Async,
  Empty,
  Facts,
  OnlineBadge,
  PageTitle,
  PriorityBadge,
  Section,
  SeverityBadge,
  StatusBadge,
} from '../components/ui';
import { formatAgo, formatDate, formatDateTime, formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { DeviceAlarms } from './device-alarms';
import { DeviceChart } from './device-chart';
import { DeviceCommands } from './device-commands';
import { faultText, regionLabel } from './device-words';
import { ticketRef, ticketTitle } from './ticket-words';

export function DevicePage({ params }: { params: Record<string, string> }) {
  useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const device = useLoad(() => api.get<DeviceView>(path`/api/devices/${id}`), [id]);
  const profiles = useProfiles();

  useRooms([`device:${id}`]);
  useSocketEvent('device', (event) => {
    if (event.deviceId !== id) return;
    device.update((d) => ({
      ...d,
      online: event.online,
      lastSeen: event.lastSeen ?? d.lastSeen,
      fw: event.fw ?? d.fw,
    }));
  });
  useSocketEvent('telemetry', (event) => {
    if (event.deviceId !== id) return;
    device.update((d) => ((d.lastSeen ?? 0) < event.ts ? { ...d, lastSeen: event.ts, online: true } : d));
  });

  return (
    <>
      <nav class="breadcrumb" aria-label={t('engineer.device.breadcrumb')}>
        <a href="#/fleet">{t('nav.fleet')}</a> / <span>{device.data?.serial ?? id}</span>
      </nav>
      <Async state={device}>
        {(d) => {
          const profile = profileFor(profiles.data, d.type);
          return (
            <>
              <PageTitle actions={<OnlineBadge online={d.online} testId="device-online" />}>
                <span data-testid="device-title">
                  {t('engineer.device.title', { type: typeLabel(d.type), serial: d.serial ?? d.id })}
                </span>
              </PageTitle>
              <DeviceOverview device={d} />
              <Section title={t('engineer.device.readings')} testId="device-readings">
                <LiveReadings device={d} profile={profile} />
              </Section>
              <Section title={t('engineer.device.history')} testId="device-history">
                <DeviceChart device={d} profile={profile} />
              </Section>
              <div class="columns">
                <Section title={t('engineer.device.commands')} testId="device-commands-section">
                  <DeviceCommands device={d} />
                </Section>
                <Section title={t('engineer.device.alarms')} testId="device-alarms">
                  <DeviceAlarms deviceId={d.id} />
                </Section>
              </div>
              <div class="columns">
                <Section title={t('engineer.device.tickets')} testId="device-tickets">
                  <DeviceTickets device={d} />
                </Section>
                <Section title={t('engineer.device.incidents')} testId="device-incidents">
                  <DeviceIncidents deviceId={d.id} />
                </Section>
              </div>
            </>
          );
        }}
      </Async>
    </>
  );
}

function DeviceOverview({ device }: { device: DeviceView }) {
  const { api } = useApp();
  const now = useNow(5000);
  const owner = useLoad(
    () =>
      device.customerId
        ? api.get<Customer>(path`/api/customers/${device.customerId}`)
        : Promise.resolve(null),
    [device.customerId],
  );
  const ownerText = !device.customerId
    ? t('engineer.fleet.noCustomer')
    : owner.data
      ? owner.data.name
      : owner.error
        ? t('engineer.device.unknown')
        : '…';
  const warranty =
    device.warrantyUntil === null
      ? t('engineer.device.unknown')
      : device.warrantyUntil >= now
        ? t('engineer.device.inWarranty', { date: formatDate(device.warrantyUntil) })
        : t('engineer.device.outOfWarranty', { date: formatDate(device.warrantyUntil) });
  return (
    <section class="card" aria-label={t('engineer.device.overview')} data-testid="device-overview">
      <Facts
        items={[
          [t('engineer.device.type'), typeLabel(device.type)],
          [t('engineer.device.serial'), device.serial ?? t('engineer.device.unknown')],
          [t('engineer.device.owner'), <span data-testid="device-owner">{ownerText}</span>],
          [t('engineer.fleet.region'), regionLabel(device.region)],
          [t('engineer.device.model'), device.model ?? t('engineer.device.unknown')],
          [
            t('engineer.device.installed'),
            device.installedAt === null ? t('engineer.device.unknown') : formatDate(device.installedAt),
          ],
          [t('engineer.device.warranty'), <span data-testid="device-warranty">{warranty}</span>],
          [t('engineer.device.firmware'), device.fw ?? t('engineer.device.unknown')],
          [
            t('engineer.fleet.lastSeen'),
            <span data-testid="device-last-seen" data-ts={device.lastSeen ?? ''}>
              {formatAgo(device.lastSeen, now)}
            </span>,
          ],
        ]}
      />
    </section>
  );
}

function DeviceTickets({ device }: { device: DeviceView }) {
  const { api } = useApp();
  const tickets = useLoad(() => api.get<Ticket[]>('/api/tickets', { deviceId: device.id }), [device.id]);
  useSocketEvent('ticket', (ticket) => {
    if (ticket.deviceId !== device.id) return;
    tickets.update((list) =>
      list.some((x) => x.id === ticket.id)
        ? list.map((x) => (x.id === ticket.id ? { ...x, ...ticket } : x))
        : [ticket, ...list],
    );
  });
  const sorted = useMemo(
    () => [...(tickets.data ?? [])].sort((a, b) => b.createdAt - a.createdAt),
    [tickets.data],
  );
  const paged = usePaged(sorted, 10);
  return (
    <Async state={tickets}>
      {() =>
        sorted.length === 0 ? (
          <Empty>{t('engineer.device.noTickets')}</Empty>
        ) : (
          <>
            <ul class="list" data-testid="device-ticket-list">
              {paged.items.map((ticket) => (
                <li key={ticket.id} class="item" data-testid={`device-ticket-${ticket.id}`}>
                  <div class="item__head">
                    <a href={href('tickets', ticket.id)}>{ticketTitle(ticket, device.type)}</a>
                    <span class="toolbar">
                      <PriorityBadge priority={ticket.priority} />
                      <StatusBadge status={ticket.status} />
                    </span>
                  </div>
                  <p class="item__meta">
                    {t('engineer.tickets.ref', { ref: ticketRef(ticket.id) })} ·{' '}
                    {formatDateTime(ticket.createdAt)}
                  </p>
                </li>
              ))}
            </ul>
            <Pager paged={paged} />
          </>
        )
      }
    </Async>
  );
}

function DeviceIncidents({ deviceId }: { deviceId: string }) {
  const { api } = useApp();
  const incidents = useLoad(() => api.get<Incident[]>('/api/incidents', { deviceId }), [deviceId]);
  // incidents follow alarms: a new or changed alarm of the device may open or grow one
  useSocketEvent('alarm', (alarm) => {
    if (alarm.deviceId === deviceId) incidents.reload();
  });
  const paged = usePaged(incidents.data ?? [], 10);
  return (
    <Async state={incidents}>
      {(list) =>
        list.length === 0 ? (
          <Empty>{t('engineer.device.noIncidents')}</Empty>
        ) : (
          <>
            <ul class="list" data-testid="device-incident-list">
              {paged.items.map((incident) => (
                <li key={incident.id} class={`item item--${incident.severity}`}>
                  <div class="item__head">
                    <strong>{faultText(incident.fault)}</strong>
                    <span class="toolbar">
                      <SeverityBadge severity={incident.severity} />
                      <span
                        class={`badge ${incident.state === 'open' ? 'badge--alarm-active' : 'badge--ok'}`}
                      >
                        {t(`engineer.incident.state.${incident.state}`)}
                      </span>
                    </span>
                  </div>
                  <p class="item__meta">
                    {t('engineer.incident.opened', { at: formatDateTime(incident.openedAt) })}
                    {' · '}
                    {t('engineer.incident.detections', { count: incident.detections })}
                    {incident.confidence !== null
                      ? ` · ${t('engineer.incident.confidence', { value: formatPercent(incident.confidence) })}`
                      : ''}
                    {incident.closedAt !== null
                      ? ` · ${t('engineer.incident.closed', { at: formatDateTime(incident.closedAt) })}`
                      : ''}
                  </p>
                  {incident.ticketId ? (
                    <a href={href('tickets', incident.ticketId)}>
                      {t('engineer.incident.ticket', { ref: ticketRef(incident.ticketId) })}
                    </a>
                  ) : null}
                </li>
              ))}
            </ul>
            <Pager paged={paged} />
          </>
        )
      }
    </Async>
  );
}
