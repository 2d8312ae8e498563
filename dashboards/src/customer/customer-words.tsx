// The customer's view of their appliances and repairs in plain words: a health state from the open
// alarms and tickets, preventive-maintenance alerts from the proactive tickets (one sentence per fault,
// the period recomputed against now), repair names and statuses.
import type {
  ApplianceType,
  DeviceView,
  PredictionEstimate,
  Ticket,
  TicketStatus,
} from '../../../contracts/src';
import { formatAgo } from '../i18n/format';
import { formatFailureWindow } from '../i18n/format-failure';
import { t, tDynamic } from '../i18n/i18n';
import { faultModeLabel, typeLabel } from '../i18n/labels';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** After these the repair is over (or never happens): it raises no alert and schedules nobody. */
export const CLOSED_STATUSES: ReadonlySet<TicketStatus> = new Set<TicketStatus>([
  'resolved',
  'verified',
  'closed',
  'cancelled',
]);
/** A technician has the repair in hand. */
const SCHEDULED_STATUSES: ReadonlySet<TicketStatus> = new Set<TicketStatus>([
  'dispatched',
  'en_route',
  'on_site',
  'waiting_parts',
]);

export type Health = 'good' | 'attention' | 'scheduled' | 'offline';

export function healthOf(device: DeviceView, tickets: readonly Ticket[]): Health {
  const open = tickets.filter(
    (ticket) => ticket.deviceId === device.id && !CLOSED_STATUSES.has(ticket.status),
  );
  if (open.some((ticket) => SCHEDULED_STATUSES.has(ticket.status))) return 'scheduled';
  if (open.length > 0) return 'attention';
  // a silent appliance also has a "stopped reporting" alarm: offline says it better
  if (!device.online) return 'offline';
  return device.openAlarmCount > 0 ? 'attention' : 'good';
}

const HEALTH_BADGE: Record<Health, string> = {
  good: 'badge--ok',
  attention: 'badge--major',
  scheduled: 'badge--warning',
  offline: 'badge--offline',
};

export function HealthBadge({ health, testId }: { health: Health; testId?: string }) {
  return (
    <span class={`badge ${HEALTH_BADGE[health]}`} data-testid={testId} data-health={health}>
      {t(`customer.health.${health}`)}
    </span>
  );
}

/** The sentence under the health badge. */
export function healthText(health: Health, device: DeviceView, now: number): string {
  switch (health) {
    case 'good':
      return t('customer.health.goodText');
    case 'attention':
      return t('customer.health.attentionText');
    case 'scheduled':
      return t('customer.health.scheduledText');
    case 'offline':
      return device.lastSeen
        ? t('customer.health.offlineText', { ago: formatAgo(device.lastSeen, now) })
        : t('customer.health.offlineNever');
  }
}

/** "refrigerator", as the appliance is named inside a sentence. */
export function applianceNoun(type: ApplianceType | undefined): string {
  return type ? tDynamic(`customer.noun.${type}`, t('customer.noun.other')) : t('customer.noun.other');
}

export interface MaintenanceAlert {
  ticket: Ticket;
  text: string;
}

/** "3 days" / "5 hours": the recommended period, in whole days from a day on, else whole hours. */
function periodText(remainingMs: number): string {
  if (remainingMs >= DAY_MS) return t('customer.alerts.days', { count: Math.round(remainingMs / DAY_MS) });
  return t('customer.alerts.hours', { count: Math.max(1, Math.round(remainingMs / HOUR_MS)) });
}

/** The sentence a customer reads for a proactive ticket, never the engineers' alarm text. */
export function maintenanceText(
  ticket: Ticket,
  type: ApplianceType | undefined,
  now: number,
  estimate?: PredictionEstimate | null,
): string {
  const appliance = applianceNoun(type);
  const problem = tDynamic(
    `customer.alerts.problem.${ticket.faultMode ?? ''}`,
    t('customer.alerts.problem.other', { appliance }),
    {
      appliance,
    },
  );
  // the prediction's latest estimate when the page has it, else the one the ticket opened with
  const failureAt =
    estimate?.expectedFailureAt ??
    (ticket.hoursToFailure === null ? null : ticket.createdAt + ticket.hoursToFailure * HOUR_MS);
  if (failureAt === null) return t('customer.alerts.noPeriod', { problem });
  const remainingMs = failureAt - now;
  if (remainingMs < HOUR_MS) return t('customer.alerts.soon', { problem });
  return t('customer.alerts.withPeriod', { problem, period: periodText(remainingMs) });
}

/** "Expected to stop working between 1d and 5d from now.", or null when the estimate has no interval left. */
export function maintenanceWindowText(estimate: PredictionEstimate | null, now: number): string | null {
  const window = estimate ? formatFailureWindow(estimate, now) : null;
  return window ? t('customer.alerts.window', { window }) : null;
}

/** One alert per open proactive ticket (a predicted or detected fault), newest first. */
export function maintenanceAlerts(
  tickets: readonly Ticket[],
  typeOf: (deviceId: string) => ApplianceType | undefined,
  now: number,
): MaintenanceAlert[] {
  return tickets
    .filter(
      (ticket) => (ticket.source === 'prediction' || ticket.source === 'alarm') && ticket.faultMode !== null,
    )
    .filter((ticket) => !CLOSED_STATUSES.has(ticket.status))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((ticket) => ({ ticket, text: maintenanceText(ticket, typeOf(ticket.deviceId), now) }));
}

/** "Washing machine: Drain pump clogging", or "Washing machine repair". */
export function repairSubject(ticket: Ticket, type: ApplianceType | undefined): string {
  const appliance = type ? typeLabel(type) : t('customer.repair.appliance');
  return ticket.faultMode
    ? t('customer.repairs.subject', { appliance, problem: faultModeLabel(ticket.faultMode) })
    : t('customer.repairs.subjectPlain', { appliance });
}

export function RepairStatusBadge({ status }: { status: TicketStatus }) {
  return <span class={`badge badge--status-${status}`}>{t(`customer.status.${status}`)}</span>;
}
