import type { Severity, TicketPriority } from '../../../../contracts/src';
import { DEFAULT_SLA_POLICY, clockStatus, type SlaClock, type SlaClockKind } from '../service-domain';

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

/**
 * The contract's respondBy / onSiteBy / resolveBy, read off the SLA clocks: the start plus the
 * target plus the time spent paused (a running pause counts up to `nowMs`). A stopped clock
 * keeps the deadline it had.
 */
export function slaDeadlines(clocks: readonly SlaClock[], nowMs: number) {
  const due = (kind: SlaClockKind): number => {
    const clock = clocks.find((c) => c.kind === kind);
    if (!clock) return nowMs;
    const end = clock.stoppedAtMs ?? nowMs;
    const pausedMs = clock.pauses.reduce(
      (sum, p) => sum + Math.max(0, Math.min(p.toMs ?? end, end) - p.fromMs),
      0,
    );
    const status = clockStatus(clock, nowMs);
    // Business-hour clocks: the evaluator knows the calendar; 24×7 clocks are plain sums.
    if (clock.calendar && status.dueAtMs !== null) return status.dueAtMs;
    return clock.startedAtMs + clock.targetMs + pausedMs;
  };
  return { respondBy: due('respond'), onSiteBy: due('onSite'), resolveBy: due('resolve') };
}
