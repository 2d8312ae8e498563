import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrProvisionFleet } from './fleet-provisioning';

/** A fake platform API recording the requests it gets. */
function fakeApi() {
  const requests: { url: string; auth?: string; body: unknown }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    const body = init.body ? JSON.parse(init.body as string) : undefined;
    const headers = init.headers as Record<string, string>;
    requests.push({ url, auth: headers.authorization, body });
    if (url.includes('/api/customers'))
      return Response.json([
        { id: 'c-1', region: 'north', name: 'A' },
        { id: 'c-2', region: 'south', name: 'B' },
      ]);
    if (url.endsWith('/api/auth/login'))
      return Response.json({ accessToken: 'tok', role: 'admin', userId: 'u1' });
    return Response.json({ ...body, secret: `secret-of-${body.id}` }, { status: 201 });
  }) as unknown as typeof fetch;
  return { requests, fetchFn };
}

describe('loadOrProvisionFleet', () => {
  it('provisions missing devices through the API, caches them, and reuses the cache', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-')), 'fleet.json');
    const api = fakeApi();
    const options = {
      credentialsFile: file,
      apiUrl: 'http://api.test/',
      email: 'a@b.c',
      password: 'pw',
      fetchFn: api.fetchFn,
    };
    const devices = await loadOrProvisionFleet({ ...options, types: ['washer', 'refrigerator', 'washer'] });
    expect(devices.map((d) => d.type)).toEqual(['washer', 'refrigerator', 'washer']);
    expect(devices[1]).toEqual({
      id: 'sim-refrigerator-00002',
      secret: 'secret-of-sim-refrigerator-00002',
      type: 'refrigerator',
    });
    expect(api.requests[0].url).toBe('http://api.test/api/auth/login');
    expect(api.requests[1].auth).toBe('Bearer tok');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(devices);

    const again = await loadOrProvisionFleet({ ...options, types: ['washer', 'refrigerator'] });
    expect(again).toEqual(devices.slice(0, 2));
    expect(api.requests).toHaveLength(4);
  });

  it("registers new devices to the platform's customers in turn, in their region, when asked", async () => {
    const api = fakeApi();
    const base = { apiUrl: 'http://api.test', email: 'a@b.c', password: 'pw', fetchFn: api.fetchFn };
    await loadOrProvisionFleet({ ...base, types: ['washer', 'washer', 'dishwasher'], assignCustomers: true });
    const created = api.requests.filter((r) => r.url.endsWith('/api/devices')).map((r) => r.body);
    expect(created).toEqual([
      expect.objectContaining({ customerId: 'c-1', region: 'north' }),
      expect.objectContaining({ customerId: 'c-2', region: 'south' }),
      expect.objectContaining({ customerId: 'c-1', region: 'north' }),
    ]);
    // each with its asset record
    for (const body of created)
      expect(body).toEqual(
        expect.objectContaining({
          model: expect.stringMatching(/^(WM|DW)-\d{4}$/),
          installedAt: expect.any(Number),
          warrantyUntil: expect.any(Number),
        }),
      );

    const unowned = fakeApi();
    await loadOrProvisionFleet({ ...base, fetchFn: unowned.fetchFn, types: ['washer'] });
    expect(unowned.requests.some((r) => r.url.includes('/api/customers'))).toBe(false);
    expect(unowned.requests.at(-1)?.body).not.toHaveProperty('customerId');
  });

  it('refuses to guess when the file is short and no API is given', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-')), 'fleet.json');
    writeFileSync(file, JSON.stringify([{ id: 'd1', secret: 's', type: 'washer' }]));
    await expect(
      loadOrProvisionFleet({ credentialsFile: file, types: ['washer', 'washer'] }),
    ).rejects.toThrow('--api');
  });
});
