/**
 * Fast test: a partner's call is accepted only with its current key, a signature over the exact
 * bytes sent and a timestamp within 5 minutes; each refusal is a 401 with its reason, counted.
 * Real: the partners module as composed in the platform, PGlite with the migrations, the
 * Prometheus registry; the clock is a ManualClock; requests are plain objects like Express's.
 */
import type { Request } from 'express';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { AppError } from '../../common/errors/app-error';
import { PartnerAuthenticator } from '../auth/partner-auth.port';
import { MetricsService } from '../health/metrics.service';
import { WebhookSecrets } from '../notifications/outbox-port';
import { partnerHeaders, signPartnerRequest } from './partner-signature';
import { PartnersService, type CreatedPartner } from './partners.service';

type PartnerRequest = Request & { rawBody?: Buffer };

describe('partner authentication', () => {
  let h: ServiceHarness;
  let partners: PartnersService;
  let authenticator: PartnerAuthenticator;
  let shop: CreatedPartner;

  const call = (headers: Record<string, string>, body?: string): PartnerRequest =>
    ({ headers, rawBody: body === undefined ? undefined : Buffer.from(body) }) as unknown as PartnerRequest;

  const signed = (
    partner: { apiKey: string; webhookSecret: string },
    body?: string,
    timestampMs = h.clock.now(),
  ) =>
    call(partnerHeaders({ apiKey: partner.apiKey, secret: partner.webhookSecret, body, timestampMs }), body);

  /** The refusal's code, and the count of its reason in /metrics before and after. */
  const refusal = async (request: PartnerRequest) => {
    const error = await authenticator.verify(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof AppError)) throw new Error(`expected a refusal, got ${String(error)}`);
    return { code: error.code, kind: error.kind };
  };

  const failures = async (reason: string): Promise<number> => {
    const text = await h.get(MetricsService).registry.metrics();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`partner_auth_failures_total{reason="${reason}"} `));
    return line ? Number(line.split(' ')[1]) : NaN;
  };

  beforeAll(async () => {
    h = await ServiceHarness.start();
    partners = h.get(PartnersService);
    authenticator = h.get(PartnerAuthenticator);
    shop = await partners.create({ name: 'Shop', webhookUrl: 'https://shop.example.com/hooks/care' });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('accepts a correctly signed call, with a body or without (a GET)', async () => {
    const body = JSON.stringify({ deviceId: 'dev-1', description: 'leaking' });
    await expect(authenticator.verify(signed(shop, body))).resolves.toEqual({
      partnerId: shop.id,
      name: 'Shop',
    });
    await expect(authenticator.verify(signed(shop))).resolves.toEqual({ partnerId: shop.id, name: 'Shop' });
    // the clock may be up to 5 minutes either side of the partner's
    await expect(authenticator.verify(signed(shop, body, h.clock.now() - 5 * 60_000))).resolves.toBeDefined();
    await expect(authenticator.verify(signed(shop, body, h.clock.now() + 5 * 60_000))).resolves.toBeDefined();
  });

  it('refuses a bad signature: a changed body, another secret, a missing header', async () => {
    const before = await failures('bad_signature');
    const request = signed(shop, '{"description":"leaking"}');
    request.rawBody = Buffer.from('{"description":"leaking!"}');
    expect(await refusal(request)).toEqual({ code: 'partner.bad_signature', kind: 'unauthenticated' });
    expect(await refusal(signed({ ...shop, webhookSecret: 'whsec_guess' }, '{}'))).toMatchObject({
      code: 'partner.bad_signature',
    });
    const { 'x-signature': _dropped, ...unsigned } = partnerHeaders({
      apiKey: shop.apiKey,
      secret: shop.webhookSecret,
      timestampMs: h.clock.now(),
    });
    expect(await refusal(call(unsigned))).toMatchObject({ code: 'partner.bad_signature' });
    expect(await failures('bad_signature')).toBe(before + 3);
  });

  it('refuses a stale or missing timestamp, even correctly signed', async () => {
    const before = await failures('stale_timestamp');
    expect(await refusal(signed(shop, '{}', h.clock.now() - 5 * 60_000 - 1))).toMatchObject({
      code: 'partner.stale_timestamp',
    });
    expect(await refusal(signed(shop, '{}', h.clock.now() + 6 * 60_000))).toMatchObject({
      code: 'partner.stale_timestamp',
    });
    // signed, but not a time in epoch ms
    const noTime = call(
      {
        'x-api-key': shop.apiKey,
        'x-timestamp': 'yesterday',
        'x-signature': signPartnerRequest(shop.webhookSecret, 'yesterday', '{}'),
      },
      '{}',
    );
    expect(await refusal(noTime)).toMatchObject({ code: 'partner.stale_timestamp' });
    expect(await failures('stale_timestamp')).toBe(before + 3);
  });

  it('refuses an unknown or malformed key', async () => {
    const before = await failures('unknown_key');
    const forged = `${shop.apiKey.slice(0, -4)}AAAA`;
    expect(await refusal(signed({ ...shop, apiKey: forged }, '{}'))).toMatchObject({
      code: 'partner.unknown_key',
    });
    expect(await refusal(signed({ ...shop, apiKey: 'not-a-key' }, '{}'))).toMatchObject({
      code: 'partner.unknown_key',
    });
    expect(await refusal(call({}))).toMatchObject({ code: 'partner.unknown_key' });
    expect(await failures('unknown_key')).toBe(before + 3);
  });

  it('refuses the old key once rotated, and accepts the new one', async () => {
    const partner = await partners.create({ name: 'Call centre' });
    const rotated = await partners.rotate(partner.id);
    expect(rotated.apiKey).not.toBe(partner.apiKey);
    expect(rotated.webhookSecret).not.toBe(partner.webhookSecret);
    expect(await refusal(signed(partner, '{}'))).toMatchObject({ code: 'partner.unknown_key' });
    // the new key with the old secret is not enough
    expect(await refusal(signed({ ...rotated, webhookSecret: partner.webhookSecret }, '{}'))).toMatchObject({
      code: 'partner.bad_signature',
    });
    await expect(authenticator.verify(signed(rotated, '{}'))).resolves.toMatchObject({
      partnerId: partner.id,
    });
  });

  it('refuses a disabled partner, and stops signing its webhooks', async () => {
    const partner = await partners.create({ name: 'Chat bot', webhookUrl: 'http://127.0.0.1:9/hook' });
    const secrets = h.get(WebhookSecrets);
    expect(await secrets.secretFor(partner.id)).toBe(partner.webhookSecret);
    const before = await failures('disabled');
    const disabled = await partners.disable(partner.id);
    expect(disabled).toMatchObject({ id: partner.id, disabled: true });
    expect(await refusal(signed(partner, '{}'))).toEqual({
      code: 'partner.disabled',
      kind: 'unauthenticated',
    });
    expect(await failures('disabled')).toBe(before + 1);
    expect(await secrets.secretFor(partner.id)).toBeNull();
    expect(await secrets.secretFor('partner-unknown')).toBeNull();
  });

  it('lists partners without their key or secret', async () => {
    const listed = await partners.list();
    expect(listed.map((p) => p.name)).toEqual(expect.arrayContaining(['Shop', 'Call centre', 'Chat bot']));
    const text = JSON.stringify(listed);
    expect(text).not.toContain(shop.apiKey);
    expect(text).not.toContain(shop.webhookSecret);
    expect(listed.find((p) => p.id === shop.id)).toEqual({
      id: shop.id,
      name: 'Shop',
      webhookUrl: 'https://shop.example.com/hooks/care',
      createdAt: new Date(h.clock.now()).toISOString(),
      disabled: false,
    });
  });

  it('stores the API key only as its hash', async () => {
    const rows = await h.db.query<Record<string, unknown>>('SELECT * FROM partners WHERE id = $1', [shop.id]);
    expect(JSON.stringify(rows)).not.toContain(shop.apiKey);
  });

  it('refuses a webhook URL that is not http or https, and an unknown partner', async () => {
    await expect(partners.create({ name: 'Bad', webhookUrl: 'ftp://example.com/x' })).rejects.toMatchObject({
      code: 'partner.webhook_url_invalid',
      details: { field: 'webhookUrl' },
    });
    await expect(partners.disable('partner-nope')).rejects.toMatchObject({ code: 'partner.not_found' });
    await expect(partners.rotate('partner-nope')).rejects.toMatchObject({ code: 'partner.not_found' });
  });
});
