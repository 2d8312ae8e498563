/**
 * Medium test of the self-triage on real simulated behaviour. Real: the platform (Nest HTTP,
 * the Aedes gateway, PGlite, the embedded telemetry store) and firmware-sim's SimulatedDevice
 * on MQTT, each with an injected fault (the simulator's own FaultPlan and physics): the device
 * publishes a day of readings (and the error code its fault raises), then answers the
 * triage's `self_test` and `read_error_log` over MQTT. The triage port is called in-process
 * (as the service requests feature does); the ticket and the help article are read over HTTP.
 * The fleet models are not loaded (an empty MODELS_DIR), as in the service harness.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApplianceType, CreatedDevice, DeviceCommand, HelpArticle, Ticket } from '../../contracts/src';
import { systemClock } from '../../firmware-sim/src/clock';
import type { FaultPlan } from '../../firmware-sim/src/fault-injector';
import { SimulatedAppliance } from '../../firmware-sim/src/simulated-appliance';
import { SimulatedDevice, type DeviceListener } from '../../firmware-sim/src/simulated-device';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import {
  TriagePort,
  VisitPort,
  type TriageSubject,
} from '../../platform/src/modules/service-requests/care-ports';
import { waitFor } from '../support/wait-for';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD } from './service-support';

const HOUR = 3_600_000;
const REPORT_EVERY_MS = 10 * 60_000;

describe('self-triage of simulated appliances', () => {
  let t: TestPlatform;
  let admin: string;
  let customer: Customer;
  let customerToken: string;
  const devices: SimulatedDevice[] = [];
  const noModels = fs.mkdtempSync(path.join(os.tmpdir(), 'no-models-'));

  beforeAll(async () => {
    t = await startTestPlatform({ MODELS_DIR: noModels });
    admin = await t.login();
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    customer = customers.find((c) => c.email) as Customer;
    customerToken = await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD });
  });

  afterAll(async () => {
    for (const device of devices) await device.stop();
    await t?.stop();
    fs.rmSync(noModels, { recursive: true, force: true });
  });

  /**
   * A simulated appliance of the customer with this fault, connected over MQTT, that has
   * reported every ten minutes over the last day (as it would have, buffered and replayed).
   */
  async function simulatedAppliance(
    type: ApplianceType,
    fault: Omit<FaultPlan, 'errorCode' | 'part'> & { errorCode: string; part: string },
  ): Promise<{ created: CreatedDevice; device: SimulatedDevice }> {
    const created = await t.provision(admin, { type, customerId: customer.id, region: customer.region });
    let connected!: () => void;
    const online = new Promise<void>((resolve) => (connected = resolve));
    const listener: DeviceListener = {
      onConnected: () => connected(),
      onDisconnected: () => undefined,
      onPublished: () => undefined,
      onFailure: () => undefined,
      onCommand: () => undefined,
    };
    const device = new SimulatedDevice(
      created.id,
      created.secret,
      new SimulatedAppliance(created.id, type, 11, fault),
      {
        brokerUrl: t.mqttUrl,
        fw: '1.4.2',
        clock: systemClock,
        bufferCapacity: 10_000,
        inflightWindow: 20,
        reconnectPeriodMs: 1_000,
        // simulated time is wall time: the fault plan is written in it
        simTimeOf: (wallTs) => wallTs,
        listener,
      },
    );
    devices.push(device);
    device.start();
    await online;
    const now = Date.now();
    let reports = 0;
    for (let ts = now - 24 * HOUR; ts <= now; ts += REPORT_EVERY_MS, reports++) device.report(ts);
    await waitFor(() => (device.published >= reports && device.buffered === 0 ? true : undefined), {
      what: 'a day of readings published',
    });
    await t.platform.settle();
    await waitFor(
      async () =>
        (await t.http<{ online: boolean }>('GET', `/api/devices/${created.id}`, { token: admin })).body
          .online || undefined,
      { what: 'the device online' },
    );
    return { created, device };
  }

  const subject = (deviceId: string, n: number, symptom: string, description: string): TriageSubject => ({
    requestId: `request-${n}`,
    number: `SR-00000${n}`,
    deviceId,
    customerId: customer.id,
    symptom,
    description,
    preferredWindows: [],
  });

  it('solves a clogged air filter without a visit, with the filter article and the drop against normal', async () => {
    const now = Date.now();
    // clogging for 30 h, a third of the way to failure: the filter is half blocked, nothing is broken
    const { created } = await simulatedAppliance('air_conditioner', {
      mode: 'filter_clog',
      errorCode: 'A22',
      part: 'air-filter',
      startSimTs: now - 30 * HOUR,
      failureSimTs: now + 70 * HOUR,
      exponent: 1,
    });
    const triage = await t.platform.app
      .get(TriagePort)
      .triage(subject(created.id, 1, 'weak_airflow', 'Barely any air comes out'));
    expect(triage).toMatchObject({
      status: 'self_fix',
      cause: 'filter_clog',
      articleId: 'ac-clean-air-filter',
    });
    expect(triage.findings).toContainEqual(expect.objectContaining({ kind: 'self_test', ok: true }));
    const filter = triage.findings.find((f) => f.kind === 'reading' && f.subject === 'filterDpPa');
    expect(filter?.ratio).toBeGreaterThanOrEqual(1.5);
    expect(filter).toMatchObject({ ok: false, normal: 55, unit: 'Pa' });

    // the commands went to the appliance as the platform, and it answered them
    const history = (
      await t.http<DeviceCommand[]>('GET', `/api/devices/${created.id}/commands`, { token: admin })
    ).body;
    expect(history.map((c) => [c.name, c.sentBy, c.status])).toEqual(
      expect.arrayContaining([
        ['self_test', 'system:self-triage', 'answered'],
        ['read_error_log', 'system:self-triage', 'answered'],
      ]),
    );

    // the article the customer is offered shows their own filter's reading
    const article = await t.http<HelpArticle>(
      'GET',
      `/api/help-articles/${triage.articleId}?deviceId=${created.id}`,
      { token: customerToken },
    );
    expect(article.status).toBe(200);
    expect(article.body.title['zh-CN']).toBe('空调滤网清洗指南');
    expect(article.body.readings?.[0]).toMatchObject({ metric: 'filterDpPa', normal: 55 });
    expect(article.body.readings?.[0].ratio).toBeGreaterThanOrEqual(1.5);
  });

  it('sends a failing door gasket to a visit whose ticket names the door alarm and the high duty', async () => {
    const now = Date.now();
    // the gasket failed 12 h ago (the appliance logged R40) and still leaks warm air in
    const { created } = await simulatedAppliance('refrigerator', {
      mode: 'door_gasket_failure',
      errorCode: 'R40',
      part: 'door-gasket',
      startSimTs: now - 60 * HOUR,
      failureSimTs: now - 12 * HOUR,
      exponent: 2,
    });
    const request = subject(created.id, 2, 'not_cooling', 'The fridge is warm and runs all the time');
    const triage = await t.platform.app.get(TriagePort).triage(request);
    expect(triage).toMatchObject({ status: 'visit', cause: 'door_gasket_failure', articleId: null });
    expect(triage.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'error_log', subject: 'R40', ok: false }),
        expect.objectContaining({ kind: 'self_test', subject: 'door-gasket', ok: false }),
      ]),
    );
    // the compressor has run hard for the last six hours, not just the last one
    const duty = triage.findings.find(
      (f) => f.kind === 'reading' && f.subject === 'compressorDutyPct' && f.text.includes('6 h'),
    );
    expect(duty?.ratio).toBeGreaterThanOrEqual(1.5);
    expect(duty?.ok).toBe(false);

    const ticketId = await t.platform.app
      .get(VisitPort)
      .openVisit(request, triage, 'the triage found a fault');
    const ticket = (await t.http<Ticket>('GET', `/api/tickets/${ticketId}`, { token: admin })).body;
    expect(ticket).toMatchObject({
      source: 'customer',
      requestId: 'request-2',
      priority: 'P2',
      faultMode: 'door_gasket_failure',
      likelyPart: 'door-gasket',
    });
    expect(ticket.description).toContain('The fridge is warm and runs all the time');
    expect(ticket.description).toContain('R40');
    expect(ticket.description).toContain(duty?.text);
    // the customer sees their ticket too
    expect((await t.http('GET', `/api/tickets/${ticketId}`, { token: customerToken })).status).toBe(200);
  });
  it('serves the help articles over HTTP to any signed-in role, searching both languages', async () => {
    const technicians = (
      await t.http<Array<{ email: string | null }>>('GET', '/api/technicians', { token: admin })
    ).body;
    const technician = await t.login({
      email: technicians[0].email as string,
      password: 'technician-demo-password',
    });
    for (const token of [customerToken, technician, admin]) {
      const found = await t.http<HelpArticle[]>('GET', `/api/help-articles?q=${encodeURIComponent('排水')}`, {
        token,
      });
      expect(found.status).toBe(200);
      expect(found.body.map((a) => a.id)).toEqual(
        expect.arrayContaining(['washer-clean-drain-pump-filter', 'dishwasher-clean-filter-drain']),
      );
    }
    const english = await t.http<HelpArticle[]>('GET', '/api/help-articles?q=aerator&type=water_heater', {
      token: customerToken,
    });
    expect(english.body.map((a) => a.id)).toEqual(['water-heater-descale-tap-aerator']);
    expect((await t.http('GET', '/api/help-articles')).status).toBe(401);
    const tooLong = await t.http<{ code: string; field?: string }>(
      'GET',
      `/api/help-articles?q=${'x'.repeat(101)}`,
      {
        token: customerToken,
      },
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'validation_failed', field: 'q' });
    const missing = await t.http<{ code: string }>('GET', '/api/help-articles/no-such-article', {
      token: customerToken,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('help_article.not_found');
  });
});
