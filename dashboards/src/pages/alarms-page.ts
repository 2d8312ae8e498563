import type { Alarm, Ticket } from '../../../contracts/src';
import type { AppContext } from '../app-context.js';
import { h } from '../dom.js';
import { isActiveAlarm, isOpenTicket } from '../format.js';
import type { Page } from '../router.js';
import { alarmItem, emptyItem, sortAlarms, sortTickets, ticketItem } from './live-lists.js';

/** SLA clocks count down in minutes; a refresh every few seconds keeps "due in" honest. */
const REFRESH_MS = 5_000;

export class AlarmsPage implements Page {
  readonly title = 'Alarms & tickets';

  private readonly alarms = new Map<string, Alarm>();
  private readonly tickets = new Map<string, Ticket>();
  private readonly cleanups: (() => void)[] = [];
  private alarmList: HTMLElement | null = null;
  private ticketList: HTMLElement | null = null;
  private alarmCount: HTMLElement | null = null;
  private ticketCount: HTMLElement | null = null;

  constructor(private readonly app: AppContext) {}

  async mount(container: HTMLElement): Promise<void> {
    this.alarmList = h('ul', {
      className: 'list',
      'data-testid': 'alarm-list',
      'aria-label': 'Active alarms',
    });
    this.ticketList = h('ul', {
      className: 'list',
      'data-testid': 'ticket-list',
      'aria-label': 'Open tickets',
    });
    this.alarmCount = h('span', { className: 'muted', 'data-testid': 'summary-alarms' }, '–');
    this.ticketCount = h('span', { className: 'muted', 'data-testid': 'summary-tickets' }, '–');
    container.append(
      h('h1', {}, 'Alarms & tickets'),
      h(
        'div',
        { className: 'columns' },
        h(
          'section',
          { 'aria-labelledby': 'active-alarms' },
          h('h2', { id: 'active-alarms' }, 'Active alarms ', this.alarmCount),
          this.alarmList,
        ),
        h(
          'section',
          { 'aria-labelledby': 'open-tickets' },
          h('h2', { id: 'open-tickets' }, 'Open tickets ', this.ticketCount),
          this.ticketList,
        ),
      ),
    );

    const room = this.app.socket.subscribe('fleet');
    this.cleanups.push(
      room.release,
      this.app.socket.on('alarm', (alarm) => {
        this.alarms.set(alarm.id, alarm);
        this.render();
      }),
      this.app.socket.on('ticket', (ticket) => {
        this.tickets.set(ticket.id, ticket);
        this.render();
      }),
    );
    const timer = setInterval(() => this.render(), REFRESH_MS);
    this.cleanups.push(() => clearInterval(timer));

    try {
      const [alarms, tickets] = await Promise.all([this.app.api.alarms(), this.app.api.tickets()]);
      // Live events that arrived during the load are newer than the listing: keep them.
      for (const alarm of alarms) if (!this.alarms.has(alarm.id)) this.alarms.set(alarm.id, alarm);
      for (const ticket of tickets) if (!this.tickets.has(ticket.id)) this.tickets.set(ticket.id, ticket);
      this.render();
    } catch (error) {
      this.alarmList.replaceChildren(emptyItem(`Could not load alarms: ${String(error)}`));
    }
  }

  unmount(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private render(): void {
    if (!this.alarmList || !this.ticketList || !this.alarmCount || !this.ticketCount) return;
    const now = this.app.now();
    const alarms = sortAlarms([...this.alarms.values()].filter((a) => isActiveAlarm(a.state)));
    const tickets = sortTickets([...this.tickets.values()].filter((t) => isOpenTicket(t.status)));
    this.alarmCount.textContent = `(${alarms.length})`;
    this.ticketCount.textContent = `(${tickets.length})`;
    this.alarmList.replaceChildren(
      ...(alarms.length > 0
        ? alarms.map((a) => alarmItem(a, now, { showDevice: true }))
        : [emptyItem('No active alarms.')]),
    );
    this.ticketList.replaceChildren(
      ...(tickets.length > 0
        ? tickets.map((t) => ticketItem(t, now, { showDevice: true }))
        : [emptyItem('No open tickets.')]),
    );
  }
}
