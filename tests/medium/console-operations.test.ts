/**
 * Medium test of what the work pages read and do beyond a ticket's steps: an alarm acknowledged
 * and cleared with comments and its history, the versions of a guidance article, the guidance a
 * ticket's technician was sent, and the stock on a technician's van; each seen only by whom it
 * concerns. Real: the platform (Nest HTTP, the Aedes gateway, PGlite, the embedded store) with
 * its seeded demo world, an MQTT.js device raising a fault so an alarm and a dispatched ticket
 * exist. The clock is a ManualClock on a Monday 13:00 UTC, so shifts are deterministic.
 */
import type {
  Alarm,
  AlarmDetail,
  GuidanceArticle,
  GuidanceEvent,
  PartStock,
  Ticket,
  VanStock,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD, dispatchedTicket, pickScenario } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

interface ErrorBody {
  statusCode: number;
  code: string;
  field?: string;
}

describe('the work pages: alarm history, guidance, the van', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let engineer: string;
  let engineerId: string;
  let customer: string;
  let scenario: ReturnType<typeof pickScenario>;
  let ticket: Ticket;
  let deviceId: string;
  const techTokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    engineer = await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' });
    engineerId = (await t.http<{ id: string }>('GET', '/api/me', { token: engineer })).body.id;
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    customer = await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD });
    let device;
    ({ device, ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
    deviceId = device.id;
    // the ticket's technician and one who may take the same work but has not got this job
    const bystanderTech = scenario.eligible.find((tech) => tech.id !== ticket.assigneeId) as Technician;
    for (const tech of scenario.eligible.filter((x) => x.id === ticket.assigneeId || x === bystanderTech))
      techTokens.set(tech.id, await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD }));
  });

  afterAll(async () => {
    await t?.stop();
  });

  const assigneeId = () => ticket.assigneeId as string;
  const assignee = () => techTokens.get(assigneeId()) as string;
  const bystander = () => [...techTokens.entries()].find(([id]) => id !== assigneeId()) as [string, string];

  describe('guidance', () => {
    let pushed: GuidanceEvent;

    it("shows the ticket's technician and staff the guidance pushed at dispatch, never the customer or another technician", async () => {
      const own = await t.http<GuidanceEvent>('GET', `/api/tickets/${ticket.id}/guidance`, {
        token: assignee(),
      });
      expect(own.status).toBe(200);
      pushed = own.body;
      expect(pushed).toMatchObject({
        ticketId: ticket.id,
        deviceId,
        technicianId: assigneeId(),
        faultMode: ticket.faultMode,
      });
      expect(pushed.article).toMatchObject({ type: scenario.type, faultMode: ticket.faultMode });
      expect(Object.keys(pushed.liveReadings).length).toBeGreaterThan(0);

      const staff = await t.http<GuidanceEvent>('GET', `/api/tickets/${ticket.id}/guidance`, {
        token: engineer,
      });
      expect(staff.status).toBe(200);
      expect(staff.body).toEqual(pushed);

      const forCustomer = await t.http<ErrorBody>('GET', `/api/tickets/${ticket.id}/guidance`, {
        token: customer,
      });
      expect(forCustomer.status).toBe(403);
      const other = await t.http<ErrorBody>('GET', `/api/tickets/${ticket.id}/guidance`, {
        token: bystander()[1],
      });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('ticket.not_found');
    });

    it('keeps every version of an article: a second version is listed above the first, each readable by id', async () => {
      const faultMode = ticket.faultMode as string;
      const first = pushed.article as GuidanceArticle;
      const posted = await t.http<GuidanceArticle>('POST', '/api/guidance', {
        token: engineer,
        body: {
          type: scenario.type,
          faultMode,
          title: 'Revised: check the wiring harness first',
          checks: ['Look for chafed wires at the harness clip'],
          steps: ['Isolate mains power', 'Re-seat the harness connector', 'Run a self test'],
          safetyNotes: ['Isolate mains power before opening the appliance'],
          expectedReadings: [],
          parts: [],
        },
      });
      expect(posted.status).toBe(201);
      expect(posted.body.version).toBe(first.version + 1);

      const history = await t.http<GuidanceArticle[]>(
        'GET',
        `/api/guidance/history?type=${scenario.type}&faultMode=${faultMode}`,
        { token: engineer },
      );
      expect(history.status).toBe(200);
      expect(history.body.map((a) => [a.version, a.createdBy])).toEqual([
        [first.version + 1, engineerId],
        [first.version, first.createdBy],
      ]);
      expect(history.body[0].createdAt).toBe(clock.now());
      expect(history.body[1]).toEqual(first);

      const old = await t.http<GuidanceArticle>('GET', `/api/guidance/${first.id}`, { token: admin });
      expect(old.status).toBe(200);
      expect(old.body).toEqual(first);
      const missing = await t.http<ErrorBody>('GET', '/api/guidance/no-such-article', { token: admin });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('guidance.not_found');

      // the history is one article's: both keys are needed; technicians read guidance as pushed
      const unnamed = await t.http<ErrorBody>('GET', `/api/guidance/history?type=${scenario.type}`, {
        token: engineer,
      });
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.field).toBe('faultMode');
      const byTechnician = await t.http(
        'GET',
        `/api/guidance/history?type=${scenario.type}&faultMode=${faultMode}`,
        {
          token: assignee(),
        },
      );
      expect(byTechnician.status).toBe(403);

      // what the technician was sent does not change under them
      const again = await t.http<GuidanceEvent>('GET', `/api/tickets/${ticket.id}/guidance`, {
        token: assignee(),
      });
      expect(again.body.article?.version).toBe(first.version);
    });
  });

  describe('the van', () => {
    it('shows a technician their own van, the same as the stock levels, and staff any van', async () => {
      const own = await t.http<VanStock>('GET', `/api/technicians/${assigneeId()}/van`, {
        token: assignee(),
      });
      expect(own.status).toBe(200);
      const vanId = scenario.eligible.find((tech) => tech.id === assigneeId())?.vanId;
      expect(vanId).toBeTruthy();
      expect(own.body.vanId).toBe(vanId);
      expect(own.body.items.length).toBeGreaterThan(0);

      const stock = (
        await t.http<PartStock[]>('GET', `/api/parts/stock?locationId=${vanId}`, { token: admin })
      ).body;
      for (const item of own.body.items) {
        const level = stock.find((s) => s.sku === item.sku)?.locations[0];
        expect({
          sku: item.sku,
          available: item.available,
          reserved: item.reserved,
          onHand: item.onHand,
        }).toEqual({
          sku: item.sku,
          available: level?.available,
          reserved: level?.reserved,
          onHand: level?.onHand,
        });
        expect(item.lots.reduce((sum, l) => sum + l.qty, 0)).toBe(item.onHand);
        expect(item.name).not.toBe('');
      }

      const staff = await t.http<VanStock>('GET', `/api/technicians/${assigneeId()}/van`, {
        token: engineer,
      });
      expect(staff.body).toEqual(own.body);
    });

    it("hides another technician's van as if it did not exist, and every van from customers", async () => {
      const [otherId, otherToken] = bystander();
      const other = await t.http<ErrorBody>('GET', `/api/technicians/${assigneeId()}/van`, {
        token: otherToken,
      });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('technician.not_found');
      expect((await t.http('GET', `/api/technicians/${otherId}/van`, { token: otherToken })).status).toBe(
        200,
      );
      expect((await t.http('GET', `/api/technicians/${assigneeId()}/van`, { token: customer })).status).toBe(
        403,
      );
    });
  });

  describe('alarm history', () => {
    let alarm: Alarm;

    beforeAll(async () => {
      const alarms = (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${deviceId}`, { token: admin }))
        .body;
      alarm = alarms.find((a) => a.state === 'active') as Alarm;
      expect(alarm).toBeDefined();
    });

    it('refuses a comment that is empty, too long or not text, naming the field', async () => {
      for (const comment of ['', '   ', 'x'.repeat(501), 42]) {
        const res = await t.http<ErrorBody>('POST', `/api/alarms/${alarm.id}/acknowledge`, {
          token: engineer,
          body: { comment },
        });
        expect(res.status).toBe(400);
        expect(res.body.field).toBe('comment');
      }
      const unknown = await t.http<ErrorBody>('POST', `/api/alarms/${alarm.id}/acknowledge`, {
        token: engineer,
        body: { note: 'hello' },
      });
      expect(unknown.status).toBe(400);
      // nothing was recorded
      const detail = await t.http<AlarmDetail>('GET', `/api/alarms/${alarm.id}`, { token: engineer });
      expect(detail.body.state).toBe('active');
      expect(detail.body.history.map((h) => h.action)).toEqual(['raised']);
    });

    it('records who acknowledged and cleared the alarm, when, with their comments', async () => {
      clock.advance(60_000);
      const acked = await t.http<AlarmDetail>('POST', `/api/alarms/${alarm.id}/acknowledge`, {
        token: engineer,
        body: { comment: '  Customer called, the drain hose was kinked  ' },
      });
      expect(acked.status).toBe(200);
      expect(acked.body.state).toBe('acknowledged');
      expect(acked.body.history).toEqual([
        { at: alarm.raisedAt, action: 'raised', actorId: 'system', actorRole: 'system', comment: null },
        {
          at: clock.now(),
          action: 'acknowledged',
          actorId: engineerId,
          actorRole: 'engineer',
          comment: 'Customer called, the drain hose was kinked',
        },
      ]);

      // no body at all still works, as before comments existed
      const again = await t.http<AlarmDetail>('POST', `/api/alarms/${alarm.id}/acknowledge`, {
        token: admin,
      });
      expect(again.status).toBe(200);
      expect(again.body.history.at(-1)).toMatchObject({
        action: 'acknowledged',
        actorRole: 'admin',
        comment: null,
      });

      clock.advance(60_000);
      const cleared = await t.http<AlarmDetail>('POST', `/api/alarms/${alarm.id}/clear`, {
        token: assignee(),
        body: { comment: 'Hose replaced on site' },
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body.state).toBe('cleared');
      const me = (await t.http<{ id: string }>('GET', '/api/me', { token: assignee() })).body;
      expect(cleared.body.history.at(-1)).toEqual({
        at: clock.now(),
        action: 'cleared',
        actorId: me.id,
        actorRole: 'technician',
        comment: 'Hose replaced on site',
      });

      const read = await t.http<AlarmDetail>('GET', `/api/alarms/${alarm.id}`, { token: engineer });
      expect(read.status).toBe(200);
      expect(read.body).toEqual(cleared.body);
      expect(read.body.history.map((h) => h.action)).toEqual([
        'raised',
        'acknowledged',
        'acknowledged',
        'cleared',
      ]);
    });

    it('shows the history to whom the device concerns among staff and technicians only', async () => {
      const other = await t.http<ErrorBody>('GET', `/api/alarms/${alarm.id}`, { token: bystander()[1] });
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('alarm.not_found');
      expect((await t.http('GET', `/api/alarms/${alarm.id}`, { token: customer })).status).toBe(403);
      const missing = await t.http<ErrorBody>('GET', '/api/alarms/no-such-alarm', { token: engineer });
      expect(missing.status).toBe(404);
    });
  });
});
