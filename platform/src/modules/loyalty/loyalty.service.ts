import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type {
  Coupon,
  Currency,
  CustomerTier,
  LedgerEntry,
  LoyaltyAccount,
  RepairCharge,
} from '../../../../contracts/src';
import { CareNotifier, LoyaltyPort, type CareNotice } from '../../common/care/aftercare-ports';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import { loyaltyError } from './loyalty.errors';
import {
  LoyaltyRepository,
  type ChargeRecord,
  type CouponRecord,
  type LedgerRecord,
} from './loyalty.repository';
import { couponDiscountMinor } from './tier-rules';

/** How long an issued coupon can be redeemed. */
export const COUPON_VALIDITY_MS = 365 * 24 * 3_600_000;
/** Ledger entries an account view shows, newest first. */
const LEDGER_SHOWN = 200;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function toChargeView(c: ChargeRecord): RepairCharge {
  return {
    id: c.id,
    ticketId: c.ticketId,
    customerId: c.customerId,
    amountMinor: c.amountMinor,
    discountMinor: c.discountMinor,
    dueMinor: c.amountMinor - c.discountMinor,
    currency: c.currency,
    status: c.status,
    createdAt: iso(c.createdAt),
    paidAt: isoOrNull(c.paidAt),
  };
}

function toCouponView(c: CouponRecord, nowMs: number): Coupon {
  return {
    id: c.id,
    code: c.code,
    customerId: c.customerId,
    kind: c.kind,
    value: c.value,
    currency: c.currency,
    origin: c.origin,
    compensationId: c.compensationId,
    // past its date but not yet swept by the nightly job: shown as it is
    status: c.status === 'active' && c.expiresAt <= nowMs ? 'expired' : c.status,
    issuedAt: iso(c.issuedAt),
    expiresAt: iso(c.expiresAt),
    redeemedAt: isoOrNull(c.redeemedAt),
    redeemedOn: c.redeemedOn,
  };
}

const toLedgerView = (e: LedgerRecord): LedgerEntry => ({
  id: e.id,
  at: iso(e.at),
  kind: e.kind,
  points: e.points,
  couponId: e.couponId,
  reference: e.reference,
  balanceAfter: e.balanceAfter,
});

/**
 * A customer's points, coupons and ledger, and the repair charges they reduce (100 points take
 * 1.00 off: one point per minor unit). Implements `LoyaltyPort` for surveys, complaints and
 * compensation; each credit and coupon is idempotent on its reference and the customer is told
 * once (`points_awarded`, `coupon_issued`).
 */
@Injectable()
export class LoyaltyService extends LoyaltyPort {
  constructor(
    private readonly repository: LoyaltyRepository,
    private readonly access: AccessPolicy,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly notifier?: CareNotifier,
  ) {
    super();
  }

  async awardPoints(input: {
    customerId: string;
    points: number;
    kind: 'survey_points' | 'feedback_points';
    reference: string;
  }): Promise<{ awarded: number; balance: number }> {
    if (!Number.isInteger(input.points) || input.points <= 0)
      throw new Error(`points must be a positive integer, got ${input.points}`);
    const result = await this.repository.awardPoints({ ...input, at: this.clock.now() });
    if (result.awarded > 0)
      await this.tell(input.customerId, {
        kind: 'points_awarded',
        key: `points_awarded:${input.kind}:${input.reference}`,
        vars: { points: result.awarded },
        action: { kind: 'open_loyalty', id: input.customerId },
      });
    return result;
  }

  async issueCoupon(input: {
    customerId: string;
    kind: 'amount' | 'percent';
    value: number;
    currency: Currency;
    origin: 'compensation' | 'reward';
    compensationId: string | null;
    reference: string;
  }): Promise<{ couponId: string; code: string }> {
    const now = this.clock.now();
    const { coupon, created } = await this.repository.issueCoupon({
      ...input,
      at: now,
      expiresAt: now + COUPON_VALIDITY_MS,
    });
    if (created)
      await this.tell(input.customerId, {
        kind: 'coupon_issued',
        key: `coupon_issued:${coupon.id}`,
        vars: {
          amountMinor: coupon.kind === 'amount' ? coupon.value : null,
          currency: coupon.currency,
          text: coupon.kind === 'percent' ? `${coupon.value} %` : null,
          code: coupon.code,
          dueAtMs: coupon.expiresAt,
        },
        action: { kind: 'open_loyalty', id: input.customerId },
      });
    return { couponId: coupon.id, code: coupon.code };
  }

  async tierOf(customerId: string): Promise<CustomerTier> {
    return (await this.repository.customerTier(customerId)) ?? 'standard';
  }

  /** The customer's account (tier, points, coupons, ledger), for staff or the customer themselves. */
  async account(customerId: string, principal: Principal): Promise<LoyaltyAccount> {
    await this.requireVisibleCustomer(customerId, principal);
    return this.accountView(customerId);
  }

