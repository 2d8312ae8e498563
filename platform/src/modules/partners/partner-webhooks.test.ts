/**
 * Fast test: a partner hears of every change of the requests it submitted, through the outbox,
 * as a signed `request_updated` webhook to its URL; other partners and requests stay silent.
 * Real: the platform's modules as composed (the service requests queue that announces the
 * changes included), PGlite, DomainEvents. A recorder stands in for the notifications outbox.
 */
import type { ServiceRequest } from '../../../../contracts/src';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { OutboxPort, type OutboxMessage } from '../notifications/outbox-port';
import { ServiceRequestsService } from '../service-requests/service-requests.service';
import { PartnerWebhooksService } from './partner-webhooks.service';
import { PartnersService } from './partners.service';

describe('webhooks back to partners', () => {
  let h: ServiceHarness;
  const enqueued: OutboxMessage[] = [];
  const outbox: OutboxPort = { enqueue: (message) => Promise.resolve(void enqueued.push(message)) };
  const webhooks = () => enqueued.filter((m) => m.channel === 'webhook');
  const settle = async () => {
    await h.get(ServiceRequestsService).settled();
    await h.get(PartnerWebhooksService).settled();
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({ overrides: [{ provide: OutboxPort, useValue: outbox }] });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('sends the partner each change of its request, with the request, once per state', async () => {
    const partners = h.get(PartnersService);
    const shop = await partners.create({ name: 'Shop', webhookUrl: 'https://shop.example.com/care-hook' });
    const [customer] = await h.db.query<{ id: string; region: string | null }>(
      'SELECT id, region FROM customers ORDER BY id LIMIT 1',
    );
    const device = await h.provision('washer', customer);
    enqueued.length = 0;

    const { request } = await h
      .get(ServiceRequestsService)
      .create(
        { deviceId: device.id, description: 'Leaking from the door', preferredWindows: [] },
        { partner: { partnerId: shop.id, name: shop.name } },
      );
    await settle();

    const sent = webhooks();
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent[0]).toMatchObject({
      kind: 'request_updated',
      channel: 'webhook',
      address: 'https://shop.example.com/care-hook',
      partnerId: shop.id,
      requestId: request.id,
      urgent: true,
      language: 'en',
      idempotencyKey: `request_updated:${request.id}:${request.updatedAt}:${request.status}`,
    });
    const body = JSON.parse(sent[0].body) as { event: string; request: ServiceRequest };
    expect(body.event).toBe('service_request.updated');
    expect(body.request).toMatchObject({ id: request.id, channel: 'partner', partnerId: shop.id });
    // each state of the request is its own message; announcing the same state again is not a new one
    const keys = sent.map((m) => m.idempotencyKey);
    h.events.emit('service_request.changed', body.request);
    await settle();
    expect(webhooks().map((m) => m.idempotencyKey)).toContain(keys[0]);
    expect(new Set(webhooks().map((m) => m.idempotencyKey)).size).toBe(new Set(keys).size);
  });

  it('sends nothing for a partner without a webhook URL, a disabled one, or a request of no partner', async () => {
    const partners = h.get(PartnersService);
    const silent = await partners.create({ name: 'No hook' });
    const gone = await partners.create({ name: 'Gone', webhookUrl: 'https://gone.example.com/hook' });
    await partners.disable(gone.id);
    const base = webhooks()[0];
    const request = (JSON.parse(base.body) as { request: ServiceRequest }).request;
    enqueued.length = 0;
    for (const partnerId of [silent.id, gone.id, null, 'partner-unknown'])
      h.events.emit('service_request.changed', {
        ...request,
        partnerId,
        updatedAt: new Date().toISOString(),
      });
    await settle();
    expect(webhooks()).toEqual([]);
  });
});
