/**
 * Medium test: Socket.IO shows each role exactly what the REST API shows it, for every event
 * kind (telemetry, device, alarm, ticket, sla, guidance). Real: the platform (Nest HTTP,
 * Socket.IO, the Aedes gateway, PGlite, the embedded store) with its seeded demo world, MQTT.js
 * device clients and socket.io-client connections acting as an admin, an engineer, every
 * technician who could take the job, the device's customer and another customer. The clock is
 * a ManualClock on a Monday 13:00 UTC, so shifts are deterministic.
 */
import type { Socket } from 'socket.io-client';
import type { CreatedDevice, Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { waitFor } from '../support/free-port';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import {
  CUSTOMER_PASSWORD,
  TECHNICIAN_PASSWORD,
  healthyReading,
  dispatchedTicket,
  pickScenario,
} from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const KINDS = ['telemetry', 'device', 'alarm', 'ticket', 'sla', 'guidance'] as const;
type Kind = (typeof KINDS)[number];

interface Received {
  kind: Kind;
  /** The device and ticket the event is about, where it names them. */
  deviceId?: string;
  ticketId?: string;
}

/** A signed-in user's live connection and every event it received. */
class Viewer {
  readonly received: Received[] = [];

  constructor(
    readonly name: string,
    readonly token: string,
    readonly socket: Socket,
  ) {
    for (const kind of KINDS) {
      socket.on(kind, (payload: Record<string, unknown>) => {
        const ticketId = kind === 'ticket' ? payload.id : payload.ticketId;
        this.received.push({
          kind,
          deviceId: typeof payload.deviceId === 'string' ? payload.deviceId : undefined,
          ticketId: typeof ticketId === 'string' ? ticketId : undefined,
        });
      });
    }
  }

  subscribe(room: string): Promise<{ ok: boolean; error?: string; code?: string }> {
    return this.socket.emitWithAck('subscribe', { room });
  }

  /**
   * Everything the server emitted to this socket before now has arrived once the server answers
   * a request sent now: one connection delivers in order.
   */
  async drain(): Promise<void> {
    await this.socket.emitWithAck('unsubscribe', { room: 'fleet' });
  }

  about(what: { deviceId?: string; ticketId?: string }, since = 0): Received[] {
    return this.received
      .slice(since)
      .filter(
        (r) =>
          (what.deviceId !== undefined && r.deviceId === what.deviceId) ||
          (what.ticketId !== undefined && r.ticketId === what.ticketId),
      );
  }

  kinds(what: { deviceId?: string; ticketId?: string }, since = 0): Kind[] {
    return [...new Set(this.about(what, since).map((r) => r.kind))].sort();
  }
}

describe('Socket.IO rooms follow the REST visibility rules', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let scenario: ReturnType<typeof pickScenario>;
  let otherCustomer: Customer;
  let device: CreatedDevice;
  let otherDevice: CreatedDevice;
  let ticket: Ticket;
  const viewers = new Map<string, Viewer>();
  const technicianViewers = new Map<string, Viewer>();
  const viewer = (name: string) => viewers.get(name) as Viewer;
  const drainAll = () => Promise.all([...viewers.values()].map((v) => v.drain()));

  async function connect(name: string, token: string): Promise<Viewer> {
    const v = new Viewer(name, token, await t.connectSocket(token));
    viewers.set(name, v);
    return v;
  }

  async function publishReadings(d: CreatedDevice, firstSeq: number, count: number): Promise<void> {
    const client = await t.connectDevice(d);
    for (let i = 0; i < count; i++) {
      await client.publishAsync(
        `devices/${d.id}/telemetry`,
        telemetry(firstSeq + i, healthyReading(scenario.type), clock.now() - (count - i) * 1000),
        { qos: 1 },
      );
    }
    await client.endAsync();
    await t.platform.settle();
  }

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    otherCustomer = customers.find((c) => c.id !== scenario.customer.id && c.email) as Customer;

    await connect('admin', admin);
    await connect(
      'engineer',
      await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' }),
    );
    for (const tech of scenario.eligible) {
      const token = await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD });
      technicianViewers.set(tech.id, await connect(`technician ${tech.id}`, token));
    }
    await connect(
      'customer',
      await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD }),
    );
    await connect(
      'other customer',
      await t.login({ email: otherCustomer.email as string, password: CUSTOMER_PASSWORD }),
    );
    for (const staff of ['admin', 'engineer'])
      expect(await viewer(staff).subscribe('fleet')).toEqual({ ok: true });

    otherDevice = await t.provision(admin, {
      type: scenario.type,
      customerId: otherCustomer.id,
      region: otherCustomer.region ?? undefined,
    });
    ({ device, ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
  });

  afterAll(async () => {
    await t?.stop();
  });

  const assignee = () => technicianViewers.get(ticket.assigneeId as string) as Viewer;
  const bystanders = () =>
    [...technicianViewers.entries()].filter(([id]) => id !== ticket.assigneeId).map(([, v]) => v);

  it('lets each role join only the rooms of what it may see over REST, and says why not', async () => {
    const tech = assignee();
    const other = bystanders()[0];
    const customer = viewer('customer');
    const stranger = viewer('other customer');
    // the same body an HTTP error has, with ok: false
    const refused = {
      ok: false,
      statusCode: 403,
      code: 'realtime.room_forbidden',
      message: expect.any(String),
    };

    // REST first: the same rule, the other way round
    for (const [v, status] of [
      [tech, 200],
      [other, 404],
      [customer, 200],
      [stranger, 404],
    ] as const) {
      expect((await t.http('GET', `/api/tickets/${ticket.id}`, { token: v.token })).status).toBe(status);
      expect((await t.http('GET', `/api/devices/${device.id}`, { token: v.token })).status).toBe(status);
    }

    expect(await tech.subscribe(`ticket:${ticket.id}`)).toEqual({ ok: true });
    expect(await tech.subscribe(`device:${device.id}`)).toEqual({ ok: true });
    for (const room of ['fleet', `device:${otherDevice.id}`, `customer:${scenario.customer.id}`])
      expect(await tech.subscribe(room)).toMatchObject(refused);

    for (const room of [
      `ticket:${ticket.id}`,
      `device:${device.id}`,
      'fleet',
      `technician:${ticket.assigneeId}`,
    ])
      expect(await other.subscribe(room)).toMatchObject(refused);

    expect(await customer.subscribe(`device:${device.id}`)).toEqual({ ok: true });
    expect(await customer.subscribe(`ticket:${ticket.id}`)).toEqual({ ok: true });
    for (const room of [
      'fleet',
      `device:${otherDevice.id}`,
      `customer:${otherCustomer.id}`,
      `technician:${ticket.assigneeId}`,
    ])
      expect(await customer.subscribe(room)).toMatchObject(refused);

    for (const room of [
      `ticket:${ticket.id}`,
      `device:${device.id}`,
      `customer:${scenario.customer.id}`,
      'fleet',
    ])
      expect(await stranger.subscribe(room)).toMatchObject(refused);
    expect(await stranger.subscribe(`device:${otherDevice.id}`)).toEqual({ ok: true });

    expect(await viewer('engineer').subscribe(`device:${device.id}`)).toEqual({ ok: true });
    expect(await viewer('engineer').subscribe(`ticket:${ticket.id}`)).toEqual({ ok: true });
  });

  it('delivers each event kind to the roles that may see it, and to nobody else', async () => {
    const marks = new Map([...viewers.values()].map((v) => [v, v.received.length]));
    const since = (v: Viewer) => marks.get(v) as number;

    // telemetry and presence of both devices, an alarm from an error code, a ticket change and an SLA warning
    await publishReadings(device, 100, 2);
    await publishReadings(otherDevice, 100, 2);
    const client = await t.connectDevice(device);
    const code = (
      await import('../../contracts/src').then((c) => c.APPLIANCE_PROFILES[scenario.type].errorCodes)
    ).find((e) => e.severity === 'minor' || e.severity === 'warning');
    if (code)
      await client.publishAsync(
        `devices/${device.id}/events`,
        JSON.stringify({ ts: clock.now(), seq: 500, code: code.code }),
        { qos: 1 },
      );
    await client.endAsync();
    const tech = assignee();
    expect(
      (await t.http('POST', `/api/tickets/${ticket.id}/accept`, { token: tech.token, body: {} })).status,
    ).toBe(200);
    clock.advance(3.5 * 3_600_000); // past 80 % of the 4-hour on-site clock
    await t.platform.app.get(JobScheduler).runDue();
    await t.platform.settle();
    await waitFor(
      () =>
        viewer('admin')
          .about({ ticketId: ticket.id }, since(viewer('admin')))
          .some((r) => r.kind === 'sla') || undefined,
      {
        what: 'an SLA warning on the fleet view',
      },
    );
    await drainAll();

    const forDevice = { deviceId: device.id };
    const forTicket = { ticketId: ticket.id };
    const forOther = { deviceId: otherDevice.id };
    const deviceKinds: Kind[] = code ? ['alarm', 'device', 'telemetry'] : ['device', 'telemetry'];

    // staff: the fleet view has everything but raw telemetry, which comes with a device's room
    const fleetKinds = deviceKinds.filter((k) => k !== 'telemetry');
    for (const staff of ['admin', 'engineer']) {
      const v = viewer(staff);
      expect(v.kinds(forTicket, since(v))).toEqual(['sla', 'ticket']);
      expect(v.kinds(forOther, since(v))).toEqual(['device']);
    }
    expect(viewer('admin').kinds(forDevice, since(viewer('admin')))).toEqual(
      [...fleetKinds, 'ticket'].sort(),
    );
    expect(viewer('engineer').kinds(forDevice, since(viewer('engineer')))).toEqual(
      [...deviceKinds, 'ticket'].sort(),
    );
    // the assigned technician: their job's device and ticket, never the other device
    expect(tech.kinds(forDevice, since(tech))).toEqual(expect.arrayContaining([...deviceKinds, 'ticket']));
    expect(tech.kinds(forTicket, since(tech))).toEqual(['sla', 'ticket']);
    expect(tech.about(forOther, since(tech))).toEqual([]);
    // technicians without the job: nothing at all
    for (const other of bystanders()) expect(other.received).toEqual([]);
    // the device's customer: their device and ticket, with SLA progress, but no technician guidance
    const customer = viewer('customer');
    expect(customer.kinds(forDevice, since(customer))).toEqual(
      expect.arrayContaining([...deviceKinds, 'ticket']),
    );
    expect(customer.kinds(forTicket, since(customer))).toEqual(['sla', 'ticket']);
    expect(customer.about(forOther, since(customer))).toEqual([]);
    expect(customer.received.filter((r) => r.kind === 'guidance')).toEqual([]);
    // another customer: their own device only
    const stranger = viewer('other customer');
    expect(stranger.about(forDevice)).toEqual([]);
    expect(stranger.about(forTicket)).toEqual([]);
    expect(stranger.kinds(forOther, since(stranger))).toEqual(['device', 'telemetry']);
  });

  it('takes a ticket and its device out of sight the moment the ticket is reassigned', async () => {
    const first = assignee();
    const firstId = ticket.assigneeId;
    const nextId = bystanders()[0] ? [...technicianViewers.keys()].find((id) => id !== firstId) : undefined;
    const reassigned = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: admin,
      body: { technicianId: nextId, reason: 'the first technician is stuck in traffic' },
    });
    expect(reassigned.status).toBe(200);
    ticket = reassigned.body;
    expect(ticket.assigneeId).toBe(nextId);
    const second = assignee();
    expect(second).not.toBe(first);
    const mark = first.received.length;
    const engineerMark = viewer('engineer').received.length;

    // the second technician gets the job with its guidance; the first now gets 404 and nothing live
    await waitFor(
      () => second.received.some((r) => r.kind === 'guidance' && r.ticketId === ticket.id) || undefined,
      {
        what: 'guidance for the second technician',
      },
    );
    expect((await t.http('GET', `/api/tickets/${ticket.id}`, { token: first.token })).status).toBe(404);
    expect((await t.http('GET', `/api/devices/${device.id}`, { token: first.token })).status).toBe(404);
    await publishReadings(device, 200, 2);
    expect(
      (await t.http('POST', `/api/tickets/${ticket.id}/accept`, { token: second.token, body: {} })).status,
    ).toBe(200);
    await t.platform.settle();
    await waitFor(
      () =>
        viewer('engineer')
          .about({ deviceId: device.id }, engineerMark)
          .some((r) => r.kind === 'telemetry') || undefined,
      { what: "telemetry on the engineer's device view" },
    );
    await drainAll();
    // not even the decline: the ticket left their sight with it
    expect(first.about({ deviceId: device.id, ticketId: ticket.id }, mark)).toEqual([]);
    expect(viewer('customer').received.filter((r) => r.kind === 'guidance')).toEqual([]);
    expect(await first.subscribe(`ticket:${ticket.id}`)).toMatchObject({ ok: false });
    expect(await second.subscribe(`ticket:${ticket.id}`)).toEqual({ ok: true });
  });
});
