import { randomUUID } from 'node:crypto';
import type { Customer } from '../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../platform/src/database/sql-client';
import { LoyaltyRepository } from '../../platform/src/modules/loyalty/loyalty.repository';
import { LoyaltyService } from '../../platform/src/modules/loyalty/loyalty.service';
import type { TestPlatform } from '../support/platform-fixture';
import { log, percentile, round, type BenchWorker } from './bench-support';
import type { HttpBurstResult } from './http-burst';

export interface RedemptionOptions {
  customers: number;
  /** Concurrent attempts per customer to redeem the same coupon, and as many to redeem points. */
  attemptsEach: number;
  concurrency: number;
}

const COUPON_MINOR = 5_000;
const POINTS = 1_000;
const POINTS_PER_ATTEMPT = 300;
const CHARGE_MINOR = 100_000;

/**
 * Redemptions under concurrency (issue 11: "nothing double-spent under concurrent requests"):
 * each of `customers` demo customers holds one coupon of 50.00, 1,000 points and an open repair
 * bill of 1,000.00; signed in as themselves, they try `attemptsEach` times at once to redeem the
 * coupon and `attemptsEach` times at once to redeem 300 points, all customers together, from a
 * worker process. Measured: requests per second and the client's round trip; checked: every
 * coupon taken once, 900 points taken (three attempts of 300), each bill's discount exactly
 * 50.00 + 9.00, and each account's ledger ending at 100 points.
 */
export async function benchLoyaltyRedemption(
  name: string,
  platform: TestPlatform,
  worker: BenchWorker,
  options: RedemptionOptions,
): Promise<Record<string, unknown>> {
  const app = platform.platform.app;
  const loyalty = app.get(LoyaltyService);
  const repository = app.get(LoyaltyRepository);
  const db = app.get<SqlClient>(SQL_CLIENT);
  const admin = await platform.login();
  const customers = (
    await platform.http<Customer[]>('GET', `/api/customers?limit=${options.customers}`, { token: admin })
  ).body.slice(0, options.customers);
  log(`${name}: ${customers.length} customers, each a coupon, ${POINTS} points and an open bill`);
  const plan: Array<{ customer: Customer; token: string; chargeId: string; couponId: string }> = [];
  for (const customer of customers) {
    const { couponId } = await loyalty.issueCoupon({
      customerId: customer.id,
      kind: 'amount',
      value: COUPON_MINOR,
      currency: 'CNY',
      origin: 'reward',
      compensationId: null,
      reference: `bench:${name}:${customer.id}`,
    });
    await loyalty.awardPoints({
      customerId: customer.id,
      points: POINTS,
      kind: 'feedback_points',
      reference: `bench:${name}:${customer.id}`,
    });
    const chargeId = randomUUID();
    await repository.insertCharge({
      id: chargeId,
      ticketId: `bench-${chargeId}`,
      customerId: customer.id,
      amountMinor: CHARGE_MINOR,
      discountMinor: 0,
      currency: 'CNY',
      status: 'open',
      createdAt: Date.now(),
      createdBy: 'bench',
      paidAt: null,
      paymentReference: null,
    });
    const token = await platform.login({
      email: customer.email as string,
      password: 'customer-demo-password',
    });
    plan.push({ customer, token, chargeId, couponId });
  }
  // interleaved: every customer's attempts are spread over the whole burst
  const requests: Array<{ method: string; path: string; token: string; body: unknown }> = [];
  for (let attempt = 0; attempt < options.attemptsEach; attempt++)
    for (const p of plan) {
      requests.push({
        method: 'POST',
        path: `/api/charges/${p.chargeId}/redeem`,
        token: p.token,
        body: { couponId: p.couponId },
      });
      requests.push({
        method: 'POST',
        path: `/api/charges/${p.chargeId}/redeem`,
        token: p.token,
        body: { points: POINTS_PER_ATTEMPT },
      });
    }
  log(`${name}: ${requests.length} redemptions, ${options.concurrency} at a time`);
  const burst = await worker.call<HttpBurstResult>({
    kind: 'http-burst',
    burst: { baseUrl: platform.baseUrl, requests, concurrency: options.concurrency },
  });

  const byStatus: Record<string, number> = {};
  for (const s of burst.samples) {
    const key = s.status === 200 ? '200' : `${s.status} ${s.code ?? ''}`.trim();
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  let wrongBills = 0;
  let wrongBalances = 0;
  let couponsTakenTwice = 0;
  for (const p of plan) {
    const [charge] = await db.query<{ discount_minor: string | number }>(
      'SELECT discount_minor FROM repair_charges WHERE id = $1',
      [p.chargeId],
    );
    if (Number(charge.discount_minor) !== COUPON_MINOR + 3 * POINTS_PER_ATTEMPT) wrongBills++;
    const account = await loyalty.accountView(p.customer.id);
    if (account.points !== POINTS - 3 * POINTS_PER_ATTEMPT) wrongBalances++;
    const redeemed = account.ledger.filter((e) => e.kind === 'coupon_redeemed' && e.couponId === p.couponId);
    if (redeemed.length !== 1) couponsTakenTwice++;
  }
  const ms = burst.samples.map((s) => s.ms);
  return {
    name,
    customers: plan.length,
    requests: requests.length,
    concurrency: options.concurrency,
    seconds: round(burst.seconds, 2),
    requestsPerS: round(requests.length / burst.seconds),
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    p99Ms: round(percentile(ms, 99)),
    byStatus,
    expectedAccepted: plan.length * 4,
    couponsTakenTwice,
    wrongBills,
    wrongBalances,
  };
}
