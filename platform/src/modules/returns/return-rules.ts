import type { ReturnAction, ReturnReason, ReturnRefusal, ReturnStatus } from '../../../../contracts/src';
import { WORKING_DAY_MS } from '../sla/care-clock';

const DAY_MS = 86_400_000;

/** A return needs no reason up to this many calendar days after delivery (day 1 = the day after). */
export const RETURN_WINDOW_DAYS = 7;
/** The refund is due within this many working days of receiving the returned appliance. */
export const REFUND_WORKING_DAYS = 3;
export const REFUND_TARGET_MS = REFUND_WORKING_DAYS * WORKING_DAY_MS;
/**
 * Used when the appliance's asset record has no `warrantyUntil`: a new appliance carries at
 * least a one-year warranty from delivery.
 */
export const DEFAULT_WARRANTY_MS = 365 * DAY_MS;

/** A return or exchange in one of these keeps the appliance from getting another one. */
export const OPEN_RETURN_STATUSES: readonly ReturnStatus[] = ['applied', 'approved', 'received'];
/** Counted as returned in the return rate: accepted, whatever happened after. */
export const ACCEPTED_RETURN_STATUSES: readonly ReturnStatus[] = [
  'approved',
  'received',
  'refunded',
  'exchanged',
];

/**
 * Calendar days (UTC dates) from delivery to `atMs`: the delivery day is day 0, the day after it
 * day 1; an application on day 7 is in time, on day 8 it is not.
 */
export function daysSinceDelivery(deliveredAtMs: number, atMs: number): number {
  return Math.floor(atMs / DAY_MS) - Math.floor(deliveredAtMs / DAY_MS);
}

export type ReturnDecision = { status: 'approved' } | { status: 'refused'; refusalReason: ReturnRefusal };

/**
 * The automatic decision on an application:
 * - a return up to day 7 needs no reason and is approved; from day 8 it is refused
 *   (`return_window_closed`; the customer is told that a quality fault under warranty allows an
 *   exchange instead);
 * - an exchange needs a quality fault (`exchange_needs_quality_fault`) and the warranty still
 *   running (`warranty_expired`), at any time.
 */
export function decideApplication(input: {
  kind: 'return' | 'exchange';
  reason: ReturnReason;
  days: number;
  atMs: number;
  warrantyUntilMs: number;
}): ReturnDecision {
  if (input.kind === 'return') {
    return input.days <= RETURN_WINDOW_DAYS
      ? { status: 'approved' }
      : { status: 'refused', refusalReason: 'return_window_closed' };
  }
  if (input.reason !== 'quality_fault')
    return { status: 'refused', refusalReason: 'exchange_needs_quality_fault' };
  if (input.atMs > input.warrantyUntilMs) return { status: 'refused', refusalReason: 'warranty_expired' };
  return { status: 'approved' };
}

/** The warranty's end: the asset record's, else the default from delivery. */
export function warrantyEndMs(warrantyUntilMs: number | null, deliveredAtMs: number): number {
  return warrantyUntilMs ?? deliveredAtMs + DEFAULT_WARRANTY_MS;
}

/** The statuses each action starts from. */
export const ACTION_FROM: Record<ReturnAction, readonly ReturnStatus[]> = {
  // staff may approve an application still waiting, or overrule a refusal before anything else happened
  approve: ['applied', 'refused'],
  refuse: ['applied', 'approved'],
  receive: ['approved'],
  refund: ['received'],
  exchange: ['received'],
  cancel: ['applied', 'approved'],
};

/** Actions a customer may take on their own return; every other one is staff's. */
export const CUSTOMER_ACTIONS: ReadonlySet<ReturnAction> = new Set<ReturnAction>(['cancel']);
