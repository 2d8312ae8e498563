/**
 * Medium test of MQTT over TLS, HTTPS and device credentials. Real: the platform (Nest over HTTP
 * and HTTPS, the Aedes gateway with its MQTTS listener, PGlite under a temp DATA_DIR), the
 * platform CA's real X.509 certificates, a second CA made here, MQTT.js device clients over TLS.
 */
import { request as httpsRequest } from 'node:https';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import type {
  CreatedDevice,
  DeviceCertificateView,
  IssuedCertificate,
  RotatedSecret,
} from '../../contracts/src';
import { loadOrProvisionFleet } from '../../firmware-sim/src/fleet-provisioning';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { createCa, issueDeviceCertificate, loadCa } from '../../platform/src/modules/devices/platform-ca';
import { waitFor } from '../support/free-port';
import { ADMIN, startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';

describe('MQTT over TLS and device credentials', () => {
  let t: TestPlatform;
  let token: string;
  let caPem: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestPlatform({ MQTTS_PORT: '0', HTTPS_PORT: '0' });
    token = await t.login();
    const ca = await t.http<{ certificate: string }>('GET', '/api/devices/ca-certificate', { token });
    expect(ca.status).toBe(200);
    caPem = ca.body.certificate;
  });

  afterAll(async () => {
    for (const client of clients) await client.endAsync(true);
    await t.stop();
  });

  const mqttsUrl = () => `mqtts://127.0.0.1:${t.platform.mqttsPort}`;

  async function connectTls(username: string, options: IClientOptions = {}): Promise<MqttClient> {
    const client = await mqtt.connectAsync(mqttsUrl(), {
      protocolVersion: 4,
      username,
      clientId: `${username}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0,
      ca: caPem,
      ...options,
    });
    clients.push(client);
    return client;
  }

  /** Resolves with the CONNACK refusal, or fails the test if the broker lets the client in. */
  async function refused(username: string, options: IClientOptions): Promise<string> {
    try {
      const client = await connectTls(username, options);
      await client.endAsync(true);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${username} was let in`);
  }

  async function storedValues(deviceId: string, since: number): Promise<number[]> {
    await t.platform.settle();
    const series = await t.http<Array<{ value: number }>>(
      'GET',
      `/api/devices/${deviceId}/telemetry?metric=drumRpm&from=${since}&to=${Date.now() + 1000}`,
      { token },
    );
    return series.body.map((point) => point.value);
  }

  it('takes a device with its secret over MQTTS and stores its telemetry', async () => {
    const washer = await t.provision(token, { type: 'washer' });
    const since = Date.now() - 1000;
    const client = await connectTls(washer.id, { password: washer.secret });
    await client.publishAsync(`devices/${washer.id}/telemetry`, telemetry(1, { drumRpm: 810 }), { qos: 1 });
    expect(await storedValues(washer.id, since)).toEqual([810]);
    expect(await refused(washer.id, { password: 'not-the-secret' })).toMatch(/Bad username or password/i);
  });

  it('provisions a device with a certificate that connects without a password', async () => {
    const washer = await t.provision(token, { type: 'washer', credential: 'certificate' });
    expect(washer.secret).toEqual(expect.any(String));
    expect(washer.caCertificate).toBe(caPem);
    const since = Date.now() - 1000;
    const client = await connectTls(washer.id, { cert: washer.certificate, key: washer.privateKey });
    await client.publishAsync(`devices/${washer.id}/telemetry`, telemetry(1, { drumRpm: 820 }), { qos: 1 });
    expect(await storedValues(washer.id, since)).toEqual([820]);
    const list = await t.http<DeviceCertificateView[]>('GET', `/api/devices/${washer.id}/certificates`, {
      token,
    });
    expect(list.body).toEqual([
      expect.objectContaining({ deviceId: washer.id, status: 'active', revokedAt: null }),
    ]);
  });

  it("refuses a certificate from another CA, and device A's certificate under B's name", async () => {
    const a = await t.provision(token, { type: 'washer', credential: 'certificate' });
    const b = await t.provision(token, { type: 'washer' });
    const otherCa = await loadCa(await createCa(Date.now(), 'Somebody else'));
    const forged = await issueDeviceCertificate(otherCa, a.id, Date.now());
    expect(await refused(a.id, { cert: forged.certificatePem, key: forged.privateKeyPem })).toMatch(
      /Not authorized/i,
    );
    // a certificate that does not pass is not replaced by the password
    expect(await refused(b.id, { cert: a.certificate, key: a.privateKey, password: b.secret })).toMatch(
      /Not authorized/i,
    );
    expect(await refused(b.id, { cert: a.certificate, key: a.privateKey })).toMatch(/Not authorized/i);
  });

  it('revokes a certificate: the live session drops and the next connect is refused', async () => {
    const fridge = await t.provision(token, { type: 'refrigerator' });
    const issued = await t.http<IssuedCertificate>('POST', `/api/devices/${fridge.id}/certificates`, {
      token,
      body: {},
    });
    expect(issued.status).toBe(201);
    expect(issued.body.privateKey).toMatch(/BEGIN PRIVATE KEY/);
    const tls = { cert: issued.body.certificate, key: issued.body.privateKey };
    const client = await connectTls(fridge.id, tls);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

    const revoked = await t.http<DeviceCertificateView>(
      'POST',
      `/api/devices/${fridge.id}/certificates/${issued.body.serial}/revoke`,
      { token },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ serial: issued.body.serial, status: 'revoked' });
    await closed;
    expect(await refused(fridge.id, tls)).toMatch(/Not authorized/i);
    // the device's secret still works
    await connectTls(fridge.id, { password: fridge.secret });

    const unknown = await t.http<{ code: string }>(
      'POST',
      `/api/devices/${fridge.id}/certificates/ABC123/revoke`,
      {
        token,
      },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('device.certificate_not_found');
  });

  it('refuses a certificate of the platform CA once it has expired', async () => {
    const washer = await t.provision(token, { type: 'washer' });
    const [material] = await t.platform.core.db.query<{ certificate_pem: string; private_key_pem: string }>(
      'SELECT certificate_pem, private_key_pem FROM platform_ca',
    );
    const ca = await loadCa({
      certificatePem: material.certificate_pem,
      privateKeyPem: material.private_key_pem,
    });
    const issuedAt = Date.now() - 400 * 24 * 3_600_000;
    const expired = await issueDeviceCertificate(ca, washer.id, issuedAt);
    await t.platform.core.db.query(
      `INSERT INTO device_certificates (serial, device_id, fingerprint256, issued_at, not_after, revoked_at)
       VALUES ($1, $2, $3, $4, $5, NULL)`,
      [expired.serial, washer.id, expired.fingerprint256, issuedAt, expired.notAfter],
    );
    const list = await t.http<DeviceCertificateView[]>('GET', `/api/devices/${washer.id}/certificates`, {
      token,
    });
    expect(list.body.map((c) => c.status)).toEqual(['expired']);
    expect(await refused(washer.id, { cert: expired.certificatePem, key: expired.privateKeyPem })).toMatch(
      /Not authorized/i,
    );
  });

  it("signs a device's CSR only when its CN is the device id", async () => {
    const heater = await t.provision(token, { type: 'water_heater' });
    const wrong = await t.http<{ code: string; field: string }>(
      'POST',
      `/api/devices/${heater.id}/certificates`,
      {
        token,
        body: { csr: 'not a csr' },
      },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'device.csr_invalid', field: 'csr' });
  });

  it('serves HTTPS, Socket.IO and MQTT over WebSocket with the same certificate, trusted through the platform CA', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: t.platform.httpsPort, path: '/health', ca: caPem },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });

    const socket = io(`https://127.0.0.1:${t.platform.httpsPort}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      ca: caPem,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    } finally {
      socket.disconnect();
    }

    const washer = await t.provision(token, { type: 'washer' });
    const overWss = await mqtt.connectAsync(`wss://127.0.0.1:${t.platform.httpsPort}/mqtt`, {
      protocolVersion: 4,
      username: washer.id,
      password: washer.secret,
      reconnectPeriod: 0,
      ca: caPem,
    });
    clients.push(overWss);
    expect(overWss.connected).toBe(true);
  });

  it('rotates a secret without downtime: both work until the new one is used', async () => {
    const washer: CreatedDevice = await t.provision(token, { type: 'washer' });
    const online = await connectTls(washer.id, { password: washer.secret });
    await online.subscribeAsync(`devices/${washer.id}/commands`, { qos: 1 });
    await waitFor(
      async () =>
        (await t.http<{ online: boolean }>('GET', `/api/devices/${washer.id}`, { token })).body.online,
    );
    const command = new Promise<{ name: string; args: { secret: string } }>((resolve) =>
      online.once('message', (_topic, payload) => resolve(JSON.parse(payload.toString()))),
    );

    const rotated = await t.http<RotatedSecret>('POST', `/api/devices/${washer.id}/secret/rotate`, {
      token,
      body: {},
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(washer.secret);
    expect(rotated.body.previousValidUntil).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    expect(rotated.body.sentToDevice).toBe(true);
    expect(await command).toMatchObject({ name: 'set_secret', args: { secret: rotated.body.secret } });

    const old = await connectTls(washer.id, { password: washer.secret });
    await old.endAsync(true);
    const fresh = await connectTls(washer.id, { password: rotated.body.secret });
    await fresh.endAsync(true);
    expect(await refused(washer.id, { password: washer.secret })).toMatch(/Bad username or password/i);
    await (await connectTls(washer.id, { password: rotated.body.secret })).endAsync(true);

    const bad = await t.http<{ field: string }>('POST', `/api/devices/${washer.id}/secret/rotate`, {
      token,
      body: { graceMs: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('graceMs');
  });

  it('runs a simulated fleet over MQTTS with certificates, and hands a rotated secret to a simulated device', async () => {
    const certified = await loadOrProvisionFleet({
      types: ['washer', 'refrigerator'],
      apiUrl: t.baseUrl,
      email: ADMIN.email,
      password: ADMIN.password,
      credential: 'certificate',
    });
    expect(certified.every((device) => device.certificate && device.privateKey)).toBe(true);
    const plain = await t.provision(token, { type: 'dishwasher' });
    const simulator = new FleetSimulator({
      brokerUrl: mqttsUrl(),
      devices: [...certified, { id: plain.id, secret: plain.secret, type: 'dishwasher' }],
      caCertificate: caPem,
      faultRate: 0,
      reportIntervalMs: 500,
      reconnectPeriodMs: 100,
    });
    try {
      await simulator.start();
      await waitFor(() => simulator.stats().connected === 3, { what: 'the fleet connected over MQTTS' });
      const isOnline = async (id: string) =>
        (await t.http<{ online: boolean }>('GET', `/api/devices/${id}`, { token })).body.online;
      await waitFor(() => isOnline(plain.id), { what: 'the secret device online' });

      // The certificate devices were let in by their certificate: once it is revoked they stay out.
      const [washer] = certified;
      const [certificate] = (
        await t.http<DeviceCertificateView[]>('GET', `/api/devices/${washer.id}/certificates`, { token })
      ).body;
      const refusalsBefore = await t.metric('mqtt_auth_failures_total');
      await t.http('POST', `/api/devices/${washer.id}/certificates/${certificate.serial}/revoke`, { token });
      // it reconnects at once (100 ms) and is refused
      await waitFor(async () => (await t.metric('mqtt_auth_failures_total')) > refusalsBefore, {
        what: 'the revoked washer refused',
      });
      expect(await isOnline(washer.id)).toBe(false);

      const acked = new Promise<boolean>((resolve) =>
        simulator.on('command', ({ deviceId, ack }: { deviceId: string; ack: { ok: boolean } }) => {
          if (deviceId === plain.id) resolve(ack.ok);
        }),
      );
      const rotated = await t.http<RotatedSecret>('POST', `/api/devices/${plain.id}/secret/rotate`, {
        token,
        body: {},
      });
      expect(rotated.body.sentToDevice).toBe(true);
      expect(await acked).toBe(true);
      // The next connect uses the new secret, which ends the old one's grace at once.
      expect(t.platform.gateway.disconnectDevice(plain.id)).toBe(1);
      await waitFor(
        async () =>
          /Bad username or password/i.test(
            await refused(plain.id, { password: plain.secret }).catch(() => ''),
          ),
        { what: 'the old secret refused after the device reconnected with the new one' },
      );
      await waitFor(() => isOnline(plain.id), { what: 'the device back online with its new secret' });
    } finally {
      await simulator.stop();
    }
  });
});
