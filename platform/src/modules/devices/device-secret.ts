import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets are 192-bit random tokens, so a single SHA-256 is enough to store them
 * safely (no dictionary to attack) and keeps thousands of reconnects per second cheap,
 * unlike a password KDF.
 */
export function newDeviceSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function hashDeviceSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function deviceSecretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashDeviceSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
