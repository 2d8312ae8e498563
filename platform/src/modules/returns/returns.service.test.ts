/**
 * Service test of returns, exchanges and refunds. Real: every module composed as in production
 * (AppModule) on an in-memory PGlite with the migrations, the scheduled jobs (the refund clock),
 * DomainEvents, the demo world's customers and escalation contacts. Doubles: the CareNotifier
 * (records what the customer and staff would be told); a ManualClock from Monday 5 January 2026.
 */
import type { ApplianceType, ReturnCase } from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import { waitFor } from '../../../../tests/support/wait-for';
import { CareNotifier, type CareNotice } from '../../common/care/aftercare-ports';
import { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import type { Customer } from '../customers/customers.repository';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { ReturnsService } from './returns.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 5 January 2026 10:00 UTC. */
const MONDAY = Date.UTC(2026, 0, 5, 10);

class FakeNotifier extends CareNotifier {
  readonly customer: Array<{ customerId: string; notice: CareNotice }> = [];
  readonly staff: Array<{ userId: string; notice: CareNotice }> = [];
  async toCustomer(customerId: string, notice: CareNotice): Promise<void> {
    this.customer.push({ customerId, notice });
  }
  async toStaff(userId: string, notice: CareNotice): Promise<void> {
    this.staff.push({ userId, notice });
  }
}

describe('returns, exchanges and refunds', () => {
  let h: ServiceHarness;
  let returns: ReturnsService;
  const notifier = new FakeNotifier();
  let alice: Customer;
  let bob: Customer;
  const principalOf = (c: Customer): Principal => ({
    userId: `user-${c.id}`,
    role: 'customer',
    customerId: c.id,
    technicianId: null,
  });
  const told = (customerId: string, kind: string) =>
    notifier.customer.filter((n) => n.customerId === customerId && n.notice.kind === kind);

  /** An appliance of the customer, sold and delivered at `deliveredAt`. */
  async function soldAppliance(
    owner: Customer,
    deliveredAt: number,
    options: {
      type?: ApplianceType;
      warrantyUntil?: number;
      model?: string;
      channel?: 'online' | 'store';
    } = {},
  ): Promise<string> {
    const device = await h.get(DevicesService).provision({
      type: options.type ?? 'washer',
      customerId: owner.id,
      region: owner.region ?? undefined,
      model: options.model ?? 'WM-5300',
      warrantyUntil: options.warrantyUntil,
    });
    await returns.putSale(device.id, {
      channel: options.channel ?? 'online',
      orderRef: `JD-${device.id.slice(-6)}`,
      priceMinor: 329_900,
      currency: 'CNY',
      deliveredAt: new Date(deliveredAt).toISOString(),
    });
    return device.id;
  }

  const code = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
    } catch (error) {
      if (error instanceof AppError) return error.code;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({
      nowMs: MONDAY,
      overrides: [{ provide: CareNotifier, useValue: notifier }],
    });
    returns = h.get(ReturnsService);
    [alice, bob] = await h.get(CustomersService).list({ limit: 2, offset: 0 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a return of an appliance without a recorded sale, and stores nothing', async () => {
    const device = await h.provision('washer', { id: alice.id, region: alice.region });
    expect(
      await code(
        returns.apply(
          { deviceId: device.id, kind: 'return', reason: 'no_reason', evidence: [] },
          principalOf(alice),
        ),
      ),
    ).toBe('returns.no_sale');
    expect(await returns.list({ deviceId: device.id }, ADMIN)).toEqual([]);
    expect(told(alice.id, 'return_refused')).toHaveLength(0);
    expect(await code(returns.getSale(device.id, ADMIN))).toBe('returns.sale_not_found');
  });

  it('approves a return on day 7 with the send address and refuses one on day 8, telling the customer', async () => {
    const delivered = h.clock.now() - 7 * DAY;
    const inTime = await soldAppliance(alice, delivered);
    const late = await soldAppliance(alice, delivered - DAY);

    const approved = await returns.apply(
      { deviceId: inTime, kind: 'return', reason: 'no_reason', evidence: [] },
      principalOf(alice),
    );
    expect(approved).toMatchObject({
      status: 'approved',
      daysSinceDelivery: 7,
      refusalReason: null,
      customerId: alice.id,
    });
    expect(approved.number).toMatch(/^RT-\d{6}$/);
    expect(approved.sendAddress).toEqual(expect.stringContaining('returns centre'));
    expect(told(alice.id, 'return_approved').map((n) => n.notice.vars)).toEqual([
      expect.objectContaining({
        number: approved.number,
        address: approved.sendAddress,
        returnKind: 'return',
      }),
    ]);

    const refused = await returns.apply(
      { deviceId: late, kind: 'return', reason: 'quality_fault', evidence: [] },
      principalOf(alice),
    );
    expect(refused).toMatchObject({
      status: 'refused',
      refusalReason: 'return_window_closed',
      daysSinceDelivery: 8,
      sendAddress: null,
    });
    expect(told(alice.id, 'return_refused').map((n) => n.notice.vars.reason)).toEqual([
      'return_window_closed',
    ]);
    // stored, and the customer sees both; another customer sees neither
    expect((await returns.list({}, principalOf(alice))).map((r) => r.id)).toEqual(
      expect.arrayContaining([approved.id, refused.id]),
    );
    expect(await returns.list({ customerId: alice.id }, principalOf(bob))).toEqual([]);
    expect(await code(returns.get(approved.id, principalOf(bob)))).toBe('returns.not_found');
    // one return in progress per appliance
    expect(
      await code(
        returns.apply(
          { deviceId: inTime, kind: 'return', reason: 'no_reason', evidence: [] },
          principalOf(alice),
        ),
      ),
    ).toBe('returns.already_open');
    // somebody else's appliance does not exist for the customer
    expect(
      await code(
        returns.apply(
          { deviceId: inTime, kind: 'return', reason: 'no_reason', evidence: [] },
          principalOf(bob),
        ),
      ),
    ).toBe('device.not_found');
  });

  it('allows an exchange for a quality fault within the warranty, and says why otherwise', async () => {
    const delivered = h.clock.now() - 60 * DAY;
    const covered = await soldAppliance(bob, delivered, { warrantyUntil: h.clock.now() + 300 * DAY });
    const expired = await soldAppliance(bob, delivered, { warrantyUntil: h.clock.now() - DAY });
    const asBob = principalOf(bob);

    const noFault = await returns.apply(
      { deviceId: covered, kind: 'exchange', reason: 'other', evidence: [] },
      asBob,
    );
    expect(noFault).toMatchObject({ status: 'refused', refusalReason: 'exchange_needs_quality_fault' });
    const exchange = await returns.apply(
      {
        deviceId: covered,
        kind: 'exchange',
        reason: 'quality_fault',
        description: 'The drum rattles loudly.',
        evidence: ['photo-1'],
      },
      asBob,
    );
    expect(exchange).toMatchObject({
      status: 'approved',
      kind: 'exchange',
      daysSinceDelivery: 60,
      evidence: ['photo-1'],
    });
    const outOfWarranty = await returns.apply(
      { deviceId: expired, kind: 'exchange', reason: 'quality_fault', evidence: [] },
      asBob,
    );
    expect(outOfWarranty).toMatchObject({ status: 'refused', refusalReason: 'warranty_expired' });
    expect(told(bob.id, 'return_refused').map((n) => n.notice.vars.reason)).toEqual([
      'exchange_needs_quality_fault',
      'warranty_expired',
    ]);

    // received, inspected, the replacement shipped: no refund clock for an exchange
    const received = await returns.act(exchange.id, 'receive', { passed: true }, ADMIN);
    expect(received).toMatchObject({ status: 'received', refundDueBy: null, clocks: [] });
    expect(await code(returns.act(exchange.id, 'refund', {}, ADMIN))).toBe('returns.wrong_kind');
    const done = await returns.act(exchange.id, 'exchange', { newSerial: 'WM000123' }, ADMIN);
    expect(done.status).toBe('exchanged');
    expect(told(bob.id, 'return_exchanged')).toHaveLength(1);
  });

  it('starts the refund clock on receipt on a Friday: due Wednesday, warning at 80 %, breach when unpaid', async () => {
    // Friday 9 January 2026, 10:00 UTC
    h.clock.set(Date.UTC(2026, 0, 9, 10));
    const device = await soldAppliance(alice, h.clock.now() - 3 * DAY);
    const applied = await returns.apply(
      { deviceId: device, kind: 'return', reason: 'no_reason', evidence: [] },
      principalOf(alice),
    );
    // customers may not inspect
    expect(await code(returns.act(applied.id, 'receive', { passed: true }, principalOf(alice)))).toBe(
      'returns.not_allowed',
    );
    expect(await code(returns.act(applied.id, 'refund', {}, ADMIN))).toBe('returns.wrong_status');

    const received = await returns.act(
      applied.id,
      'receive',
      { passed: true, note: 'complete, unused' },
      ADMIN,
    );
    expect(received.status).toBe('received');
    // three working days: the rest of Friday, Monday, Tuesday, and Wednesday until 10:00
    expect(received.refundDueBy).toBe(new Date(Date.UTC(2026, 0, 14, 10)).toISOString());
    expect(told(alice.id, 'return_received').at(-1)?.notice.vars.dueAtMs).toBe(Date.UTC(2026, 0, 14, 10));
    const refund = () => received.clocks.find((c) => c.kind === 'refund');
    expect(refund()?.state).toBe('running');

    // the weekend does not count: Monday evening is still well before 80 %
    h.clock.set(Date.UTC(2026, 0, 12, 18));
    await h.settle();
    expect((await returns.get(applied.id, ADMIN)).clocks[0].state).toBe('running');
    expect(notifier.staff.filter((n) => n.notice.key.startsWith(`refund_clock:${applied.id}`))).toHaveLength(
      0,
    );

    // 80 % of 72 working hours: Tuesday 19:36
    h.clock.set(Date.UTC(2026, 0, 13, 19, 37));
    await h.get(JobScheduler).runDue();
    const warned = await returns.get(applied.id, ADMIN);
    expect(warned.clocks[0].state).toBe('warning');
    expect(warned.audit.map((a) => a.action)).toContain('refund_warning');
    const warnings = notifier.staff.filter((n) =>
      n.notice.key.startsWith(`refund_clock:${applied.id}:warning:`),
    );
    // the one who received it and the senior engineer; the regional manager only hears of a breach
    expect(warnings.map((n) => n.userId)).toEqual(expect.arrayContaining([ADMIN.userId]));
    expect(warnings).toHaveLength(2);
    expect(warnings[0].notice.vars).toMatchObject({
      level: 'warning',
      clock: 'refund',
      number: applied.number,
    });

    h.clock.set(Date.UTC(2026, 0, 14, 10, 1));
    await h.get(JobScheduler).runDue();
    const breached = await returns.get(applied.id, ADMIN);
    expect(breached.clocks[0].state).toBe('breached');
    expect(breached.audit.map((a) => a.action)).toContain('refund_breach');
    expect(
      notifier.staff.filter((n) => n.notice.key.startsWith(`refund_clock:${applied.id}:breach:`)),
    ).toHaveLength(3);
    expect((await returns.stats()).refundBreaches).toBe(1);

    // more than the price paid cannot be refunded; the default is the price
    expect(await code(returns.act(applied.id, 'refund', { amountMinor: 400_000 }, ADMIN))).toBe(
      'returns.refund_exceeds_price',
    );
    const refunded = await returns.act(applied.id, 'refund', { reference: 'PAY-77' }, ADMIN);
    expect(refunded).toMatchObject({ status: 'refunded', refundAmountMinor: 329_900 });
    expect(refunded.refundedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(told(alice.id, 'return_refunded').at(-1)?.notice.vars).toMatchObject({
      amountMinor: 329_900,
      currency: 'CNY',
    });
  });

  it('refuses a return that fails inspection, and lets the customer withdraw before receipt', async () => {
    const damaged = await soldAppliance(bob, h.clock.now() - 2 * DAY);
    const withdrawn = await soldAppliance(bob, h.clock.now() - 2 * DAY);
    const first = await returns.apply(
      { deviceId: damaged, kind: 'return', reason: 'no_reason', evidence: [] },
      principalOf(bob),
    );
    const failed = await returns.act(
      first.id,
      'receive',
      { passed: false, note: 'used and scratched' },
      ADMIN,
    );
    expect(failed).toMatchObject({ status: 'refused', refusalReason: 'inspection_failed', clocks: [] });
    expect(told(bob.id, 'return_refused').at(-1)?.notice.vars.reason).toBe('inspection_failed');

    const second = await returns.apply(
      { deviceId: withdrawn, kind: 'return', reason: 'no_reason', evidence: [] },
      principalOf(bob),
    );
    const cancelled: ReturnCase = await returns.act(second.id, 'cancel', {}, principalOf(bob));
    expect(cancelled.status).toBe('cancelled');
    expect(await code(returns.act(second.id, 'receive', { passed: true }, ADMIN))).toBe(
      'returns.wrong_status',
    );
    // the appliance may be applied for again once the earlier one is over
    const again = await returns.apply(
      { deviceId: withdrawn, kind: 'return', reason: 'no_reason', evidence: [] },
      principalOf(bob),
    );
    expect(again.status).toBe('approved');
  });

  it('gives the demo fleet (simulated appliances of a customer) a sale when they connect', async () => {
    const devices = h.get(DevicesService);
    const sim = await devices.provision({ id: 'sim-washer-09999', type: 'washer', customerId: alice.id });
    const nobodys = await devices.provision({ id: 'sim-washer-09998', type: 'washer' });
    await returns.putSale(sim.id, {
      channel: 'dealer',
      orderRef: 'KEEP-1',
      priceMinor: 1,
      currency: 'CNY',
      deliveredAt: new Date(h.clock.now()).toISOString(),
    });
    const fresh = await devices.provision({ id: 'sim-washer-09997', type: 'washer', customerId: bob.id });
    for (const id of [sim.id, nobodys.id, fresh.id])
      h.events.emit('device.status', { deviceId: id, online: true, lastSeen: h.clock.now(), fw: null });
    const seeded = await waitFor(() => returns.getSale(fresh.id, principalOf(bob)), {
      what: 'the demo sale',
    });
    expect(seeded.orderRef).toMatch(/^(JD|ST|DL|PT)-\d{8}$/);
    // a sale staff recorded stays; an appliance of nobody gets none
    expect((await returns.getSale(sim.id, ADMIN)).orderRef).toBe('KEEP-1');
    expect(await code(returns.getSale(nobodys.id, ADMIN))).toBe('returns.sale_not_found');
  });

  it('reports the return rate per model and channel', async () => {
    const stats = await returns.stats();
    const washer = stats.byModel.find((m) => m.model === 'WM-5300');
    // sold: every appliance given a sale above; returned: those accepted (approved and on)
    const all = await returns.list({}, ADMIN);
    const accepted = new Set(
      all
        .filter((r) => ['approved', 'received', 'refunded', 'exchanged'].includes(r.status))
        .map((r) => r.deviceId),
    );
    expect(washer).toMatchObject({ returned: accepted.size });
    expect(washer?.rate).toBeCloseTo(accepted.size / (washer?.sold ?? 1), 3);
    const online = stats.byChannel.find((c) => c.channel === 'online');
    expect(online?.returned).toBe(accepted.size);
  });
});
