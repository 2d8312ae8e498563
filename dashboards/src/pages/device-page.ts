import type { Alarm, DeviceView, MetricProfileView, Ticket } from '../../../contracts/src';
import type { AppContext } from '../app-context.js';
import { dropBefore, insertPoint, type ChartPoint } from '../chart-scale.js';
import { h, onlineBadge } from '../dom.js';
import {
  formatRelative,
  formatValue,
  humanize,
  isActiveAlarm,
  isOpenTicket,
  isOutsideBand,
} from '../format.js';
import { LineChart } from '../line-chart.js';
import type { Page } from '../router.js';
import { alarmItem, emptyItem, sortAlarms, sortTickets, ticketItem } from './live-lists.js';

interface RangeOption {
  id: string;
  label: string;
  spanMs: number;
  /** Server-side downsampling: a day of 10-s readings is more points than the chart has pixels. */
  every?: string;
}

export const RANGES: readonly RangeOption[] = [
  { id: '15m', label: '15 min', spanMs: 15 * 60_000 },
  { id: '1h', label: '1 h', spanMs: 60 * 60_000 },
  { id: '24h', label: '24 h', spanMs: 24 * 60 * 60_000, every: '1m' },
];

const TICK_MS = 5_000;

export class DevicePage implements Page {
  readonly title: string;

  private device: DeviceView | null = null;
  private metrics: MetricProfileView[] = [];
  private readonly alarms = new Map<string, Alarm>();
  private readonly tickets = new Map<string, Ticket>();
  private readonly cleanups: (() => void)[] = [];
  private selectedMetric = '';
  private range: RangeOption = RANGES[0];
  private points: ChartPoint[] = [];
  /** Live points that arrive while history loads; merged once it is in. */
  private pending: ChartPoint[] | null = null;
  private loadGeneration = 0;
  private chart: LineChart | null = null;
  private readonly el: {
    header?: HTMLElement;
    readings?: HTMLElement;
    metricSelect?: HTMLSelectElement;
    chartStatus?: HTMLElement;
    alarmList?: HTMLElement;
    ticketList?: HTMLElement;
  } = {};

  constructor(
    private readonly app: AppContext,
    private readonly deviceId: string,
  ) {
    this.title = `Device ${deviceId}`;
  }

  async mount(container: HTMLElement): Promise<void> {
    const header = h(
      'header',
      { className: 'device-header' },
      h('h1', {}, this.deviceId),
      h('p', { className: 'muted' }, 'Loading…'),
    );
    const readings = h('div', { className: 'readings', 'aria-live': 'polite' });
    const metricSelect = h('select', { id: 'chart-metric', 'data-testid': 'chart-metric' });
    metricSelect.addEventListener('change', () => this.selectMetric(metricSelect.value));
    const rangeGroup = h(
      'div',
      { className: 'segmented', role: 'radiogroup', 'aria-label': 'Time range' },
      ...RANGES.map((range) => {
        const input = h('input', {
          type: 'radio',
          name: 'chart-range',
          id: `range-${range.id}`,
          value: range.id,
          checked: range === this.range,
          'data-testid': `range-${range.id}`,
        });
        input.addEventListener('change', () => {
          if (input.checked) this.selectRange(range);
        });
        return h('span', {}, input, h('label', { for: `range-${range.id}` }, range.label));
      }),
    );
    const canvas = h('canvas', {
      className: 'chart',
      'data-testid': 'telemetry-chart',
      'data-points': '0',
      role: 'img',
      'aria-label': 'Telemetry chart',
    });
    const chartStatus = h('p', { className: 'muted small', 'aria-live': 'polite' });
    const alarmList = h('ul', { className: 'list', 'data-testid': 'alarm-list', 'aria-label': 'Alarms' });
    const ticketList = h('ul', { className: 'list', 'data-testid': 'ticket-list', 'aria-label': 'Tickets' });
    Object.assign(this.el, { header, readings, metricSelect, chartStatus, alarmList, ticketList });

    container.append(
      h(
        'nav',
        { className: 'breadcrumb', 'aria-label': 'Breadcrumb' },
        h('a', { href: '#/fleet' }, 'Fleet'),
        ' / ',
        this.deviceId,
      ),
      header,
      h(
        'section',
        { 'aria-labelledby': 'readings-heading' },
        h('h2', { id: 'readings-heading' }, 'Latest readings'),
        readings,
      ),
      h(
        'section',
        { className: 'panel', 'aria-labelledby': 'chart-heading' },
        h(
          'div',
          { className: 'panel__head' },
          h('h2', { id: 'chart-heading' }, 'Telemetry'),
          h('label', { for: 'chart-metric', className: 'visually-hidden' }, 'Metric'),
          metricSelect,
          rangeGroup,
        ),
        h('div', { className: 'chart-box' }, canvas),
        chartStatus,
      ),
      h(
        'div',
        { className: 'columns' },
        h(
          'section',
          { 'aria-labelledby': 'alarms-heading' },
          h('h2', { id: 'alarms-heading' }, 'Alarms'),
          alarmList,
        ),
        h(
          'section',
          { 'aria-labelledby': 'tickets-heading' },
          h('h2', { id: 'tickets-heading' }, 'Tickets'),
          ticketList,
        ),
      ),
    );

    this.chart = new LineChart(canvas);
    this.chart.start();
    this.cleanups.push(() => this.chart?.stop());
    this.listenLive();
    const timer = setInterval(() => this.tick(), TICK_MS);
    this.cleanups.push(() => clearInterval(timer));

    try {
      const [device, profiles, alarms, tickets] = await Promise.all([
        this.app.api.device(this.deviceId),
        this.app.profiles(),
        this.app.api.alarms(this.deviceId),
        this.app.api.tickets(this.deviceId),
      ]);
      this.device = device;
      this.metrics = profiles.find((p) => p.type === device.type)?.metrics ?? [];
      // Readings the profile does not know still deserve a place (a newer firmware, say).
      for (const name of Object.keys(device.latest)) {
        if (!this.metrics.some((m) => m.name === name)) this.metrics.push(unknownMetric(name));
      }
      // Live events that arrived during the load are newer than the listing: keep them.
      for (const alarm of alarms) if (!this.alarms.has(alarm.id)) this.alarms.set(alarm.id, alarm);
      for (const ticket of tickets) if (!this.tickets.has(ticket.id)) this.tickets.set(ticket.id, ticket);
      metricSelect.replaceChildren(
        ...this.metrics.map((m) => h('option', { value: m.name }, metricLabel(m))),
      );
      this.renderHeader();
      this.renderReadings();
      this.renderLists();
      if (this.metrics.length > 0) this.selectMetric(this.metrics[0].name);
    } catch (error) {
      header.replaceChildren(
        h('h1', {}, this.deviceId),
        h('p', { className: 'form-error', role: 'alert' }, `Could not load the device: ${String(error)}`),
      );
    }
  }

