import { createHmac } from 'node:crypto';
import {
  hashApiKey,
  keyIdOf,
  newApiKey,
  partnerHeaders,
  sameText,
  signPartnerRequest,
  signatureMatches,
} from './partner-signature';

describe('partner request signatures', () => {
  const secret = 'whsec_test-secret';

  it('signs "<timestamp>.<raw body>" with HMAC-SHA256, as a partner computes it by hand', () => {
    const body = '{"deviceId":"dev-1","description":"leaking"}';
    const byHand = createHmac('sha256', secret).update(`1767618000000.${body}`).digest('hex');
    expect(signPartnerRequest(secret, 1767618000000, body)).toBe(`sha256=${byHand}`);
    // a string timestamp, a Buffer body: the same bytes, the same signature
    expect(signPartnerRequest(secret, '1767618000000', Buffer.from(body))).toBe(`sha256=${byHand}`);
    // no body (a GET): the empty string after the dot
    expect(signPartnerRequest(secret, '1767618000000')).toBe(
      `sha256=${createHmac('sha256', secret).update('1767618000000.').digest('hex')}`,
    );
  });

  it('accepts only the signature of the same secret, timestamp and body', () => {
    const good = signPartnerRequest(secret, '1000', 'body');
    expect(signatureMatches(secret, '1000', 'body', good)).toBe(true);
    expect(signatureMatches(secret, '1001', 'body', good)).toBe(false);
    expect(signatureMatches(secret, '1000', 'body ', good)).toBe(false);
    expect(signatureMatches('whsec_other', '1000', 'body', good)).toBe(false);
    expect(signatureMatches(secret, '1000', 'body', good.slice('sha256='.length))).toBe(false);
    expect(signatureMatches(secret, '1000', 'body', '')).toBe(false);
  });

  it('builds the three headers of a signed call', () => {
    const headers = partnerHeaders({ apiKey: 'pk_x', secret, body: '{}', timestampMs: 42 });
    expect(headers).toEqual({
      'x-api-key': 'pk_x',
      'x-timestamp': '42',
      'x-signature': signPartnerRequest(secret, '42', '{}'),
    });
  });

  it('makes API keys whose key id finds the partner, and never the same key twice', () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(keyIdOf(a.apiKey)).toBe(a.keyId);
    expect(a.apiKey).not.toBe(b.apiKey);
    expect(hashApiKey(a.apiKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a.apiKey)).not.toContain(a.apiKey.slice(3));
    for (const malformed of [
      '',
      'pk_',
      `${a.apiKey}x`,
      a.apiKey.replace('pk_', 'sk_'),
      a.apiKey.toUpperCase(),
    ])
      expect(keyIdOf(malformed)).toBeUndefined();
  });

  it('compares texts of any length without throwing', () => {
    expect(sameText('abc', 'abc')).toBe(true);
    expect(sameText('abc', 'abd')).toBe(false);
    expect(sameText('abc', 'ab')).toBe(false);
    expect(sameText('abc', 'abcd')).toBe(false);
  });
});
