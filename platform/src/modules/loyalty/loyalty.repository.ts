import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Coupon, CustomerTier, LedgerEntry, RepairCharge } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import { loyaltyError } from './loyalty.errors';

type LedgerKind = LedgerEntry['kind'];

export interface CouponRecord {
  id: string;
  code: string;
  customerId: string;
  kind: Coupon['kind'];
  value: number;
  currency: Coupon['currency'];
  origin: Coupon['origin'];
  compensationId: string | null;
  reference: string;
  status: 'active' | 'redeemed' | 'expired';
  issuedAt: number;
  expiresAt: number;
  redeemedAt: number | null;
  redeemedOn: string | null;
}

export interface LedgerRecord {
  id: string;
  at: number;
  kind: LedgerKind;
  points: number;
  couponId: string | null;
  reference: string | null;
  balanceAfter: number;
}

export interface ChargeRecord {
  id: string;
  ticketId: string;
  customerId: string;
  amountMinor: number;
  discountMinor: number;
  currency: RepairCharge['currency'];
  status: RepairCharge['status'];
  createdAt: number;
  createdBy: string;
  paidAt: number | null;
  paymentReference: string | null;
}

export interface AccountRecord {
  customerId: string;
  points: number;
  tierPinned: boolean;
  promotedByRules: boolean;
  tierComputedAt: number | null;
  spendMinor12m: number;
  activity12m: number;
}

interface CouponRow {
  id: string;
  code: string;
  customer_id: string;
  kind: Coupon['kind'];
  value: string | number;
  currency: Coupon['currency'];
  origin: Coupon['origin'];
  compensation_id: string | null;
  reference: string;
  status: CouponRecord['status'];
  issued_at: string | number;
  expires_at: string | number;
  redeemed_at: string | number | null;
  redeemed_on: string | null;
}

interface LedgerRow {
  id: string;
  at: string | number;
  kind: LedgerKind;
  points: string | number;
  coupon_id: string | null;
  reference: string | null;
  balance_after: string | number;
}

interface ChargeRow {
  id: string;
  ticket_id: string;
  customer_id: string;
  amount_minor: string | number;
  discount_minor: string | number;
  currency: RepairCharge['currency'];
  status: RepairCharge['status'];
  created_at: string | number;
  created_by: string;
  paid_at: string | number | null;
  payment_reference: string | null;
}

interface AccountRow {
  customer_id: string;
  points: string | number;
  tier_pinned: boolean;
  promoted_by_rules: boolean;
  tier_computed_at: string | number | null;
  spend_minor_12m: string | number;
  activity_12m: number;
}

const num = (v: string | number): number => Number(v);
const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

const toCoupon = (r: CouponRow): CouponRecord => ({
  id: r.id,
  code: r.code,
  customerId: r.customer_id,
  kind: r.kind,
  value: num(r.value),
  currency: r.currency,
  origin: r.origin,
  compensationId: r.compensation_id,
  reference: r.reference,
  status: r.status,
  issuedAt: num(r.issued_at),
  expiresAt: num(r.expires_at),
  redeemedAt: numOrNull(r.redeemed_at),
  redeemedOn: r.redeemed_on,
});

const toLedger = (r: LedgerRow): LedgerRecord => ({
  id: r.id,
  at: num(r.at),
  kind: r.kind,
  points: num(r.points),
  couponId: r.coupon_id,
  reference: r.reference,
  balanceAfter: num(r.balance_after),
});

const toCharge = (r: ChargeRow): ChargeRecord => ({
  id: r.id,
  ticketId: r.ticket_id,
  customerId: r.customer_id,
  amountMinor: num(r.amount_minor),
  discountMinor: num(r.discount_minor),
  currency: r.currency,
  status: r.status,
  createdAt: num(r.created_at),
  createdBy: r.created_by,
  paidAt: numOrNull(r.paid_at),
  paymentReference: r.payment_reference,
});

const toAccount = (r: AccountRow): AccountRecord => ({
  customerId: r.customer_id,
  points: num(r.points),
  tierPinned: r.tier_pinned,
  promotedByRules: r.promoted_by_rules,
  tierComputedAt: numOrNull(r.tier_computed_at),
  spendMinor12m: num(r.spend_minor_12m),
  activity12m: r.activity_12m,
});

/** 8 characters from an alphabet without look-alikes (no 0/O, 1/I): `C-7KQ2-MX9D`. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function couponCode(): string {
  const chars = [...randomBytes(8)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `C-${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** Per customer, what the tier rules look at. */
export interface TierInputs {
  customerId: string;
  tier: CustomerTier;
  pinned: boolean;
  promotedByRules: boolean;
  spendMinor12m: number;
  activity12m: number;
}

