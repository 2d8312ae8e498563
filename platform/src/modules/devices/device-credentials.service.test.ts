/**
 * Service test of device credentials: the CA's certificates and their revocation list, and the
 * broker's checks of a certificate or a secret at connect, over time. Real: the platform's Nest
 * modules on an in-memory PGlite, real X.509 certificates; no broker (a recording double). The
 * clock is a ManualClock.
 */
import { X509Certificate } from 'node:crypto';
import type { CommandMessage, CreateDeviceRequest, CreatedDevice } from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import { DeviceCredentialsService } from './device-credentials.service';
import { DevicesService } from './devices.service';

const DAY = 86_400_000;

describe('device credentials', () => {
  let h: ServiceHarness;
  let credentials: DeviceCredentialsService;
  const sent: Array<{ deviceId: string; command: CommandMessage }> = [];
  const dropped: Array<{ deviceId: string; certificateSerial?: string }> = [];

  beforeAll(async () => {
    h = await ServiceHarness.start();
    credentials = h.get(DeviceCredentialsService);
    credentials.useBroker({
      publishCommand: (deviceId, command) => {
        sent.push({ deviceId, command });
        return Promise.resolve();
      },
      disconnectDevice: (deviceId, match) => {
        dropped.push({ deviceId, ...match });
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  const provision = (body: Partial<CreateDeviceRequest> = {}): Promise<CreatedDevice> =>
    credentials.provision({ type: 'washer', ...body });

  it('issues certificates from one CA, lists them newest first and revokes one', async () => {
    const washer = await provision({ credential: 'certificate' });
    const caPem = await credentials.caCertificatePem();
    expect(new X509Certificate(washer.certificate ?? '').checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(washer.caCertificate).toBe(caPem);

    h.clock.advance(1000);
    const second = await credentials.issueFor(washer.id, {}, ADMIN);
    const list = await credentials.list(washer.id, ADMIN);
    expect(list.map((c) => [c.serial, c.status])).toEqual([
      [second.serial, 'active'],
      [expect.any(String), 'active'],
    ]);

    const revoked = await credentials.revoke(washer.id, second.serial.toLowerCase(), ADMIN);
    expect(revoked).toMatchObject({ serial: second.serial, status: 'revoked', revokedAt: h.clock.now() });
    expect(dropped).toContainEqual({ deviceId: washer.id, certificateSerial: second.serial });
    await expect(credentials.revoke(washer.id, 'ABCDEF', ADMIN)).rejects.toMatchObject({
      code: 'device.certificate_not_found',
    });
    const other = await provision();
    await expect(credentials.revoke(other.id, list[1].serial, ADMIN)).rejects.toMatchObject({
      code: 'device.certificate_not_found',
    });
  });

  it('lets a certificate in only for its own device, until it is revoked or expires', async () => {
    const washer = await provision();
    const issued = await credentials.issueFor(washer.id, {}, ADMIN);
    const presented = { serialNumber: issued.serial };
    expect(await credentials.authenticateCertificate(washer.id, presented)).toBe(true);
    const other = await provision();
    expect(await credentials.authenticateCertificate(other.id, presented)).toBe(false);
    expect(await credentials.authenticateCertificate(washer.id, { serialNumber: '0123' })).toBe(false);

    h.clock.set(issued.notAfter);
    expect(await credentials.authenticateCertificate(washer.id, presented)).toBe(false);
    expect((await credentials.list(washer.id, ADMIN))[0].status).toBe('expired');
  });

  it('refuses a revoked certificate at the next connect', async () => {
    const washer = await provision();
    const issued = await credentials.issueFor(washer.id, {}, ADMIN);
    await credentials.revoke(washer.id, issued.serial, ADMIN);
    expect(await credentials.authenticateCertificate(washer.id, { serialNumber: issued.serial })).toBe(false);
  });

  it('refuses a CSR that is not one, naming the field', async () => {
    const washer = await provision();
    await expect(credentials.issueFor(washer.id, { csr: 'garbage' }, ADMIN)).rejects.toMatchObject({
      code: 'device.csr_invalid',
      details: { field: 'csr' },
    });
  });

  it('keeps the old secret during the grace, then only the new one', async () => {
    const washer = await provision();
    const rotated = await credentials.rotateSecret(washer.id, { graceMs: DAY }, ADMIN);
    // offline: nothing is sent
    expect(rotated).toMatchObject({ previousValidUntil: h.clock.now() + DAY, sentToDevice: false });
    expect(await credentials.authenticate(washer.id, washer.secret)).toBe(true);
    h.clock.advance(DAY);
    expect(await credentials.authenticate(washer.id, washer.secret)).toBe(false);
    expect(await credentials.authenticate(washer.id, rotated.secret)).toBe(true);
    expect(await credentials.authenticate(washer.id, 'nope')).toBe(false);
    expect(await credentials.authenticate('no-such-device', rotated.secret)).toBe(false);
  });

  it('ends the grace as soon as the new secret is used, and tells a connected device', async () => {
    const washer = await provision();
    h.get(DevicesService).setPresence(washer.id, true, h.clock.now());
    const rotated = await credentials.rotateSecret(washer.id, {}, ADMIN);
    expect(rotated.sentToDevice).toBe(true);
    expect(sent).toContainEqual({
      deviceId: washer.id,
      command: expect.objectContaining({ name: 'set_secret', args: { secret: rotated.secret } }),
    });
    expect(rotated.previousValidUntil).toBe(h.clock.now() + 7 * DAY);
    expect(await credentials.authenticate(washer.id, washer.secret)).toBe(true);
    expect(await credentials.authenticate(washer.id, rotated.secret)).toBe(true);
    expect(await credentials.authenticate(washer.id, washer.secret)).toBe(false);
  });
});
