// Alarm and ticket list items shared by the device page and the alarms page.

import type { Alarm, Ticket, TicketPriority } from '../../../contracts/src';
import { h, severityBadge } from '../dom.js';
import {
  formatDateTime,
  formatDue,
  formatRelative,
  humanize,
  isOverdue,
  nextSlaDeadline,
  severityRank,
} from '../format.js';

export function sortAlarms(alarms: Iterable<Alarm>): Alarm[] {
  return [...alarms].sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || b.raisedAt - a.raisedAt,
  );
}

const PRIORITY_RANK: Record<TicketPriority, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

export function sortTickets(tickets: Iterable<Ticket>): Ticket[] {
  return [...tickets].sort(
    (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.createdAt - b.createdAt,
  );
}

export function alarmItem(alarm: Alarm, nowMs: number, options: { showDevice: boolean }): HTMLElement {
  return h(
    'li',
    { className: `item item--${alarm.severity}`, 'data-testid': `alarm-${alarm.id}` },
    h(
      'div',
      { className: 'item__head' },
      severityBadge(alarm.severity),
      h('strong', {}, alarm.message || alarm.cause),
      alarm.count > 1 ? h('span', { className: 'muted small' }, `×${alarm.count}`) : null,
    ),
    h(
      'div',
      { className: 'item__meta muted small' },
      options.showDevice
        ? h('a', { href: `#/devices/${encodeURIComponent(alarm.deviceId)}` }, alarm.deviceId)
        : null,
      options.showDevice ? ' · ' : null,
      `${humanize(alarm.state)} · ${alarm.cause} · raised `,
      h(
        'time',
        { datetime: new Date(alarm.raisedAt).toISOString(), title: formatDateTime(alarm.raisedAt) },
        formatRelative(alarm.raisedAt, nowMs),
      ),
      alarm.clearedAt ? ` · cleared ${formatRelative(alarm.clearedAt, nowMs)}` : null,
    ),
  );
}

export function ticketItem(ticket: Ticket, nowMs: number, options: { showDevice: boolean }): HTMLElement {
  const deadline = nextSlaDeadline(ticket);
  const overdue = deadline !== null && isOverdue(deadline.dueMs, nowMs);
  return h(
    'li',
    { className: `item item--${overdue ? 'overdue' : 'ticket'}`, 'data-testid': `ticket-${ticket.id}` },
    h(
      'div',
      { className: 'item__head' },
      h('span', { className: `badge badge--priority-${ticket.priority}` }, ticket.priority),
      h('strong', {}, ticket.title),
    ),
    h(
      'div',
      { className: 'item__meta muted small' },
      options.showDevice
        ? h('a', { href: `#/devices/${encodeURIComponent(ticket.deviceId)}` }, ticket.deviceId)
        : null,
      options.showDevice ? ' · ' : null,
      `${humanize(ticket.status)} · opened ${formatRelative(ticket.createdAt, nowMs)}`,
    ),
    deadline
      ? h(
          'div',
          { className: `sla ${overdue ? 'sla--overdue' : ''}`, 'data-testid': `ticket-sla-${ticket.id}` },
          `${humanize(deadline.label)}: `,
          h(
            'time',
            { datetime: new Date(deadline.dueMs).toISOString(), title: formatDateTime(deadline.dueMs) },
            formatDue(deadline.dueMs, nowMs),
          ),
        )
      : null,
  );
}

export function emptyItem(text: string): HTMLElement {
  return h('li', { className: 'item item--empty muted' }, text);
}
