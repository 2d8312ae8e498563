import { type ApplianceType } from '../../contracts/src';
import { deriveSeed, mulberry32 } from '../../contracts/src/seeded-random';

/** The first line of a simulated firmware image names its format. */
export const FIRMWARE_IMAGE_FORMAT = 'appliance-sim-firmware';
export const DEFAULT_FIRMWARE_IMAGE_BYTES = 256 * 1024;

/** What a simulated device reads from an image it installs. */
export interface FirmwareManifest {
  version: string;
  /** A deliberately bad build: the device raises errors while it runs it. */
  faulty: boolean;
}

export interface FirmwareImageSpec {
  version: string;
  faulty?: boolean;
  /** Total bytes of the image, manifest included (at least the manifest's length). */
  size?: number;
}

/**
 * A simulated firmware image: a JSON manifest line, then filler derived from the version so the
 * same spec always gives the same bytes (and so the same checksum and signature).
 */
export function buildFirmwareImage(spec: FirmwareImageSpec): Buffer {
  const manifest: FirmwareManifest & { format: string } = {
    format: FIRMWARE_IMAGE_FORMAT,
    version: spec.version,
    faulty: spec.faulty ?? false,
  };
  const head = Buffer.from(JSON.stringify(manifest) + '\n', 'utf8');
  const size = Math.max(head.length, spec.size ?? DEFAULT_FIRMWARE_IMAGE_BYTES);
  const image = Buffer.alloc(size);
  head.copy(image);
  const rng = mulberry32(deriveSeed(1, 'firmware-image', spec.version, String(manifest.faulty)));
  for (let offset = head.length; offset < size; offset++) image[offset] = Math.floor(rng() * 256);
  return image;
}

const MAX_MANIFEST_BYTES = 1024;

/**
 * The manifest of a simulated image, or undefined when there is none (an image from elsewhere
 * installs as a healthy build of the version it was sent as).
 */
export function readFirmwareManifest(image: Buffer): FirmwareManifest | undefined {
  const end = image.subarray(0, MAX_MANIFEST_BYTES).indexOf(0x0a);
  if (end < 0) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(image.subarray(0, end).toString('utf8'));
  } catch {
    return undefined;
  }
  const manifest = raw as Partial<Record<keyof FirmwareManifest | 'format', unknown>> | null;
  if (
    manifest === null ||
    typeof manifest !== 'object' ||
    manifest.format !== FIRMWARE_IMAGE_FORMAT ||
    typeof manifest.version !== 'string'
  ) {
    return undefined;
  }
  return { version: manifest.version, faulty: manifest.faulty === true };
}

/**
 * The error code a device raises while it runs a faulty build: one of its profile's codes that
 * no injected fault uses, so the firmware's errors are told apart from wear in ground truth.
 */
export const FAULTY_FIRMWARE_ERROR_CODE: Record<ApplianceType, string> = {
  washer: 'E41',
  refrigerator: 'R50',
  air_conditioner: 'A44',
  water_heater: 'H04',
  dishwasher: 'D40',
};

/** A device on a faulty build raises its error code once every this many readings. */
export const FAULTY_FIRMWARE_ERROR_EVERY_READINGS = 3;
