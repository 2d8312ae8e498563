/**
 * Service test of the service requests feature. Real: every module composed as in production
 * (AppModule) on an in-memory PGlite with the migrations, the scheduled jobs, DomainEvents.
 * Doubles: the notifications outbox (records what it is given) and the self-triage ports (a
 * triage that answers what the test says, a visit that records its call); a ManualClock.
 */
import type { Triage } from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import type { Customer } from '../customers/customers.repository';
import { DevicesService } from '../devices/devices.service';
import { OutboxPort, type OutboxMessage } from '../notifications/outbox-port';
import { IntakePort, TriagePort, VisitPort, type TriageSubject } from './care-ports';
import { ServiceRequestsService } from './service-requests.service';

const MIN = 60_000;
const HOUR = 60 * MIN;

class FakeOutbox extends OutboxPort {
  readonly sent: OutboxMessage[] = [];
  async enqueue(message: OutboxMessage): Promise<void> {
    if (!this.sent.some((m) => m.idempotencyKey === message.idempotencyKey)) this.sent.push(message);
  }
}

class FakeTriage extends TriagePort {
  answer: Triage['status'] = 'self_fix';
  readonly calls: TriageSubject[] = [];
  async triage(subject: TriageSubject): Promise<Triage> {
    this.calls.push(subject);
    const at = new Date(0).toISOString();
    return {
      status: this.answer,
      startedAt: at,
      finishedAt: at,
      cause: 'drain_clog',
      articleId: null,
      findings: [],
    };
  }
}

class FakeVisit extends VisitPort {
  readonly calls: Array<{ subject: TriageSubject; triage: Triage | null; reason: string }> = [];
  async openVisit(subject: TriageSubject, triage: Triage | null, reason: string): Promise<string> {
    this.calls.push({ subject, triage, reason });
    return `ticket-${this.calls.length}`;
  }
}

