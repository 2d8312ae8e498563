import type { Alarm, DeviceView, Ticket } from '../../../contracts/src';
import type { AppContext } from '../app-context.js';
import { h, onlineBadge } from '../dom.js';
import { formatRelative, humanize, isActiveAlarm, isOpenTicket } from '../format.js';
import type { Page } from '../router.js';

/** Rendering thousands of rows costs more than it helps; the filter narrows the list instead. */
const MAX_ROWS = 500;
const REFRESH_RELATIVE_TIMES_MS = 10_000;

export class FleetPage implements Page {
  readonly title = 'Fleet';

  private readonly devices = new Map<string, DeviceView>();
  private readonly alarms = new Map<string, Alarm>();
  private readonly tickets = new Map<string, Ticket>();
  private readonly cleanups: (() => void)[] = [];
  private readonly fetching = new Set<string>();
  private filter = { type: '', online: '', text: '' };
  private frame = 0;
  private tbody: HTMLTableSectionElement | null = null;
  private caption: HTMLElement | null = null;
  private summary: Record<'devices' | 'online' | 'alarms' | 'tickets', HTMLElement> | null = null;
  private typeSelect: HTMLSelectElement | null = null;

  constructor(private readonly app: AppContext) {}

  async mount(container: HTMLElement): Promise<void> {
    const counter = (label: string, testId: string): [HTMLElement, HTMLElement] => {
      const value = h('span', { className: 'counter__value', 'data-testid': testId }, '–');
      return [
        h('div', { className: 'counter' }, value, h('span', { className: 'counter__label' }, label)),
        value,
      ];
    };
    const [devicesBox, devicesValue] = counter('devices', 'summary-devices');
    const [onlineBox, onlineValue] = counter('online', 'summary-online');
    const [alarmsBox, alarmsValue] = counter('active alarms', 'summary-alarms');
    const [ticketsBox, ticketsValue] = counter('open tickets', 'summary-tickets');
    this.summary = { devices: devicesValue, online: onlineValue, alarms: alarmsValue, tickets: ticketsValue };

    this.typeSelect = h(
      'select',
      { id: 'filter-type', 'data-testid': 'filter-type' },
      h('option', { value: '' }, 'All types'),
    );
    const onlineSelect = h(
      'select',
      { id: 'filter-online', 'data-testid': 'filter-online' },
      h('option', { value: '' }, 'Online and offline'),
      h('option', { value: 'online' }, 'Online only'),
      h('option', { value: 'offline' }, 'Offline only'),
    );
    const search = h('input', {
      id: 'filter-text',
      type: 'search',
      placeholder: 'Id, serial, region, customer',
      'data-testid': 'filter-text',
    });
    this.typeSelect.addEventListener('change', () => this.setFilter({ type: this.typeSelect?.value ?? '' }));
    onlineSelect.addEventListener('change', () => this.setFilter({ online: onlineSelect.value }));
    search.addEventListener('input', () => this.setFilter({ text: search.value.trim().toLowerCase() }));

    this.tbody = h('tbody');
    this.caption = h('caption', { className: 'table-caption' }, 'Loading devices…');
    const table = h(
      'table',
      { className: 'data-table', 'data-testid': 'fleet-table' },
      this.caption,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Device', 'Type', 'Region', 'State', 'Firmware', 'Last seen', 'Open alarms'].map((name) =>
            h('th', { scope: 'col' }, name),
          ),
        ),
      ),
      this.tbody,
    );

    container.append(
      h('h1', {}, 'Fleet'),
      h(
        'section',
        { className: 'counters', 'aria-label': 'Fleet summary', 'aria-live': 'polite' },
        devicesBox,
        onlineBox,
        alarmsBox,
        ticketsBox,
      ),
      h(
        'form',
        {
          className: 'filters',
          role: 'search',
          'aria-label': 'Filter devices',
          onsubmit: (e: Event) => e.preventDefault(),
        },
        h('label', { for: 'filter-type' }, 'Type'),
        this.typeSelect,
        h('label', { for: 'filter-online' }, 'State'),
        onlineSelect,
        h('label', { for: 'filter-text' }, 'Search'),
        search,
      ),
      h('div', { className: 'table-scroll' }, table),
    );

    this.listenLive();
    const timer = setInterval(() => this.scheduleRender(), REFRESH_RELATIVE_TIMES_MS);
    this.cleanups.push(() => clearInterval(timer));

    try {
      const [devices, alarms, tickets] = await Promise.all([
        this.app.api.devices(),
        this.app.api.alarms(),
        this.app.api.tickets(),
      ]);
      for (const device of devices) this.devices.set(device.id, device);
      // Live events that arrived during the load are newer than the listing: keep them.
      for (const alarm of alarms) if (!this.alarms.has(alarm.id)) this.alarms.set(alarm.id, alarm);
      for (const ticket of tickets) if (!this.tickets.has(ticket.id)) this.tickets.set(ticket.id, ticket);
      this.fillTypeOptions();
      this.render();
    } catch (error) {
      if (this.caption) this.caption.textContent = `Could not load the fleet: ${String(error)}`;
    }
  }

  unmount(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    cancelAnimationFrame(this.frame);
  }

  private listenLive(): void {
    const room = this.app.socket.subscribe('fleet');
    this.cleanups.push(room.release);
    this.cleanups.push(
      this.app.socket.on('device', (event) => {
        const device = this.devices.get(event.deviceId);
        if (!device) {
          this.addDevice(event.deviceId);
          return;
        }
        device.online = event.online;
        if (event.lastSeen !== null) device.lastSeen = event.lastSeen;
        if (event.fw !== null) device.fw = event.fw;
        this.scheduleRender();
      }),
      this.app.socket.on('telemetry', (event) => {
        const device = this.devices.get(event.deviceId);
        if (!device) return;
        device.lastSeen = Math.max(device.lastSeen ?? 0, event.ts);
        for (const [metric, value] of Object.entries(event.metrics))
          device.latest[metric] = { ts: event.ts, value };
        this.scheduleRender();
      }),
      this.app.socket.on('alarm', (alarm) => {
        this.alarms.set(alarm.id, alarm);
        this.scheduleRender();
      }),
      this.app.socket.on('ticket', (ticket) => {
        this.tickets.set(ticket.id, ticket);
        this.scheduleRender();
      }),
    );
  }

  /** A device registered after the page loaded: fetch it once so it appears in the table. */
  private addDevice(deviceId: string): void {
    if (this.fetching.has(deviceId)) return;
    this.fetching.add(deviceId);
    this.app.api
      .device(deviceId)
      .then((device) => {
        this.devices.set(device.id, device);
        this.fillTypeOptions();
        this.scheduleRender();
      })
      .catch((error: unknown) => console.warn(`device ${deviceId} could not be loaded`, error))
      .finally(() => this.fetching.delete(deviceId));
  }

  private setFilter(change: Partial<FleetPage['filter']>): void {
    this.filter = { ...this.filter, ...change };
    this.render();
  }

  private fillTypeOptions(): void {
    const select = this.typeSelect;
    if (!select) return;
    const types = [...new Set([...this.devices.values()].map((d) => d.type))].sort();
    select.replaceChildren(
      h('option', { value: '' }, 'All types'),
      ...types.map((t) => h('option', { value: t }, humanize(t))),
    );
    select.value = this.filter.type;
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    if (!this.tbody || !this.summary || !this.caption) return;
    const now = this.app.now();
    const alarmsByDevice = new Map<string, number>();
    let activeAlarms = 0;
    for (const alarm of this.alarms.values()) {
      if (!isActiveAlarm(alarm.state)) continue;
      activeAlarms++;
      alarmsByDevice.set(alarm.deviceId, (alarmsByDevice.get(alarm.deviceId) ?? 0) + 1);
    }
    const openTickets = [...this.tickets.values()].filter((t) => isOpenTicket(t.status)).length;
    const all = [...this.devices.values()];
    this.summary.devices.textContent = String(all.length);
    this.summary.online.textContent = String(all.filter((d) => d.online).length);
    this.summary.alarms.textContent = String(activeAlarms);
    this.summary.tickets.textContent = String(openTickets);

    const { type, online, text } = this.filter;
    const matching = all
      .filter((d) => !type || d.type === type)
      .filter((d) => !online || d.online === (online === 'online'))
      .filter(
        (d) =>
          !text ||
          [d.id, d.serial, d.region, d.customerId, d.type].some((f) => f?.toLowerCase().includes(text)),
      )
      // Devices needing attention first: alarms, then offline, then by id.
      .sort(
        (a, b) =>
          (alarmsByDevice.get(b.id) ?? 0) - (alarmsByDevice.get(a.id) ?? 0) ||
          Number(a.online) - Number(b.online) ||
          a.id.localeCompare(b.id),
      );
    const shown = matching.slice(0, MAX_ROWS);
    this.caption.textContent =
      matching.length === all.length
        ? `${all.length} devices`
        : `${matching.length} of ${all.length} devices match the filter`;
    if (shown.length < matching.length) this.caption.textContent += ` (showing the first ${MAX_ROWS})`;

    this.tbody.replaceChildren(
      ...shown.map((device) => {
        const alarmCount = alarmsByDevice.get(device.id) ?? 0;
        const href = `#/devices/${encodeURIComponent(device.id)}`;
        return h(
          'tr',
          { 'data-testid': `device-row-${device.id}`, className: alarmCount > 0 ? 'row--alert' : '' },
          h(
            'th',
            { scope: 'row' },
            h('a', { href }, device.id),
            device.serial ? h('span', { className: 'muted small' }, ` ${device.serial}`) : null,
          ),
          h('td', {}, humanize(device.type)),
          h('td', {}, device.region ?? '–'),
          h('td', {}, onlineBadge(device.online)),
          h('td', {}, device.fw ?? '–'),
          h(
            'td',
            { title: device.lastSeen ? new Date(device.lastSeen).toISOString() : '' },
            formatRelative(device.lastSeen, now),
          ),
          h(
            'td',
            { className: 'num' },
            alarmCount > 0 ? h('span', { className: 'badge badge--major' }, alarmCount) : '0',
          ),
        );
      }),
    );
  }
}
