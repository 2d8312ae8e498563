/**
 * Fast test of compensation with approval: within the requester's limit it is granted at once (a
 * coupon in the ledger for a coupon or discount), above it it waits in the approval queue with its
 * age, the warning line and the late count; only a role whose limit covers the amount decides; a
 * decision is taken once; every change is announced. Real: the platform's Nest modules on an
 * in-memory PGlite with the demo world and the real loyalty module. The clock is a ManualClock on
 * Monday 5 January 2026, 13:00 UTC. Limits: engineer 200.00, admin 5,000.00; warning line 2.
 */
import type { Compensation, CompensationOffer } from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import type { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import { LoyaltyService } from '../loyalty/loyalty.service';
import { CompensationService } from './compensation.service';

const HOUR = 3_600_000;
const ENGINEER: Principal = {
  userId: 'test-engineer',
  role: 'engineer',
  customerId: null,
  technicianId: null,
};

describe('compensation with approval', () => {
  let h: ServiceHarness;
  let service: CompensationService;
  let loyalty: LoyaltyService;
  let customers: string[];
  let changes: { readonly seen: Compensation[]; stop: () => void };

  const offer = (type: CompensationOffer['type'], amountMinor: number): CompensationOffer => ({
    type,
    amountMinor,
    currency: 'CNY',
    note: 'for the trouble',
  });
  const request = (customerId: string, o: CompensationOffer, by: Principal = ENGINEER) =>
    service.request({
      customerId,
      complaintId: null,
      offer: o,
      requestedBy: { userId: by.userId, role: by.role },
    });
  const failure = async (work: Promise<unknown>): Promise<AppError> => {
    try {
      await work;
    } catch (error) {
      return error as AppError;
    }
    throw new Error('expected a refusal');
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({
      env: {
        COMPENSATION_LIMITS: 'engineer:20000,admin:500000',
        APPROVAL_WARNING_LINE: '2',
        APPROVAL_MAX_AGE_MS: String(24 * HOUR),
      },
    });
    service = h.get(CompensationService);
    loyalty = h.get(LoyaltyService);
    customers = (await h.db.query<{ id: string }>('SELECT id FROM customers ORDER BY id LIMIT 4')).map(
      (r) => r.id,
    );
    changes = h.record('compensation.changed');
  });

  afterAll(async () => {
    changes?.stop();
    await h?.close();
  });

  it("grants a compensation within the engineer's limit at once, with the coupon in the ledger", async () => {
    const granted = await request(customers[0], offer('coupon', 20_000));
    expect(granted).toMatchObject({
      status: 'granted',
      needsApproval: false,
      decidedBy: ENGINEER.userId,
      couponId: expect.any(String),
      ageMs: null,
    });
    const account = await loyalty.account(customers[0], ADMIN);
    expect(account.coupons).toEqual([
      expect.objectContaining({
        id: granted.couponId,
        value: 20_000,
        origin: 'compensation',
        compensationId: granted.id,
      }),
    ]);
    expect(account.ledger.map((e) => e.kind)).toEqual(['coupon_issued']);
    expect(changes.seen.filter((c) => c.id === granted.id).map((c) => c.status)).toEqual([
      'approved',
      'granted',
    ]);

    // a free re-repair is granted without a coupon
    const rerepair = await request(customers[0], offer('free_rerepair', 8_000));
    expect(rerepair).toMatchObject({ status: 'granted', couponId: null });
  });

  it('queues one above the limit, shows its age, and lets only a role whose limit covers it decide', async () => {
    const pending = await request(customers[1], offer('coupon', 30_000));
    expect(pending).toMatchObject({
      status: 'pending_approval',
      needsApproval: true,
      couponId: null,
      ageMs: 0,
    });
    expect((await loyalty.account(customers[1], ADMIN)).coupons).toEqual([]);

    h.clock.advance(2 * HOUR);
    const queue = await service.queue(ENGINEER);
    expect(queue).toMatchObject({
      waiting: 1,
      warningLine: 2,
      overWarningLine: false,
      late: 0,
      yourLimitMinor: 20_000,
    });
    expect(queue.items[0]).toMatchObject({ id: pending.id, ageMs: 2 * HOUR });
    expect(queue.oldestAgeMs).toBe(2 * HOUR);

    const refused = await failure(service.approve(pending.id, ENGINEER, null));
    expect(refused.code).toBe('compensation.over_your_limit');
    expect(refused.kind).toBe('forbidden');
    expect((await failure(service.reject(pending.id, ENGINEER, null))).code).toBe(
      'compensation.over_your_limit',
    );

    const approved = await service.approve(pending.id, ADMIN, 'goodwill');
    expect(approved).toMatchObject({ status: 'granted', decidedBy: ADMIN.userId, decisionNote: 'goodwill' });
    const account = await loyalty.account(customers[1], ADMIN);
    expect(account.coupons.map((c) => [c.id, c.value, c.status])).toEqual([
      [approved.couponId, 30_000, 'active'],
    ]);
    // decided once
    expect((await failure(service.approve(pending.id, ADMIN, null))).code).toBe('compensation.not_pending');
    expect((await failure(service.reject(pending.id, ADMIN, null))).code).toBe('compensation.not_pending');
    expect((await service.queue(ADMIN)).waiting).toBe(0);
  });

  it('rejects without granting anything, and announces it', async () => {
    const pending = await request(customers[2], offer('refund', 50_000));
    const rejected = await service.reject(pending.id, ADMIN, 'covered by the warranty');
    expect(rejected).toMatchObject({ status: 'rejected', couponId: null, ageMs: null });
    expect((await loyalty.account(customers[2], ADMIN)).coupons).toEqual([]);
    expect(changes.seen.filter((c) => c.id === pending.id).map((c) => c.status)).toEqual([
      'pending_approval',
      'rejected',
    ]);
  });

  it('warns once more items wait than the warning line, and counts the late ones', async () => {
    for (let i = 0; i < 3; i++) await request(customers[3], offer('discount', 25_000 + i));
    h.clock.advance(25 * HOUR);
    await request(customers[3], offer('discount', 26_000));
    const queue = await service.queue(ADMIN);
    expect(queue).toMatchObject({ waiting: 4, overWarningLine: true, late: 3, yourLimitMinor: 500_000 });
    expect(queue.items.map((c) => c.ageMs)).toEqual([25 * HOUR, 25 * HOUR, 25 * HOUR, 0]);
  });

  it('lists a customer only their own compensations', async () => {
    const own: Principal = { userId: 'u', role: 'customer', customerId: customers[1], technicianId: null };
    expect((await service.list(own, {})).every((c) => c.customerId === customers[1])).toBe(true);
    expect(await service.list(own, { customerId: customers[0] })).toEqual([]);
    expect((await service.list(ADMIN, { status: 'rejected' })).map((c) => c.customerId)).toEqual([
      customers[2],
    ]);
    const someoneElses = (await service.list(ADMIN, { customerId: customers[0] }))[0];
    expect((await failure(service.get(someoneElses.id, own))).code).toBe('compensation.not_found');
    expect((await failure(request('no-such-customer', offer('coupon', 100)))).code).toBe(
      'compensation.customer_not_found',
    );
  });

  it('grants an approval whose coupon could not be issued at once, by a retry job, once', async () => {
    const pending = await request(customers[2], offer('coupon', 40_000));
    const issue = jest.spyOn(loyalty, 'issueCoupon').mockRejectedValueOnce(new Error('ledger unavailable'));
    const approved = await service.approve(pending.id, ADMIN, 'goodwill');
    expect(approved).toMatchObject({ status: 'approved', couponId: null });
    expect((await loyalty.account(customers[2], ADMIN)).coupons).toEqual([]);

    h.clock.advance(31_000);
    await h.settle();
    const granted = await service.get(pending.id, ADMIN);
    expect(granted).toMatchObject({ status: 'granted', couponId: expect.any(String) });
    expect((await loyalty.account(customers[2], ADMIN)).coupons.map((c) => c.id)).toEqual([granted.couponId]);
    // a later run changes nothing: one coupon
    h.clock.advance(60_000);
    await h.settle();
    expect((await loyalty.account(customers[2], ADMIN)).coupons).toHaveLength(1);
    issue.mockRestore();
  });
});