  unmount(): void {
    this.loadGeneration++;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private listenLive(): void {
    const room = this.app.socket.subscribe(`device:${this.deviceId}`);
    this.cleanups.push(room.release);
    this.cleanups.push(
      this.app.socket.on('telemetry', (event) => {
        if (event.deviceId !== this.deviceId || !this.device) return;
        this.device.lastSeen = Math.max(this.device.lastSeen ?? 0, event.ts);
        for (const [metric, value] of Object.entries(event.metrics)) {
          this.device.latest[metric] = { ts: event.ts, value };
        }
        const value = event.metrics[this.selectedMetric];
        if (typeof value === 'number') {
          const point = { ts: event.ts, value };
          if (this.pending) this.pending.push(point);
          else insertPoint(this.points, point);
          this.updateChart();
        }
        this.renderReadings();
        this.renderHeader();
      }),
      this.app.socket.on('device', (event) => {
        if (event.deviceId !== this.deviceId || !this.device) return;
        this.device.online = event.online;
        if (event.lastSeen !== null) this.device.lastSeen = event.lastSeen;
        if (event.fw !== null) this.device.fw = event.fw;
        this.renderHeader();
      }),
      this.app.socket.on('alarm', (alarm) => {
        if (alarm.deviceId !== this.deviceId) return;
        this.alarms.set(alarm.id, alarm);
        this.renderLists();
      }),
      this.app.socket.on('ticket', (ticket) => {
        if (ticket.deviceId !== this.deviceId) return;
        this.tickets.set(ticket.id, ticket);
        this.renderLists();
      }),
    );
  }

  private tick(): void {
    this.renderHeader();
    this.renderLists();
    this.updateChart();
  }

  private selectMetric(name: string): void {
    this.selectedMetric = name;
    if (this.el.metricSelect) this.el.metricSelect.value = name;
    for (const card of this.el.readings?.querySelectorAll<HTMLElement>('[data-metric]') ?? []) {
      card.setAttribute('aria-pressed', String(card.dataset.metric === name));
    }
    void this.loadHistory();
  }

  private selectRange(range: RangeOption): void {
    this.range = range;
    void this.loadHistory();
  }

  private async loadHistory(): Promise<void> {
    const generation = ++this.loadGeneration;
    const metric = this.selectedMetric;
    const toMs = this.app.now();
    const fromMs = toMs - this.range.spanMs;
    this.points = [];
    this.pending = [];
    this.updateChart();
    if (this.el.chartStatus) this.el.chartStatus.textContent = 'Loading history…';
    try {
      const history = await this.app.api.telemetry(this.deviceId, metric, fromMs, toMs, this.range.every);
      if (generation !== this.loadGeneration) return;
      const points = history
        .filter((p) => Number.isFinite(p.ts) && typeof p.value === 'number')
        .sort((a, b) => a.ts - b.ts);
      for (const point of this.pending) insertPoint(points, point);
      this.points = points;
      if (this.el.chartStatus) {
        this.el.chartStatus.textContent = `${humanize(this.range.label)} of ${metric}${this.range.every ? `, ${this.range.every} averages` : ''}, live.`;
      }
    } catch (error) {
      if (generation !== this.loadGeneration) return;
      if (this.el.chartStatus)
        this.el.chartStatus.textContent = `Could not load the history: ${String(error)}. Showing live readings only.`;
      this.points = this.pending ?? [];
    } finally {
      if (generation === this.loadGeneration) {
        this.pending = null;
        this.updateChart();
      }
    }
  }

  private updateChart(): void {
    if (!this.chart) return;
    const toMs = this.app.now();
    const fromMs = toMs - this.range.spanMs;
    dropBefore(this.points, fromMs);
    const metric = this.metrics.find((m) => m.name === this.selectedMetric);
    // A live reading stamped slightly ahead of the browser clock should still show.
    const latestTs = this.points.at(-1)?.ts ?? toMs;
    this.chart.setSeries({
      points: this.points,
      unit: metric?.unit ?? '',
      label: metric ? metricLabel(metric) : this.selectedMetric,
      normal: metric?.normal,
      fromMs,
      toMs: Math.max(toMs, latestTs),
    });
  }

  private renderHeader(): void {
    const device = this.device;
    const header = this.el.header;
    if (!device || !header) return;
    const now = this.app.now();
    header.replaceChildren(
      h('h1', {}, humanize(device.type), ' ', h('span', { className: 'muted' }, device.id)),
      h(
        'dl',
        { className: 'facts' },
        h('div', {}, h('dt', {}, 'State'), h('dd', {}, onlineBadge(device.online, 'device-online'))),
        h('div', {}, h('dt', {}, 'Firmware'), h('dd', { 'data-testid': 'device-fw' }, device.fw ?? '–')),
        h(
          'div',
          {},
          h('dt', {}, 'Last seen'),
          h('dd', { 'data-testid': 'device-last-seen' }, formatRelative(device.lastSeen, now)),
        ),
        h('div', {}, h('dt', {}, 'Region'), h('dd', {}, device.region ?? '–')),
        h('div', {}, h('dt', {}, 'Serial'), h('dd', {}, device.serial ?? '–')),
      ),
    );
  }

  private renderReadings(): void {
    const device = this.device;
    const readings = this.el.readings;
    if (!device || !readings) return;
    readings.replaceChildren(
      ...this.metrics.map((metric) => {
        const reading = device.latest[metric.name];
        const outside = reading !== undefined && isOutsideBand(reading.value, metric.normal);
        const critical = reading !== undefined && isOutsideBand(reading.value, metric.critical);
        const card = h(
          'button',
          {
            type: 'button',
            className: `reading ${critical ? 'reading--critical' : outside ? 'reading--outside' : ''}`,
            'data-metric': metric.name,
            'aria-pressed': String(metric.name === this.selectedMetric),
            title: `Show ${metric.name} in the chart`,
          },
          h('span', { className: 'reading__label' }, metricLabel(metric)),
          h(
            'span',
            { className: 'reading__value', 'data-testid': `latest-${metric.name}` },
            reading ? formatValue(reading.value) : '–',
            metric.unit ? h('span', { className: 'reading__unit' }, ` ${metric.unit}`) : null,
          ),
          h(
            'span',
            { className: 'reading__band small' },
            outside ? `${critical ? 'critical' : 'outside normal'} · ${bandText(metric)}` : bandText(metric),
          ),
        );
        card.addEventListener('click', () => this.selectMetric(metric.name));
        return card;
      }),
    );
  }

  private renderLists(): void {
    const now = this.app.now();
    const { alarmList, ticketList } = this.el;
    if (!alarmList || !ticketList) return;
    // Active alarms first, then the recently cleared ones for context.
    const alarms = sortAlarms(this.alarms.values());
    const ordered = [
      ...alarms.filter((a) => isActiveAlarm(a.state)),
      ...alarms.filter((a) => !isActiveAlarm(a.state)),
    ];
    alarmList.replaceChildren(
      ...(ordered.length > 0
        ? ordered.map((a) => alarmItem(a, now, { showDevice: false }))
        : [emptyItem('No alarms.')]),
    );
    const tickets = sortTickets(this.tickets.values());
    const openFirst = [
      ...tickets.filter((t) => isOpenTicket(t.status)),
      ...tickets.filter((t) => !isOpenTicket(t.status)),
    ];
    ticketList.replaceChildren(
      ...(openFirst.length > 0
        ? openFirst.map((t) => ticketItem(t, now, { showDevice: false }))
        : [emptyItem('No tickets.')]),
    );
  }
}

/** A reading the appliance profile does not describe: no unit, no bands. */
function unknownMetric(name: string): MetricProfileView {
  return { name, unit: '', min: 0, max: 0, normal: {}, critical: {}, description: '' };
}

function metricLabel(metric: MetricProfileView): string {
  return metric.description ? `${humanize(metric.description)}` : metric.name;
}

function bandText(metric: MetricProfileView): string {
  const band = metric.normal;
  if (!band || (band.low === undefined && band.high === undefined)) return 'no normal band';
  const unit = metric.unit ? ` ${metric.unit}` : '';
  if (band.low !== undefined && band.high !== undefined) return `normal ${band.low}–${band.high}${unit}`;
  if (band.low !== undefined) return `normal ≥ ${band.low}${unit}`;
  return `normal ≤ ${band.high}${unit}`;
}
