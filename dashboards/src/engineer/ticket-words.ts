// Tickets in words: a title from the fault rather than the server's id-laden one, the failure
// estimate against now, who did what in the audit log and why (the platform's own notes recognised
// and translated), and the order of urgency of the queue.
import type {
  PredictionEstimate,
  Severity,
  SlaRisk,
  Ticket,
  TicketAuditView,
  TicketPriority,
  TicketStatus,
} from '../../../contracts/src';
import { formatFailureExpected } from '../i18n/format-failure';
import { t } from '../i18n/translate';
import { alarmCauseText, faultModeLabel, severityLabel, typeLabel } from '../i18n/labels';
import { faultText, readableText } from './device-words';

/** A short reference for a ticket id (a UUID): its first eight characters. */
export const ticketRef = (id: string): string => id.slice(0, 8);

/**
 * "Washing machine: Drum bearing wear": the appliance and the fault (or the alarm's cause); a
 * request a person wrote keeps its own title.
 */
export function ticketTitle(ticket: Ticket, deviceType: string | undefined, alarmCause?: string): string {
  const type = deviceType ? typeLabel(deviceType) : t('engineer.ticket.appliance');
  if (ticket.faultMode)
    return t('engineer.ticket.titleFault', { type, fault: faultModeLabel(ticket.faultMode) });
  if (alarmCause) return t('engineer.ticket.titleFault', { type, fault: alarmCauseText(alarmCause) });
  if (ticket.source === 'customer' || ticket.source === 'complaint') return ticket.title;
  return t('engineer.ticket.titleFault', { type, fault: t(`source.${ticket.source}`) });
}

/**
 * "Failure expected in about 3 days", against now: from the prediction alarm's latest estimate
 * when there is one (recomputed at every assessment), else from when the ticket was opened plus
 * the model's hours to failure then.
 */
export function failureEstimate(
  ticket: Ticket,
  now: number,
  estimate?: PredictionEstimate | null,
): string | null {
  if (estimate) return formatFailureExpected(estimate.expectedFailureAt, now);
  if (ticket.hoursToFailure === null) return null;
  return formatFailureExpected(ticket.createdAt + ticket.hoursToFailure * 3_600_000, now);
}

/** What an audit line did, in words. */
export function auditAction(entry: TicketAuditView): string {
  if (entry.fromStatus === null) return t('engineer.timeline.action.opened');
  if (entry.fromStatus === entry.toStatus) return t('engineer.timeline.action.note');
  if (
    entry.toStatus === 'acknowledged' &&
    (entry.fromStatus === 'dispatched' || entry.fromStatus === 'en_route')
  )
    return t('engineer.timeline.action.returned');
  return t(`engineer.timeline.action.${entry.toStatus}`);
}

export interface Names {
  meId: string;
  technician: (id: string) => string | undefined;
  customer: (id: string) => string | undefined;
}

/** Who took an audit step: "You", a technician's name, the customer's name, a role, or the platform. */
export function auditActor(entry: TicketAuditView, names: Names): string {
  const at = entry.actor.indexOf(':');
  const kind = entry.actorKind ?? (at > 0 ? entry.actor.slice(0, at) : 'system');
  const id = at > 0 ? entry.actor.slice(at + 1) : entry.actor;
  switch (kind) {
    case 'technician':
      return names.technician(id) ?? t('role.technician');
    case 'customer':
      return names.customer(id) ?? t('role.customer');
    case 'engineer':
    case 'admin':
      return id === names.meId ? t('engineer.actor.you') : t(`role.${kind}`);
    default:
      return t('engineer.actor.system');
  }
}

const SEVERITIES: readonly string[] = ['critical', 'major', 'minor', 'warning'];
const CLOCKS: Record<string, 'respond' | 'onSite' | 'resolve'> = {
  respond: 'respond',
  onSite: 'onSite',
  resolve: 'resolve',
};

/** The technician an automatic dispatch explanation names: "Mara Meyer (tech-006) scores 0.920: …". */
export function dispatchedTechnicianId(reason: string): string | undefined {
  return /\(([\w-]+)\) scores /.exec(reason)?.[1];
}

/**
 * Why, in words. The platform's own notes (dispatch explanations, SLA escalations, verification)
 * are recognised and said in the reader's language; what a person wrote is shown as written.
 */
