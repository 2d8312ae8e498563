// The fleet: every device the engineer may see, filtered by type, region, customer, state and open
// alarms, with "last seen" kept true live (device and telemetry events of the fleet room).
import { useMemo, useState } from 'preact/hooks';
import type { Customer, DeviceView } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad, useNow, useRooms, useSocketEvent } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { useProfiles } from '../components/profiles';
import { Async, OnlineBadge, PageTitle } from '../components/ui';
import { formatAgo } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { regionLabel } from './device-words';

interface Filters {
  type: string;
  region: string;
  customerId: string;
  state: '' | 'online' | 'offline';
  openAlarms: boolean;
  q: string;
}

const NO_FILTERS: Filters = { type: '', region: '', customerId: '', state: '', openAlarms: false, q: '' };

export function FleetPage() {
  useI18n();
  const { api } = useApp();
  const now = useNow(5000);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const devices = useLoad(() => api.get<DeviceView[]>('/api/devices'), []);
  const customers = useLoad(() => api.get<Customer[]>('/api/customers'), []);
  const profiles = useProfiles();

  useRooms(['fleet']);
  useSocketEvent('device', (event) =>
    devices.update((list) =>
      list.map((d) =>
        d.id === event.deviceId
          ? { ...d, online: event.online, lastSeen: event.lastSeen ?? d.lastSeen, fw: event.fw ?? d.fw }
          : d,
      ),
    ),
  );
  useSocketEvent('telemetry', (event) =>
    devices.update((list) =>
      list.map((d) =>
        d.id === event.deviceId && (d.lastSeen ?? 0) < event.ts
          ? { ...d, lastSeen: event.ts, online: true }
          : d,
      ),
    ),
  );
  // an alarm changes a device's open-alarm count: the server counts, the page reloads
  useSocketEvent('alarm', () => devices.reload());

  const customerNames = useMemo(
    () => new Map((customers.data ?? []).map((c) => [c.id, c.name])),
    [customers.data],
  );
  const regions = useMemo(
    () => [...new Set((devices.data ?? []).map((d) => d.region).filter((r): r is string => !!r))].sort(),
    [devices.data],
  );
  const shown = useMemo(() => {
    const q = filters.q.trim().toLowerCase();
    return (devices.data ?? []).filter(
      (d) =>
        (!filters.type || d.type === filters.type) &&
        (!filters.region || d.region === filters.region) &&
        (!filters.customerId || d.customerId === filters.customerId) &&
        (!filters.state || (filters.state === 'online') === d.online) &&
        (!filters.openAlarms || d.openAlarmCount > 0) &&
        (!q || d.id.toLowerCase().includes(q) || (d.serial ?? '').toLowerCase().includes(q)),
    );
  }, [devices.data, filters]);
  const paged = usePaged(shown, 25);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]): void =>
    setFilters({ ...filters, [key]: value });

  return (
    <>
      <PageTitle>{t('engineer.fleet.title')}</PageTitle>
      <section class="card">
        <form
          class="filters"
          role="search"
          onSubmit={(event) => event.preventDefault()}
          data-testid="fleet-filters"
        >
          <label>
            {t('engineer.fleet.search')}
            <input
              type="search"
              value={filters.q}
              data-testid="filter-q"
              onInput={(e) => set('q', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('engineer.fleet.type')}
            <select
              value={filters.type}
              data-testid="filter-type"
              onChange={(e) => set('type', e.currentTarget.value)}
            >
              <option value="">{t('filter.all')}</option>
              {(profiles.data ?? []).map(({ type }) => (
                <option key={type} value={type}>
                  {typeLabel(type)}
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
            {t('engineer.fleet.customer')}
            <select
              value={filters.customerId}
              data-testid="filter-customer"
              onChange={(e) => set('customerId', e.currentTarget.value)}
            >
              <option value="">{t('filter.all')}</option>
              {(customers.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('engineer.fleet.state')}
            <select
              value={filters.state}
              data-testid="filter-state"
              onChange={(e) => set('state', e.currentTarget.value as Filters['state'])}
            >
              <option value="">{t('filter.all')}</option>
              <option value="online">{t('state.online')}</option>
              <option value="offline">{t('state.offline')}</option>
            </select>
          </label>
          <label class="inline">
            <input
              type="checkbox"
              checked={filters.openAlarms}
              data-testid="filter-open-alarms"
              onChange={(e) => set('openAlarms', e.currentTarget.checked)}
            />
            {t('engineer.fleet.onlyOpenAlarms')}
          </label>
        </form>
        <Async state={devices}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="fleet-count">
                {t('engineer.fleet.count', { count: shown.length })}
              </p>
              {shown.length === 0 ? (
                <p class="muted">{t('engineer.fleet.noMatch')}</p>
              ) : (
                <div class="table-scroll">
                  <table class="data-table" data-testid="fleet-table">
                    <thead>
                      <tr>
                        <th scope="col">{t('engineer.fleet.device')}</th>
                        <th scope="col">{t('engineer.fleet.type')}</th>
                        <th scope="col">{t('engineer.fleet.customer')}</th>
                        <th scope="col">{t('engineer.fleet.region')}</th>
                        <th scope="col">{t('engineer.fleet.state')}</th>
                        <th scope="col" class="num">
                          {t('engineer.fleet.openAlarms')}
                        </th>
                        <th scope="col">{t('engineer.fleet.lastSeen')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((d) => (
                        <tr key={d.id} data-testid={`device-row-${d.id}`}>
                          <td>
                            <a href={href('devices', d.id)}>{d.serial ?? d.id}</a>
                          </td>
                          <td>{typeLabel(d.type)}</td>
                          <td>
                            {d.customerId
                              ? (customerNames.get(d.customerId) ?? '…')
                              : t('engineer.fleet.noCustomer')}
                          </td>
                          <td>{d.region ? regionLabel(d.region) : '–'}</td>
                          <td>
                            <OnlineBadge online={d.online} />
                          </td>
                          <td class="num">{d.openAlarmCount}</td>
                          <td class="nowrap" data-testid="last-seen" data-ts={d.lastSeen ?? ''}>
                            {formatAgo(d.lastSeen, now)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} testId="fleet-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}
