import type { TicketEscalation, TicketPriority } from '../../../../contracts/src';
import type { SlaClockKind, SlaEvent } from './sla-clock';

/** 0 = the assignee, 1 = a senior engineer, 2 = the regional manager. */
export type EscalationLevel = 0 | 1 | 2;
export const ESCALATION_ROLES = ['assignee', 'senior_engineer', 'regional_manager'] as const;
export type EscalationRole = (typeof ESCALATION_ROLES)[number];

/** Per-ticket ladder state; store it beside the clocks. */
export type EscalationState = TicketEscalation;

/** Who stands on each rung for this ticket; a missing rung is skipped upwards. */
export interface EscalationContacts {
  assigneeId: string | null;
  seniorEngineerId: string | null;
  regionalManagerId: string | null;
}

export interface EscalationNotification {
  ticketId: string;
  role: EscalationRole;
  recipientId: string;
  level: EscalationLevel;
  /** `action`: this person must act now; `info`: kept informed. */
  kind: 'action' | 'info';
  event: SlaEvent['type'];
  clock: SlaClockKind;
  message: string;
}

const CLOCK_LABEL: Record<SlaClockKind, string> = {
  respond: 'respond',
  onSite: 'on-site',
  resolve: 'resolve',
};

export function initialEscalation(ticketId: string): EscalationState {
  return { ticketId, level: 0, handled: [] };
}

function recipient(contacts: EscalationContacts, role: EscalationRole): string | null {
  switch (role) {
    case 'assignee':
      return contacts.assigneeId;
    case 'senior_engineer':
      return contacts.seniorEngineerId;
    case 'regional_manager':
      return contacts.regionalManagerId;
  }
}

/** The lowest rung at or above `level` that has somebody on it. */
function staffedLevel(contacts: EscalationContacts, level: EscalationLevel): EscalationLevel | null {
  for (let l = level; l <= 2; l++) {
    if (recipient(contacts, ESCALATION_ROLES[l])) return l;
  }
  return null;
}

/**
 * The ladder's reaction to one SLA event:
 * - a warning keeps the level and asks its holder to act (the assignee, or the senior engineer
 *   when nobody is assigned yet), nudging before anything is late;
 * - a breach climbs one rung (P1, a safety hazard, climbs straight to the regional manager),
 *   asks the new rung to act and keeps everyone below informed.
 * Replaying an event already handled changes nothing.
 */
export function escalate(
  state: EscalationState,
  event: SlaEvent,
  priority: TicketPriority,
  contacts: EscalationContacts,
): { state: EscalationState; notifications: EscalationNotification[] } {
  const key = `${event.type}:${event.clock}`;
  if (state.handled.includes(key)) return { state, notifications: [] };

  const wanted: EscalationLevel =
    event.type === 'sla.warning'
      ? state.level
      : priority === 'P1'
        ? 2
        : (Math.min(2, state.level + 1) as EscalationLevel);
  const level = staffedLevel(contacts, wanted) ?? staffedLevel(contacts, 0);
  const next: EscalationState = {
    ticketId: state.ticketId,
    // An unstaffed rung answered by a higher one does not move the ladder on a warning.
    level:
      event.type === 'sla.warning'
        ? state.level
        : (Math.max(state.level, level ?? wanted) as EscalationLevel),
    handled: [...state.handled, key],
  };
  if (level === null) return { state: next, notifications: [] };

  const clock = CLOCK_LABEL[event.clock];
  const pct = Math.round((event.elapsedMs / event.targetMs) * 100);
  const what =
    event.type === 'sla.warning'
      ? `${clock} clock at ${pct} % of its target on ticket ${event.ticketId}`
      : `${clock} SLA breached on ticket ${event.ticketId} (${pct} % of target)`;
  const notifications: EscalationNotification[] = [];
  for (let l = 0; l <= level; l++) {
    const role = ESCALATION_ROLES[l];
    const id = recipient(contacts, role);
    if (!id) continue;
    const acting = l === level;
    // Warnings go to the acting rung only; breaches keep the rungs below informed.
    if (!acting && event.type === 'sla.warning') continue;
    notifications.push({
      ticketId: event.ticketId,
      role,
      recipientId: id,
      level: l as EscalationLevel,
      kind: acting ? 'action' : 'info',
      event: event.type,
      clock: event.clock,
      message: acting
        ? `Act now: ${what}`
        : `For your information: ${what}; escalated to ${ESCALATION_ROLES[level]}`,
    });
  }
  return { state: next, notifications };
}
