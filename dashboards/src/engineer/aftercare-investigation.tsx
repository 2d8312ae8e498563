// Everything the investigator needs in one place (`GET /api/complaints/{id}/investigation`): the
// customer file, the appliance, its last 7 days of readings, alarms (repeats grouped), repairs with the
// technician and the part lots, surveys and earlier complaints.
import { useMemo, useState } from 'preact/hooks';
import type { ComplaintInvestigation, Part, Severity, TicketStatus } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { Chart, type ChartOption } from '../components/chart';
import { useLoad } from '../components/hooks';
import { metricProfile, useProfiles } from '../components/profiles';
import { Async, Empty, Facts, SeverityBadge } from '../components/ui';
import { formatDate, formatDateTime, formatNumber, formatRange, formatReading } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import {
  alarmCauseText,
  errorCodeMeaning,
  metricLabel,
  partLabel,
  ticketStatusLabel,
  typeLabel,
} from '../i18n/labels';
import { complaintStatusLabel } from './aftercare-words';
import { ticketRef } from './desk-data';
import { axisExtent } from './device-chart-axis';
import { faultText, regionLabel } from './device-words';

const SEVERITIES: readonly string[] = ['critical', 'major', 'minor', 'warning'];
const TICKET_STATUSES: readonly string[] = [
  'new',
  'acknowledged',
  'dispatched',
  'en_route',
  'on_site',
  'waiting_parts',
  'resolved',
  'verified',
  'closed',
  'cancelled',
  'reopened',
];

