import type { SlaRisk } from '../../../../contracts/src';
import { clockStatus, type SlaClock } from './sla-clock';

/** Share of its target past which a running clock puts its ticket at risk (before the 80 % warning). */
export const SLA_AT_RISK_FRACTION = 0.75;

/**
 * How a ticket stands against its clocks at `nowMs`, for the queue: `breached` when any clock
 * went past its target (running, paused or stopped late; a cancelled clock never counts),
 * `at_risk` when a running clock is past 75 % of its target, else `ok`. Paused time is not
 * counted, and a paused clock does not move towards risk.
 */
export function slaRisk(clocks: readonly SlaClock[], nowMs: number): SlaRisk {
  let risk: SlaRisk = 'ok';
  for (const clock of clocks) {
    const status = clockStatus(clock, nowMs);
    if (status.state === 'breached') return 'breached';
    const running = clock.stoppedAtMs === null && status.pauseReason === null;
    if (running && status.fraction >= SLA_AT_RISK_FRACTION) risk = 'at_risk';
  }
  return risk;
}
