import type { Severity, TicketPriority } from '../../../../contracts/src';

/** Default SLA clocks (DESIGN.md): respond 10 min, technician on site 4 h, resolved 24 h. */
export const DEFAULT_SLA_MS = { respond: 10 * 60_000, onSite: 4 * 3_600_000, resolve: 24 * 3_600_000 };

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

export function slaDeadlines(createdAt: number) {
  return {
    respondBy: createdAt + DEFAULT_SLA_MS.respond,
    onSiteBy: createdAt + DEFAULT_SLA_MS.onSite,
    resolveBy: createdAt + DEFAULT_SLA_MS.resolve,
  };
}