function TelemetryChart({ investigation }: { investigation: ComplaintInvestigation }) {
  const locale = useI18n();
  const profiles = useProfiles();
  const metrics = Object.keys(investigation.telemetry).filter((m) => investigation.telemetry[m].length > 0);
  const [chosen, setChosen] = useState('');
  const metric = metrics.includes(chosen) ? chosen : (metrics[0] ?? '');
  const type = investigation.device?.type;
  const profile = type ? metricProfile(profiles.data, type, metric) : undefined;
  const points = investigation.telemetry[metric] ?? [];
  const unit = profile?.unit ?? '';
  const option = useMemo<ChartOption>(() => {
    const normal = profile?.normal ?? {};
    const banded = normal.low !== undefined || normal.high !== undefined;
    const axis = axisExtent(
      points.map((p) => p[1]),
      normal,
    );
    return {
      grid: { left: 64, right: 24, top: 32, bottom: 36 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: unknown) =>
          typeof value === 'number' ? formatReading(value, unit) : String(value),
      },
      xAxis: { type: 'time' },
      yAxis: {
        type: 'value',
        name: unit,
        scale: true,
        axisLabel: { formatter: (v: number) => formatNumber(v) },
      },
      series: [
        {
          type: 'line',
          name: metricLabel(metric),
          showSymbol: points.length < 60,
          symbolSize: 4,
          lineStyle: { width: 2, color: '#1d4ed8' },
          itemStyle: { color: '#1d4ed8' },
          data: points,
          markArea: banded
            ? {
                silent: true,
                itemStyle: { color: 'rgba(22, 101, 52, 0.12)' },
                label: {
                  show: true,
                  position: 'insideTopLeft',
                  color: '#166534',
                  formatter: t('engineer.chart.normalBand', { range: formatRange(normal, unit) }),
                },
                data: [[{ yAxis: normal.low ?? axis.min }, { yAxis: normal.high ?? axis.max }]],
              }
            : undefined,
        },
      ],
    };
  }, [points, metric, profile, locale]);

  if (metrics.length === 0) return <Empty>{t('aftercareDesk.investigation.noTelemetry')}</Empty>;
  return (
    <>
      <div class="filters">
        <label>
          {t('aftercareDesk.investigation.metric')}
          <select
            value={metric}
            data-testid="investigation-metric"
            onChange={(e) => setChosen(e.currentTarget.value)}
          >
            {metrics.map((name) => (
              <option key={name} value={name}>
                {metricLabel(name)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Chart
        option={option}
        label={t('aftercareDesk.investigation.chartLabel', { metric: metricLabel(metric) })}
        height={260}
        testId="investigation-chart"
        data={{ points: points.length }}
      />
    </>
  );
}

/** Repeated alarms (same code or cause, same severity) as one line with their count. */
function groupAlarms(alarms: ComplaintInvestigation['alarms']) {
  const groups = new Map<string, { first: (typeof alarms)[number]; last: number; count: number }>();
  for (const alarm of alarms) {
    const key = `${alarm.code ?? ''}|${alarm.cause ?? ''}|${alarm.severity}`;
    const group = groups.get(key);
    if (group) {
      group.count += 1;
      group.last = Math.max(group.last, alarm.at);
    } else groups.set(key, { first: alarm, last: alarm.at, count: 1 });
  }
  return [...groups.values()].sort((a, b) => b.last - a.last);
}

function alarmText(alarm: ComplaintInvestigation['alarms'][number]): string {
  if (alarm.cause) return alarmCauseText(alarm.cause);
  if (alarm.code)
    return `${t('aftercareDesk.investigation.alarmCode', { code: alarm.code })}: ${errorCodeMeaning(alarm.code)}`;
  return t('aftercareDesk.complaint.none');
}

export function InvestigationPanel({ complaintId }: { complaintId: string }) {
  useI18n();
  const { api } = useApp();
  const investigation = useLoad(
    () => api.get<ComplaintInvestigation>(path`/api/complaints/${complaintId}/investigation`),
    [complaintId],
  );
  const parts = useLoad(() => api.get<Part[]>('/api/parts'), []);
  const partName = (sku: string): string => {
    const part = parts.data?.find((p) => p.sku === sku);
    return part ? partLabel(part.part) : sku;
  };
  return (
    <section class="card" aria-label={t('aftercareDesk.investigation.title')} data-testid="investigation">
      <h2>{t('aftercareDesk.investigation.title')}</h2>
      <Async state={investigation}>
        {(data) => (
          <div class="stack">
            <div class="columns">
              <div data-testid="investigation-customer">
                <h3>{t('aftercareDesk.investigation.customer')}</h3>
                {data.customer ? (
                  <Facts
                    items={[
                      [t('aftercareDesk.complaint.customer'), data.customer.name],
                      [t('aftercareDesk.investigation.tier'), t(`tier.${data.customer.tier}`)],
                      [t('aftercareDesk.complaint.region'), regionLabel(data.customer.region)],
                    ]}
                  />
                ) : (
                  <Empty>{t('aftercareDesk.list.noCustomer')}</Empty>
                )}
              </div>
              <div data-testid="investigation-device">
                <h3>{t('aftercareDesk.investigation.device')}</h3>
                {data.device ? (
                  <Facts
                    items={[
                      [
                        t('aftercareDesk.complaint.appliance'),
                        <a href={href('devices', data.device.id)}>
                          {typeLabel(data.device.type)} {data.device.id}
                        </a>,
                      ],
                      [
                        t('aftercareDesk.investigation.model'),
                        data.device.model ?? t('aftercareDesk.complaint.none'),
                      ],
                      [
                        t('aftercareDesk.investigation.firmware'),
                        data.device.fw ?? t('aftercareDesk.complaint.none'),
                      ],
                      [
                        t('aftercareDesk.investigation.installed'),
                        data.device.installedAt
                          ? formatDate(data.device.installedAt)
                          : t('aftercareDesk.complaint.none'),
                      ],
                      [
                        t('aftercareDesk.investigation.warranty'),
                        data.device.warrantyUntil
                          ? formatDate(data.device.warrantyUntil)
                          : t('aftercareDesk.complaint.none'),
                      ],
                    ]}
                  />
                ) : (
                  <Empty>{t('aftercareDesk.investigation.noDevice')}</Empty>
                )}
              </div>
            </div>

            <div data-testid="investigation-telemetry">
              <h3>{t('aftercareDesk.investigation.telemetry')}</h3>
              <TelemetryChart investigation={data} />
            </div>

            <div data-testid="investigation-alarms">
              <h3>{t('aftercareDesk.investigation.alarms')}</h3>
              {data.alarms.length === 0 ? (
                <Empty>{t('aftercareDesk.investigation.noAlarms')}</Empty>
              ) : (
                <ul class="list">
                  {groupAlarms(data.alarms)
                    .slice(0, 20)
                    .map((group) => (
                      <li
                        key={group.first.id}
                        class={`item item--${SEVERITIES.includes(group.first.severity) ? group.first.severity : 'minor'}`}
                        data-testid="investigation-alarm"
                        data-count={group.count}
                      >
                        <div class="item__head">
                          {SEVERITIES.includes(group.first.severity) ? (
                            <SeverityBadge severity={group.first.severity as Severity} />
                          ) : null}
                          <strong>{alarmText(group.first)}</strong>
                          {group.count > 1 ? <span class="badge">×{group.count}</span> : null}
                        </div>
                        <div class="item__meta muted small">{formatDateTime(group.last)}</div>
                      </li>
                    ))}
                </ul>
              )}
            </div>

            <div data-testid="investigation-tickets">
              <h3>{t('aftercareDesk.investigation.tickets')}</h3>
              {data.tickets.length === 0 ? (
                <Empty>{t('aftercareDesk.investigation.noTickets')}</Empty>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards">
                    <thead>
                      <tr>
                        <th scope="col">{t('aftercareDesk.complaint.ticket')}</th>
                        <th scope="col">{t('aftercareDesk.investigation.ticketStatus')}</th>
                        <th scope="col">{t('aftercareDesk.investigation.technician')}</th>
                        <th scope="col">{t('aftercareDesk.investigation.rootCause')}</th>
                        <th scope="col">{t('aftercareDesk.investigation.lots')}</th>
                        <th scope="col">{t('aftercareDesk.investigation.opened')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.tickets.map((ticket) => (
                        <tr key={ticket.id} data-testid={`investigation-ticket-${ticket.id}`}>
                          <td data-label={t('aftercareDesk.complaint.ticket')}>
                            <a href={href('tickets', ticket.id)}>{ticketRef(ticket.id)}</a>
                          </td>
                          <td data-label={t('aftercareDesk.investigation.ticketStatus')}>
                            {TICKET_STATUSES.includes(ticket.status)
                              ? ticketStatusLabel(ticket.status as TicketStatus)
                              : ticket.status}
                          </td>
                          <td
                            data-label={t('aftercareDesk.investigation.technician')}
                            data-testid="investigation-technician"
                          >
                            {ticket.technicianName ?? t('aftercareDesk.investigation.noTechnician')}
                          </td>
                          <td data-label={t('aftercareDesk.investigation.rootCause')}>
                            {ticket.rootCause
                              ? faultText(ticket.rootCause)
                              : t('aftercareDesk.complaint.none')}
                          </td>
                          <td
                            data-label={t('aftercareDesk.investigation.lots')}
                            data-testid="investigation-lots"
                          >
                            {ticket.partLots.length === 0
                              ? t('aftercareDesk.investigation.noLots')
                              : ticket.partLots
                                  .map((p) =>
                                    t('aftercareDesk.investigation.lot', {
                                      part: partName(p.sku),
                                      lot: p.lot,
                                    }),
                                  )
                                  .join('; ')}
                          </td>
                          <td data-label={t('aftercareDesk.investigation.opened')} class="nowrap">
                            {formatDate(ticket.createdAt)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>

            <div class="columns">
              <div data-testid="investigation-surveys">
                <h3>{t('aftercareDesk.investigation.surveys')}</h3>
                {data.surveys.length === 0 ? (
                  <Empty>{t('aftercareDesk.investigation.noSurveys')}</Empty>
                ) : (
                  <ul class="list">
                    {data.surveys.map((survey) => (
                      <li key={survey.id} class="item">
                        {t(`aftercareDesk.investigation.surveyStatus.${survey.status}`)} ·{' '}
                        {survey.overall !== null
                          ? t('aftercareDesk.investigation.surveyScore', { score: survey.overall })
                          : t('aftercareDesk.investigation.surveyNoScore')}{' '}
                        · <a href={href('tickets', survey.ticketId)}>{ticketRef(survey.ticketId)}</a>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div data-testid="investigation-complaints">
                <h3>{t('aftercareDesk.investigation.earlier')}</h3>
                {data.complaints.length === 0 ? (
                  <Empty>{t('aftercareDesk.investigation.noEarlier')}</Empty>
                ) : (
                  <ul class="list">
                    {data.complaints.map((earlier) => (
                      <li key={earlier.id} class="item">
                        <a href={href('complaints', earlier.id)}>{earlier.number}</a> ·{' '}
                        {complaintStatusLabel(earlier.status)} · {formatDate(Date.parse(earlier.createdAt))}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </div>
        )}
      </Async>
    </section>
  );
}
