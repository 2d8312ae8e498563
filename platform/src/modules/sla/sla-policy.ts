import type { Severity, TicketPriority } from '../../../../contracts/src';
import { DEFAULT_SLA_POLICY, deadlineMs, type SlaClock, type SlaClockKind } from './sla-clock';

/** DESIGN.md's clocks (respond 10 min, on site 4 h, resolved 24 h): the P2 standard-tier policy. */
export const DEFAULT_SLA_MS = {
  respond: DEFAULT_SLA_POLICY.P2.standard.respondMs,
  onSite: DEFAULT_SLA_POLICY.P2.standard.onSiteMs,
  resolve: DEFAULT_SLA_POLICY.P2.standard.resolveMs,
};

export function priorityForSeverity(severity: Severity): TicketPriority {
  switch (severity) {
    case 'critical':
      return 'P1';
    case 'major':
      return 'P2';
    case 'minor':
      return 'P3';
    case 'warning':
      return 'P4';
  }
}

/** The contract's respondBy / onSiteBy / resolveBy, read off the SLA clocks at `nowMs`. */
export function slaDeadlines(clocks: readonly SlaClock[], nowMs: number) {
  const due = (kind: SlaClockKind): number => {
    const clock = clocks.find((c) => c.kind === kind);
    return clock ? deadlineMs(clock, nowMs) : nowMs;
  };
  return { respondBy: due('respond'), onSiteBy: due('onSite'), resolveBy: due('resolve') };
}
