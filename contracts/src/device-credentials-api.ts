import { z } from 'zod';

/**
 * Device credentials: certificates issued by the platform's own CA (mutual TLS on MQTTS) and
 * secret rotation without downtime.
 */

/** How a device provisioned with `POST /api/devices` authenticates on MQTT (the secret is always issued). */
export const deviceCredentialKindSchema = z.enum(['secret', 'certificate']);
export type DeviceCredentialKind = z.infer<typeof deviceCredentialKindSchema>;

/** `POST /api/devices/{id}/certificates`: the body is optional; a PEM CSR keeps the private key on the device. */
export const issueCertificateRequestSchema = z.strictObject({
  csr: z.string().trim().min(1).max(16_384).optional(),
});
export type IssueCertificateRequest = z.infer<typeof issueCertificateRequestSchema>;

/** A freshly issued device certificate; `privateKey` (PKCS#8 PEM) only when the platform made the key pair. */
export const issuedCertificateSchema = z.object({
  serial: z.string(),
  deviceId: z.string(),
  certificate: z.string(),
  privateKey: z.string().optional(),
  caCertificate: z.string(),
  /** Epoch ms. */
  notAfter: z.number(),
});
export type IssuedCertificate = z.infer<typeof issuedCertificateSchema>;

export const deviceCertificateStatusSchema = z.enum(['active', 'revoked', 'expired']);

/** `GET /api/devices/{id}/certificates`: one entry per certificate issued to the device, newest first. */
export const deviceCertificateViewSchema = z.object({
  serial: z.string(),
  deviceId: z.string(),
  /** Epoch ms. */
  issuedAt: z.number(),
  notAfter: z.number(),
  revokedAt: z.number().nullable(),
  status: deviceCertificateStatusSchema,
  /** SHA-256 of the DER certificate, colon-separated hex (as `openssl x509 -fingerprint -sha256`). */
  fingerprint256: z.string(),
});
export type DeviceCertificateView = z.infer<typeof deviceCertificateViewSchema>;

/** `GET /api/devices/ca-certificate`. */
export const caCertificateViewSchema = z.object({ certificate: z.string() });
export type CaCertificateView = z.infer<typeof caCertificateViewSchema>;

export const MAX_SECRET_GRACE_MS = 30 * 24 * 3_600_000;
export const DEFAULT_SECRET_GRACE_MS = 7 * 24 * 3_600_000;

/** `POST /api/devices/{id}/secret/rotate`: how long the old secret keeps working (default 7 days). */
export const rotateSecretRequestSchema = z.strictObject({
  graceMs: z.number().int().min(0).max(MAX_SECRET_GRACE_MS).optional(),
});
export type RotateSecretRequest = z.infer<typeof rotateSecretRequestSchema>;

export const rotatedSecretSchema = z.object({
  secret: z.string(),
  /** Epoch ms; the old secret stops earlier, as soon as the device connects with the new one. */
  previousValidUntil: z.number(),
  /** The new secret went to the connected device as command `set_secret`. */
  sentToDevice: z.boolean(),
});
export type RotatedSecret = z.infer<typeof rotatedSecretSchema>;
