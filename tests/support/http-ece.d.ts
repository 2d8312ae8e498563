/** The part of `http_ece` (RFC 8188 encrypted content, a dependency of web-push) the push tests use. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  export function decrypt(
    buffer: Buffer,
    params: { version: 'aes128gcm' | 'aesgcm'; privateKey: ECDH; authSecret: string; dh?: string },
  ): Buffer;
}
