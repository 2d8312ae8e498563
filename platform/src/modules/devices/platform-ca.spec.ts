import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  createCa,
  CsrError,
  issueDeviceCertificate,
  issueServerCertificate,
  loadCa,
  normalizeSerial,
  type LoadedCa,
} from './platform-ca';

const NOW = Date.UTC(2026, 5, 1);

async function csrFor(commonName: string): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: alg,
  });
  return csr.toString('pem');
}

describe('platform CA', () => {
  let caPem: string;
  let ca: LoadedCa;

  beforeAll(async () => {
    const material = await createCa(NOW);
    caPem = material.certificatePem;
    ca = await loadCa(material);
  });

  it('issues a device certificate with CN = device id, clientAuth, one year, signed by the CA', async () => {
    const issued = await issueDeviceCertificate(ca, 'washer-0001', NOW);
    const cert = new X509Certificate(issued.certificatePem);
    expect(cert.subject).toBe('CN=washer-0001');
    expect(cert.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    expect(cert.checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.ca).toBe(false);
    expect(issued.notAfter - NOW).toBe(365 * 24 * 3_600_000);
    expect(normalizeSerial(cert.serialNumber)).toBe(issued.serial);
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(new X509Certificate(caPem).ca).toBe(true);
  });

  it('gives every certificate its own serial', async () => {
    const a = await issueDeviceCertificate(ca, 'washer-0001', NOW);
    const b = await issueDeviceCertificate(ca, 'washer-0001', NOW);
    expect(a.serial).not.toBe(b.serial);
  });

  it("signs a device's CSR without ever seeing its private key", async () => {
    const issued = await issueDeviceCertificate(ca, 'fridge-7', NOW, await csrFor('fridge-7'));
    expect(issued.privateKeyPem).toBeUndefined();
    expect(new X509Certificate(issued.certificatePem).subject).toBe('CN=fridge-7');
  });

  it('refuses a CSR for another device and a CSR that is not one', async () => {
    await expect(issueDeviceCertificate(ca, 'fridge-7', NOW, await csrFor('fridge-8'))).rejects.toMatchObject(
      {
        reason: 'subject_mismatch',
      },
    );
    await expect(issueDeviceCertificate(ca, 'fridge-7', NOW, 'hello')).rejects.toBeInstanceOf(CsrError);
  });

  it('issues a server certificate for the given host names and addresses', async () => {
    const issued = await issueServerCertificate(ca, ['localhost', '127.0.0.1'], NOW);
    const cert = new X509Certificate(issued.certificatePem);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });
});
