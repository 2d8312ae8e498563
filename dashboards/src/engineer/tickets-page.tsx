// The ticket queue (`#/tickets`): filtered by status, priority, SLA risk, region and technician (open
// tickets by default), most urgent first, a page at a time; kept live by the `ticket` and `sla`
// events of the staff's fleet room.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  Customer,
  DeviceView,
  SlaRisk,
  Technician,
  TicketListItem,
  TicketPriority,
  TicketStatus,
} from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useRooms, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, PageTitle, PriorityBadge, StatusBadge } from '../components/ui';
import { formatAgo, formatDue } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { priorityLabel, ticketStatusLabel } from '../i18n/labels';
import { regionLabel } from './device-words';
import { byUrgency, nextDeadline, ticketRef, ticketTitle } from './ticket-words';

const STATUSES: readonly TicketStatus[] = [
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
const PRIORITIES: readonly TicketPriority[] = ['P1', 'P2', 'P3', 'P4'];
const RISKS: readonly SlaRisk[] = ['ok', 'at_risk', 'breached'];
/** Events come in bursts (a dispatch changes a ticket several times): reload at most this often. */
const RELOAD_AFTER_MS = 1000;

interface Filters {
  status: TicketStatus | '';
  priority: TicketPriority | '';
  slaRisk: SlaRisk | '';
  region: string;
  assigneeId: string;
  openOnly: boolean;
}

const DEFAULT_FILTERS: Filters = {
  status: '',
  priority: '',
  slaRisk: '',
  region: '',
  assigneeId: '',
  openOnly: true,
};

export function SlaRiskBadge({ risk }: { risk: SlaRisk }) {
  return (
    <span class={`badge badge--${risk === 'ok' ? 'ok' : risk}`} data-testid="sla-risk" data-risk={risk}>
      {t(`engineer.tickets.risk.${risk}`)}
    </span>
  );
}

export function TicketsPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(5000);
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const tickets = useLoad(
    () =>
      api.get<TicketListItem[]>('/api/tickets', {
        status: filters.status,
        priority: filters.priority,
        slaRisk: filters.slaRisk,
        region: filters.region,
        assigneeId: filters.assigneeId,
        open: filters.openOnly ? 'true' : undefined,
      }),
    [filters],
  );
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const customers = useLoad(() => api.get<Customer[]>('/api/customers'), []);
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices'), []);

  useRooms(['fleet']);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadSoon = (): void => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      tickets.reload();
    }, RELOAD_AFTER_MS);
  };
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  // the server judges filters and SLA risk: a changed ticket or an SLA warning reloads the queue
  useSocketEvent('ticket', reloadSoon);
  useSocketEvent('sla', reloadSoon);

  const technicianNames = useMemo(
    () => new Map((technicians.data ?? []).map((x) => [x.id, x.name])),
    [technicians.data],
  );
  const customerNames = useMemo(
    () => new Map((customers.data ?? []).map((x) => [x.id, x.name])),
    [customers.data],
  );
  const deviceById = useMemo(() => new Map((devices.data ?? []).map((d) => [d.id, d])), [devices.data]);
  const regions = useMemo(
    () => [...new Set((devices.data ?? []).map((d) => d.region).filter((r): r is string => !!r))].sort(),
    [devices.data],
  );
  const sorted = useMemo(() => [...(tickets.data ?? [])].sort(byUrgency), [tickets.data]);
  const paged = usePaged(sorted, 25);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]): void =>
    setFilters({ ...filters, [key]: value });

  return (
    <>
      <PageTitle>{t('engineer.tickets.title')}</PageTitle>
      <section class="card">
        <form
          class="filters"
          role="search"
          onSubmit={(event) => event.preventDefault()}
          data-testid="ticket-filters"
        >
          <label>
            {t('engineer.tickets.status')}
            <select
              value={filters.status}
              data-testid="filter-status"
              onChange={(e) => set('status', e.currentTarget.value as Filters['status'])}
            >
              <option value="">{t('filter.all')}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {ticketStatusLabel(status)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('engineer.tickets.priority')}
            <select
              value={filters.priority}
              data-testid="filter-priority"
              onChange={(e) => set('priority', e.currentTarget.value as Filters['priority'])}
            >
              <option value="">{t('filter.all')}</option>
              {PRIORITIES.map((priority) => (
                <option key={priority} value={priority}>
                  {priorityLabel(priority)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('engineer.tickets.slaRisk')}
            <select
              value={filters.slaRisk}
              data-testid="filter-sla"
              onChange={(e) => set('slaRisk', e.currentTarget.value as Filters['slaRisk'])}
            >
              <option value="">{t('filter.all')}</option>
              {RISKS.map((risk) => (
                <option key={risk} value={risk}>
                  {t(`engineer.tickets.risk.${risk}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('engineer.fleet.region')}
            <select
              value={filters.region}
              data-testid="filter-region"
              onChange={(e) => set('region', e.currentTarget.value)}
            >
              <option value="">{t('filter.all')}</option>
              {regions.map((region) => (
                <option key={region} value={region}>
                  {regionLabel(region)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('engineer.tickets.technician')}
            <select
              value={filters.assigneeId}
              data-testid="filter-technician"
              onChange={(e) => set('assigneeId', e.currentTarget.value)}
            >
              <option value="">{t('filter.all')}</option>
              {(technicians.data ?? []).map((technician) => (
                <option key={technician.id} value={technician.id}>
                  {technician.name}
                </option>
              ))}
            </select>
          </label>
          <label class="inline">
            <input
              type="checkbox"
              checked={filters.openOnly}
              data-testid="filter-open"
              onChange={(e) => set('openOnly', e.currentTarget.checked)}
            />
            {t('engineer.tickets.openOnly')}
          </label>
        </form>
        <Async state={tickets}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="ticket-count">
                {t('engineer.tickets.count', { count: sorted.length })}
              </p>
              {sorted.length === 0 ? (
                <p class="muted">{t('engineer.tickets.noMatch')}</p>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="ticket-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('engineer.tickets.ticket')}</th>
                        <th scope="col">{t('engineer.fleet.device')}</th>
                        <th scope="col">{t('engineer.fleet.customer')}</th>
                        <th scope="col">{t('engineer.tickets.priority')}</th>
                        <th scope="col">{t('engineer.tickets.status')}</th>
                        <th scope="col">{t('engineer.tickets.sla')}</th>
                        <th scope="col">{t('engineer.tickets.technician')}</th>
                        <th scope="col">{t('engineer.tickets.opened')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((ticket) => {
                        const device = deviceById.get(ticket.deviceId);
                        const next = nextDeadline(ticket);
                        return (
                          <tr
                            key={ticket.id}
                            data-testid={`ticket-row-${ticket.id}`}
                            data-risk={ticket.slaRisk}
                          >
                            <td data-label={t('engineer.tickets.ticket')}>
                              <a href={href('tickets', ticket.id)} data-testid="ticket-link">
                                {ticketTitle(ticket, device?.type)}
                              </a>
                              <div class="muted small">
                                {t('engineer.tickets.ref', { ref: ticketRef(ticket.id) })}
                              </div>
                            </td>
                            <td data-label={t('engineer.fleet.device')}>
                              <a href={href('devices', ticket.deviceId)}>
                                {device?.serial ?? ticket.deviceId}
                              </a>
                              {device?.region ? (
                                <div class="muted small">{regionLabel(device.region)}</div>
                              ) : null}
                            </td>
                            <td data-label={t('engineer.fleet.customer')}>
                              {ticket.customerId
                                ? (customerNames.get(ticket.customerId) ?? '…')
                                : t('engineer.fleet.noCustomer')}
                            </td>
                            <td data-label={t('engineer.tickets.priority')}>
                              <PriorityBadge priority={ticket.priority} />
                            </td>
                            <td data-label={t('engineer.tickets.status')}>
                              <StatusBadge status={ticket.status} />
                            </td>
                            <td data-label={t('engineer.tickets.sla')}>
                              <SlaRiskBadge risk={ticket.slaRisk} />
                              {next ? (
                                <div class="small nowrap">
                                  {t('engineer.tickets.nextDue', {
                                    clock: t(`slaClock.${next.clock}`),
                                    due: formatDue(next.at, now),
                                  })}
                                </div>
                              ) : null}
                            </td>
                            <td data-label={t('engineer.tickets.technician')}>
                              {ticket.assigneeId
                                ? (technicianNames.get(ticket.assigneeId) ?? '…')
                                : t('engineer.tickets.unassigned')}
                            </td>
                            <td data-label={t('engineer.tickets.opened')} class="nowrap">
                              {formatAgo(ticket.createdAt, now)}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} testId="ticket-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}
