import type { ModelEvaluation } from '../../../../contracts/src';

/** The project's false-alarm bar: a candidate may use it even when the active version is below it. */
export const FALSE_ALARM_BUDGET_PER_DEVICE_DAY = 0.01;
/** Simulator recall a candidate may lose (sampling noise of a small evaluation fleet). */
export const SIM_RECALL_TOLERANCE = 0.02;

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

const f = (value: number) => String(Math.round(value * 1000) / 1000);

/**
 * Promote only when the candidate is better where field labels say so: a higher recall on the
 * held-back labels, at no more false alarms per device-day on the simulated evaluation fleet than
 * the active version (or the project's budget, whichever is higher) and no lower simulator recall
 * (within SIM_RECALL_TOLERANCE). Without held-back labels the simulator recall must rise instead.
 */
export function decidePromotion(candidate: ModelEvaluation, active: ModelEvaluation): PromotionDecision {
  const faBound = Math.max(active.simFalseAlarmsPerDeviceDay, FALSE_ALARM_BUDGET_PER_DEVICE_DAY);
  if (candidate.simFalseAlarmsPerDeviceDay > faBound) {
    return {
      promote: false,
      reason: `false alarms per device-day ${f(candidate.simFalseAlarmsPerDeviceDay)} above ${f(faBound)} (active ${f(active.simFalseAlarmsPerDeviceDay)})`,
    };
  }
  if (candidate.simRecall < active.simRecall - SIM_RECALL_TOLERANCE) {
    return {
      promote: false,
      reason: `simulator recall ${f(candidate.simRecall)} below the active ${f(active.simRecall)}`,
    };
  }
  if (candidate.heldBackRecall !== null && active.heldBackRecall !== null) {
    const summary = `recall on ${candidate.heldBackLabels} held-back labels ${f(active.heldBackRecall)} → ${f(candidate.heldBackRecall)}`;
    if (candidate.heldBackRecall > active.heldBackRecall) {
      return {
        promote: true,
        reason: `${summary}, false alarms per device-day ${f(candidate.simFalseAlarmsPerDeviceDay)} (active ${f(active.simFalseAlarmsPerDeviceDay)})`,
      };
    }
    return { promote: false, reason: `not better: ${summary}` };
  }
  if (candidate.simRecall > active.simRecall) {
    return {
      promote: true,
      reason: `no held-back labels; simulator recall ${f(active.simRecall)} → ${f(candidate.simRecall)}`,
    };
  }
  return {
    promote: false,
    reason: `not better: no held-back labels and simulator recall ${f(candidate.simRecall)} (active ${f(active.simRecall)})`,
  };
}
