/**
 * Fast test of loyalty: points credited once per reference, coupons issued once, redeemed against
 * a repair charge exactly once however many requests race, points never below zero, and the
 * nightly tier recomputation (paid repairs and appliance purchases make a VIP; a pinned tier stays;
 * the customer's tier column, which sets the SLA targets, follows). Real: the platform's Nest
 * modules on an in-memory PGlite with the demo world, the job scheduler run by `advance()`. The
 * clock is a ManualClock on Monday 5 January 2026, 13:00 UTC.
 */
import { randomUUID } from 'node:crypto';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import type { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { LoyaltyTiers, TIERS_JOB } from './loyalty-tiers.service';
import { LoyaltyService } from './loyalty.service';
import { TIER_RULES } from './tier-rules';

const HOUR = 3_600_000;

describe('loyalty', () => {
  let h: ServiceHarness;
  let loyalty: LoyaltyService;
  let standard: string[];

  const customerPrincipal = (customerId: string): Principal => ({
    userId: `user-${customerId}`,
    role: 'customer',
    customerId,
    technicianId: null,
  });

  /** A ticket of the customer on a new washer, as a repair to bill. */
  async function ticketOf(customerId: string): Promise<string> {
    const device = await h.provision('washer', { id: customerId, region: null });
    const id = randomUUID();
    const now = h.clock.now();
    await h.db.query(
      `INSERT INTO tickets (id, device_id, customer_id, source, priority, status, title, description, created_at,
         updated_at, respond_by, on_site_by, resolve_by)
       VALUES ($1, $2, $3, 'customer', 'P3', 'closed', 'washer repaired', 'test', $4, $4, $4, $4, $4)`,
      [id, device.id, customerId, now],
    );
    return id;
  }

  const charge = async (customerId: string, amountMinor: number) =>
    loyalty.createCharge({ ticketId: await ticketOf(customerId), amountMinor, currency: 'CNY' }, ADMIN);

  const failure = async (work: Promise<unknown>): Promise<AppError> => {
    try {
      await work;
    } catch (error) {
      return error as AppError;
    }
    throw new Error('expected a refusal');
  };

  beforeAll(async () => {
    h = await ServiceHarness.start();
    loyalty = h.get(LoyaltyService);
    standard = (
      await h.db.query<{ id: string }>(`SELECT id FROM customers WHERE tier = 'standard' ORDER BY id LIMIT 8`)
    ).map((r) => r.id);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('credits points once per reference and shows them in the ledger', async () => {
    const [alice] = standard;
    expect(
      await loyalty.awardPoints({
        customerId: alice,
        points: 50,
        kind: 'survey_points',
        reference: 'survey:1',
      }),
    ).toEqual({
      awarded: 50,
      balance: 50,
    });
    // the same survey again (a retry): nothing more
    expect(
      await loyalty.awardPoints({
        customerId: alice,
        points: 50,
        kind: 'survey_points',
        reference: 'survey:1',
      }),
    ).toEqual({
      awarded: 0,
      balance: 50,
    });
    await loyalty.awardPoints({
      customerId: alice,
      points: 20,
      kind: 'feedback_points',
      reference: 'complaint:9',
    });
    const account = await loyalty.account(alice, customerPrincipal(alice));
    expect(account.points).toBe(70);
    expect(account.ledger.map((e) => [e.kind, e.points, e.balanceAfter])).toEqual([
      ['feedback_points', 20, 70],
      ['survey_points', 50, 50],
    ]);
    // another customer's account is not there for them
    expect((await failure(loyalty.account(alice, customerPrincipal(standard[1])))).code).toBe(
      'loyalty.not_found',
    );
  });

  it('spends a coupon exactly once when ten redemptions race', async () => {
    const [, bob] = standard;
    const issued = await loyalty.issueCoupon({
      customerId: bob,
      kind: 'amount',
      value: 5_000,
      currency: 'CNY',
      origin: 'reward',
      compensationId: null,
      reference: 'reward:test-1',
    });
    // issuing the same reference again answers the same coupon
    expect(
      await loyalty.issueCoupon({
        customerId: bob,
        kind: 'amount',
        value: 5_000,
        currency: 'CNY',
        origin: 'reward',
        compensationId: null,
        reference: 'reward:test-1',
      }),
    ).toEqual(issued);
    const bill = await charge(bob, 12_000);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        loyalty.redeem(bill.id, { couponId: issued.couponId }, customerPrincipal(bob)),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('loyalty.coupon_not_active');
    const after = await loyalty.getCharge(bill.id, ADMIN);
    expect(after).toMatchObject({
      amountMinor: 12_000,
      discountMinor: 5_000,
      dueMinor: 7_000,
      status: 'open',
    });
    const account = await loyalty.account(bob, ADMIN);
    expect(account.coupons[0]).toMatchObject({ status: 'redeemed', redeemedOn: `charge:${bill.id}` });
    expect(account.ledger.filter((e) => e.kind === 'coupon_redeemed')).toHaveLength(1);
  });

  it('never takes points below zero, whatever runs at once', async () => {
    const [, , carol] = standard;
    await loyalty.awardPoints({
      customerId: carol,
      points: 250,
      kind: 'survey_points',
      reference: 'survey:c1',
    });
    const bill = await charge(carol, 100_000);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => loyalty.redeem(bill.id, { points: 100 }, customerPrincipal(carol))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('loyalty.insufficient_points');
    const account = await loyalty.account(carol, ADMIN);
    expect(account.points).toBe(50);
    expect((await loyalty.getCharge(bill.id, ADMIN)).discountMinor).toBe(200);
    expect(Math.min(...account.ledger.map((e) => e.balanceAfter))).toBeGreaterThanOrEqual(0);
  });

  it('takes no more than is due, and nothing from a paid charge', async () => {
    const [, , , dave] = standard;
    await loyalty.awardPoints({
      customerId: dave,
      points: 1_000,
      kind: 'survey_points',
      reference: 'survey:d1',
    });
    const bill = await charge(dave, 300);
    expect(await loyalty.redeem(bill.id, { points: 1_000 }, customerPrincipal(dave))).toMatchObject({
      discountMinor: 300,
      dueMinor: 0,
    });
    expect((await loyalty.account(dave, ADMIN)).points).toBe(700);
    expect((await failure(loyalty.redeem(bill.id, { points: 1 }, customerPrincipal(dave)))).code).toBe(
      'charge.nothing_due',
    );
    const other = await charge(dave, 1_000);
    await loyalty.pay(other.id, { reference: 'POS-1' }, ADMIN);
    expect((await failure(loyalty.redeem(other.id, { points: 10 }, customerPrincipal(dave)))).code).toBe(
      'charge.not_open',
    );
    expect((await failure(loyalty.pay(other.id, {}, ADMIN))).code).toBe('charge.not_open');
    // someone else's charge does not exist for a customer
    expect((await failure(loyalty.getCharge(other.id, customerPrincipal(standard[0])))).code).toBe(
      'charge.not_found',
    );
  });

  it('promotes a high spender to VIP at night, keeps a pinned tier, and counts appliance purchases', async () => {
    const [, , , , spender, pinned, buyer] = standard;
    for (const customerId of [spender, pinned]) {
      const bill = await charge(customerId, TIER_RULES.vipMinSpendMinor12m);
      await loyalty.pay(bill.id, {}, ADMIN);
    }
    await loyalty.pinTier(pinned, 'standard');
    await buyAppliance(buyer, TIER_RULES.vipMinSpendMinor12m);

    // the nightly job, at 02:00 UTC
    expect((await h.get(JobScheduler).pending(TIERS_JOB)).map((j) => j.runAtMs)).toEqual([
      Date.UTC(2026, 0, 6, 2),
    ]);
    await h.advance(14 * HOUR);
    const customers = h.get(CustomersService);
    expect((await customers.require(spender)).tier).toBe('vip');
    expect((await customers.require(pinned)).tier).toBe('standard');
    expect((await customers.require(buyer)).tier).toBe('vip');
    expect(await loyalty.tierOf(spender)).toBe('vip');
    const account = await loyalty.account(spender, ADMIN);
    expect(account).toMatchObject({
      tier: 'vip',
      tierPinned: false,
      spendMinor12m: TIER_RULES.vipMinSpendMinor12m,
    });
    expect((await loyalty.account(pinned, ADMIN)).tierPinned).toBe(true);
    // the promotion is rewarded with a welcome coupon, once; the pinned customer gets none
    expect(account.coupons).toEqual([
      expect.objectContaining({
        origin: 'reward',
        value: TIER_RULES.vipWelcomeCouponMinor,
        status: 'active',
      }),
    ]);
    expect((await loyalty.account(pinned, ADMIN)).coupons).toEqual([]);
    await h.get(LoyaltyTiers).recompute();
    expect((await loyalty.account(spender, ADMIN)).coupons).toHaveLength(1);
    // the next night's run is scheduled
    expect((await h.get(JobScheduler).pending(TIERS_JOB)).map((j) => j.runAtMs)).toEqual([
      Date.UTC(2026, 0, 7, 2),
    ]);

    // a year on, the spend has aged out: the rules demote whom they promoted
    h.clock.advance(366 * 24 * HOUR);
    const result = await h.get(LoyaltyTiers).recompute();
    expect(result.demoted).toBeGreaterThanOrEqual(2);
    expect((await customers.require(spender)).tier).toBe('standard');
    expect((await customers.require(pinned)).tier).toBe('standard');
  });

  /** A sale in `device_sales` (the returns feature's table; created here as it describes it when absent). */
  async function buyAppliance(customerId: string, priceMinor: number): Promise<void> {
    const device = await h.provision('refrigerator', { id: customerId, region: null });
    const [exists] = await h.db.query<{ t: string | null }>(`SELECT to_regclass('device_sales')::text AS t`);
    if (!exists.t)
      await h.db.exec(
        `CREATE TABLE device_sales (device_id text PRIMARY KEY, channel text NOT NULL, order_ref text NOT NULL,
           price_minor bigint NOT NULL, currency text NOT NULL, delivered_at bigint NOT NULL)`,
      );
    const columns = new Map(
      (
        await h.db.query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'device_sales'`,
        )
      ).map((c) => [c.column_name, c.data_type]),
    );
    const moment = (ms: number, column: string) =>
      (columns.get(column) ?? 'bigint').startsWith('bigint') ? ms : new Date(ms).toISOString();
    const now = h.clock.now();
    const row: Record<string, unknown> = {
      device_id: device.id,
      channel: 'online',
      order_ref: 'JD-42',
      price_minor: priceMinor,
      currency: 'CNY',
      delivered_at: moment(now - 30 * 24 * HOUR, 'delivered_at'),
    };
    // the returns feature's own bookkeeping columns, when its table has them
    for (const column of ['created_at', 'updated_at'])
      if (columns.has(column)) row[column] = moment(now, column);
    const names = Object.keys(row);
    await h.db.query(
      `INSERT INTO device_sales (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  }
});
