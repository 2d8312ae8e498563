/**
 * Medium test: the technician's live location and arrival estimate reach who may see them. Staff
 * (the fleet view), the assigned technician and the ticket's customer receive `location` while
 * the technician is on the way; once on site the customer no longer does; another customer and
 * another technician never do. The ticket detail carries `eta` while en route. Real: the platform
 * (Nest HTTP, Socket.IO, the Aedes gateway, PGlite, the embedded store) with its seeded demo
 * world, an MQTT.js device raising the fault, socket.io-client connections for each role. The
 * clock is a ManualClock on a Monday 13:00 UTC, so shifts are deterministic.
 */
import type { Socket } from 'socket.io-client';
import {
  locationEventSchema,
  ticketDetailSchema,
  type LocationEvent,
  type Ticket,
  type TicketDetail,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD, dispatchedTicket, pickScenario } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const MIN = 60_000;

/** A signed-in user's live connection and the `location` events it received. */
class Watcher {
  readonly seen: LocationEvent[] = [];

  constructor(
    readonly token: string,
    readonly socket: Socket,
  ) {
    socket.on('location', (event: unknown) => this.seen.push(locationEventSchema.parse(event)));
  }

  /** Everything emitted to this socket before now has arrived once it answers a request sent now. */
  async drain(): Promise<void> {
    await this.socket.emitWithAck('unsubscribe', { room: 'nothing:here' });
  }
}

describe('live technician location', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let scenario: ReturnType<typeof pickScenario>;
  let ticket: Ticket;
  const w = new Map<string, Watcher>();
  const watcher = (name: string) => w.get(name) as Watcher;

  async function watch(name: string, token: string): Promise<Watcher> {
    const v = new Watcher(token, await t.connectSocket(token));
    w.set(name, v);
    return v;
  }

  const act = async (action: string, token: string, body: unknown = {}) => {
    const res = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/${action}`, { token, body });
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.text}`);
    return res.body;
  };
  const detail = async (token: string) => {
    const res = await t.http<TicketDetail>('GET', `/api/tickets/${ticket.id}`, { token });
    expect(res.status).toBe(200);
    return ticketDetailSchema.parse(res.body);
  };
  const drainAll = () => Promise.all([...w.values()].map((v) => v.drain()));

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    const otherCustomer = customers.find((c) => c.id !== scenario.customer.id && c.email) as Customer;
    ({ ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
    const bystander = scenario.eligible.find((tech) => tech.id !== ticket.assigneeId) as Technician;
    const assignee = scenario.eligible.find((tech) => tech.id === ticket.assigneeId) as Technician;

    await watch('admin', admin);
    await watch(
      'engineer',
      await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' }),
    );
    await watch(
      'technician',
      await t.login({ email: assignee.email as string, password: TECHNICIAN_PASSWORD }),
    );
    await watch(
      'other technician',
      await t.login({ email: bystander.email as string, password: TECHNICIAN_PASSWORD }),
    );
    await watch(
      'customer',
      await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD }),
    );
    await watch(
      'other customer',
      await t.login({ email: otherCustomer.email as string, password: CUSTOMER_PASSWORD }),
    );
    for (const staff of ['admin', 'engineer'])
      expect(await watcher(staff).socket.emitWithAck('subscribe', { room: 'fleet' })).toEqual({ ok: true });
    // the customer also follows the ticket's own room: it must not leak the location either
    expect(
      await watcher('customer').socket.emitWithAck('subscribe', { room: `ticket:${ticket.id}` }),
    ).toEqual({
      ok: true,
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('shows staff, the technician and their customer where the technician is while on the way', async () => {
    const site = scenario.customer.location as { lat: number; lon: number };
    const setOff = { lat: site.lat + 0.1, lon: site.lon + 0.1 };
    const closer = { lat: site.lat + 0.02, lon: site.lon + 0.02 };
    expect((await detail(watcher('customer').token)).eta).toBeNull();

    const technician = watcher('technician').token;
    expect((await act('en-route', technician, setOff)).status).toBe('en_route');
    clock.advance(5 * MIN);
    await act('location', technician, closer);
    const at = clock.now();
    await waitFor(() => (watcher('customer').seen.length >= 2 ? true : undefined), {
      what: "the customer's two location events",
    });
    await drainAll();

    for (const name of ['admin', 'engineer', 'technician', 'customer']) {
      const seen = watcher(name).seen;
      expect(seen.map((e) => [e.lat, e.lon])).toEqual([
        [setOff.lat, setOff.lon],
        [closer.lat, closer.lon],
      ]);
      expect(seen[1]).toMatchObject({ ticketId: ticket.id, technicianId: ticket.assigneeId, ts: at });
      // nearer, sooner: the estimate from the second report is earlier than from the first
      expect(seen[1].etaMs).toBeGreaterThan(at);
      expect(seen[1].etaMs as number).toBeLessThan(seen[0].etaMs as number);
    }
    for (const name of ['other technician', 'other customer']) expect(watcher(name).seen).toEqual([]);

    // the detail agrees with the last report, for the customer too
    const last = watcher('customer').seen[1];
    expect((await detail(watcher('customer').token)).eta).toEqual({
      etaMs: last.etaMs,
      technicianLocation: { lat: closer.lat, lon: closer.lon, ts: at },
    });
    expect((await detail(admin)).eta).toEqual((await detail(technician)).eta);
    // another technician may not report on somebody else's job
    const refused = await t.http('POST', `/api/tickets/${ticket.id}/location`, {
      token: watcher('other technician').token,
      body: closer,
    });
    expect(refused.status).toBe(404);
  });

  it('stops showing the customer once the technician is on site', async () => {
    const technician = watcher('technician').token;
    await act('arrive', technician);
    const marks = new Map([...w].map(([name, v]) => [name, v.seen.length]));
    clock.advance(MIN);
    await act('location', technician, scenario.customer.location);
    await waitFor(() => (watcher('admin').seen.length > (marks.get('admin') as number) ? true : undefined), {
      what: 'the on-site location on the fleet view',
    });
    await drainAll();
    for (const name of ['admin', 'engineer', 'technician'])
      expect(watcher(name).seen.slice(marks.get(name))).toHaveLength(1);
    for (const name of ['customer', 'other technician', 'other customer'])
      expect(watcher(name).seen.slice(marks.get(name))).toEqual([]);
    expect((await detail(watcher('customer').token)).eta).toBeNull();
    expect((await detail(admin)).eta).toBeNull();
  });

  it('refuses a location outside the globe, naming the field', async () => {
    const res = await t.http<{ code: string; field: string }>('POST', `/api/tickets/${ticket.id}/location`, {
      token: watcher('technician').token,
      body: { lat: 91, lon: 0 },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field: 'lat' });
  });
});
