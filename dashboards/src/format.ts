// Pure formatting and classification helpers. No DOM and only type imports, so node tests can load this file.

import type { AlarmState, Band, Ticket, TicketStatus } from '../../contracts/src';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A duration in the two largest units that matter to a reader: "3h 20m", "2d 4h", "45s". */
export function formatDuration(durationMs: number): string {
  const ms = Math.max(0, Math.floor(durationMs));
  if (ms < MINUTE_MS) return `${Math.floor(ms / SECOND_MS)}s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / MINUTE_MS)}m`;
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
    return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  }
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
}

/** "just now", "42s ago", "5m ago", "3h 20m ago"; "never" when the device never reported. */
export function formatRelative(tsMs: number | null | undefined, nowMs: number): string {
  if (tsMs === null || tsMs === undefined) return 'never';
  const ageMs = nowMs - tsMs;
  // Clocks of the browser and the server differ a little: a timestamp slightly ahead is "just now".
  if (ageMs < 5 * SECOND_MS) return 'just now';
  return `${formatDuration(ageMs)} ago`;
}

/** SLA clock wording: "due in 3h 20m" before the deadline, "overdue by 12m" after it. */
export function formatDue(dueMs: number, nowMs: number): string {
  const remainingMs = dueMs - nowMs;
  if (remainingMs <= 0) return `overdue by ${formatDuration(-remainingMs)}`;
  return `due in ${formatDuration(remainingMs)}`;
}

export function isOverdue(dueMs: number, nowMs: number): boolean {
  return dueMs <= nowMs;
}

/** A reading with as many decimals as its magnitude deserves. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = value.toFixed(decimals);
  // "3.10" reads as more precise than the sensor is; "3.1" and "4" are what people write.
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

export function isOutsideBand(value: number, band: Band | undefined): boolean {
  if (!band) return false;
  if (band.low !== undefined && value < band.low) return true;
  if (band.high !== undefined && value > band.high) return true;
  return false;
}

const CLOSED_TICKET_STATUSES = new Set<TicketStatus>(['resolved', 'verified', 'closed', 'cancelled']);

export function isOpenTicket(status: TicketStatus): boolean {
  return !CLOSED_TICKET_STATUSES.has(status);
}

export function isActiveAlarm(state: AlarmState): boolean {
  return state !== 'cleared';
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

/** Sort key: most severe first; unknown severities last. */
export function severityRank(severity: string): number {
  return SEVERITY_RANK[severity] ?? 9;
}

export type SlaDeadlines = Pick<Ticket, 'status' | 'respondBy' | 'onSiteBy' | 'resolveBy'>;

/** The SLA clock still running for a ticket in this status, or null once it is done. */
export function nextSlaDeadline(ticket: SlaDeadlines): { label: string; dueMs: number } | null {
  switch (ticket.status) {
    case 'new':
    case 'reopened':
      return { label: 'respond', dueMs: ticket.respondBy };
    case 'acknowledged':
    case 'dispatched':
    case 'en_route':
      return { label: 'on site', dueMs: ticket.onSiteBy };
    case 'on_site':
    case 'waiting_parts':
      return { label: 'resolve', dueMs: ticket.resolveBy };
    case 'resolved':
    case 'verified':
    case 'closed':
    case 'cancelled':
      return null;
  }
}

/** Clock time for a timestamp, in the browser's locale, e.g. "14:05:09". */
export function formatClock(tsMs: number): string {
  return new Date(tsMs).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatDateTime(tsMs: number): string {
  return new Date(tsMs).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "air_conditioner" → "Air conditioner". */
export function humanize(name: string): string {
  const spaced = name.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
