/**
 * Medium test: compensation with approval and the loyalty ledger over real HTTP. Real: the
 * platform (Nest HTTP, the Aedes gateway, PGlite, the embedded store) with its seeded demo world;
 * customers' tickets come from their own service requests (offline washers, so a visit opens at
 * once). The clock is a ManualClock on a Monday 13:00 UTC. Limits: an engineer grants up to
 * 200.00, an admin 5,000.00; the approval warning line is 2 so three waiting items cross it.
 * One shortcut: the points to spend are credited through `LoyaltyService` (the surveys feature
 * credits them over HTTP; this test is about spending them).
 */
import type {
  ApprovalQueue,
  Compensation,
  CreatedDevice,
  LoyaltyAccount,
  RepairCharge,
  ServiceRequest,
  Ticket,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { LoyaltyService } from '../../platform/src/modules/loyalty/loyalty.service';
import { ServiceRequestsService } from '../../platform/src/modules/service-requests/service-requests.service';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const HOUR = 3_600_000;

type ErrorBody = { statusCode: number; code: string; field?: string };
interface Person {
  customer: Customer;
  token: string;
}

describe('compensation and loyalty over HTTP', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let engineer: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let aliceCharge: RepairCharge;
  let approvedCoupon: string;

  const call = <T>(method: string, path: string, token: string, body?: unknown) =>
    t.http<T>(method, path, { token, body });
  const ok = async <T>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    status = 200,
  ): Promise<T> => {
    const res = await call<T>(method, path, token, body);
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };

  /** A visit ticket of the customer: their request about a new, offline washer. */
  async function ticketOf(person: Person): Promise<Ticket> {
    const washer: CreatedDevice = await t.provision(admin, {
      type: 'washer',
      customerId: person.customer.id,
      region: person.customer.region,
    });
    const request = await ok<ServiceRequest>(
      'POST',
      '/api/service-requests',
      person.token,
      { deviceId: washer.id, symptom: 'not_spinning' },
      201,
    );
    await t.platform.app.get(ServiceRequestsService).settled();
    const view = await ok<ServiceRequest>('GET', `/api/service-requests/${request.id}`, person.token);
    return ok<Ticket>('GET', `/api/tickets/${view.ticketId as string}`, admin);
  }

  const bill = async (person: Person, amountMinor: number): Promise<RepairCharge> =>
    ok<RepairCharge>(
      'POST',
      '/api/charges',
      engineer,
      { ticketId: (await ticketOf(person)).id, amountMinor, currency: 'CNY' },
      201,
    );

  beforeAll(async () => {
    t = await startTestPlatform(
      { COMPENSATION_LIMITS: 'engineer:20000,admin:500000', APPROVAL_WARNING_LINE: '2' },
      { clock },
    );
    admin = await t.login();
    engineer = await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' });
    const customers = (await ok<Customer[]>('GET', '/api/customers?limit=500', admin)).filter(
      (c) => c.email && c.tier === 'standard',
    );
    const person = async (customer: Customer): Promise<Person> => ({
      customer,
      token: await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD }),
    });
    [alice, bob, carol] = await Promise.all(customers.slice(0, 3).map(person));
  });

  afterAll(async () => {
    await t?.stop();
  });

  it("grants an engineer's compensation within the limit at once, and queues one above it with its age", async () => {
    const within = await ok<Compensation>(
      'POST',
      '/api/compensations',
      engineer,
      { customerId: alice.customer.id, type: 'free_rerepair', amountMinor: 15_000 },
      201,
    );
    expect(within).toMatchObject({ status: 'granted', needsApproval: false });

    const above = await ok<Compensation>(
      'POST',
      '/api/compensations',
      engineer,
      {
        customerId: alice.customer.id,
        type: 'coupon',
        amountMinor: 30_000,
        note: 'two weeks without a washer',
      },
      201,
    );
    expect(above).toMatchObject({ status: 'pending_approval', needsApproval: true, couponId: null });
    approvedCoupon = above.id;

    clock.advance(3 * HOUR);
    const queue = await ok<ApprovalQueue>('GET', '/api/approvals', engineer);
    expect(queue).toMatchObject({
      waiting: 1,
      warningLine: 2,
      overWarningLine: false,
      yourLimitMinor: 20_000,
    });
    expect(queue.items[0]).toMatchObject({ id: above.id, ageMs: 3 * HOUR });
    // the customer sees their own compensations, not the queue
    const mine = await ok<Compensation[]>('GET', '/api/compensations', alice.token);
    expect(mine.map((c) => c.id).sort()).toEqual([within.id, above.id].sort());
    expect((await call('GET', '/api/approvals', alice.token)).status).toBe(403);
    expect(
      await ok<Compensation[]>('GET', `/api/compensations?customerId=${alice.customer.id}`, bob.token),
    ).toEqual([]);
  });

  it('shows the warning line once more items wait than it allows', async () => {
    for (const amountMinor of [25_000, 26_000])
      await ok(
        'POST',
        '/api/compensations',
        engineer,
        { customerId: bob.customer.id, type: 'discount', amountMinor },
        201,
      );
    const queue = await ok<ApprovalQueue>('GET', '/api/approvals', admin);
    expect(queue).toMatchObject({ waiting: 3, overWarningLine: true, yourLimitMinor: 500_000 });
    expect(queue.items.map((c) => c.ageMs)).toEqual([3 * HOUR, 0, 0]);
    const waitingForBob = await ok<Compensation[]>(
      'GET',
      `/api/compensations?customerId=${bob.customer.id}&status=pending_approval`,
      admin,
    );
    expect(waitingForBob).toHaveLength(2);
  });

  it('refuses an approval above the approver’s own limit, and refuses bad input naming the field', async () => {
    const refused = await call<ErrorBody>(
      'POST',
      `/api/compensations/${approvedCoupon}/approve`,
      engineer,
      {},
    );
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('compensation.over_your_limit');
    const negative = await call<ErrorBody>('POST', '/api/compensations', engineer, {
      customerId: alice.customer.id,
      type: 'coupon',
      amountMinor: -1,
    });
    expect(negative.status).toBe(400);
    expect(negative.body.field).toBe('amountMinor');
    const badType = await call<ErrorBody>('POST', '/api/compensations', engineer, {
      customerId: alice.customer.id,
      type: 'cash',
      amountMinor: 100,
    });
    expect(badType.body.field).toBe('type');
    const [tech] = (await ok<Technician[]>('GET', '/api/technicians', admin)).filter((x) => x.email);
    const technician = await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD });
    expect((await call('GET', '/api/approvals', technician)).status).toBe(403);
    expect((await call('GET', `/api/loyalty/${alice.customer.id}`, technician)).status).toBe(403);
  });

  it("puts the admin's approved coupon in the customer's ledger, redeemable against a repair charge", async () => {
    const approved = await ok<Compensation>('POST', `/api/compensations/${approvedCoupon}/approve`, admin, {
      note: 'goodwill',
    });
    expect(approved).toMatchObject({
      status: 'granted',
      decidedBy: expect.any(String),
      couponId: expect.any(String),
    });
    const again = await call<ErrorBody>('POST', `/api/compensations/${approvedCoupon}/approve`, admin, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('compensation.not_pending');

    const account = await ok<LoyaltyAccount>('GET', '/api/loyalty/me', alice.token);
    expect(account.coupons).toEqual([
      expect.objectContaining({
        id: approved.couponId,
        value: 30_000,
        origin: 'compensation',
        status: 'active',
      }),
    ]);
    expect(account.ledger.map((e) => e.kind)).toContain('coupon_issued');
    expect((await call('GET', `/api/loyalty/${alice.customer.id}`, bob.token)).status).toBe(404);
    expect(
      (await ok<LoyaltyAccount>('GET', `/api/loyalty/${alice.customer.id}`, engineer)).coupons,
    ).toHaveLength(1);

    aliceCharge = await bill(alice, 50_000);
    expect(aliceCharge).toMatchObject({ customerId: alice.customer.id, dueMinor: 50_000, status: 'open' });
    expect((await ok<RepairCharge[]>('GET', '/api/charges', alice.token)).map((c) => c.id)).toEqual([
      aliceCharge.id,
    ]);
    expect(await ok<RepairCharge[]>('GET', '/api/charges', bob.token)).toEqual([]);
    expect((await call('GET', `/api/charges/${aliceCharge.id}`, bob.token)).status).toBe(404);

    // ten redemptions of the one coupon at once: exactly one takes it
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call<RepairCharge & ErrorBody>('POST', `/api/charges/${aliceCharge.id}/redeem`, alice.token, {
          couponId: approved.couponId,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 409 && r.body.code === 'loyalty.coupon_not_active'),
    ).toHaveLength(9);
    aliceCharge = await ok<RepairCharge>('GET', `/api/charges/${aliceCharge.id}`, alice.token);
    expect(aliceCharge).toMatchObject({ discountMinor: 30_000, dueMinor: 20_000 });
    const after = await ok<LoyaltyAccount>('GET', '/api/loyalty/me', alice.token);
    expect(after.coupons[0]).toMatchObject({ status: 'redeemed', redeemedOn: `charge:${aliceCharge.id}` });
  });

  it('never takes points below zero under parallel redemptions', async () => {
    await t.platform.app.get(LoyaltyService).awardPoints({
      customerId: alice.customer.id,
      points: 250,
      kind: 'survey_points',
      reference: 'survey:medium-1',
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call<ErrorBody>('POST', `/api/charges/${aliceCharge.id}/redeem`, alice.token, { points: 100 }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(
      results.filter((r) => r.status === 409 && r.body.code === 'loyalty.insufficient_points'),
    ).toHaveLength(8);
    const account = await ok<LoyaltyAccount>('GET', '/api/loyalty/me', alice.token);
    expect(account.points).toBe(50);
    expect(account.ledger.every((e) => e.balanceAfter >= 0)).toBe(true);
    expect((await ok<RepairCharge>('GET', `/api/charges/${aliceCharge.id}`, admin)).dueMinor).toBe(19_800);

    for (const [body, field] of [
      [{ couponId: 'x', points: 1 }, 'couponId'],
      [{ points: 0 }, 'points'],
      [{}, 'couponId'],
    ] as const) {
      const bad = await call<ErrorBody>('POST', `/api/charges/${aliceCharge.id}/redeem`, alice.token, body);
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe(field);
    }
    const noTicket = await call<ErrorBody>('POST', '/api/charges', engineer, {
      ticketId: 'no-such-ticket',
      amountMinor: 100,
    });
    expect(noTicket.status).toBe(404);
    expect(noTicket.body.code).toBe('charge.ticket_not_found');
    // only staff record a payment
    expect((await call('POST', `/api/charges/${aliceCharge.id}/pay`, alice.token, {})).status).toBe(403);
    expect(
      await ok<RepairCharge>('POST', `/api/charges/${aliceCharge.id}/pay`, admin, { reference: 'POS-7' }),
    ).toMatchObject({
      status: 'paid',
      paidAt: expect.any(String),
    });
  });

  it('promotes a high spender to VIP, whose next ticket gets the VIP targets, and keeps a pinned tier', async () => {
    for (const person of [bob, carol]) {
      const charge = await bill(person, 500_000);
      await ok('POST', `/api/charges/${charge.id}/pay`, admin, {});
    }
    const pinned = await ok<LoyaltyAccount>('POST', `/api/loyalty/${carol.customer.id}/tier`, admin, {
      tier: 'standard',
    });
    expect(pinned).toMatchObject({ tier: 'standard', tierPinned: true });
    expect(
      (await call('POST', `/api/loyalty/${carol.customer.id}/tier`, engineer, { tier: 'vip' })).status,
    ).toBe(403);
    expect(
      (await call<ErrorBody>('POST', `/api/loyalty/${carol.customer.id}/tier`, admin, { tier: 'gold' })).body
        .field,
    ).toBe('tier');

    const result = await ok<{ customers: number; promoted: number; demoted: number }>(
      'POST',
      '/api/loyalty/recompute',
      admin,
    );
    expect(result.promoted).toBeGreaterThanOrEqual(1);
    expect((await ok<Customer>('GET', `/api/customers/${bob.customer.id}`, admin)).tier).toBe('vip');
    expect((await ok<Customer>('GET', `/api/customers/${carol.customer.id}`, admin)).tier).toBe('standard');
    const bobAccount = await ok<LoyaltyAccount>('GET', '/api/loyalty/me', bob.token);
    expect(bobAccount).toMatchObject({ tier: 'vip', tierPinned: false, spendMinor12m: 500_000 });
    expect(bobAccount.tierComputedAt).toBe(new Date(clock.now()).toISOString());
    // VIPs keep their tighter SLA targets: the next ticket is a VIP one
    expect((await ticketOf(bob)).tier).toBe('vip');
  });
});