  async accountView(customerId: string): Promise<LoyaltyAccount> {
    const now = this.clock.now();
    const [tier, account, coupons, ledger] = await Promise.all([
      this.tierOf(customerId),
      this.repository.account(customerId),
      this.repository.coupons(customerId),
      this.repository.ledger(customerId, LEDGER_SHOWN),
    ]);
    return {
      customerId,
      tier,
      tierPinned: account?.tierPinned ?? false,
      tierComputedAt: isoOrNull(account?.tierComputedAt ?? null),
      spendMinor12m: account?.spendMinor12m ?? 0,
      activity12m: account?.activity12m ?? 0,
      points: account?.points ?? 0,
      coupons: coupons.map((c) => toCouponView(c, now)),
      ledger: ledger.map(toLedgerView),
    };
  }

  /** Staff pin a tier (the nightly rules leave it alone) or unpin it (`null`). */
  async pinTier(customerId: string, tier: CustomerTier | null): Promise<LoyaltyAccount> {
    const before = await this.repository.customerTier(customerId);
    if (!before) throw loyaltyError('loyalty.not_found', `No customer "${customerId}"`, { customerId });
    await this.repository.pinTier(customerId, tier);
    if (tier !== null && tier !== before) await this.tellTierChanged(customerId, tier);
    return this.accountView(customerId);
  }

  async tellTierChanged(customerId: string, tier: CustomerTier): Promise<void> {
    await this.tell(customerId, {
      kind: 'tier_changed',
      key: `tier_changed:${customerId}:${this.clock.now()}`,
      vars: { tier },
      action: { kind: 'open_loyalty', id: customerId },
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Repair charges

  /** Staff bill a ticket's (out-of-warranty) repair to the ticket's customer. */
  async createCharge(
    body: { ticketId: string; amountMinor: number; currency: Currency },
    principal: Principal,
  ): Promise<RepairCharge> {
    const ticket = await this.repository.ticketCustomer(body.ticketId);
    if (!ticket)
      throw loyaltyError('charge.ticket_not_found', `No ticket "${body.ticketId}"`, { field: 'ticketId' });
    if (!ticket.customerId)
      throw loyaltyError('charge.no_customer', 'The ticket has no customer to bill', { field: 'ticketId' });
    const charge: ChargeRecord = {
      id: randomUUID(),
      ticketId: body.ticketId,
      customerId: ticket.customerId,
      amountMinor: body.amountMinor,
      discountMinor: 0,
      currency: body.currency,
      status: 'open',
      createdAt: this.clock.now(),
      createdBy: principal.userId,
      paidAt: null,
      paymentReference: null,
    };
    await this.repository.insertCharge(charge);
    return toChargeView(charge);
  }

  /** Charges, newest first; a customer sees only their own. */
  async listCharges(
    principal: Principal,
    query: { customerId?: string; ticketId?: string },
  ): Promise<RepairCharge[]> {
    if (principal.role === 'customer') {
      if (!principal.customerId || (query.customerId && query.customerId !== principal.customerId)) return [];
      query = { ...query, customerId: principal.customerId };
    }
    return (await this.repository.listCharges(query)).map(toChargeView);
  }

  async getCharge(id: string, principal: Principal): Promise<RepairCharge> {
    return toChargeView(await this.visibleCharge(id, principal));
  }

  /** Takes a coupon or points off the charge (its customer, or staff on their behalf). */
  async redeem(
    id: string,
    body: { couponId?: string; points?: number },
    principal: Principal,
  ): Promise<RepairCharge> {
    await this.visibleCharge(id, principal);
    const at = this.clock.now();
    const charge =
      body.couponId !== undefined
        ? await this.repository.redeemCoupon({
            chargeId: id,
            couponId: body.couponId,
            at,
            discount: (coupon, c) =>
              couponDiscountMinor(coupon, {
                amountMinor: c.amountMinor,
                dueMinor: c.amountMinor - c.discountMinor,
              }),
          })
        : await this.repository.redeemPoints({ chargeId: id, points: body.points ?? 0, at });
    return toChargeView(charge);
  }

  /** Staff record the payment; what was paid counts toward the customer's tier. */
  async pay(id: string, body: { reference?: string }, principal: Principal): Promise<RepairCharge> {
    await this.visibleCharge(id, principal);
    const paid = await this.repository.payCharge(id, this.clock.now(), body.reference ?? null);
    if (!paid) {
      const current = await this.repository.findCharge(id);
      throw loyaltyError('charge.not_open', `The charge is ${current?.status ?? 'gone'}`);
    }
    return toChargeView(paid);
  }

  private async visibleCharge(id: string, principal: Principal): Promise<ChargeRecord> {
    const charge = await this.repository.findCharge(id);
    if (!charge || !this.access.canSeeLoyalty(principal, charge.customerId))
      throw loyaltyError('charge.not_found', `No repair charge "${id}"`);
    return charge;
  }

  private async requireVisibleCustomer(customerId: string, principal: Principal): Promise<void> {
    if (
      !this.access.canSeeLoyalty(principal, customerId) ||
      !(await this.repository.customerExists(customerId))
    )
      throw loyaltyError('loyalty.not_found', `No customer "${customerId}"`, { customerId });
  }

  /** A notice to the customer; a failed delivery is logged, never undoes what was recorded. */
  private async tell(customerId: string, notice: CareNotice): Promise<void> {
    if (!this.notifier) return;
    try {
      await this.notifier.toCustomer(customerId, notice);
    } catch (error) {
      this.logger.error({ err: error, customerId, kind: notice.kind }, 'loyalty notice failed');
    }
  }
}