/**
 * Points, coupons, the ledger, repair charges and tier inputs. Every spend is one conditional
 * statement inside a transaction that locks the charge first (then the coupon or the account),
 * so concurrent redemptions of one coupon or of more points than the balance serialise: one wins,
 * the others see it spent. The `points >= 0` and `discount <= amount` checks back that up.
 */
@Injectable()
export class LoyaltyRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async customerExists(customerId: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM customers WHERE id = $1', [customerId])).length > 0;
  }

  async customerTier(customerId: string): Promise<CustomerTier | undefined> {
    const [row] = await this.db.query<{ tier: CustomerTier }>('SELECT tier FROM customers WHERE id = $1', [
      customerId,
    ]);
    return row?.tier;
  }

  async setCustomerTier(customerId: string, tier: CustomerTier): Promise<void> {
    await this.db.query('UPDATE customers SET tier = $2 WHERE id = $1', [customerId, tier]);
  }

  async ticketCustomer(ticketId: string): Promise<{ customerId: string | null } | undefined> {
    const [row] = await this.db.query<{ customer_id: string | null }>(
      'SELECT customer_id FROM tickets WHERE id = $1',
      [ticketId],
    );
    return row ? { customerId: row.customer_id } : undefined;
  }

  async account(customerId: string): Promise<AccountRecord | undefined> {
    const [row] = await this.db.query<AccountRow>('SELECT * FROM loyalty_accounts WHERE customer_id = $1', [
      customerId,
    ]);
    return row ? toAccount(row) : undefined;
  }

  async coupons(customerId: string): Promise<CouponRecord[]> {
    return (
      await this.db.query<CouponRow>('SELECT * FROM coupons WHERE customer_id = $1 ORDER BY seq DESC', [
        customerId,
      ])
    ).map(toCoupon);
  }

  async ledger(customerId: string, limit: number): Promise<LedgerRecord[]> {
    return (
      await this.db.query<LedgerRow>(
        'SELECT * FROM loyalty_ledger WHERE customer_id = $1 ORDER BY seq DESC LIMIT $2',
        [customerId, limit],
      )
    ).map(toLedger);
  }

  /** Credits points once per `kind:reference`; `awarded` 0 when that reference was credited before. */
  async awardPoints(input: {
    customerId: string;
    points: number;
    kind: LedgerKind;
    reference: string;
    at: number;
  }): Promise<{ awarded: number; balance: number }> {
    return this.db.transaction(async (tx) => {
      await ensureAccount(tx, input.customerId);
      const entryId = randomUUID();
      const inserted = await tx.query(
        `INSERT INTO loyalty_ledger (id, customer_id, at, kind, points, reference, balance_after, dedup_key)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
        [
          entryId,
          input.customerId,
          input.at,
          input.kind,
          input.points,
          input.reference,
          `${input.kind}:${input.reference}`,
        ],
      );
      if (inserted.length === 0) return { awarded: 0, balance: await balanceOf(tx, input.customerId) };
      const [row] = await tx.query<{ points: string | number }>(
        'UPDATE loyalty_accounts SET points = points + $2 WHERE customer_id = $1 RETURNING points',
        [input.customerId, input.points],
      );
      const balance = num(row.points);
      await tx.query('UPDATE loyalty_ledger SET balance_after = $2 WHERE id = $1', [entryId, balance]);
      return { awarded: input.points, balance };
    });
  }

  /** Issues the coupon of `reference` once; `created` false when it existed (the same coupon is answered). */
  async issueCoupon(input: {
    customerId: string;
    kind: Coupon['kind'];
    value: number;
    currency: Coupon['currency'];
    origin: Coupon['origin'];
    compensationId: string | null;
    reference: string;
    at: number;
    expiresAt: number;
  }): Promise<{ coupon: CouponRecord; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query<CouponRow>(
        `INSERT INTO coupons (id, code, customer_id, kind, value, currency, origin, compensation_id, reference, status,
           issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11)
         ON CONFLICT (reference) DO NOTHING RETURNING *`,
        [
          randomUUID(),
          couponCode(),
          input.customerId,
          input.kind,
          input.value,
          input.currency,
          input.origin,
          input.compensationId,
          input.reference,
          input.at,
          input.expiresAt,
        ],
      );
      if (inserted.length === 0) {
        const [existing] = await tx.query<CouponRow>('SELECT * FROM coupons WHERE reference = $1', [
          input.reference,
        ]);
        return { coupon: toCoupon(existing), created: false };
      }
      const coupon = toCoupon(inserted[0]);
      await ensureAccount(tx, input.customerId);
      await appendLedger(tx, {
        customerId: input.customerId,
        at: input.at,
        kind: 'coupon_issued',
        points: 0,
        couponId: coupon.id,
        reference: input.reference,
        balanceAfter: await balanceOf(tx, input.customerId),
      });
      return { coupon, created: true };
    });
  }

  async insertCharge(charge: ChargeRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO repair_charges (id, ticket_id, customer_id, amount_minor, discount_minor, currency, status, created_at,
         created_by)
       VALUES ($1, $2, $3, $4, 0, $5, 'open', $6, $7)`,
      [
        charge.id,
        charge.ticketId,
        charge.customerId,
        charge.amountMinor,
        charge.currency,
        charge.createdAt,
        charge.createdBy,
      ],
    );
  }

  async findCharge(id: string): Promise<ChargeRecord | undefined> {
    const [row] = await this.db.query<ChargeRow>('SELECT * FROM repair_charges WHERE id = $1', [id]);
    return row ? toCharge(row) : undefined;
  }

  async listCharges(filter: { customerId?: string; ticketId?: string }): Promise<ChargeRecord[]> {
    return (
      await this.db.query<ChargeRow>(
        `SELECT * FROM repair_charges
         WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR ticket_id = $2)
         ORDER BY seq DESC LIMIT 500`,
        [filter.customerId ?? null, filter.ticketId ?? null],
      )
    ).map(toCharge);
  }

  /** Marks the open charge paid; undefined when it is not open (any more). */
  async payCharge(id: string, at: number, reference: string | null): Promise<ChargeRecord | undefined> {
    const [row] = await this.db.query<ChargeRow>(
      `UPDATE repair_charges SET status = 'paid', paid_at = $2, payment_reference = $3
       WHERE id = $1 AND status = 'open' RETURNING *`,
      [id, at, reference],
    );
    return row ? toCharge(row) : undefined;
  }

  /**
   * Spends the coupon on the charge, all or nothing: the charge and the coupon are locked, the
   * coupon must still be active, unexpired and the charge's customer's; its value (never more
   * than is due) comes off the charge and the ledger records it.
   */
  async redeemCoupon(input: {
    chargeId: string;
    couponId: string;
    at: number;
    discount: (coupon: CouponRecord, charge: ChargeRecord) => number;
  }): Promise<ChargeRecord> {
    return this.db.transaction(async (tx) => {
      const charge = await openChargeForUpdate(tx, input.chargeId);
      const [couponRow] = await tx.query<CouponRow>(
        'SELECT * FROM coupons WHERE id = $1 AND customer_id = $2 FOR UPDATE',
        [input.couponId, charge.customerId],
      );
      if (!couponRow)
        throw loyaltyError('loyalty.coupon_not_found', `No coupon "${input.couponId}" of this customer`, {
          field: 'couponId',
        });
      const coupon = toCoupon(couponRow);
      if (coupon.status !== 'active' || coupon.expiresAt <= input.at)
        throw loyaltyError(
          'loyalty.coupon_not_active',
          coupon.status === 'redeemed' ? 'The coupon was redeemed already' : 'The coupon has expired',
          { field: 'couponId', couponStatus: coupon.status === 'active' ? 'expired' : coupon.status },
        );
      if (coupon.kind === 'amount' && coupon.currency !== charge.currency)
        throw loyaltyError(
          'loyalty.currency_mismatch',
          `The coupon is in ${coupon.currency}, the charge in ${charge.currency}`,
          {
            field: 'couponId',
          },
        );
      const discount = input.discount(coupon, charge);
      const spent = await tx.query(
        `UPDATE coupons SET status = 'redeemed', redeemed_at = $2, redeemed_on = $3 WHERE id = $1 AND status = 'active'
         RETURNING id`,
        [coupon.id, input.at, `charge:${charge.id}`],
      );
      if (spent.length === 0)
        throw loyaltyError('loyalty.coupon_not_active', 'The coupon was redeemed already', {
          field: 'couponId',
        });
      const [updated] = await tx.query<ChargeRow>(
        'UPDATE repair_charges SET discount_minor = discount_minor + $2 WHERE id = $1 RETURNING *',
        [charge.id, discount],
      );
      await ensureAccount(tx, charge.customerId);
      await appendLedger(tx, {
        customerId: charge.customerId,
        at: input.at,
        kind: 'coupon_redeemed',
        points: 0,
        couponId: coupon.id,
        reference: `charge:${charge.id}`,
        balanceAfter: await balanceOf(tx, charge.customerId),
      });
      return toCharge(updated);
    });
  }

  /**
   * Takes `points` (at most what is due: 1 point = 1 minor unit) off the account and the charge,
   * all or nothing; a balance short of them is refused, whatever runs at the same time.
   */
  async redeemPoints(input: { chargeId: string; points: number; at: number }): Promise<ChargeRecord> {
    return this.db.transaction(async (tx) => {
      const charge = await openChargeForUpdate(tx, input.chargeId);
      const used = Math.min(input.points, charge.amountMinor - charge.discountMinor);
      const [account] = await tx.query<{ points: string | number }>(
        'UPDATE loyalty_accounts SET points = points - $2 WHERE customer_id = $1 AND points >= $2 RETURNING points',
        [charge.customerId, used],
      );
      if (!account) {
        const balance = await balanceOf(tx, charge.customerId);
        throw loyaltyError(
          'loyalty.insufficient_points',
          `${used} points needed, ${balance} on the account`,
          {
            field: 'points',
            balance,
          },
        );
      }
      const [updated] = await tx.query<ChargeRow>(
        'UPDATE repair_charges SET discount_minor = discount_minor + $2 WHERE id = $1 RETURNING *',
        [charge.id, used],
      );
      await appendLedger(tx, {
        customerId: charge.customerId,
        at: input.at,
        kind: 'points_redeemed',
        points: -used,
        couponId: null,
        reference: `charge:${charge.id}`,
        balanceAfter: num(account.points),
      });
      return toCharge(updated);
    });
  }

  /** Marks active coupons past their date expired, with a ledger entry each; how many. */
  async expireCoupons(nowMs: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const expired = await tx.query<CouponRow>(
        `UPDATE coupons SET status = 'expired' WHERE status = 'active' AND expires_at <= $1 RETURNING *`,
        [nowMs],
      );
      for (const row of expired) {
        await ensureAccount(tx, row.customer_id);
        await appendLedger(tx, {
          customerId: row.customer_id,
          at: nowMs,
          kind: 'coupon_expired',
          points: 0,
          couponId: row.id,
          reference: row.reference,
          balanceAfter: await balanceOf(tx, row.customer_id),
        });
      }
      return expired.length;
    });
  }

  /** Pins (or with null unpins) the customer's tier; the customer's tier column follows a pin. */
  async pinTier(customerId: string, tier: CustomerTier | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      await ensureAccount(tx, customerId);
      await tx.query(
        'UPDATE loyalty_accounts SET tier_pinned = $2, promoted_by_rules = false WHERE customer_id = $1',
        [customerId, tier !== null],
      );
      if (tier !== null) await tx.query('UPDATE customers SET tier = $2 WHERE id = $1', [customerId, tier]);
    });
  }

  /** Every customer with the inputs of the tier rules since `sinceMs`. */
  async tierInputs(sinceMs: number): Promise<TierInputs[]> {
    const customers = await this.db.query<{
      id: string;
      tier: CustomerTier;
      tier_pinned: boolean | null;
      promoted_by_rules: boolean | null;
    }>(
      `SELECT c.id, c.tier, a.tier_pinned, a.promoted_by_rules
       FROM customers c LEFT JOIN loyalty_accounts a ON a.customer_id = c.id ORDER BY c.id`,
    );
    const spend = new Map<string, number>();
    const activity = new Map<string, number>();
    const add = (into: Map<string, number>, rows: Array<{ customer_id: string; n: string | number }>) => {
      for (const r of rows) into.set(r.customer_id, (into.get(r.customer_id) ?? 0) + num(r.n));
    };
    add(
      spend,
      await this.db.query(
        `SELECT customer_id, sum(amount_minor - discount_minor) AS n FROM repair_charges
         WHERE status = 'paid' AND paid_at >= $1 GROUP BY customer_id`,
        [sinceMs],
      ),
    );
    const sales = await this.timeColumn('device_sales', ['delivered_at'], []);
    if (sales)
      add(
        spend,
        await this.db.query(
          `SELECT d.customer_id, sum(s.price_minor) AS n FROM device_sales s JOIN devices d ON d.id = s.device_id
           WHERE d.customer_id IS NOT NULL AND ${sales.since('s.delivered_at')} GROUP BY d.customer_id`,
          [sales.param(sinceMs)],
        ),
      );
    add(
      activity,
      await this.db.query(
        `SELECT customer_id, count(*) AS n FROM service_requests
         WHERE customer_id IS NOT NULL AND created_at >= $1 GROUP BY customer_id`,
        [sinceMs],
      ),
    );
    // answered surveys: the surveys feature's table, when it is installed
    for (const table of ['surveys', 'survey_responses']) {
      const answered = await this.timeColumn(table, ['answered_at'], ['customer_id']);
      if (!answered) continue;
      add(
        activity,
        await this.db.query(
          `SELECT customer_id, count(*) AS n FROM ${table}
           WHERE customer_id IS NOT NULL AND ${answered.since('answered_at')} GROUP BY customer_id`,
          [answered.param(sinceMs)],
        ),
      );
      break;
    }
    return customers.map((c) => ({
      customerId: c.id,
      tier: c.tier,
      pinned: c.tier_pinned ?? false,
      promotedByRules: c.promoted_by_rules ?? false,
      spendMinor12m: spend.get(c.id) ?? 0,
      activity12m: activity.get(c.id) ?? 0,
    }));
  }

  /** Records the recomputation's inputs and result for one customer (and the tier column when it moved). */
  async saveTier(input: {
    customerId: string;
    tier: CustomerTier;
    changed: boolean;
    promotedByRules: boolean;
    spendMinor12m: number;
    activity12m: number;
    at: number;
  }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO loyalty_accounts (customer_id, promoted_by_rules, tier_computed_at, spend_minor_12m, activity_12m)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (customer_id) DO UPDATE SET promoted_by_rules = EXCLUDED.promoted_by_rules,
           tier_computed_at = EXCLUDED.tier_computed_at, spend_minor_12m = EXCLUDED.spend_minor_12m,
           activity_12m = EXCLUDED.activity_12m`,
        [input.customerId, input.promotedByRules, input.at, input.spendMinor12m, input.activity12m],
      );
      if (input.changed)
        await tx.query('UPDATE customers SET tier = $2 WHERE id = $1', [input.customerId, input.tier]);
    });
  }

  /**
   * Another feature's table read directly (it exposes no port for it), only when it exists and has
   * the columns: how to compare its time column (epoch ms, a timestamp, or ISO text) with a moment.
   */
  private async timeColumn(
    table: string,
    timeColumns: string[],
    otherColumns: string[],
  ): Promise<{ since: (column: string) => string; param: (ms: number) => unknown } | undefined> {
    const columns = await this.db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    );
    if (columns.length === 0) return undefined;
    const byName = new Map(columns.map((c) => [c.column_name, c.data_type]));
    if (otherColumns.some((c) => !byName.has(c))) return undefined;
    const type = timeColumns.map((c) => byName.get(c)).find((t) => t !== undefined);
    if (!type) return undefined;
    if (type.startsWith('timestamp'))
      return {
        since: (column) => `${column} >= to_timestamp($1::double precision / 1000)`,
        param: (ms) => ms,
      };
    if (type === 'text' || type.startsWith('character'))
      return { since: (column) => `${column} >= $1`, param: (ms) => new Date(ms).toISOString() };
    return { since: (column) => `${column} >= $1`, param: (ms) => ms };
  }
}

async function ensureAccount(tx: SqlExecutor, customerId: string): Promise<void> {
  await tx.query(
    'INSERT INTO loyalty_accounts (customer_id) VALUES ($1) ON CONFLICT (customer_id) DO NOTHING',
    [customerId],
  );
}

async function balanceOf(tx: SqlExecutor, customerId: string): Promise<number> {
  const [row] = await tx.query<{ points: string | number }>(
    'SELECT points FROM loyalty_accounts WHERE customer_id = $1',
    [customerId],
  );
  return row ? num(row.points) : 0;
}

async function appendLedger(
  tx: SqlExecutor,
  e: Omit<LedgerRecord, 'id'> & { customerId: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO loyalty_ledger (id, customer_id, at, kind, points, coupon_id, reference, balance_after, dedup_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      randomUUID(),
      e.customerId,
      e.at,
      e.kind,
      e.points,
      e.couponId,
      e.reference,
      e.balanceAfter,
      e.kind === 'coupon_issued' && e.reference !== null ? `coupon_issued:${e.reference}` : null,
    ],
  );
}

/** The charge, locked for the rest of the transaction; refused unless it is open with something due. */
async function openChargeForUpdate(tx: SqlExecutor, chargeId: string): Promise<ChargeRecord> {
  const [row] = await tx.query<ChargeRow>('SELECT * FROM repair_charges WHERE id = $1 FOR UPDATE', [
    chargeId,
  ]);
  if (!row) throw loyaltyError('charge.not_found', `No repair charge "${chargeId}"`);
  const charge = toCharge(row);
  if (charge.status !== 'open') throw loyaltyError('charge.not_open', `The charge is ${charge.status}`);
  if (charge.amountMinor - charge.discountMinor <= 0)
    throw loyaltyError('charge.nothing_due', 'Nothing is left to pay on this charge');
  return charge;
}