describe('service requests', () => {
  let h: ServiceHarness;
  let service: ServiceRequestsService;
  const outbox = new FakeOutbox();
  const triage = new FakeTriage();
  const visit = new FakeVisit();
  let customers: Customer[];
  const principalOf = (c: Customer): Principal => ({
    userId: `user-${c.id}`,
    role: 'customer',
    customerId: c.id,
    technicianId: null,
  });

  beforeAll(async () => {
    h = await ServiceHarness.start({
      overrides: [
        { provide: OutboxPort, useValue: outbox },
        { provide: TriagePort, useValue: triage },
        { provide: VisitPort, useValue: visit },
      ],
    });
    service = h.get(ServiceRequestsService);
    customers = await h.get(CustomersService).list({ limit: 50, offset: 0 });
  });
  afterAll(async () => {
    await h?.close();
  });

  let next = 0;
  /** A customer of the demo world not used by another test, with a new appliance. */
  const fresh = async (tier: 'standard' | 'vip' = 'standard', type: 'washer' | 'dishwasher' = 'washer') => {
    const customer = customers[next++];
    if (customer.tier !== tier) await h.get(CustomersService).update(customer.id, { tier });
    const device = await h.provision(type, customer);
    return { customer, principal: principalOf(customer), device };
  };

  it('classifies a portal request, numbers it and sets its deadline by urgency and tier', async () => {
    const { principal, device } = await fresh();
    const { request, merged } = await service.create(
      { deviceId: device.id, description: 'Smoke from the back!', preferredWindows: [] },
      { principal },
    );
    expect(merged).toBe(false);
    expect(request).toMatchObject({
      channel: 'portal',
      type: 'quality',
      urgency: 'safety',
      department: 'technical_service',
      status: 'received',
      customerId: principal.customerId,
    });
    expect(request.number).toMatch(/^SR-\d{6}$/);
    expect(Date.parse(request.respondBy) - Date.parse(request.createdAt)).toBe(10 * MIN);

    const vip = await fresh('vip');
    const second = await service.create(
      { deviceId: vip.device.id, symptom: 'not_draining', preferredWindows: [] },
      { principal: vip.principal },
    );
    expect(second.request.urgency).toBe('core_function');
    expect(Date.parse(second.request.respondBy) - Date.parse(second.request.createdAt)).toBe(HOUR);
    expect(second.request.number).not.toBe(request.number);
    await service.settled();
  });

  it('merges a second submission within 24 h into the open request, and not after', async () => {
    const { principal, device } = await fresh();
    const first = await service.create(
      {
        deviceId: device.id,
        symptom: 'billing_question',
        description: 'charged twice',
        preferredWindows: [],
      },
      { principal },
    );
    h.clock.advance(23 * HOUR);
    const again = await service.create(
      { deviceId: device.id, description: 'still waiting for the refund', preferredWindows: [] },
      { principal },
    );
    expect(again.merged).toBe(true);
    expect(again.request.id).toBe(first.request.id);
    expect(again.request.mergedCount).toBe(1);
    expect(again.request.messages).toEqual([
      expect.objectContaining({ from: 'customer', text: 'still waiting for the refund' }),
    ]);

    h.clock.advance(2 * HOUR);
    const later = await service.create(
      { deviceId: device.id, description: 'another question about my bill', preferredWindows: [] },
      { principal },
    );
    expect(later.merged).toBe(false);
    expect(later.request.id).not.toBe(first.request.id);
  });

  it('does not merge into a finished request', async () => {
    const { principal, device } = await fresh();
    const first = await service.create(
      { deviceId: device.id, symptom: 'account_help', preferredWindows: [] },
      { principal },
    );
    await service.act(first.request.id, 'cancel', {}, principal);
    const again = await service.create(
      { deviceId: device.id, symptom: 'account_help', preferredWindows: [] },
      { principal },
    );
    expect(again.merged).toBe(false);
  });

  it('warns the escalation contact at 80 % and reports the breach at the deadline, once each', async () => {
    const { principal, device } = await fresh();
    outbox.sent.length = 0;
    const { request } = await service.create(
      { deviceId: device.id, description: 'I need my invoice', preferredWindows: [] },
      { principal },
    );
    expect(request.department).toBe('finance');
    await h.advance(19 * HOUR);
    expect(outbox.sent.filter((m) => m.requestId === request.id)).toEqual([]);
    await h.advance(5 * HOUR);
    const warnings = outbox.sent.filter((m) => m.requestId === request.id && m.kind === 'sla_warning');
    expect(warnings.map((m) => m.channel).sort()).toEqual(['email', 'inbox']);
    expect(warnings[0]).toMatchObject({ urgent: true, recipientUserId: expect.any(String) });
    await h.advance(5 * HOUR);
    const breaches = outbox.sent.filter((m) => m.requestId === request.id && m.kind === 'sla_breach');
    expect(breaches).toHaveLength(2);
    const seen = await service.get(request.id, { principal });
    expect(seen.messages.filter((m) => m.from === 'system').map((m) => m.text)).toEqual([
      expect.stringContaining('deadline close'),
      expect.stringContaining('deadline missed'),
    ]);
  });

  it('stops the response clock at the first staff reply and answers a non-repair request', async () => {
    const { principal, device } = await fresh();
    const { request } = await service.create(
      { deviceId: device.id, symptom: 'billing_question', preferredWindows: [] },
      { principal },
    );
    await expect(service.act(request.id, 'reply', {}, ADMIN)).rejects.toMatchObject({
      code: 'service_request.text_required',
      details: { field: 'text' },
    });
    await expect(service.act(request.id, 'reply', { text: 'hi' }, principal)).rejects.toMatchObject({
      code: 'service_request.role_not_allowed',
      kind: 'forbidden',
    });
    h.clock.advance(MIN);
    const replied = await service.act(request.id, 'reply', { text: 'The refund is on its way.' }, ADMIN);
    expect(replied.status).toBe('answered');
    expect(replied.respondedAt).toBe(new Date(h.clock.now()).toISOString());
    outbox.sent.length = 0;
    await h.advance(25 * HOUR);
    expect(outbox.sent.filter((m) => m.requestId === request.id)).toEqual([]);
    await expect(service.act(request.id, 'solved', {}, principal)).rejects.toMatchObject({
      code: 'service_request.bad_status',
      kind: 'conflict',
    });
  });

  it('triages a quality request about an online appliance and offers self-help on a known fix', async () => {
    const { principal, device } = await fresh('standard', 'dishwasher');
    h.get(DevicesService).setPresence(device.id, true, h.clock.now());
    triage.answer = 'self_fix';
    const changes = h.record('service_request.changed');
    const { request } = await service.create(
      { deviceId: device.id, symptom: 'not_draining', preferredWindows: [] },
      { principal },
    );
    await service.settled();
    changes.stop();
    const statuses = changes.seen.filter((r) => r.id === request.id).map((r) => r.status);
    expect(statuses).toEqual(['received', 'triaging', 'self_help_offered']);
    const offered = await service.get(request.id, { principal });
    expect(offered.triage?.status).toBe('self_fix');
    expect(offered.respondedAt).not.toBeNull();
    expect(offered.ticketId).toBeUndefined();

    // the customer may still insist on a technician
    const insisted = await service.act(request.id, 'visit', {}, principal);
    expect(insisted).toMatchObject({ status: 'ticket_opened', ticketId: expect.any(String) });
    await expect(service.act(request.id, 'cancel', {}, principal)).rejects.toMatchObject({
      code: 'service_request.cancel_the_visit',
    });
  });

  it('opens a visit with the findings when the triage says so, and directly for an offline appliance', async () => {
    const online = await fresh();
    h.get(DevicesService).setPresence(online.device.id, true, h.clock.now());
    triage.answer = 'visit';
    const a = await service.create(
      { deviceId: online.device.id, symptom: 'noisy_spin', preferredWindows: [] },
      { principal: online.principal },
    );
    const offline = await fresh();
    const b = await service.create(
      { deviceId: offline.device.id, symptom: 'not_spinning', preferredWindows: [] },
      { principal: offline.principal },
    );
    await service.settled();
    const first = await service.get(a.request.id, { principal: online.principal });
    expect(first).toMatchObject({ status: 'ticket_opened', ticketId: expect.any(String) });
    expect(visit.calls.find((c) => c.subject.requestId === a.request.id)?.triage?.status).toBe('visit');
    const second = await service.get(b.request.id, { principal: offline.principal });
    expect(second).toMatchObject({ status: 'ticket_opened', ticketId: expect.any(String) });
    expect(triage.calls.map((c) => c.requestId)).toContain(a.request.id);
    expect(triage.calls.map((c) => c.requestId)).not.toContain(b.request.id);
  });

  it('leaves a non-repair request for staff', async () => {
    const { principal, device } = await fresh();
    h.get(DevicesService).setPresence(device.id, true, h.clock.now());
    const { request } = await service.create(
      { deviceId: device.id, symptom: 'installation_needed', preferredWindows: [] },
      { principal },
    );
    await service.settled();
    expect((await service.get(request.id, { principal })).status).toBe('received');
  });

  it('flags an e-mail from an unknown sender for matching, then follows the normal flow once matched', async () => {
    const intake = h.get(IntakePort);
    const { id, number } = await intake.submit({
      channel: 'email',
      customerId: null,
      deviceId: null,
      description: 'My washer is not draining',
      contact: { email: 'stranger@example.net' },
      attachments: [{ name: 'photo.jpg', contentType: 'image/jpeg', content: Buffer.from([1, 2, 3]) }],
    });
    const flagged = await service.get(id, { principal: ADMIN });
    expect(flagged).toMatchObject({ status: 'needs_matching', channel: 'email', number, type: 'quality' });
    expect(flagged.attachments).toEqual([expect.objectContaining({ name: 'photo.jpg', size: 3 })]);

    const { customer, device } = await fresh();
    const other = await fresh();
    await expect(
      service.act(id, 'match', { customerId: customer.id, deviceId: other.device.id }, ADMIN),
    ).rejects.toMatchObject({ code: 'service_request.device_not_customers', details: { field: 'deviceId' } });
    await expect(service.act(id, 'match', { customerId: customer.id }, ADMIN)).rejects.toMatchObject({
      details: { field: 'deviceId' },
    });
    const matched = await service.act(id, 'match', { customerId: customer.id, deviceId: device.id }, ADMIN);
    expect(matched).toMatchObject({ customerId: customer.id, deviceId: device.id });
    await service.settled();
    // offline appliance, quality request: a visit
    expect((await service.get(id, { principal: ADMIN })).status).toBe('ticket_opened');

    expect(
      await intake.appendMessage(number.toLowerCase(), {
        from: 'customer',
        channel: 'email',
        text: 'any news?',
        attachments: [],
      }),
    ).toEqual({ id });
    expect(
      await intake.appendMessage('SR-999999', {
        from: 'customer',
        channel: 'email',
        text: 'x',
        attachments: [],
      }),
    ).toBeNull();
    const after = await service.get(id, { principal: ADMIN });
    expect(after.messages.at(-1)).toMatchObject({ from: 'customer', channel: 'email', text: 'any news?' });
  });

  it("takes a partner's request for any appliance and shows the partner only its own", async () => {
    const { device, customer } = await fresh();
    const partner = { partnerId: 'partner-shop', name: 'Shop' };
    const { request } = await service.create(
      {
        deviceId: device.id,
        description: 'The delivery arrived damaged',
        externalRef: 'ORDER-7',
        preferredWindows: [],
      },
      { partner },
    );
    expect(request).toMatchObject({
      channel: 'partner',
      partnerId: 'partner-shop',
      customerId: customer.id,
      externalRef: 'ORDER-7',
      type: 'logistics',
      department: 'logistics',
    });
    expect((await service.list({ partner }, { limit: 500, offset: 0 })).map((r) => r.id)).toEqual([
      request.id,
    ]);
    await expect(
      service.get(request.id, { partner: { partnerId: 'partner-other', name: 'Other' } }),
    ).rejects.toMatchObject({ code: 'service_request.not_found' });
    const technician: Principal = {
      userId: 'u-t',
      role: 'technician',
      customerId: null,
      technicianId: 't-1',
    };
    await expect(
      service.create(
        { deviceId: device.id, description: 'x', preferredWindows: [] },
        { principal: technician },
      ),
    ).rejects.toMatchObject({ code: 'service_request.role_not_allowed', kind: 'forbidden' });
  });

  it("answers 404 for another customer's request and lists only one's own", async () => {
    const mine = await fresh();
    const theirs = await fresh();
    const { request } = await service.create(
      { deviceId: theirs.device.id, symptom: 'account_help', preferredWindows: [] },
      { principal: theirs.principal },
    );
    await expect(service.get(request.id, { principal: mine.principal })).rejects.toMatchObject({
      code: 'service_request.not_found',
    });
    const listed = await service.list({ principal: mine.principal }, { limit: 500, offset: 0 });
    expect(listed.every((r) => r.customerId === mine.customer.id)).toBe(true);
    const all = await service.list({ principal: ADMIN }, { limit: 500, offset: 0 });
    expect(all.map((r) => r.id)).toContain(request.id);
    expect(Date.parse(all[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(all.at(-1)?.createdAt ?? ''));
  });
});
