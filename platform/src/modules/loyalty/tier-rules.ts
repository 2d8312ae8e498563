import type { CustomerTier } from '../../../../contracts/src';

const DAY_MS = 24 * 3_600_000;

/**
 * The customer tier rules (the documents' "high-value customers by spend and activity"), over the
 * last 12 months: spend = paid repair charges (after discounts) + the prices of the appliances
 * bought (`device_sales`); activity = service requests filed + surveys answered. Either threshold
 * makes a VIP.
 */
export const TIER_RULES = {
  windowMs: 365 * DAY_MS,
  /** 5,000.00 spent in 12 months (default of `VIP_MIN_SPEND_MINOR`). */
  vipMinSpendMinor12m: 500_000,
  /** 12 requests and answered surveys in 12 months (default of `VIP_MIN_ACTIVITY`). */
  vipMinActivity12m: 12,
  /** A customer promoted to VIP by the rules gets a welcome coupon of this much (CNY minor units), once a year. */
  vipWelcomeCouponMinor: 5_000,
  /** The nightly recomputation runs at this hour, UTC. */
  nightlyHourUtc: 2,
} as const;

export interface TierRules {
  windowMs: number;
  vipMinSpendMinor12m: number;
  vipMinActivity12m: number;
}

/** What the rules say the customer's tier is. */
export function tierByRules(
  input: { spendMinor12m: number; activity12m: number },
  rules: TierRules = TIER_RULES,
): CustomerTier {
  return input.spendMinor12m >= rules.vipMinSpendMinor12m || input.activity12m >= rules.vipMinActivity12m
    ? 'vip'
    : 'standard';
}

/**
 * The tier a recomputation leaves the customer on. A pinned tier never moves. The rules promote
 * anyone who meets them, and demote only whom they promoted: a VIP set by staff or brought in by
 * the customer import stays one.
 */
export function decideTier(input: {
  current: CustomerTier;
  pinned: boolean;
  promotedByRules: boolean;
  computed: CustomerTier;
}): { tier: CustomerTier; promotedByRules: boolean } {
  if (input.pinned) return { tier: input.current, promotedByRules: input.promotedByRules };
  if (input.computed === 'vip')
    return { tier: 'vip', promotedByRules: input.current === 'vip' ? input.promotedByRules : true };
  if (input.current === 'vip' && input.promotedByRules) return { tier: 'standard', promotedByRules: false };
  return { tier: input.current, promotedByRules: input.current === 'vip' ? input.promotedByRules : false };
}

/** The next nightly run strictly after `nowMs`. */
export function nextNightlyRunMs(nowMs: number, hourUtc: number = TIER_RULES.nightlyHourUtc): number {
  const day = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const today = day + hourUtc * 3_600_000;
  return today > nowMs ? today : today + DAY_MS;
}

/** The discount a coupon gives on what is still due (minor units), never more than due. */
export function couponDiscountMinor(
  coupon: { kind: 'amount' | 'percent'; value: number },
  charge: { amountMinor: number; dueMinor: number },
): number {
  const raw = coupon.kind === 'amount' ? coupon.value : Math.floor((charge.amountMinor * coupon.value) / 100);
  return Math.max(0, Math.min(raw, charge.dueMinor));
}
