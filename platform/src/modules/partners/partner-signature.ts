import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a partner system signs its calls, and how the platform signs the webhooks it sends back:
 * `X-Signature: sha256=<hex HMAC-SHA256(signing secret, "<X-Timestamp>.<raw body>")>`, with
 * `X-Timestamp` the sending time in epoch milliseconds. Plain node:crypto, so a partner's own
 * Node.js code (and the tests) can import this file as it is.
 */
export function signPartnerRequest(
  secret: string,
  timestamp: string | number,
  body: string | Buffer = '',
): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** The three headers of a signed partner call (add `content-type` for a JSON body). */
export function partnerHeaders(options: {
  apiKey: string;
  secret: string;
  body?: string | Buffer;
  timestampMs?: number;
}): Record<'x-api-key' | 'x-timestamp' | 'x-signature', string> {
  const timestamp = String(options.timestampMs ?? Date.now());
  return {
    'x-api-key': options.apiKey,
    'x-timestamp': timestamp,
    'x-signature': signPartnerRequest(options.secret, timestamp, options.body ?? ''),
  };
}

/** True when `presented` is the signature of the timestamp and body; compared in constant time. */
export function signatureMatches(
  secret: string,
  timestamp: string,
  body: string | Buffer,
  presented: string,
): boolean {
  return sameText(signPartnerRequest(secret, timestamp, body), presented);
}

/** Constant-time equality of two strings (false, still without a shortcut, when lengths differ). */
export function sameText(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  // compare something of the same length either way, so a wrong length takes as long as a wrong byte
  return timingSafeEqual(a, b.length === a.length ? b : a) && b.length === a.length;
}

const KEY_PATTERN = /^pk_([0-9a-f]{16})\.[A-Za-z0-9_-]{43}$/;

/** A new API key: `pk_<key id>.<secret>`; the key id finds the partner, the whole key is hashed. */
export function newApiKey(): { keyId: string; apiKey: string } {
  const keyId = randomBytes(8).toString('hex');
  return { keyId, apiKey: `pk_${keyId}.${randomBytes(32).toString('base64url')}` };
}

/** The key id of a well-formed API key, else undefined. */
export function keyIdOf(apiKey: string): string | undefined {
  return KEY_PATTERN.exec(apiKey)?.[1];
}

/** What is stored instead of the key. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** A new signing secret (it signs the partner's calls and the webhooks sent to it). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
