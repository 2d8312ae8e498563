/**
 * Webhook delivery against a real HTTP server on loopback: the POST, its timestamp and its
 * HMAC-SHA256 signature as a partner checks them, and what a refusal leads to.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AppConfig } from '../../common/config/app-config';
import { ManualClock } from '../../common/clock/clock';
import { freePort } from '../../../../tests/support/free-port';
import { DeliveryChannels } from './delivery-channels';
import { WebhookSecrets } from './outbox-port';
import type { OutboxRecord } from './outbox.repository';
import type { RecipientsRepository } from './recipients.repository';

const NOW = Date.UTC(2026, 0, 5, 13);

class Secrets extends WebhookSecrets {
  secretFor(partnerId: string): Promise<string | null> {
    return Promise.resolve(partnerId === 'partner-1' ? 'shh-its-a-secret' : null);
  }
}

describe('webhook delivery', () => {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let status = 200;
  let server: http.Server;
  let url: string;
  const clock = new ManualClock(NOW);
  const config = {
    notifyFrom: 'Care <care@example.com>',
    webPushSubject: 'mailto:care@example.com',
  } as AppConfig;
  // webhooks touch neither the recipients nor the VAPID keys
  const recipients = {} as RecipientsRepository;

  const record = (overrides: Partial<OutboxRecord> = {}): OutboxRecord => ({
    id: 'n-1',
    idempotencyKey: 'k-1',
    kind: 'request_received',
    channel: 'webhook',
    recipientUserId: null,
    customerId: null,
    address: url,
    language: 'en',
    subject: 'Request received',
    body: JSON.stringify({ event: 'request_received', requestId: 'sr-1', number: 'SR-000001' }),
    urgent: false,
    ticketId: null,
    requestId: 'sr-1',
    deviceId: null,
    action: null,
    partnerId: 'partner-1',
    ref: null,
    state: 'pending',
    attempts: 1,
    nextAttemptAtMs: NOW,
    sentAtMs: null,
    lastError: null,
    createdAtMs: NOW,
    readAtMs: null,
    ...overrides,
  });

  beforeAll(async () => {
    const port = await freePort();
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${port}/hooks/care`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the JSON body signed with the partner secret over "<timestamp>.<body>"', async () => {
    const channels = new DeliveryChannels(config, recipients, clock, new Secrets());
    const m = record();
    expect(await channels.deliver(m)).toEqual({ outcome: 'sent' });
    const [hit] = received.splice(0);
    expect(hit.body).toBe(m.body);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-timestamp']).toBe(String(NOW));
    const expected = createHmac('sha256', 'shh-its-a-secret').update(`${NOW}.${m.body}`).digest('hex');
    expect(hit.headers['x-signature']).toBe(`sha256=${expected}`);
  });

  it('tries a refused webhook again later', async () => {
    status = 503;
    const channels = new DeliveryChannels(config, recipients, clock, new Secrets());
    expect(await channels.deliver(record())).toEqual({ outcome: 'retry', error: 'webhook answered 503' });
    expect(received.splice(0)).toHaveLength(1);
    status = 200;
  });

  it('fails clearly without a secret to sign with', async () => {
    const without = new DeliveryChannels(config, recipients, clock);
    expect(await without.deliver(record())).toEqual({
      outcome: 'fail',
      error: expect.stringContaining('webhook secrets are not available') as string,
    });
    const unknown = new DeliveryChannels(config, recipients, clock, new Secrets());
    expect(await unknown.deliver(record({ partnerId: 'partner-2' }))).toEqual({
      outcome: 'fail',
      error: 'partner partner-2 has no webhook secret',
    });
    expect(received).toHaveLength(0);
  });

  it('keeps e-mail in the outbox when no SMTP server is configured', async () => {
    const channels = new DeliveryChannels(config, recipients, clock);
    expect(await channels.deliver(record({ channel: 'email', address: 'someone@example.net' }))).toEqual({
      outcome: 'kept',
      note: expect.stringContaining('SMTP_URL') as string,
    });
  });
});
