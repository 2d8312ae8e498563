import type { CustomerTier, RequestUrgency } from '../../../../contracts/src';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * How soon a request gets its first answer (a triage result, a ticket or a staff reply), by
 * urgency: a safety hazard in 10 minutes, a lost core function in 2 hours, a minor issue in a
 * day. A VIP customer's targets are halved.
 */
export const RESPONSE_TARGET_MS: Readonly<Record<RequestUrgency, number>> = {
  safety: 10 * MINUTE,
  core_function: 2 * HOUR,
  minor: 24 * HOUR,
};

const TIER_FACTOR: Readonly<Record<CustomerTier, number>> = { standard: 1, vip: 0.5 };

/** The share of the target after which the escalation contact is warned. */
export const RESPONSE_WARNING_SHARE = 0.8;

export function responseDeadlines(
  createdAtMs: number,
  urgency: RequestUrgency,
  tier: CustomerTier,
): { warnAtMs: number; respondByMs: number } {
  const targetMs = RESPONSE_TARGET_MS[urgency] * TIER_FACTOR[tier];
  return {
    warnAtMs: createdAtMs + Math.round(targetMs * RESPONSE_WARNING_SHARE),
    respondByMs: createdAtMs + targetMs,
  };
}
