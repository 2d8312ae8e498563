import {
  APPLIANCE_PROFILES,
  type ApplianceType,
  type FaultModeProfile,
  type MetricProfile,
} from '../../contracts/src';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import type { CreatedDevice, Ticket } from '../../contracts/src';
import { waitFor } from '../support/wait-for';
import { telemetry, type TestPlatform } from '../support/platform-fixture';

export const TECHNICIAN_PASSWORD = 'technician-demo-password';
export const CUSTOMER_PASSWORD = 'customer-demo-password';

const mid = (m: MetricProfile) => ((m.normal.low ?? m.min) + (m.normal.high ?? m.max)) / 2;

export function healthyReading(type: ApplianceType): Record<string, number> {
  return Object.fromEntries(APPLIANCE_PROFILES[type].metrics.map((m) => [m.name, mid(m)]));
}

/** A reading past the critical band of the fault's main metric, still inside the sensor range. */
export function faultyReading(type: ApplianceType, fault: FaultModeProfile): Record<string, number> {
  const metric = APPLIANCE_PROFILES[type].metrics.find((m) => m.name === fault.affects[0]) as MetricProfile;
  const value =
    metric.critical.high !== undefined
      ? metric.critical.high + (metric.max - metric.critical.high) / 2
      : (metric.critical.low as number) - ((metric.critical.low as number) - metric.min) / 2;
  return { ...healthyReading(type), [metric.name]: value };
}

/** A fault whose main metric is the main metric of no other fault, so its alarm names it alone. */
export function unambiguousFault(type: ApplianceType): FaultModeProfile {
  const faults = APPLIANCE_PROFILES[type].faultModes;
  const fault = faults.find((f) => faults.filter((g) => g.affects[0] === f.affects[0]).length === 1);
  if (!fault) throw new Error(`no unambiguous fault for ${type}`);
  return fault;
}

export function onShiftAt(tech: Technician, atMs: number): boolean {
  const d = new Date(atMs);
  const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
  return tech.weeklyShifts.some(
    (s) => s.weekday === d.getUTCDay() && s.startMin <= minute && minute + 120 < s.endMin,
  );
}

/** A region and appliance type at least two available technicians on shift can repair. */
export function pickScenario(
  technicians: Technician[],
  customers: Customer[],
  atMs: number,
): { region: string; type: ApplianceType; customer: Customer; eligible: Technician[] } {
  const types = Object.keys(APPLIANCE_PROFILES) as ApplianceType[];
  for (const customer of customers) {
    for (const type of types) {
      const eligible = technicians.filter(
        (t) =>
          t.region === customer.region && t.status === 'available' && t.skills[type] && onShiftAt(t, atMs),
      );
      if (eligible.length >= 2 && customer.region)
        return { region: customer.region, type, customer, eligible };
    }
  }
  throw new Error('demo data has no region with two eligible technicians');
}

/** Publishes two healthy readings then six past the critical band, ending at `endMs`. */
export async function injectFault(
  t: TestPlatform,
  device: { id: string; secret: string },
  type: ApplianceType,
  fault: FaultModeProfile,
  endMs: number,
  firstSeq = 1,
): Promise<void> {
  const client = await t.connectDevice(device);
  for (let i = 0; i < 8; i++) {
    const reading = i < 2 ? healthyReading(type) : faultyReading(type, fault);
    await client.publishAsync(
      `devices/${device.id}/telemetry`,
      telemetry(firstSeq + i, reading, endMs - (7 - i) * 1000),
      { qos: 1 },
    );
  }
  // left connected: the device's presence follows its last connection, and the simulated
  // appliance sharing its id still answers commands
  await t.platform.settle();
}

/**
 * Provisions a device of the scenario's type for its customer, drives its unambiguous fault past
 * the critical band and waits until the ticket it opens is dispatched.
 */
export async function dispatchedTicket(
  t: TestPlatform,
  admin: string,
  scenario: ReturnType<typeof pickScenario>,
  atMs: number,
): Promise<{ device: CreatedDevice; ticket: Ticket }> {
  const device = await t.provision(admin, {
    type: scenario.type,
    customerId: scenario.customer.id,
    region: scenario.region,
  });
  await injectFault(t, device, scenario.type, unambiguousFault(scenario.type), atMs);
  const ticket = await waitFor(
    async () =>
      (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin })).body.find(
        (tk) => tk.status === 'dispatched',
      ),
    { what: 'a dispatched ticket' },
  );
  return { device, ticket };
}
