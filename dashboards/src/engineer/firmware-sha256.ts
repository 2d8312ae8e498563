// The SHA-256 of an uploaded file, in hex, computed in the browser so the server can check that the
// bytes it received are the bytes the engineer chose. `crypto.subtle` exists only in secure contexts
// (https, localhost); on a plain-http console @noble/hashes gives the same digest.
import { sha256 } from '@noble/hashes/sha2';

export { sha256 };

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const subtle = typeof crypto !== 'undefined' ? crypto.subtle : undefined;
  const digest = subtle ? new Uint8Array(await subtle.digest('SHA-256', data)) : sha256(new Uint8Array(data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
