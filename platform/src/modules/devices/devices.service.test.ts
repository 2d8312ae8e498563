/**
 * Medium test of the fleet view the support console filters: devices with their asset record
 * (model, install date, warranty) and open alarm count, narrowed by type, region, customer,
 * presence, open alarms and an id or serial search, as far as the caller may see. Real: the
 * platform's Nest modules composed as in production on an in-memory PGlite with the seeded demo
 * world, ingest and alarms; no HTTP or broker. The clock is a ManualClock.
 */
import type { CreatedDevice, DeviceQuery } from '../../../../contracts/src';
import { healthyReading } from '../../../../tests/medium/service-support';
import { ADMIN, ServiceHarness, technicianPrincipal } from '../../../../tests/support/service-harness';
import { AlarmsService } from '../alarms/alarms.service';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import type { Customer } from '../customers/customers.repository';
import { DevicesService } from './devices.service';

const DAY = 86_400_000;

const customerPrincipal = (customerId: string): Principal => ({
  userId: `user-${customerId}`,
  role: 'customer',
  customerId,
  technicianId: null,
});

describe('the fleet view', () => {
  let h: ServiceHarness;
  let devices: DevicesService;
  let alice: Customer;
  let bob: Customer;
  let washer: CreatedDevice;
  let fridge: CreatedDevice;
  let unowned: CreatedDevice;

  const ids = (principal: Principal, filter: DeviceQuery = {}) =>
    devices
      .list(principal, filter)
      .map((d) => d.id)
      .sort();

  beforeAll(async () => {
    h = await ServiceHarness.start();
    devices = h.get(DevicesService);
    const customers = await h.get(CustomersService).list({ limit: 500, offset: 0 });
    alice = customers[0];
    bob = customers.find((c) => c.region !== alice.region) as Customer;
    const installedAt = h.clock.now() - 400 * DAY;
    washer = await devices.provision({
      type: 'washer',
      serial: 'WM-ALPHA-1',
      customerId: alice.id,
      region: alice.region ?? undefined,
      model: 'WM-5300',
      installedAt,
      warrantyUntil: installedAt + 730 * DAY,
    });
    fridge = await devices.provision({
      type: 'refrigerator',
      serial: 'RF-BETA-2',
      customerId: bob.id,
      region: bob.region ?? undefined,
    });
    unowned = await devices.provision({ type: 'washer', region: bob.region ?? undefined });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows the asset record given at provisioning, and nulls where none was given', async () => {
    expect(devices.get(washer.id, ADMIN)).toMatchObject({
      model: 'WM-5300',
      installedAt: h.clock.now() - 400 * DAY,
      warrantyUntil: h.clock.now() + 330 * DAY,
      openAlarmCount: 0,
    });
    expect(devices.get(fridge.id, ADMIN)).toMatchObject({
      model: null,
      installedAt: null,
      warrantyUntil: null,
      openAlarmCount: 0,
    });
    expect(washer).toMatchObject({ model: 'WM-5300', openAlarmCount: 0, secret: expect.any(String) });
  });

  it('stores the asset record with the device', async () => {
    const [row] = await h.db.query<{ model: string; installed_at: number; warranty_until: number }>(
      'SELECT model, installed_at, warranty_until FROM devices WHERE id = $1',
      [washer.id],
    );
    expect({
      ...row,
      installed_at: Number(row.installed_at),
      warranty_until: Number(row.warranty_until),
    }).toEqual({
      model: 'WM-5300',
      installed_at: washer.installedAt,
      warranty_until: washer.warrantyUntil,
    });
  });

  it('narrows by type, region, customer and an id or serial search, every filter at once', () => {
    const all = [washer.id, fridge.id, unowned.id].sort();
    expect(ids(ADMIN)).toEqual(all);
    expect(ids(ADMIN, { type: 'washer' })).toEqual([washer.id, unowned.id].sort());
    expect(ids(ADMIN, { type: 'dishwasher' })).toEqual([]);
    expect(ids(ADMIN, { region: bob.region as string })).toEqual([fridge.id, unowned.id].sort());
    expect(ids(ADMIN, { customerId: alice.id })).toEqual([washer.id]);
    expect(ids(ADMIN, { q: 'beta' })).toEqual([fridge.id]); // serial, any case
    expect(ids(ADMIN, { q: unowned.id.slice(-6).toUpperCase() })).toEqual([unowned.id]); // id
    expect(ids(ADMIN, { type: 'washer', region: bob.region as string })).toEqual([unowned.id]);
    expect(ids(ADMIN, { type: 'washer', customerId: bob.id })).toEqual([]);
  });

  it('narrows by presence: a device that reports is online', async () => {
    expect(ids(ADMIN, { online: true })).toEqual([]);
    h.publishReading(fridge.id, healthyReading('refrigerator'));
    await h.settle();
    expect(ids(ADMIN, { online: true })).toEqual([fridge.id]);
    expect(ids(ADMIN, { online: false })).toEqual([washer.id, unowned.id].sort());
  });

  it('counts open alarms, acknowledged ones too, and narrows to devices with or without them', async () => {
    expect(ids(ADMIN, { openAlarms: true })).toEqual([]);
    h.publishEvent(washer.id, 'W01'); // detergent low: a warning
    h.publishEvent(washer.id, 'E41'); // door lock fault: major
    await h.settle();
    expect(devices.get(washer.id, ADMIN).openAlarmCount).toBe(2);
    expect(ids(ADMIN, { openAlarms: true })).toEqual([washer.id]);
    expect(ids(ADMIN, { openAlarms: false })).toEqual([fridge.id, unowned.id].sort());

    const alarms = h.get(AlarmsService);
    const [warning, major] = (await alarms.list(ADMIN, { deviceId: washer.id })).sort((a, b) =>
      a.cause.localeCompare(b.cause),
    );
    await alarms.acknowledge(major.id, ADMIN);
    expect(devices.list(ADMIN, { customerId: alice.id })[0].openAlarmCount).toBe(2);
    await alarms.clear(warning.id, ADMIN);
    await alarms.clear(major.id, ADMIN);
    expect(devices.get(washer.id, ADMIN).openAlarmCount).toBe(0);
    expect(ids(ADMIN, { openAlarms: true })).toEqual([]);
  });

  it('filters only within what the caller may see', () => {
    expect(ids(customerPrincipal(alice.id))).toEqual([washer.id]);
    expect(ids(customerPrincipal(alice.id), { customerId: bob.id })).toEqual([]);
    expect(ids(customerPrincipal(bob.id), { type: 'washer' })).toEqual([]);
    expect(ids(customerPrincipal(bob.id), { q: 'RF' })).toEqual([fridge.id]);
    // a technician without jobs sees no device, whatever the filter
    expect(ids(technicianPrincipal('tech-without-jobs'))).toEqual([]);
    expect(ids(technicianPrincipal('tech-without-jobs'), { region: bob.region as string })).toEqual([]);
  });
});
