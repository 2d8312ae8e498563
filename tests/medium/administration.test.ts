/**
 * Medium test: identity and administration. Every role reads who it is (`/api/me`) and saves
 * its language; an admin creates accounts (a technician's with the technician record dispatch
 * chooses from), disables and enables them, resets passwords, and edits technicians and
 * customers; everyone else is refused. Real: the platform (Nest HTTP, Socket.IO, the Aedes
 * gateway, PGlite, the embedded store) with its seeded demo world, socket.io-client and an
 * MQTT.js device raising a fault. The clock is a ManualClock on a Monday 13:00 UTC.
 */
import {
  APPLIANCE_PROFILES,
  type CreateUserRequest,
  type Customer,
  type Me,
  type Technician,
  type Ticket,
  type UserView,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { DEMO_REGIONS } from '../../platform/src/modules/demo/demo-data';
import { demoEscalationContacts } from '../../platform/src/modules/notifications/escalation-contacts.service';
import { waitFor } from '../support/wait-for';
import { ADMIN, startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD, injectFault, unambiguousFault } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };

interface ErrorBody {
  statusCode: number;
  code: string;
  field?: string;
}

describe('identity and administration', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let engineer: string;
  let technicians: Technician[];
  let customers: Customer[];

  const me = (token: string) => t.http<Me & ErrorBody>('GET', '/api/me', { token });
  const login = (email: string, password: string) =>
    t.http<{ accessToken: string } & ErrorBody>('POST', '/api/auth/login', { body: { email, password } });
  const createUser = (body: Partial<CreateUserRequest> & Record<string, unknown>, token = admin) =>
    t.http<UserView & ErrorBody>('POST', '/api/users', { token, body });

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    engineer = await t.login(ENGINEER);
    technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('tells every role who is signed in', async () => {
    const adminMe = (await me(admin)).body;
    expect(adminMe).toMatchObject({ role: 'admin', email: ADMIN.email, language: null });
    expect(adminMe).not.toHaveProperty('technicianId');
    expect(adminMe).not.toHaveProperty('customerId');
    expect((await me(engineer)).body).toMatchObject({ role: 'engineer', email: ENGINEER.email });

    const tech = technicians[0];
    const techMe = (await me(await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD })))
      .body;
    expect(techMe).toMatchObject({ role: 'technician', technicianId: tech.id, name: tech.name });
    // the demo technicians' records name the account that signs in for them
    expect(tech.userId).toBe(techMe.id);
    expect(technicians.every((x) => x.userId !== null)).toBe(true);

    const customer = customers.find((c) => c.email) as Customer;
    const customerMe = (
      await me(await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD }))
    ).body;
    expect(customerMe).toMatchObject({ role: 'customer', customerId: customer.id });
    expect(customerMe).not.toHaveProperty('technicianId');

    expect((await t.http<ErrorBody>('GET', '/api/me')).body.code).toBe('auth.missing_token');
  });

  it('keeps the language a user chose', async () => {
    const saved = await t.http<Me>('PATCH', '/api/me', { token: engineer, body: { language: 'zh-CN' } });
    expect(saved.status).toBe(200);
    expect(saved.body.language).toBe('zh-CN');
    expect((await me(engineer)).body.language).toBe('zh-CN');
    expect((await me(admin)).body.language).toBeNull();

    for (const body of [{ language: 'fr' }, {}, { language: null }]) {
      const bad = await t.http<ErrorBody>('PATCH', '/api/me', { token: engineer, body });
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe('language');
    }
    expect((await me(engineer)).body.language).toBe('zh-CN');
  });

  it('lets only an admin manage users', async () => {
    const customer = customers.find((c) => c.email) as Customer;
    const customerToken = await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD });
    for (const token of [engineer, customerToken]) {
      expect((await t.http<ErrorBody>('GET', '/api/users', { token })).body).toMatchObject({
        statusCode: 403,
        code: 'auth.forbidden',
      });
      const refused = await createUser(
        { email: 'sneaky@example.com', password: 'long-enough-password', role: 'admin', name: 'Sneaky' },
        token,
      );
      expect(refused.status).toBe(403);
    }
    expect((await login('sneaky@example.com', 'long-enough-password')).status).toBe(401);

    const list = await t.http<UserView[]>('GET', '/api/users?role=engineer', { token: admin });
    expect(list.status).toBe(200);
    // the demo's engineer and its SLA escalation contacts (a senior engineer, a manager per region)
    const escalation = demoEscalationContacts(DEMO_REGIONS.map((r) => r.id)).map((c) => c.email);
    expect(list.body.map((u) => u.email)).toEqual([ENGINEER.email, ...escalation].sort());
    const all = await t.http<UserView[]>('GET', '/api/users?limit=1000', { token: admin });
    expect(all.text).not.toMatch(/scrypt|password/i);
    expect(all.body.find((u) => u.email === ADMIN.email)).toMatchObject({ role: 'admin', disabled: false });
  });

  it('refuses a bad new account, naming the field', async () => {
    const base = { email: 'new.user@example.com', password: 'long-enough-password', name: 'New User' };
    const cases: Array<[Record<string, unknown>, number, string, string?]> = [
      [{ ...base, role: 'technician' }, 400, 'technician'],
      [{ ...base, role: 'customer' }, 400, 'customerId'],
      [{ ...base, role: 'engineer', customerId: customers[0].id }, 400, 'customerId'],
      [{ ...base, role: 'engineer', password: 'short' }, 400, 'password'],
      [{ ...base, role: 'engineer', email: 'not-an-email' }, 400, 'email'],
      [{ ...base, role: 'customer', customerId: 'cust-nobody' }, 404, 'customerId', 'customer.not_found'],
      [{ ...base, role: 'engineer', email: ENGINEER.email.toUpperCase() }, 409, 'email', 'users.email_taken'],
    ];
    for (const [body, status, field, code] of cases) {
      const res = await createUser(body);
      expect({ body, status: res.status, field: res.body.field }).toEqual({ body, status, field });
      if (code) expect(res.body.code).toBe(code);
    }
  });

  it('creates a technician who signs in at once and is chosen by dispatch', async () => {
    const customer = customers.find((c) => c.location && c.region) as Customer;
    const type = 'washer';
    const fault = unambiguousFault(type);
    const created = await createUser({
      email: 'new.technician@example.com',
      password: 'new-technician-password',
      role: 'technician',
      name: 'Nova Field',
      language: 'zh-CN',
      technician: {
        region: customer.region as string,
        skills: { [type]: { level: 3, faultModes: APPLIANCE_PROFILES[type].faultModes.map((f) => f.mode) } },
        baseLocation: customer.location as { lat: number; lon: number },
        weeklyShifts: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMin: 0, endMin: 1440 })),
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'technician', disabled: false, language: 'zh-CN' });
    const technicianId = created.body.technicianId as string;
    expect(technicianId).toEqual(expect.any(String));

    const token = (await login('new.technician@example.com', 'new-technician-password')).body.accessToken;
    expect((await me(token)).body).toMatchObject({ id: created.body.id, technicianId, language: 'zh-CN' });
    const listed = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    expect(listed.find((x) => x.id === technicianId)).toMatchObject({
      name: 'Nova Field',
      email: 'new.technician@example.com',
      userId: created.body.id,
      status: 'available',
      skills: { [type]: { level: 3 } },
    });
    expect((await t.http('GET', `/api/technicians/${technicianId}`, { token })).status).toBe(200);

    // everyone else who repairs washers goes off duty: dispatch must see it at once
    for (const other of listed.filter((x) => x.id !== technicianId && x.skills[type])) {
      const res = await t.http<Technician>('PATCH', `/api/technicians/${other.id}`, {
        token: admin,
        body: { status: 'off_duty' },
      });
      expect(res.body.status).toBe('off_duty');
    }
    const device = await t.provision(admin, { type, customerId: customer.id, region: customer.region });
    await injectFault(t, device, type, fault, clock.now());
    const ticket = await waitFor(
      async () =>
        (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin })).body.find(
          (x) => x.status === 'dispatched',
        ),
      { what: 'a dispatched ticket' },
    );
    expect(ticket.assigneeId).toBe(technicianId);
    const accepted = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/accept`, { token });
    expect(accepted.status).toBe(200);

    // once their account is disabled, dispatch no longer chooses them: the next job goes to a colleague
    const colleague =
      listed.find((x) => x.id !== technicianId && x.skills[type] && x.region === customer.region) ??
      listed.find((x) => x.id !== technicianId && x.skills[type]);
    if (!colleague) throw new Error('the demo has no other washer technician');
    await t.http('PATCH', `/api/technicians/${colleague.id}`, {
      token: admin,
      body: { status: 'available' },
    });
    expect((await t.http('POST', `/api/users/${created.body.id}/disable`, { token: admin })).status).toBe(
      200,
    );
    const second = await t.provision(admin, { type, customerId: customer.id, region: customer.region });
    await injectFault(t, second, type, fault, clock.now());
    const next = await waitFor(
      async () =>
        (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${second.id}`, { token: admin })).body.find(
          (x) => x.status === 'dispatched',
        ),
      { what: 'the second ticket dispatched' },
    );
    expect(next.assigneeId).toBe(colleague.id);
    expect((await t.http('POST', `/api/users/${created.body.id}/enable`, { token: admin })).status).toBe(200);
  });

  it('disables and enables a user: sign-in, tokens and live connections follow', async () => {
    const created = await createUser({
      email: 'shift.lead@example.com',
      password: 'shift-lead-password',
      role: 'engineer',
      name: 'Shift Lead',
    });
    const oldToken = (await login('shift.lead@example.com', 'shift-lead-password')).body.accessToken;
    const socket = await t.connectSocket(oldToken);
    const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    const disabled = await t.http<UserView>('POST', `/api/users/${created.body.id}/disable`, {
      token: admin,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    await disconnected;

    const refused = await login('shift.lead@example.com', 'shift-lead-password');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('auth.account_disabled');
    // a wrong password still says only that the credentials are wrong
    expect((await login('shift.lead@example.com', 'wrong-password-here')).body.code).toBe(
      'auth.bad_credentials',
    );
    expect((await me(oldToken)).body).toMatchObject({ statusCode: 401, code: 'auth.account_disabled' });
    await expect(t.connectSocket(oldToken)).rejects.toThrow();

    const self = (await me(admin)).body.id;
    const own = await t.http<ErrorBody>('POST', `/api/users/${self}/disable`, { token: admin });
    expect(own.body).toMatchObject({ statusCode: 409, code: 'users.cannot_disable_self' });
    expect((await me(admin)).status).toBe(200);
    expect((await t.http<ErrorBody>('POST', '/api/users/nobody/disable', { token: admin })).body.code).toBe(
      'users.not_found',
    );

    const enabled = await t.http<UserView>('POST', `/api/users/${created.body.id}/enable`, { token: admin });
    expect(enabled.body.disabled).toBe(false);
    const again = await login('shift.lead@example.com', 'shift-lead-password');
    expect(again.status).toBe(200);
    expect((await me(again.body.accessToken)).body.email).toBe('shift.lead@example.com');
    // sessions ended by the disable stay ended
    expect((await me(oldToken)).status).toBe(401);
  });

  it('resets a password to a temporary one that works, once', async () => {
    const created = await createUser({
      email: 'forgetful@example.com',
      password: 'forgotten-password',
      role: 'engineer',
      name: 'Forgetful',
    });
    const oldToken = (await login('forgetful@example.com', 'forgotten-password')).body.accessToken;
    const reset = await t.http<{ temporaryPassword: string }>(
      'POST',
      `/api/users/${created.body.id}/reset-password`,
      { token: admin, body: {} },
    );
    expect(reset.status).toBe(200);
    expect(reset.body.temporaryPassword.length).toBeGreaterThanOrEqual(10);
    expect((await login('forgetful@example.com', 'forgotten-password')).status).toBe(401);
    expect((await login('forgetful@example.com', reset.body.temporaryPassword)).status).toBe(200);
    expect((await me(oldToken)).body.code).toBe('auth.invalid_token');

    const chosen = await t.http<Record<string, unknown>>(
      'POST',
      `/api/users/${created.body.id}/reset-password`,
      {
        token: admin,
        body: { password: 'chosen-by-the-admin' },
      },
    );
    expect(chosen.body).toEqual({});
    expect((await login('forgetful@example.com', 'chosen-by-the-admin')).status).toBe(200);
    const short = await t.http<ErrorBody>('POST', `/api/users/${created.body.id}/reset-password`, {
      token: admin,
      body: { password: 'short' },
    });
    expect(short.body).toMatchObject({ statusCode: 400, field: 'password' });
  });

  it('edits technicians and customers, refusing a bad field by name', async () => {
    const tech = technicians[1];
    const shifts = [{ weekday: 2, startMin: 8 * 60, endMin: 17 * 60 }];
    const patched = await t.http<Technician>('PATCH', `/api/technicians/${tech.id}`, {
      token: admin,
      body: { weeklyShifts: shifts, maxOpenTickets: 3, baseLocation: { lat: 1, lon: 2 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      id: tech.id,
      weeklyShifts: shifts,
      maxOpenTickets: 3,
      baseLocation: { lat: 1, lon: 2 },
    });
    expect(
      (await t.http<Technician>('GET', `/api/technicians/${tech.id}`, { token: admin })).body.maxOpenTickets,
    ).toBe(3);

    for (const [body, field] of [
      [{ maxOpenTickets: 0 }, 'maxOpenTickets'],
      [{ status: 'asleep' }, 'status'],
      [{ baseLocation: { lat: 91, lon: 0 } }, 'baseLocation.lat'],
      [{ colour: 'red' }, 'colour'],
    ] as const) {
      const res = await t.http<ErrorBody>('PATCH', `/api/technicians/${tech.id}`, { token: admin, body });
      expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field });
    }
    expect(
      (await t.http('PATCH', `/api/technicians/${tech.id}`, { token: engineer, body: { maxOpenTickets: 4 } }))
        .status,
    ).toBe(403);
    expect(
      (
        await t.http<ErrorBody>('PATCH', '/api/technicians/tech-nobody', {
          token: admin,
          body: { name: 'X' },
        })
      ).body.code,
    ).toBe('technician.not_found');

    const customer = customers.find((c) => c.tier === 'standard') as Customer;
    const vip = await t.http<Customer>('PATCH', `/api/customers/${customer.id}`, {
      token: engineer,
      body: { tier: 'vip', phone: null, name: 'Renamed Household' },
    });
    expect(vip.status).toBe(200);
    expect(vip.body).toMatchObject({ id: customer.id, tier: 'vip', phone: null, name: 'Renamed Household' });
    expect((await t.http<Customer>('GET', `/api/customers/${customer.id}`, { token: admin })).body.tier).toBe(
      'vip',
    );
    for (const [body, field] of [
      [{ tier: 'gold' }, 'tier'],
      [{ email: 'nope' }, 'email'],
      [{ address: {} }, 'address'],
    ] as const) {
      const res = await t.http<ErrorBody>('PATCH', `/api/customers/${customer.id}`, { token: admin, body });
      expect({ status: res.status, field: res.body.field }).toEqual({ status: 400, field });
    }
    const ownCustomer = await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD });
    expect(
      (await t.http('PATCH', `/api/customers/${customer.id}`, { token: ownCustomer, body: { tier: 'vip' } }))
        .status,
    ).toBe(403);
  });
});
