import { readFileSync } from 'node:fs';
import { firmwareSigningKeySchema } from '../../contracts/src/firmware-api';
import { parseFirmwarePublicKey } from './firmware-updater';

/** The firmware key could not be had from where it was asked for; the message says where. */
export class FirmwareKeyError extends Error {}

export interface FirmwareKeySource {
  /** A file holding the key (SPKI PEM), e.g. saved from `GET /api/firmware/signing-key`. */
  file?: string;
  /** The platform that signs the images: its `GET /api/firmware/signing-key`. */
  apiUrl?: string;
  fetchFn?: typeof fetch;
}

/**
 * The firmware signing key the simulated devices trust (SPKI PEM), from the file if one is
 * named, else from the platform; undefined when neither is given (the devices then refuse
 * firmware updates). Checked to be an Ed25519 public key.
 */
export async function loadFirmwarePublicKey(source: FirmwareKeySource): Promise<string | undefined> {
  let pem: string;
  let origin: string;
  if (source.file !== undefined) {
    origin = source.file;
    try {
      pem = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new FirmwareKeyError(`cannot read ${source.file}: ${(error as Error).message}`);
    }
  } else if (source.apiUrl !== undefined) {
    origin = new URL('/api/firmware/signing-key', source.apiUrl).toString();
    let response: Response;
    try {
      response = await (source.fetchFn ?? fetch)(origin);
    } catch (error) {
      throw new FirmwareKeyError(`GET ${origin} failed: ${(error as Error).message}`);
    }
    if (!response.ok) throw new FirmwareKeyError(`GET ${origin} answered HTTP ${response.status}`);
    const parsed = firmwareSigningKeySchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new FirmwareKeyError(`GET ${origin} did not answer {publicKey}`);
    pem = parsed.data.publicKey;
  } else {
    return undefined;
  }
  try {
    parseFirmwarePublicKey(pem);
  } catch (error) {
    throw new FirmwareKeyError(`${origin}: ${(error as Error).message}`);
  }
  return pem;
}
