/**
 * Returns, exchanges and refunds over real HTTP. Real: the platform (Nest HTTP, the embedded
 * stores) on PGlite with the seeded demo world (customers, their logins, the escalation
 * contacts), the scheduled jobs, the notifications outbox delivering to a real SMTP server
 * (SmtpSink). The platform's clock is a ManualClock from Monday 5 January 2026 13:00 UTC,
 * moved by hand through the return window and the refund's working days.
 */
import type { CreatedDevice, DeviceSale, ReturnCase, ReturnStats } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/wait-for';
import { CUSTOMER_PASSWORD } from './service-support';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

describe('returns, exchanges and refunds over HTTP', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let smtp: SmtpSink;
  let t: TestPlatform;
  let admin: string;
  let customer: Customer;
  let other: Customer;
  let customerToken: string;
  let otherToken: string;
  const delivered = MONDAY_1PM;
  let early: CreatedDevice;
  let late: CreatedDevice;
  let approved: ReturnCase;

  const email = (c: Customer) => (c.email as string).toLowerCase();
  const mails = (address: string, kind: string) => smtp.to(address).filter((m) => m.kind === kind);
  const runJobs = async () => {
    await t.platform.app.get(JobScheduler).runDue();
    await t.platform.settle();
  };
  const call = async <T>(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    status = 200,
  ): Promise<T> => {
    const res = await t.http<T>(method, path, { token, body });
    if (res.status !== status) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const sell = (device: CreatedDevice, orderRef: string, channel: DeviceSale['channel'] = 'online') =>
    call<DeviceSale>('PUT', `/api/devices/${device.id}/sale`, admin, {
      channel,
      orderRef,
      priceMinor: 329_900,
      currency: 'CNY',
      deliveredAt: new Date(delivered).toISOString(),
    });
  const appliance = (owner: Customer, extra: Record<string, unknown> = {}) =>
    t.provision(admin, {
      type: 'washer',
      customerId: owner.id,
      region: owner.region,
      model: 'WM-5300',
      ...extra,
    });

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startTestPlatform({ SMTP_URL: smtp.url }, { clock });
    admin = await t.login();
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=50', { token: admin })).body;
    [customer, other] = customers.filter((c) => c.email);
    customerToken = await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD });
    otherToken = await t.login({ email: other.email as string, password: CUSTOMER_PASSWORD });
  });

  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  it('records an appliance sale (staff) that its customer can read, and nobody else', async () => {
    early = await appliance(customer);
    late = await appliance(customer);
    const body = {
      channel: 'online',
      orderRef: 'JD-1001',
      priceMinor: 329_900,
      deliveredAt: new Date(delivered).toISOString(),
    };
    // customers do not record sales; a malformed sale names its field
    expect(
      (await t.http('PUT', `/api/devices/${early.id}/sale`, { token: customerToken, body })).status,
    ).toBe(403);
    const bad = await t.http<{ field: string }>('PUT', `/api/devices/${early.id}/sale`, {
      token: admin,
      body: { ...body, priceMinor: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('priceMinor');
    // the currency defaults to CNY
    expect(await call<DeviceSale>('PUT', `/api/devices/${early.id}/sale`, admin, body)).toEqual({
      ...body,
      currency: 'CNY',
    });
    await sell(late, 'JD-1002');
    expect(await call<DeviceSale>('GET', `/api/devices/${early.id}/sale`, customerToken)).toMatchObject({
      orderRef: 'JD-1001',
    });
    expect((await t.http('GET', `/api/devices/${early.id}/sale`, { token: otherToken })).status).toBe(404);
  });

  it('answers a return without a sale with 409 and stores nothing', async () => {
    const unsold = await appliance(customer);
    const res = await t.http<{ code: string }>('POST', '/api/returns', {
      token: customerToken,
      body: { deviceId: unsold.id, kind: 'return' },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('returns.no_sale');
    expect(await call<ReturnCase[]>('GET', `/api/returns?deviceId=${unsold.id}`, admin)).toEqual([]);
    // and a malformed application names its field
    const bad = await t.http<{ field: string }>('POST', '/api/returns', {
      token: customerToken,
      body: { deviceId: early.id, kind: 'refund' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('kind');
  });

  it('approves a return applied for on day 6 with the send address, and e-mails the customer', async () => {
    clock.set(delivered + 6 * DAY);
    approved = await call<ReturnCase>(
      'POST',
      '/api/returns',
      customerToken,
      { deviceId: early.id, kind: 'return' },
      201,
    );
    expect(approved).toMatchObject({
      status: 'approved',
      daysSinceDelivery: 6,
      refusalReason: null,
      reason: 'no_reason',
    });
    expect(approved.sendAddress).toEqual(expect.any(String));
    const mail = await waitFor(() => mails(email(customer), 'return_approved')[0], {
      what: 'the return-approved e-mail',
    });
    expect(mail.text).toContain(approved.number);
    expect(mail.text).toContain(approved.sendAddress as string);
  });

  it('refuses a return applied for on day 8 with return_window_closed, and tells the customer why', async () => {
    clock.set(delivered + 8 * DAY);
    const refused = await call<ReturnCase>(
      'POST',
      '/api/returns',
      customerToken,
      { deviceId: late.id, kind: 'return' },
      201,
    );
    expect(refused).toMatchObject({
      status: 'refused',
      refusalReason: 'return_window_closed',
      daysSinceDelivery: 8,
      sendAddress: null,
    });
    const mail = await waitFor(() => mails(email(customer), 'return_refused')[0], {
      what: 'the refusal e-mail',
    });
    expect(mail.text).toMatch(/7 days/);
    expect(mail.text).toMatch(/exchange/);
    // the customer finds it in their list, with the reason
    const mine = await call<ReturnCase[]>('GET', '/api/returns', customerToken);
    expect(mine.find((r) => r.id === refused.id)?.refusalReason).toBe('return_window_closed');
    expect((await t.http('GET', `/api/returns/${refused.id}`, { token: otherToken })).status).toBe(404);
  });

  it('allows an exchange for a quality fault within the warranty, and refuses one without it, saying why', async () => {
    const covered = await appliance(other, { warrantyUntil: clock.now() + 365 * DAY });
    await sell(covered, 'ST-2001', 'store');
    const noFault = await call<ReturnCase>(
      'POST',
      '/api/returns',
      otherToken,
      { deviceId: covered.id, kind: 'exchange' },
      201,
    );
    expect(noFault).toMatchObject({ status: 'refused', refusalReason: 'exchange_needs_quality_fault' });
    const refusal = await waitFor(() => mails(email(other), 'return_refused')[0], {
      what: 'the exchange refusal',
    });
    expect(refusal.text).toMatch(/quality fault/);

    const exchange = await call<ReturnCase>(
      'POST',
      '/api/returns',
      otherToken,
      {
        deviceId: covered.id,
        kind: 'exchange',
        reason: 'quality_fault',
        description: 'The drum bangs at spin speed.',
      },
      201,
    );
    expect(exchange).toMatchObject({ status: 'approved', kind: 'exchange', daysSinceDelivery: 8 });
    await waitFor(() => mails(email(other), 'return_approved')[0], { what: 'the exchange-approved e-mail' });
  });

  it('receives a return on a Friday: refund due Wednesday, warning at 80 %, breach when not paid, then refunded', async () => {
    // Friday 16 January 2026, 10:00 UTC
    const friday = Date.UTC(2026, 0, 16, 10);
    clock.set(friday);
    const noBody = await t.http<{ field: string }>('POST', `/api/returns/${approved.id}/receive`, {
      token: admin,
      body: {},
    });
    expect(noBody.status).toBe(400);
    expect(noBody.body.field).toBe('passed');
    expect(
      (
        await t.http('POST', `/api/returns/${approved.id}/receive`, {
          token: customerToken,
          body: { passed: true },
        })
      ).status,
    ).toBe(403);

    const received = await call<ReturnCase>('POST', `/api/returns/${approved.id}/receive`, admin, {
      passed: true,
    });
    expect(received.status).toBe('received');
    expect(received.refundDueBy).toBe(new Date(Date.UTC(2026, 0, 21, 10)).toISOString());
    expect(new Date(received.refundDueBy as string).getUTCDay()).toBe(3);
    await waitFor(() => mails(email(customer), 'return_received')[0], { what: 'the received e-mail' });

    // 80 % of three working days is Tuesday 19:36
    clock.set(Date.UTC(2026, 0, 20, 19, 40));
    await runJobs();
    let current = await call<ReturnCase>('GET', `/api/returns/${approved.id}`, admin);
    expect(current.clocks.find((c) => c.kind === 'refund')?.state).toBe('warning');
    await waitFor(() => mails('senior.engineer@example.com', 'refund_clock')[0], {
      what: 'the refund warning to staff',
    });

    clock.set(Date.parse(received.refundDueBy as string) + 60_000);
    await runJobs();
    current = await call<ReturnCase>('GET', `/api/returns/${approved.id}`, admin);
    expect(current.clocks.find((c) => c.kind === 'refund')?.state).toBe('breached');
    expect(current.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['refund_warning', 'refund_breach']),
    );
    const breach = await waitFor(
      () => mails('senior.engineer@example.com', 'refund_clock').find((m) => /overdue/i.test(m.subject)),
      { what: 'the refund breach to staff' },
    );
    expect(breach.text).toContain(approved.number);

    const refunded = await call<ReturnCase>('POST', `/api/returns/${approved.id}/refund`, admin, {});
    expect(refunded).toMatchObject({ status: 'refunded', refundAmountMinor: 329_900 });
    expect(refunded.clocks.find((c) => c.kind === 'refund')?.stoppedAt).not.toBeNull();
    const paid = await waitFor(() => mails(email(customer), 'return_refunded')[0], {
      what: 'the refund e-mail',
    });
    expect(paid.text).toMatch(/3,299\.00|3299\.00/);
    // paid twice? no
    const again = await t.http<{ code: string }>('POST', `/api/returns/${approved.id}/refund`, {
      token: admin,
      body: {},
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('returns.wrong_status');
  });

  it('reports the return rate per product model and sale channel (staff only)', async () => {
    expect((await t.http('GET', '/api/returns/stats', { token: customerToken })).status).toBe(403);
    const stats = await call<ReturnStats>('GET', '/api/returns/stats', admin);
    // three washers sold: the refunded return and the approved exchange count, the refusal does not
    expect(stats.byModel.find((m) => m.model === 'WM-5300')).toEqual({
      model: 'WM-5300',
      sold: 3,
      returned: 2,
      rate: 0.6667,
    });
    expect(stats.byChannel).toEqual(
      expect.arrayContaining([
        { channel: 'online', sold: 2, returned: 1, rate: 0.5 },
        { channel: 'store', sold: 1, returned: 1, rate: 1 },
      ]),
    );
    expect(stats.refundBreaches).toBe(1);
  });
});
