// The service requests queue (`#/requests`): every channel in one list, filtered by status, channel and
// urgency, safety hazards first, each with its answer-by countdown; kept live by the `service_request`
// event every staff socket receives.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { DeviceView, ServiceRequest } from '../../../contracts/src';
import type { ApiClient } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, PageTitle } from '../components/ui';
import { formatAgo, formatDue } from '../i18n/format';
import { t, useI18n, type Key } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import {
  CLOSED_STATUSES,
  REQUEST_CHANNELS,
  REQUEST_STATUSES,
  URGENCIES,
  byUrgencyThenDeadline,
  channelLabel,
  departmentLabel,
  requestStatusLabel,
  requestTypeLabel,
  symptomLabel,
  urgencyLabel,
} from './care-words';
import { loadAllCustomers } from './desk-data';

const REQUEST_PAGE = 500;

/** Every request matching the filters: `GET /api/service-requests` answers at most 500 at a time. */
async function loadAllRequests(api: ApiClient, filters: Filters): Promise<ServiceRequest[]> {
  const all: ServiceRequest[] = [];
  for (let offset = 0; ; offset += REQUEST_PAGE) {
    const page = await api.get<ServiceRequest[]>('/api/service-requests', {
      ...filters,
      limit: REQUEST_PAGE,
      offset,
    });
    all.push(...page);
    if (page.length < REQUEST_PAGE) return all;
  }
}

/** Events come in bursts (triage changes a request several times): reload at most this often. */
const RELOAD_AFTER_MS = 1000;

interface Filters {
  status: ServiceRequest['status'] | '';
  channel: ServiceRequest['channel'] | '';
  urgency: ServiceRequest['urgency'] | '';
}

