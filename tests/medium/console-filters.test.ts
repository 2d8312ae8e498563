/**
 * Medium test of the console's list queries over HTTP: the device asset fields at provisioning,
 * the fleet and ticket filters as query strings, their answers matching the contracts exactly,
 * and a 400 naming the field for every malformed filter. Real: the platform (Nest HTTP, the Aedes
 * gateway, PGlite, the embedded store) with its seeded demo world and an MQTT.js device raising
 * a fault so a ticket opens. The clock is a ManualClock on a Monday 13:00 UTC.
 */
import { z } from 'zod';
import {
  deviceViewSchema,
  ticketListItemSchema,
  type CreatedDevice,
  type Customer,
  type DeviceView,
  type Technician,
  type Ticket,
  type TicketListItem,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { dispatchedTicket, pickScenario } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const DAY = 86_400_000;

interface ErrorBody {
  statusCode: number;
  code: string;
  field?: string;
}

/** Parses with the contract and checks nothing was dropped: no field the contract lacks. */
function expectWire<S extends z.ZodType>(schema: S, res: { status: number; body: unknown }): z.infer<S> {
  expect(res.status).toBe(200);
  const parsed = schema.parse(res.body);
  expect(parsed).toEqual(res.body);
  return parsed;
}

describe('console list filters over HTTP', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let scenario: ReturnType<typeof pickScenario>;
  let device: CreatedDevice;
  let ticket: Ticket;
  let spare: CreatedDevice;

  const get = <T>(path: string) => t.http<T>('GET', path, { token: admin });

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    const technicians = (await get<Technician[]>('/api/technicians')).body;
    const customers = (await get<Customer[]>('/api/customers?limit=500')).body;
    scenario = pickScenario(technicians, customers, clock.now());
    ({ device, ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
    spare = await t.provision(admin, {
      type: 'dishwasher',
      serial: 'DW-Spare-77',
      region: 'elsewhere',
      model: 'DW-6100',
      installedAt: clock.now() - 100 * DAY,
      warrantyUntil: clock.now() + 630 * DAY,
    });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('provisions a device with its asset record and refuses a malformed one, naming the field', async () => {
    expect(spare).toMatchObject({
      model: 'DW-6100',
      installedAt: clock.now() - 100 * DAY,
      openAlarmCount: 0,
    });
    expect(expectWire(deviceViewSchema, await get(`/api/devices/${spare.id}`))).toMatchObject({
      model: 'DW-6100',
      installedAt: clock.now() - 100 * DAY,
      warrantyUntil: clock.now() + 630 * DAY,
    });
    for (const [body, field] of [
      [{ type: 'washer', installedAt: 'yesterday' }, 'installedAt'],
      [{ type: 'washer', installedAt: -5 }, 'installedAt'],
      [{ type: 'washer', model: '' }, 'model'],
      [{ type: 'washer', installedAt: clock.now(), warrantyUntil: clock.now() - DAY }, 'warrantyUntil'],
    ] as const) {
      const res = await t.http<ErrorBody>('POST', '/api/devices', { token: admin, body });
      expect([res.status, res.body.code, res.body.field]).toEqual([400, 'validation_failed', field]);
    }
  });

  it('filters the fleet by query string and answers the contract, an array as before', async () => {
    const all = expectWire(z.array(deviceViewSchema), await get('/api/devices'));
    expect(all.map((d) => d.id).sort()).toEqual([device.id, spare.id].sort());
    // the faulty device has open alarms: the ones that opened the ticket
    expect(all.find((d) => d.id === device.id)?.openAlarmCount).toBeGreaterThan(0);
    const ids = async (query: string) =>
      (await get<DeviceView[]>(`/api/devices?${query}`)).body.map((d) => d.id).sort();
    expect(await ids('type=dishwasher')).toEqual([spare.id]);
    expect(await ids(`region=${scenario.region}`)).toEqual([device.id]);
    expect(await ids(`customerId=${scenario.customer.id}`)).toEqual([device.id]);
    expect(await ids('openAlarms=true')).toEqual([device.id]);
    expect(await ids('openAlarms=false')).toEqual([spare.id]);
    expect(await ids('online=false')).toEqual([spare.id]);
    expect(await ids('q=dw-spare')).toEqual([spare.id]);
    expect(await ids('type=dishwasher&online=true')).toEqual([]);
  });

  it('filters the ticket queue by query string, each ticket with its SLA risk', async () => {
    const list = expectWire(z.array(ticketListItemSchema), await get('/api/tickets'));
    expect(list.map((tk) => [tk.id, tk.slaRisk])).toEqual([[ticket.id, 'ok']]);
    const ids = async (query: string) =>
      (await get<TicketListItem[]>(`/api/tickets?${query}`)).body.map((tk) => tk.id);
    expect(await ids(`priority=${ticket.priority}&open=true&slaRisk=ok&region=${scenario.region}`)).toEqual([
      ticket.id,
    ]);
    expect(await ids(`customerId=${scenario.customer.id}&assigneeId=${ticket.assigneeId}`)).toEqual([
      ticket.id,
    ]);
    expect(await ids('open=false')).toEqual([]);
    expect(await ids('slaRisk=breached')).toEqual([]);
    expect(await ids('region=elsewhere')).toEqual([]);
  });

  it('answers 400 naming the field for a malformed filter', async () => {
    for (const [path, field] of [
      ['/api/devices?type=toaster', 'type'],
      ['/api/devices?online=yes', 'online'],
      ['/api/devices?openAlarms=1', 'openAlarms'],
      ['/api/devices?region=', 'region'],
      [`/api/devices?q=${'x'.repeat(65)}`, 'q'],
      ['/api/devices?type=washer&type=dishwasher', 'type'],
      ['/api/tickets?priority=P9', 'priority'],
      ['/api/tickets?open=maybe', 'open'],
      ['/api/tickets?slaRisk=late', 'slaRisk'],
      ['/api/tickets?status=lost', 'status'],
      ['/api/tickets?customerId=', 'customerId'],
      ['/api/tickets?limit=0', 'limit'],
    ] as const) {
      const res = await get<ErrorBody>(path);
      expect([path, res.status, res.body.code, res.body.field]).toEqual([
        path,
        400,
        'validation_failed',
        field,
      ]);
    }
  });
});
