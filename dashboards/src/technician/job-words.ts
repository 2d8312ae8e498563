// How a job is named and sorted in the technician workspace: in words, never the engineer's ticket title.
import type { ApplianceType, Ticket, TicketStatus } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { faultModeLabel, typeLabel } from '../i18n/labels';

/** Statuses after which the job is no longer the technician's to work. */
export const DONE_STATUSES: ReadonlySet<TicketStatus> = new Set<TicketStatus>([
  'resolved',
  'verified',
  'closed',
  'cancelled',
]);

/** "Washing machine: Drain pump clogging" (or the appliance alone while the fault is unknown). */
export function jobTitle(ticket: Pick<Ticket, 'faultMode'>, type: ApplianceType | undefined): string {
  const appliance = type ? typeLabel(type) : t('technician.jobs.appliance');
  const fault = ticket.faultMode ? faultModeLabel(ticket.faultMode) : t('technician.job.unknownFault');
  return t('technician.job.titleWithFault', { appliance, fault });
}

const PRIORITY_ORDER = { P1: 0, P2: 1, P3: 2, P4: 3 } as const;

/** Most urgent first: priority, then the on-site deadline. */
export function byUrgency(a: Ticket, b: Ticket): number {
  return PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.onSiteBy - b.onSiteBy;
}