/** One labelled select of the queue's filters, "All" first. */
export function FilterSelect<V extends string>({
  label,
  value,
  options,
  optionLabel,
  onChange,
  testId,
}: {
  label: Key;
  value: V | '';
  options: readonly V[];
  optionLabel: (value: V) => string;
  onChange: (value: V | '') => void;
  testId: string;
}) {
  return (
    <label>
      {t(label)}
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.currentTarget.value as V | '')}>
        <option value="">{t('filter.all')}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {optionLabel(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ChannelBadge({ channel }: { channel: ServiceRequest['channel'] }) {
  return (
    <span
      class={`badge care-channel care-channel--${channel}`}
      data-testid="request-channel"
      data-channel={channel}
    >
      {channelLabel(channel)}
    </span>
  );
}

export function UrgencyBadge({ urgency }: { urgency: ServiceRequest['urgency'] }) {
  const style = urgency === 'safety' ? 'badge--critical' : urgency === 'core_function' ? 'badge--major' : '';
  return (
    <span class={`badge ${style}`} data-testid="request-urgency" data-urgency={urgency}>
      {urgencyLabel(urgency)}
    </span>
  );
}

export function RequestStatusBadge({ status }: { status: ServiceRequest['status'] }) {
  const style =
    status === 'needs_matching'
      ? 'badge--major'
      : status === 'ticket_opened' || status === 'triaging'
        ? 'badge--warning'
        : CLOSED_STATUSES.has(status)
          ? 'badge--ok'
          : status === 'self_help_offered'
            ? 'badge--minor'
            : '';
  return (
    <span class={`badge ${style}`} data-testid="request-status" data-status={status}>
      {requestStatusLabel(status)}
    </span>
  );
}

/** The answer-by time: a countdown until the first answer, red once overdue. */
export function AnswerBy({ request, now }: { request: ServiceRequest; now: number }) {
  if (request.respondedAt)
    return (
      <span class="muted small" data-testid="request-answer-by" data-state="answered">
        {t('careDesk.queue.answered', { ago: formatAgo(Date.parse(request.respondedAt), now) })}
      </span>
    );
  if (CLOSED_STATUSES.has(request.status))
    return (
      <span class="muted small" data-testid="request-answer-by" data-state="closed">
        –
      </span>
    );
  const due = Date.parse(request.respondBy);
  const overdue = due <= now;
  return (
    <span
      class={`nowrap ${overdue ? 'badge badge--critical' : 'care-due'}`}
      data-testid="request-answer-by"
      data-state={overdue ? 'overdue' : 'due'}
    >
      {formatDue(due, now)}
    </span>
  );
}

export function RequestsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(1000);
  const [filters, setFilters] = useState<Filters>({ status: '', channel: '', urgency: '' });
  const requests = useLoad(() => loadAllRequests(api, filters), [filters]);
  const customers = useLoad(() => loadAllCustomers(api), []);
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices'), []);

  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  // the server judges the filters: a changed or new request reloads the queue
  useSocketEvent('service_request', () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      requests.reload();
    }, RELOAD_AFTER_MS);
  });

  const customerNames = useMemo(
    () => new Map((customers.data ?? []).map((c) => [c.id, c.name])),
    [customers.data],
  );
  const deviceById = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d])), [devices.data]);
  const sorted = useMemo(() => [...(requests.data ?? [])].sort(byUrgencyThenDeadline), [requests.data]);
  const paged = usePaged(sorted, 25);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]): void =>
    setFilters({ ...filters, [key]: value });

  return (
    <>
      <PageTitle>{t('careDesk.queue.title')}</PageTitle>
      <section class="card">
        <form
          class="filters"
          role="search"
          aria-label={t('careDesk.queue.filters')}
          onSubmit={(event) => event.preventDefault()}
          data-testid="request-filters"
        >
          <FilterSelect
            label="careDesk.queue.status"
            value={filters.status}
            options={REQUEST_STATUSES}
            optionLabel={requestStatusLabel}
            onChange={(value) => set('status', value)}
            testId="filter-status"
          />
          <FilterSelect
            label="careDesk.queue.channel"
            value={filters.channel}
            options={REQUEST_CHANNELS}
            optionLabel={channelLabel}
            onChange={(value) => set('channel', value)}
            testId="filter-channel"
          />
          <FilterSelect
            label="careDesk.queue.urgency"
            value={filters.urgency}
            options={URGENCIES}
            optionLabel={urgencyLabel}
            onChange={(value) => set('urgency', value)}
            testId="filter-urgency"
          />
        </form>
        <Async state={requests}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="request-count">
                {t('careDesk.queue.count', { count: sorted.length })}
              </p>
              {sorted.length === 0 ? (
                <p class="muted">{t('careDesk.queue.noMatch')}</p>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="request-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('careDesk.queue.number')}</th>
                        <th scope="col">{t('careDesk.queue.channel')}</th>
                        <th scope="col">{t('careDesk.queue.type')}</th>
                        <th scope="col">{t('careDesk.queue.urgency')}</th>
                        <th scope="col">{t('careDesk.queue.department')}</th>
                        <th scope="col">{t('careDesk.queue.customer')}</th>
                        <th scope="col">{t('careDesk.queue.appliance')}</th>
                        <th scope="col">{t('careDesk.queue.status')}</th>
                        <th scope="col">{t('careDesk.queue.answerBy')}</th>
                        <th scope="col" class="num">
                          {t('careDesk.queue.merged')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((request) => {
                        const device = request.deviceId ? deviceById.get(request.deviceId) : undefined;
                        return (
                          <tr
                            key={request.id}
                            class={request.urgency === 'safety' ? 'care-row--safety' : undefined}
                            data-testid={`request-row-${request.id}`}
                            data-channel={request.channel}
                            data-urgency={request.urgency}
                          >
                            <td data-label={t('careDesk.queue.number')}>
                              <a href={href('requests', request.id)} data-testid="request-link">
                                {request.number}
                              </a>
                              <div class="muted small">
                                {request.symptom
                                  ? symptomLabel(request.symptom)
                                  : t('careDesk.queue.received', {
                                      ago: formatAgo(Date.parse(request.createdAt), now),
                                    })}
                              </div>
                            </td>
                            <td data-label={t('careDesk.queue.channel')}>
                              <ChannelBadge channel={request.channel} />
                            </td>
                            <td data-label={t('careDesk.queue.type')}>{requestTypeLabel(request.type)}</td>
                            <td data-label={t('careDesk.queue.urgency')}>
                              <UrgencyBadge urgency={request.urgency} />
                            </td>
                            <td data-label={t('careDesk.queue.department')}>
                              {departmentLabel(request.department)}
                            </td>
                            <td data-label={t('careDesk.queue.customer')}>
                              {request.customerId
                                ? (customerNames.get(request.customerId) ?? '…')
                                : (request.contact.name ??
                                  request.contact.email ??
                                  t('careDesk.queue.unknownCustomer'))}
                            </td>
                            <td data-label={t('careDesk.queue.appliance')}>
                              {request.deviceId ? (
                                <a href={href('devices', request.deviceId)}>
                                  {device
                                    ? t('careDesk.queue.applianceName', {
                                        type: typeLabel(device.type),
                                        serial: device.serial ?? device.id,
                                      })
                                    : request.deviceId}
                                </a>
                              ) : (
                                <span class="muted">{t('careDesk.queue.noAppliance')}</span>
                              )}
                            </td>
                            <td data-label={t('careDesk.queue.status')}>
                              <RequestStatusBadge status={request.status} />
                            </td>
                            <td data-label={t('careDesk.queue.answerBy')}>
                              <AnswerBy request={request} now={now} />
                            </td>
                            <td
                              data-label={t('careDesk.queue.merged')}
                              class="num"
                              data-testid="request-merged"
                            >
                              {request.mergedCount > 0
                                ? t('careDesk.queue.mergedCount', { count: request.mergedCount })
                                : t('careDesk.queue.notMerged')}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} testId="request-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}
