/**
 * Medium test: service requests over real HTTP. Real: the platform (Nest HTTP with its body
 * parsers, the Aedes gateway, PGlite, the embedded store) with its seeded demo world and the
 * real self-triage and visit ports; an MQTT.js client plays a connected air conditioner that
 * answers `self_test` and `read_error_log` and reports a clogged filter. The clock is a
 * ManualClock on a Monday 13:00 UTC. ATTACHMENT_MAX_BYTES is 4 KiB so a too-big photo is small.
 */
import type { MqttClient } from 'mqtt';
import type { Availability, CreatedDevice, ServiceRequest, Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { ServiceRequestsService } from '../../platform/src/modules/service-requests/service-requests.service';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { CUSTOMER_PASSWORD, healthyReading } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const MAX_BYTES = 4096;

type ErrorBody = { statusCode: number; code: string; field?: string; limitBytes?: number };

describe('service requests over HTTP', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let alice: { customer: Customer; token: string; washer: CreatedDevice };
  let bob: { customer: Customer; token: string; washer: CreatedDevice };

  const post = <T = ServiceRequest>(token: string, body: unknown) =>
    t.http<T>('POST', '/api/service-requests', { token, body });
  const settled = () => t.platform.app.get(ServiceRequestsService).settled();

  beforeAll(async () => {
    t = await startTestPlatform({ ATTACHMENT_MAX_BYTES: String(MAX_BYTES) }, { clock });
    admin = await t.login();
    const customers = (
      await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })
    ).body.filter((c) => c.email);
    const setUp = async (customer: Customer) => ({
      customer,
      token: await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD }),
      washer: await t.provision(admin, { type: 'washer', customerId: customer.id, region: customer.region }),
    });
    alice = await setUp(customers[0]);
    bob = await setUp(customers[1]);
  });

  afterAll(async () => {
    await t?.stop();
  });

  let portal: ServiceRequest;

  it('files a classified request with its deadline for the customer’s own appliance', async () => {
    const res = await post(alice.token, {
      deviceId: alice.washer.id,
      symptom: 'billing_question',
      description: '上个月被扣费两次，请退款',
    });
    expect(res.status).toBe(201);
    portal = res.body;
    expect(portal).toMatchObject({
      channel: 'portal',
      type: 'payment',
      urgency: 'minor',
      department: 'finance',
      status: 'received',
      customerId: alice.customer.id,
      deviceId: alice.washer.id,
      mergedCount: 0,
    });
    expect(portal.number).toMatch(/^SR-\d{6}$/);
    expect(portal.respondBy).toBe(new Date(MONDAY_1PM + 24 * 3600_000).toISOString());
    expect(portal.ticketId).toBeUndefined();
  });

  it('keeps requests and appliances of other customers out of reach', async () => {
    const other = await post<ErrorBody>(alice.token, {
      deviceId: bob.washer.id,
      symptom: 'billing_question',
    });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('device.not_found');
    const read = await t.http<ErrorBody>('GET', `/api/service-requests/${portal.id}`, { token: bob.token });
    expect(read.status).toBe(404);
    const listed = await t.http<ServiceRequest[]>('GET', '/api/service-requests', { token: bob.token });
    expect(listed.body.map((r) => r.id)).not.toContain(portal.id);
    const staff = await t.http<ServiceRequest[]>('GET', '/api/service-requests?limit=5', { token: admin });
    expect(staff.body.map((r) => r.id)).toContain(portal.id);
  });

  it('names the field of a bad body', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ deviceId: alice.washer.id }, 'symptom', 'validation_failed'],
      [{ deviceId: alice.washer.id, symptom: 'not_cooling' }, 'symptom', 'service_request.unknown_symptom'],
      [{ deviceId: 'no-such-device', description: 'broken' }, 'deviceId', 'service_request.unknown_device'],
      [{ deviceId: alice.washer.id, description: 'x', colour: 'red' }, 'colour', 'validation_failed'],
    ];
    for (const [body, field, code] of cases) {
      const res = await post<ErrorBody>(alice.token, body);
      expect({ status: res.status, field: res.body.field, code: res.body.code }).toEqual({
        status: 400,
        field,
        code,
      });
    }
  });

  it('merges a second submission within 24 h into the open request', async () => {
    clock.advance(3600_000);
    const res = await post(alice.token, { deviceId: alice.washer.id, description: 'Any news on my refund?' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: portal.id, number: portal.number, mergedCount: 1 });
    expect(res.body.messages.at(-1)).toMatchObject({ from: 'customer', text: 'Any news on my refund?' });
    const open = await t.http<ServiceRequest[]>('GET', `/api/service-requests?deviceId=${alice.washer.id}`, {
      token: alice.token,
    });
    expect(open.body).toHaveLength(1);
  });

  it('keeps a photo and gives it back; refuses one too big or not an image', async () => {
    const photo = Buffer.alloc(2000, 7);
    const upload = (body: Buffer, type: string, name = 'drum.png') =>
      fetch(`${t.baseUrl}/api/service-requests/${portal.id}/attachments?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': type },
        body,
      });
    const created = await upload(photo, 'image/png');
    expect(created.status).toBe(201);
    const meta = (await created.json()) as { id: string; size: number; name: string };
    expect(meta).toMatchObject({ name: 'drum.png', size: 2000 });

    const download = await fetch(`${t.baseUrl}/api/service-requests/${portal.id}/attachments/${meta.id}`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);
    const notHers = await fetch(`${t.baseUrl}/api/service-requests/${portal.id}/attachments/${meta.id}`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(notHers.status).toBe(404);

    const tooBig = await upload(Buffer.alloc(MAX_BYTES + 1), 'image/jpeg');
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({
      statusCode: 413,
      code: 'request.too_large',
      limitBytes: MAX_BYTES,
    });
    const notImage = await upload(Buffer.from('hello'), 'text/plain', 'note.txt');
    expect(notImage.status).toBe(415);
    expect(await notImage.json()).toMatchObject({ code: 'service_request.attachment_type_unsupported' });

    const view = await t.http<ServiceRequest>('GET', `/api/service-requests/${portal.id}`, {
      token: alice.token,
    });
    expect(view.body.attachments).toEqual([
      { id: meta.id, name: 'drum.png', contentType: 'image/png', size: 2000 },
    ]);
  });

  it('lets staff reply, which answers a payment request; the customer cannot reply', async () => {
    const missing = await t.http<ErrorBody>('POST', `/api/service-requests/${portal.id}/reply`, {
      token: admin,
      body: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('text');
    const byCustomer = await t.http<ErrorBody>('POST', `/api/service-requests/${portal.id}/reply`, {
      token: alice.token,
      body: { text: 'hello' },
    });
    expect(byCustomer.status).toBe(403);
    const reply = await t.http<ServiceRequest>('POST', `/api/service-requests/${portal.id}/reply`, {
      token: admin,
      body: { text: 'The second charge is refunded.' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'answered', respondedAt: expect.any(String) });
    const solved = await t.http<ErrorBody>('POST', `/api/service-requests/${portal.id}/solved`, {
      token: alice.token,
    });
    expect(solved.status).toBe(409);
    expect(solved.body.code).toBe('service_request.bad_status');
  });

  it('opens a visit at once for a quality request about an offline appliance', async () => {
    const res = await post(bob.token, { deviceId: bob.washer.id, symptom: 'not_spinning' });
    expect(res.status).toBe(201);
    await settled();
    const view = await t.http<ServiceRequest>('GET', `/api/service-requests/${res.body.id}`, {
      token: bob.token,
    });
    expect(view.body).toMatchObject({ status: 'ticket_opened', ticketId: expect.any(String) });
    const ticket = await t.http<{ id: string; source: string }>('GET', `/api/tickets/${view.body.ticketId}`, {
      token: bob.token,
    });
    expect(ticket.status).toBe(200);
    expect(ticket.body.source).toBe('customer');
    const cancel = await t.http<ErrorBody>('POST', `/api/service-requests/${res.body.id}/cancel`, {
      token: bob.token,
    });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('service_request.cancel_the_visit');
  });

  it('books the first free visit window inside the customer’s preferred times', async () => {
    const carol = await (async () => {
      const customers = (
        await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })
      ).body.filter((c) => c.email);
      const customer = customers[2];
      return {
        token: await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD }),
        washer: await t.provision(admin, {
          type: 'washer',
          customerId: customer.id,
          region: customer.region,
        }),
      };
    })();
    const free = await t.http<Availability>('GET', `/api/availability?deviceId=${carol.washer.id}&days=3`, {
      token: carol.token,
    });
    expect(free.status).toBe(200);
    // the second free window onwards: the customer is not free for the first
    expect(free.body.slots.length).toBeGreaterThan(1);
    const wanted = free.body.slots[1];
    const res = await post(carol.token, {
      deviceId: carol.washer.id,
      symptom: 'not_spinning',
      preferredWindows: [
        { start: wanted.start, end: new Date(Date.parse(wanted.end) + 4 * 3600_000).toISOString() },
      ],
    });
    expect(res.status).toBe(201);
    await settled();
    const view = await t.http<ServiceRequest>('GET', `/api/service-requests/${res.body.id}`, {
      token: carol.token,
    });
    const ticket = await t.http<Ticket>('GET', `/api/tickets/${view.body.ticketId}`, { token: carol.token });
    expect(ticket.body.appointment).toMatchObject({ start: wanted.start, end: wanted.end });
  });

  it('offers self-help when the connected appliance shows a clogged filter', async () => {
    const ac = await t.provision(admin, {
      type: 'air_conditioner',
      customerId: alice.customer.id,
      region: alice.customer.region,
    });
    const client: MqttClient = await t.connectDevice(ac);
    await client.subscribeAsync(`devices/${ac.id}/commands`);
    client.on('message', (topic, payload) => {
      if (!topic.endsWith('/commands')) return;
      const command = JSON.parse(payload.toString()) as { id: string; name: string };
      const result =
        command.name === 'self_test'
          ? { passed: true, components: [{ part: 'compressor', status: 'pass' }] }
          : { entries: [] };
      void client.publishAsync(
        `devices/${ac.id}/commands/ack`,
        JSON.stringify({ id: command.id, ok: true, result }),
      );
    });
    await client.publishAsync(
      `devices/${ac.id}/status`,
      JSON.stringify({ online: true, fw: '1.0.0', ts: clock.now() }),
      { retain: true },
    );
    for (let i = 0; i < 6; i++)
      await client.publishAsync(
        `devices/${ac.id}/telemetry`,
        telemetry(
          i + 1,
          { ...healthyReading('air_conditioner'), filterDpPa: 110 },
          clock.now() - (6 - i) * 60_000,
        ),
      );
    await waitFor(
      async () => {
        const device = (
          await t.http<{ online: boolean; latest: Record<string, unknown> }>('GET', `/api/devices/${ac.id}`, {
            token: admin,
          })
        ).body;
        return device.online && 'filterDpPa' in device.latest;
      },
      { what: 'the air conditioner online with readings' },
    );
    await t.platform.settle();

    const res = await post(alice.token, { deviceId: ac.id, symptom: 'weak_airflow' });
    expect(res.status).toBe(201);
    await settled();
    const view = await t.http<ServiceRequest>('GET', `/api/service-requests/${res.body.id}`, {
      token: alice.token,
    });
    expect(view.body).toMatchObject({
      status: 'self_help_offered',
      triage: { status: 'self_fix', cause: 'filter_clog', articleId: 'ac-clean-air-filter' },
      respondedAt: expect.any(String),
    });
    expect(view.body.ticketId).toBeUndefined();
    const solved = await t.http<ServiceRequest>('POST', `/api/service-requests/${res.body.id}/solved`, {
      token: alice.token,
    });
    expect(solved.body.status).toBe('resolved_by_customer');
  });
});