export function auditReason(entry: TicketAuditView, names: Names): string {
  const reason = entry.reason.trim();
  if (!reason) return '';
  const technician = (id: string): string => names.technician(id) ?? t('role.technician');
  let match: RegExpExecArray | null;

  if ((match = /^opened from (\w+) incident (.+)$/.exec(reason))) {
    const severity = SEVERITIES.includes(match[1]) ? severityLabel(match[1] as Severity) : match[1];
    return t('engineer.timeline.reason.opened', { severity, fault: faultText(match[2]) });
  }
  if ((match = /^incident (.+) updated$/.exec(reason)))
    return t('engineer.timeline.reason.incidentUpdated', { fault: faultText(match[1]) });
  if ((match = /^sla\.(warning|breach) on the (\w+) clock; escalation level (\d+)/.exec(reason))) {
    const clock = CLOCKS[match[2]];
    const vars = { clock: clock ? t(`slaClock.${clock}`) : match[2], level: match[3] };
    return match[1] === 'warning'
      ? t('engineer.timeline.reason.slaWarning', vars)
      : t('engineer.timeline.reason.slaBreach', vars);
  }
  if ((match = /^offer to ([\w-]+) not accepted by /.exec(reason)))
    return t('engineer.timeline.reason.offerLapsed', { name: technician(match[1]) });
  if (
    (match =
      /^Manual override by [^:]+:[^:]+: ([\s\S]*?)\.(?: The automatic choice| It matches| No technician qualified|$)/.exec(
        reason,
      ))
  )
    return t('engineer.timeline.reason.override', { reason: match[1] });
  if ((match = /^reassigned: ([\s\S]*)$/.exec(reason)))
    return t('engineer.timeline.reason.reassigned', { reason: match[1] });
  const dispatchedTo = dispatchedTechnicianId(reason);
  if (dispatchedTo) {
    const name = technician(dispatchedTo);
    return reason.startsWith('Re-dispatched after')
      ? t('engineer.timeline.reason.redispatched', { name })
      : t('engineer.timeline.reason.autoDispatched', { name });
  }
  if (/^No technician can take|^No technicians to choose from/.test(reason))
    return t('engineer.timeline.reason.noTechnician');
  if (reason === 'offer accepted') return t('engineer.timeline.reason.offerAccepted');
  if (reason === 'accepted and driving') return t('engineer.timeline.reason.driving');
  if (reason === 'the part arrived') return t('engineer.timeline.reason.partArrived');
  if (reason === 'resolved remotely: the visit is no longer needed')
    return t('engineer.timeline.reason.remoteNoVisit');
  if ((match = /^telemetry normal for ([\d.]+) h after the repair$/.exec(reason)))
    return t('engineer.timeline.reason.verified', { hours: match[1] });
  if ((match = /^(\S+) came back/.exec(reason)))
    return t('engineer.timeline.reason.cameBack', { fault: faultText(match[1]) });
  return readableText(reason);
}

const PRIORITY_RANK: Record<TicketPriority, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };
const RISK_RANK: Record<SlaRisk, number> = { breached: 0, at_risk: 1, ok: 2 };
const DONE: ReadonlySet<TicketStatus> = new Set(['resolved', 'verified', 'closed', 'cancelled']);

/** The next SLA deadline that still matters for the ticket's status; null once it is done. */
export function nextDeadline(ticket: Ticket): { clock: 'respond' | 'onSite' | 'resolve'; at: number } | null {
  if (DONE.has(ticket.status)) return null;
  if (ticket.status === 'new' || ticket.status === 'reopened')
    return { clock: 'respond', at: ticket.respondBy };
  if (ticket.status === 'on_site' || ticket.status === 'waiting_parts')
    return { clock: 'resolve', at: ticket.resolveBy };
  return { clock: 'onSite', at: ticket.onSiteBy };
}

/** Most urgent first: SLA risk (breached, at risk, ok), then priority, then the next deadline; finished tickets last. */
export function byUrgency(a: Ticket & { slaRisk: SlaRisk }, b: Ticket & { slaRisk: SlaRisk }): number {
  const doneA = DONE.has(a.status) ? 1 : 0;
  const doneB = DONE.has(b.status) ? 1 : 0;
  return (
    doneA - doneB ||
    RISK_RANK[a.slaRisk] - RISK_RANK[b.slaRisk] ||
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    (nextDeadline(a)?.at ?? Infinity) - (nextDeadline(b)?.at ?? Infinity) ||
    b.updatedAt - a.updatedAt
  );
}
