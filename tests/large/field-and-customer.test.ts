/**
 * Large test: the technician workspace and the customer portal on a phone (390x844), in English and
 * Chinese, on the whole built product. Real: the product (broker, platform, dashboards, a simulated
 * fleet whose 8 appliances all develop a fault 20,000× faster than real time), Debian's Chromium.
 * The simulated field force is off (SIM_FIELD_FORCE=false): the test is the technician. The engineer
 * dispatches a ticket to a chosen technician through the API; the technician takes it from offer to
 * resolution in the browser while its customer follows it live in a second browser.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type {
  Alarm,
  Customer,
  DeviceView,
  Part,
  PartShipment,
  Technician,
  Ticket,
  TicketDetail,
  VanStock,
} from '../../contracts/src';
import {
  DESKTOP,
  PHONE,
  launchChromium,
  mainText,
  newPage,
  screenshot,
  signIn,
  checkPage,
} from '../support/browser';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'field-test-admin-password' };
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const TECHNICIAN_PASSWORD = 'technician-demo-password';
const CUSTOMER_PASSWORD = 'customer-demo-password';
const OPEN: ReadonlySet<string> = new Set(['new', 'acknowledged', 'dispatched', 'reopened']);
const HAN = /[\u4e00-\u9fff]/;

describe('the technician workspace and the customer portal, phone first', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'field-test-'));
  let product: ProductProcess;
  let browser: Browser;
  let engineer: string;

  async function api<T>(method: string, pathname: string, body?: unknown, token = engineer): Promise<T> {
    const res = await fetch(`${product.baseUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function login(email: string, password: string): Promise<string> {
    const res = await fetch(`${product.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  /** An open proactive ticket with a customer, a known fault and a likely part, not one of `except`. */
  function proactiveTicket(except: readonly string[] = []): Promise<Ticket> {
    return waitFor(
      async () => {
        const tickets = await api<Ticket[]>('GET', '/api/tickets?open=true');
        return tickets.find(
          (t) => OPEN.has(t.status) && t.customerId && t.faultMode && t.likelyPart && !except.includes(t.id),
        );
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'an open proactive ticket' },
    );
  }

  beforeAll(async () => {
    product = new ProductProcess({
      DATA_DIR: dataDir,
      SIM_DEVICES: '8',
      SIM_FAULT_RATE: '1',
      SIM_TIME_SCALE: '20000',
      SIM_FIELD_FORCE: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    await product.start();
    browser = await launchChromium();
    engineer = await login(ENGINEER.email, ENGINEER.password);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a technician takes a job from offer to resolution while its customer follows it live, in both languages', async () => {
    // ---- the engineer dispatches a ticket to a chosen technician (API) ----------------------
    const first = await proactiveTicket();
    const device = await api<DeviceView>('GET', `/api/devices/${first.deviceId}`);
    const technicians = await api<Technician[]>('GET', '/api/technicians');
    const tech = technicians.find((t) => t.skills[device.type] && t.email) as Technician;
    expect(tech).toBeDefined();
    await api<Ticket>('POST', `/api/tickets/${first.id}/dispatch`, {
      technicianId: tech.id,
      reason: 'large test: the technician on call for this customer',
    });
    const dispatched = await api<TicketDetail>('GET', `/api/tickets/${first.id}`);
    expect(dispatched).toMatchObject({ status: 'dispatched', assigneeId: tech.id });
    const reservedSku = dispatched.reservations[0]?.sku;
    expect(reservedSku).toEqual(expect.any(String));

    // ---- the technician signs in on a phone and sees the offer -------------------------------
    const techSession = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    const techPage = techSession.page;
    await signIn(techPage, product.baseUrl, tech.email as string, TECHNICIAN_PASSWORD);
    await techPage.getByTestId(`offer-${first.id}`).waitFor();
    await expect(techPage.getByTestId('offer-answer-by').first().textContent()).resolves.toMatch(
      /Answer within/,
    );
    // only their own tickets: every job listed is assigned to them
    const listed = await techPage
      .locator('[data-ticket-id]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket-id')));
    for (const id of listed)
      expect((await api<Ticket>('GET', `/api/tickets/${id}`)).assigneeId).toBe(tech.id);
    const text = await checkPage(techPage, 'technician-jobs-en');
    expect(text).toMatch(/Offers waiting for your answer/);

    // a second offer arrives live, with the sound allowed by a tap first; the technician declines it
    await techPage.getByTestId('enable-alerts').click();
    const second = await proactiveTicket([first.id]);
    await api<Ticket>('POST', `/api/tickets/${second.id}/dispatch`, {
      technicianId: tech.id,
      reason: 'large test: a second job for the same technician',
    });
    const liveOffer = techPage.getByTestId(`offer-${second.id}`);
    await liveOffer.getByTestId('offer-new').waitFor();
    const alerts = techPage.getByTestId('offer-alerts');
    // the tap allowed sound in this tab: the offer beeps
    expect(await alerts.getAttribute('data-sound')).toBe('on');
    await waitFor(async () => Number(await alerts.getAttribute('data-alerts-played')) >= 1, {
      what: 'the offer beep',
    });
    await liveOffer.getByTestId('offer-decline').click();
    await liveOffer.getByTestId('decline-reason').fill('Van is full today');
    await liveOffer.getByTestId('decline-submit').click();
    await liveOffer.waitFor({ state: 'detached' });
    expect((await api<TicketDetail>('GET', `/api/tickets/${second.id}`)).declinedBy).toContain(tech.id);

    // ---- the customer signs in on a phone: the maintenance alert in their words -------------
    const owner = await api<Customer>('GET', `/api/customers/${first.customerId}`);
    const customerSession = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    const customerPage = customerSession.page;
    await signIn(customerPage, product.baseUrl, owner.email as string, CUSTOMER_PASSWORD);
    const alert = customerPage.getByTestId(`maintenance-alert-${first.id}`);
    await alert.waitFor();
    const alertText = (await alert.textContent()) ?? '';
    expect(alertText).toMatch(/^(The|Your|A|Limescale) .+; a technician visit is recommended/);
    expect(alertText).not.toContain(first.title);
    if (first.alarmId) {
      const alarm = await api<Alarm>('GET', `/api/alarms/${first.alarmId}`);
      expect(alertText).not.toContain(alarm.message);
    }
    await expect(customerPage.getByTestId(`health-${first.deviceId}`).textContent()).resolves.toBe(
      'A technician is scheduled',
    );
    await checkPage(customerPage, 'customer-appliances-en');
    await customerPage.getByTestId(`appliance-${first.deviceId}`).getByRole('link').click();
    await customerPage.getByTestId('appliance-health-state').waitFor();
    await checkPage(customerPage, 'customer-appliance-en');
    await customerPage.getByTestId(`repair-${first.id}`).getByRole('link').click();
    await customerPage.getByTestId('repair-timeline').waitFor();
    await expect(customerPage.getByTestId('repair-step-assigned').getAttribute('data-state')).resolves.toBe(
      'current',
    );
    await checkPage(customerPage, 'customer-repair-en');

    // ---- the technician accepts, opens the job and sets off (geolocation refused: by hand) -----
    await techPage.getByTestId(`offer-${first.id}`).getByTestId('offer-accept').click();
    const activeJob = techPage.getByTestId(`job-${first.id}`);
    await activeJob.waitFor();
    await activeJob.getByRole('link').click();
    await techPage.getByTestId('set-off').waitFor();
    await techPage.getByTestId('guidance-steps').waitFor();
    await checkPage(techPage, 'technician-job-en');
    await techPage.getByTestId('set-off-button').click();
    await techPage.getByTestId('location-refused').waitFor();
    const home = owner.location as { lat: number; lon: number };
    // the form first fills in the technician's last known position; type over it once it is there
    await waitFor(async () => (await techPage.getByTestId('manual-lat').inputValue()) !== '' || undefined, {
      what: 'the last known position in the form',
    });
    await techPage.getByTestId('manual-lat').fill(String(home.lat + 0.1));
    await techPage.getByTestId('manual-lon').fill(String(home.lon));
    await expect(techPage.getByTestId('manual-lat').inputValue()).resolves.toBe(String(home.lat + 0.1));
    await techPage.getByTestId('manual-submit').click();
    await techPage.getByTestId('on-the-way').waitFor();
    await expect(techPage.getByTestId('job-status').textContent()).resolves.toContain('On the way');

    // the customer's page, open all along, shows how far and when, live
    const eta = customerPage.getByTestId('repair-eta');
    let etaText = '';
    await waitFor(
      async () => /about 1\d km away, arriving in about/.test((etaText = (await eta.textContent()) ?? '')),
      { what: 'the ETA on the customer page', timeoutMs: 40_000 },
    ).catch(async (error: Error) => {
      await screenshot(customerPage, 'customer-repair-eta-missing');
      const detail = await api<TicketDetail>('GET', `/api/tickets/${first.id}`).catch(() => null);
      throw new Error(
        `${error.message}; the ETA read "${etaText}"; the page: ${(await mainText(customerPage)).slice(0, 600)}; ` +
          `the ticket: ${JSON.stringify({ status: detail?.status, eta: detail?.eta })}`,
      );
    });
    await expect(customerPage.getByTestId('repair-step-onTheWay').getAttribute('data-state')).resolves.toBe(
      'current',
    );
    // the customer knows who is coming
    await expect(customerPage.getByTestId('repair-technician-name').textContent()).resolves.toContain(
      tech.name,
    );
    await checkPage(customerPage, 'customer-repair-enroute-en');

    // once the browser allows it, the position is shared from the phone's location
    await techSession.context.grantPermissions(['geolocation'], { origin: product.baseUrl });
    await techSession.context.setGeolocation({ latitude: home.lat + 0.05, longitude: home.lon });
    await techPage.getByTestId('share-location').click();
    await waitFor(
      async () => (await techPage.getByTestId('location-sharing').getAttribute('data-state')) === 'sharing',
      {
        what: 'location sharing to start',
      },
    );
    await waitFor(async () => /about 5(\.\d)? km away/.test((await eta.textContent()) ?? ''), {
      what: 'the ETA to follow the shared position',
    });

    // a position sent by hand moves the technician closer on the customer's page
    await techPage.getByTestId('manual-location-toggle').click(); // folded away while sharing
    const byHand = techPage.getByTestId('manual-location');
    await waitFor(async () => (await byHand.getByTestId('manual-lat').inputValue()) !== '' || undefined, {
      what: 'the last known position in the form',
    });
    await techPage
      .getByTestId('manual-location')
      .getByTestId('manual-lat')
      .fill(String(home.lat + 0.02));
    await techPage.getByTestId('manual-location').getByTestId('manual-lon').fill(String(home.lon));
    await techPage.getByTestId('manual-location').getByTestId('manual-submit').click();
    await techPage.getByTestId('location-last-sent').waitFor();
    await waitFor(async () => /about 2(\.\d)? km away/.test((await eta.textContent()) ?? ''), {
      what: 'the ETA to follow the new position',
    });
    await checkPage(techPage, 'technician-job-enroute-en');

    // ---- on site: guidance, self test ----------------------------------------------------------
    await techPage.getByTestId('arrive').click();
    await techPage.getByTestId('resolve-form').waitFor();
    await expect(techPage.getByTestId('guidance-checks').textContent()).resolves.toMatch(
      /normal range in the live readings/,
    );
    await expect(techPage.getByTestId('guidance-safety').textContent()).resolves.toMatch(
      /Isolate mains power/,
    );
    await techPage.getByTestId('expected-readings').waitFor();
    await techPage.getByTestId('job-live-readings').waitFor();
    await techPage.getByTestId('self-test-run').click();
    const selfTest = techPage.getByTestId('self-test-result');
    await selfTest.waitFor({ timeout: 30_000 });
    await expect(selfTest.textContent()).resolves.toMatch(/All components passed|components? failed/);
    await checkPage(techPage, 'technician-job-onsite-en');
    await techPage.setViewportSize(DESKTOP);
    await screenshot(techPage, 'technician-job-onsite-desktop-en');
    await techPage.setViewportSize(PHONE);

    // the same job in Chinese: a zh-CN browser opens in Chinese
    const techZh = await newPage(browser, { viewport: PHONE, locale: 'zh-CN' });
    await signIn(techZh.page, product.baseUrl, tech.email as string, TECHNICIAN_PASSWORD);
    await techZh.page.getByTestId(`job-${first.id}`).waitFor();
    const jobsZh = await checkPage(techZh.page, 'technician-jobs-zh');
    expect(jobsZh).toContain('进行中的工单');
    await techZh.page.getByTestId(`job-${first.id}`).getByRole('link').click();
    await techZh.page.getByTestId('guidance-checks').waitFor();
    const jobZh = await checkPage(techZh.page, 'technician-job-zh');
    expect(jobZh).toContain('远程维修指导');
    expect(jobZh).toContain('打开家电前先切断电源');
    expect(jobZh).not.toMatch(/Isolate mains|Run self test|Root cause/);
    await techZh.context.close();

    // ---- a part is missing for a while: the job waits, the customer is told ----------------------
    await techPage.getByTestId('wait-for-parts').click();
    await techPage.getByTestId('wait-reason').fill('Gasket kit missing from the van');
    await techPage.getByTestId('wait-submit').click();
    await techPage.getByTestId('parts-arrived').waitFor();
    await waitFor(
      async () => (await customerPage.getByTestId('repair-status').textContent()) === 'Waiting for a part',
      {
        what: 'the customer to see the wait for a part',
      },
    );
    await techPage.getByTestId('parts-arrived').click();
    await techPage.getByTestId('resolve-form').waitFor();

    // ---- resolve with the reserved part ---------------------------------------------------------
    await techPage.getByTestId('root-cause').fill('Worn part replaced; test cycle normal');
    await techPage.getByTestId(`part-used-${reservedSku}`).check();
    await techPage.getByTestId('resolve-submit').click();
    await techPage.getByTestId('resolution').waitFor();
    const resolved = await api<TicketDetail>('GET', `/api/tickets/${first.id}`);
    expect(resolved.status).toBe('resolved');
    expect(resolved.consumptions.map((c) => c.sku)).toContain(reservedSku);
    await checkPage(techPage, 'technician-job-resolved-en');

    // the customer sees the repair done, live
    await waitFor(
      async () => (await customerPage.getByTestId('repair-status').textContent()) === 'Repaired',
      {
        what: 'the repair to show as repaired',
      },
    );
    await expect(customerPage.getByTestId('repair-step-repaired').getAttribute('data-state')).resolves.toBe(
      'current',
    );
    await customerPage.getByTestId('reopen').waitFor();
    await checkPage(customerPage, 'customer-repair-done-en');
    await customerPage.goto(`${product.baseUrl}/#/repairs`);
    await customerPage.getByTestId(`repair-${first.id}`).waitFor();
    await customerPage.getByTestId('service-requests').waitFor();
    await checkPage(customerPage, 'customer-repairs-en');
    await customerPage.setViewportSize(DESKTOP);
    await screenshot(customerPage, 'customer-repairs-desktop-en');

    // ---- the customer's pages in Chinese -----------------------------------------------------------
    const customerZh = await newPage(browser, { viewport: PHONE, locale: 'zh-CN' });
    await signIn(customerZh.page, product.baseUrl, owner.email as string, CUSTOMER_PASSWORD);
    await customerZh.page.getByTestId(`appliance-${first.deviceId}`).waitFor();
    const appliancesZh = await checkPage(customerZh.page, 'customer-appliances-zh');
    expect(appliancesZh).toContain('我的家电');
    await customerZh.page.goto(`${product.baseUrl}/#/repairs/${first.id}`);
    await customerZh.page.getByTestId('repair-timeline').waitFor();
    const repairZh = await checkPage(customerZh.page, 'customer-repair-zh');
    expect(repairZh).toContain('已修复');
    expect(repairZh).not.toMatch(/Repaired|Progress|Your technician/);
    expect(HAN.test(repairZh)).toBe(true);

    // ---- nobody else's data --------------------------------------------------------------------------
    const others = await api<Ticket[]>('GET', '/api/tickets');
    const foreign = others.find((t) => t.customerId && t.customerId !== first.customerId);
    if (foreign) {
      await customerPage.goto(`${product.baseUrl}/#/repairs/${foreign.id}`);
      await expect(customerPage.getByTestId('error').textContent()).resolves.toMatch(/not yours to see/);
    }
    const notTheirs = others.find((t) => t.assigneeId !== tech.id);
    if (notTheirs) {
      await techPage.goto(`${product.baseUrl}/#/jobs/${notTheirs.id}`);
      await expect(techPage.getByTestId('error').textContent()).resolves.toMatch(/not yours to see/);
    }
    expect(foreign ?? notTheirs).toBeDefined();

    await customerZh.context.close();
    await customerSession.context.close();
    await techSession.context.close();
  }, 150_000);

  it('a part not on the van: the parts desk ships it and marks it arrived, the technician picks it up', async () => {
    // a job whose likely part is not on the chosen technician's van: the warehouse ships it (API flow)
    const parts = await api<Part[]>('GET', '/api/parts');
    const technicians = (await api<Technician[]>('GET', '/api/technicians')).filter((t) => t.email);
    const vans = new Map<string, VanStock>();
    const vanOf = async (id: string): Promise<VanStock> => {
      const known = vans.get(id);
      if (known) return known;
      const van = await api<VanStock>('GET', `/api/technicians/${id}/van`);
      vans.set(id, van);
      return van;
    };
    const tried = new Set<string>();
    // The technician accepts the job first, so nothing dispatches it again, and the shipment must
    // still be waiting after that: a job offered elsewhere meanwhile is passed over.
    const held = async (sent: PartShipment, owner: Technician) => {
      const job = await api<TicketDetail>('GET', `/api/tickets/${sent.ticketId}`);
      if (job.offer && job.offer.acceptedAtMs === null) {
        const token = await login(owner.email as string, TECHNICIAN_PASSWORD);
        const accepted = await api<Ticket>('POST', `/api/tickets/${sent.ticketId}/accept`, undefined, token)
          .then(() => true)
          .catch(() => false);
        if (!accepted) return undefined;
      }
      const now = await api<PartShipment[]>('GET', `/api/parts/shipments?ticketId=${sent.ticketId}`);
      const still = now.find((s) => s.id === sent.id && s.state === 'requested');
      return still ? { shipment: still, tech: owner } : undefined;
    };
    const { shipment, tech } = await waitFor(
      async () => {
        // one the dispatcher already asked a warehouse for, else one dispatched here
        const waiting = await api<PartShipment[]>('GET', '/api/parts/shipments?state=requested');
        for (const sent of waiting) {
          const owner = technicians.find((t) => t.id === sent.technicianId);
          if (!owner || tried.has(sent.id)) continue;
          tried.add(sent.id);
          const found = await held(sent, owner);
          if (found) return found;
        }
        const tickets = await api<Ticket[]>('GET', '/api/tickets?open=true');
        for (const ticket of tickets) {
          if (tried.has(ticket.id) || !OPEN.has(ticket.status) || !ticket.likelyPart || !ticket.customerId)
            continue;
          const device = await api<DeviceView>('GET', `/api/devices/${ticket.deviceId}`);
          const sku = parts.find((p) => p.applianceType === device.type && p.part === ticket.likelyPart)?.sku;
          if (!sku) continue;
          for (const candidate of technicians.filter((t) => t.skills[device.type])) {
            const onVan = (await vanOf(candidate.id)).items.find((i) => i.sku === sku)?.available ?? 0;
            if (onVan > 0) continue;
            tried.add(ticket.id);
            const dispatched = await api<Ticket>('POST', `/api/tickets/${ticket.id}/dispatch`, {
              technicianId: candidate.id,
              reason: 'large test: a part that is not on the van',
            }).catch(() => null);
            if (!dispatched) break;
            const sent = (
              await api<PartShipment[]>('GET', `/api/parts/shipments?ticketId=${ticket.id}`)
            ).find((s) => s.state === 'requested' && s.technicianId === candidate.id);
            const found = sent && (await held(sent, candidate));
            if (found) return found;
            break;
          }
        }
        return undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'a dispatched job whose part a warehouse ships' },
    );
    expect(shipment).toMatchObject({ state: 'requested', technicianId: tech.id });

    // ---- the engineer's parts desk: ship it with a carrier, then mark it arrived ----------------
    // the desk's browser lives a day and an hour later: the part is late, not shipped after 24 hours
    const desk = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    await desk.page.clock.setFixedTime(Date.now() + 25 * 3_600_000);
    await signIn(desk.page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await desk.page.goto(`${product.baseUrl}/#/parts`);
    const row = desk.page.locator(`[data-testid="shipment-row"][data-shipment-id="${shipment.id}"]`);
    // "to ship" is the desk's first view
    await row.waitFor().catch(async (error: Error) => {
      const now = await api<PartShipment[]>('GET', `/api/parts/shipments?ticketId=${shipment.ticketId}`);
      const job = await api<TicketDetail>('GET', `/api/tickets/${shipment.ticketId}`);
      throw new Error(
        `${error.message}\nthe job's shipments now: ${JSON.stringify(now)}\nthe job: ${JSON.stringify(job)}`,
      );
    });
    expect(await row.getAttribute('data-late')).toBe('true');
    await expect(row.getByTestId('shipment-late').textContent()).resolves.toMatch(/^Late/);
    await expect(desk.page.getByTestId('shipments-summary').textContent()).resolves.toMatch(
      /not shipped for more than 24 hours/,
    );
    await desk.page.getByTestId('shipments-filter').selectOption('all');
    await row.getByTestId('shipment-ship').click();
    await desk.page.getByTestId('shipment-carrier').fill('SF Express');
    await desk.page.getByTestId('shipment-tracking').fill('SF1234567890');
    await checkPage(desk.page, 'parts-shipments-desk');
    await desk.page.getByTestId('shipment-ship-confirm').click();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'shipped', { what: 'shipped' });
    await expect(row.textContent()).resolves.toContain('SF Express · SF1234567890');
    expect(await row.getAttribute('data-late')).toBeNull();
    await row.getByTestId('shipment-arrived').click();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'arrived', { what: 'arrived' });
    await expect(row.textContent()).resolves.toContain('At the pickup point');

    // ---- the technician sees it waiting at the pickup point and picks it up ----------------------
    const field = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    await signIn(field.page, product.baseUrl, tech.email as string, TECHNICIAN_PASSWORD);
    await field.page.goto(`${product.baseUrl}/#/jobs/${shipment.ticketId}`);
    const onJob = field.page.getByTestId('job-shipments').getByTestId('job-shipment');
    await onJob.waitFor();
    expect(await onJob.getAttribute('data-state')).toBe('arrived');
    await expect(onJob.textContent()).resolves.toMatch(/Arrived at the pickup point/);
    await field.page.getByTestId('job-shipments').scrollIntoViewIfNeeded();
    await checkPage(field.page, 'job-shipments-phone');
    await onJob.getByTestId('job-shipment-pick-up').click();
    await waitFor(async () => (await onJob.getAttribute('data-state')) === 'picked_up', {
      what: 'picked up',
    });
    await expect(onJob.textContent()).resolves.toMatch(/Picked up/);

    // the desk, open all along, shows it picked up, live
    await waitFor(async () => (await row.getAttribute('data-state')) === 'picked_up', {
      what: 'the desk to show the part picked up',
    });
    await expect(row.textContent()).resolves.toContain('Picked up');

    // both in Chinese
    await field.page.getByTestId('language').selectOption('zh-CN');
    await expect(onJob.textContent()).resolves.toMatch(/已领取/);
    await screenshot(field.page, 'job-shipments-phone-zh');
    await desk.page.getByTestId('language').selectOption('zh-CN');
    await expect(row.textContent()).resolves.toContain('已领取');
    const deskZh = await checkPage(desk.page, 'parts-shipments-desk-zh');
    expect(deskZh).toContain('发往服务工程师的备件');
    expect(deskZh).not.toMatch(/Picked up|To ship|Carrier/);
    await field.context.close();
    await desk.context.close();
  }, 90_000);
});
