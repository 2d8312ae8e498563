import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * The platform's own certificate authority (EC P-256, ECDSA with SHA-256), built on
 * `@peculiar/x509` over Node's WebCrypto (docs/adr/0011-device-certificates.md). Pure: keys and
 * certificates in, PEM out; where the CA is kept is the caller's business.
 */

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
x509.cryptoProvider.set(crypto);

const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const CA_VALIDITY_MS = 20 * 365 * 24 * 3_600_000;
export const DEVICE_CERTIFICATE_VALIDITY_MS = 365 * 24 * 3_600_000;
/** Issued certificates are valid from a little before "now", so a device's slightly slow clock accepts them. */
const BACKDATE_MS = 5 * 60_000;

export interface CaMaterial {
  certificatePem: string;
  privateKeyPem: string;
}

export interface LoadedCa {
  certificate: x509.X509Certificate;
  certificatePem: string;
  privateKey: CryptoKey;
}

export interface IssuedCertificate {
  /** Upper-case hex without leading zeros, as Node's `getPeerCertificate().serialNumber`. */
  serial: string;
  certificatePem: string;
  /** PKCS#8 PEM, when the key pair was made here. */
  privateKeyPem?: string;
  notBefore: number;
  notAfter: number;
  fingerprint256: string;
}

export class CsrError extends Error {
  constructor(
    readonly reason: 'unreadable' | 'bad_signature' | 'subject_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'CsrError';
  }
}

export async function createCa(nowMs: number, commonName = 'Appliance Care device CA'): Promise<CaMaterial> {
  const keys = await generateKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: [{ CN: [commonName] }],
    notBefore: new Date(nowMs - BACKDATE_MS),
    notAfter: new Date(nowMs + CA_VALIDITY_MS),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await exportPrivateKey(keys.privateKey),
  };
}

export async function loadCa(material: CaMaterial): Promise<LoadedCa> {
  const certificate = new x509.X509Certificate(material.certificatePem);
  const privateKey = await crypto.subtle.importKey('pkcs8', pemToDer(material.privateKeyPem), EC_KEY, false, [
    'sign',
  ]);
  return { certificate, certificatePem: material.certificatePem, privateKey };
}

/** A client certificate for a device: CN = device id, clientAuth only. */
export async function issueDeviceCertificate(
  ca: LoadedCa,
  deviceId: string,
  nowMs: number,
  csrPem?: string,
): Promise<IssuedCertificate> {
  let publicKey: CryptoKey | x509.PublicKey;
  let privateKeyPem: string | undefined;
  if (csrPem === undefined) {
    const keys = await generateKeyPair();
    publicKey = keys.publicKey;
    privateKeyPem = await exportPrivateKey(keys.privateKey);
  } else {
    publicKey = (await readCsr(csrPem, deviceId)).publicKey;
  }
  const issued = await sign(ca, {
    subject: [{ CN: [deviceId] }],
    publicKey,
    nowMs,
    validityMs: DEVICE_CERTIFICATE_VALIDITY_MS,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  return { ...issued, privateKeyPem };
}

/** A TLS server certificate for the platform's own listeners (MQTTS, HTTPS). */
export async function issueServerCertificate(
  ca: LoadedCa,
  hostnames: readonly string[],
  nowMs: number,
): Promise<IssuedCertificate & { privateKeyPem: string }> {
  const keys = await generateKeyPair();
  const issued = await sign(ca, {
    subject: [{ CN: [hostnames[0] ?? 'localhost'] }],
    publicKey: keys.publicKey,
    nowMs,
    validityMs: DEVICE_CERTIFICATE_VALIDITY_MS,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hostnames.map((name) => ({ type: isIpAddress(name) ? 'ip' : 'dns', value: name })),
      ),
    ],
  });
  return { ...issued, privateKeyPem: await exportPrivateKey(keys.privateKey) };
}

/** Parses a PEM CSR, checks its self-signature and that its CN is the device id. */
export async function readCsr(csrPem: string, deviceId: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new CsrError('unreadable', 'not a PEM certificate signing request (PKCS#10)');
  }
  let verified = false;
  try {
    verified = await csr.verify();
  } catch {
    verified = false;
  }
  if (!verified) throw new CsrError('bad_signature', 'the CSR signature does not verify');
  const commonNames = csr.subjectName.getField('CN');
  if (commonNames.length !== 1 || commonNames[0] !== deviceId) {
    throw new CsrError('subject_mismatch', `the CSR subject CN must be the device id "${deviceId}"`);
  }
  return csr;
}

/** Node's form of a serial: upper-case hex, no leading zeros. */
export function normalizeSerial(serial: string): string {
  return serial
    .replace(/[^0-9a-f]/gi, '')
    .toUpperCase()
    .replace(/^0+(?=.)/, '');
}

export function fingerprint256(certificatePem: string): string {
  const digest = createHash('sha256').update(pemToDer(certificatePem)).digest('hex').toUpperCase();
  return digest.match(/../g)?.join(':') ?? digest;
}

async function sign(
  ca: LoadedCa,
  params: {
    subject: x509.JsonName;
    publicKey: CryptoKey | x509.PublicKey;
    nowMs: number;
    validityMs: number;
    extensions: x509.Extension[];
  },
): Promise<IssuedCertificate> {
  const notBefore = params.nowMs - BACKDATE_MS;
  const notAfter = params.nowMs + params.validityMs;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: params.subject,
    issuer: ca.certificate.subjectName,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    publicKey: params.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      ...params.extensions,
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
    ],
  });
  const certificatePem = certificate.toString('pem');
  return {
    serial: normalizeSerial(certificate.serialNumber),
    certificatePem,
    notBefore: certificate.notBefore.getTime(),
    notAfter: certificate.notAfter.getTime(),
    fingerprint256: fingerprint256(certificatePem),
  };
}

/** 128 random bits, first byte in 0x10..0x7f: positive in DER and without a leading zero. */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0] % 0x70);
  return bytes.toString('hex').toUpperCase();
}

function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function exportPrivateKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function isIpAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
