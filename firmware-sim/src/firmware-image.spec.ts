import { APPLIANCE_PROFILES, APPLIANCE_TYPES } from '../../contracts/src';
import {
  buildFirmwareImage,
  DEFAULT_FIRMWARE_IMAGE_BYTES,
  FAULTY_FIRMWARE_ERROR_CODE,
  readFirmwareManifest,
} from './firmware-image';

describe('simulated firmware images', () => {
  it('starts with its manifest line and is the same bytes for the same spec', () => {
    const image = buildFirmwareImage({ version: '2.1.0' });
    expect(image).toHaveLength(DEFAULT_FIRMWARE_IMAGE_BYTES);
    expect(image.subarray(0, image.indexOf(0x0a) + 1).toString()).toBe(
      '{"format":"appliance-sim-firmware","version":"2.1.0","faulty":false}\n',
    );
    expect(buildFirmwareImage({ version: '2.1.0' }).equals(image)).toBe(true);
    expect(buildFirmwareImage({ version: '2.1.1' }).equals(image)).toBe(false);
    expect(buildFirmwareImage({ version: '2.1.0', faulty: true, size: 1000 })).toHaveLength(1000);
  });

  it('reads the manifest back, and nothing from an image that has none', () => {
    expect(readFirmwareManifest(buildFirmwareImage({ version: '3.0.0', faulty: true, size: 4096 }))).toEqual({
      version: '3.0.0',
      faulty: true,
    });
    expect(readFirmwareManifest(Buffer.alloc(4096, 0x41))).toBeUndefined();
    expect(readFirmwareManifest(Buffer.from('{"format":"other","version":"1"}\nrest'))).toBeUndefined();
    expect(readFirmwareManifest(Buffer.from('not json\n'))).toBeUndefined();
  });

  it('makes a faulty build raise an error code of the profile that no injected fault raises', () => {
    for (const type of APPLIANCE_TYPES) {
      const profile = APPLIANCE_PROFILES[type];
      const code = FAULTY_FIRMWARE_ERROR_CODE[type];
      expect(profile.errorCodes.map((e) => e.code)).toContain(code);
      expect(profile.faultModes.map((m) => m.errorCode)).not.toContain(code);
    }
  });
});
