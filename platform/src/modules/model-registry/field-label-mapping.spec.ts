import { APPLIANCE_PROFILES } from '../../../../contracts/src';
import { faultModeOfRepair } from './field-label-mapping';

describe('faultModeOfRepair', () => {
  it('names the fault mode whose part was fitted, by SKU or by part name', () => {
    expect(faultModeOfRepair('washer', ['WM-DRUM-BEARING-KIT'], 'noisy drum')).toEqual({
      faultMode: 'bearing_wear',
      matchedBy: 'part',
    });
    expect(faultModeOfRepair('washer', ['drain-pump'], '')).toEqual({
      faultMode: 'drain_pump_clog',
      matchedBy: 'part',
    });
  });

  it('settles a part several fault modes replace with the root cause words', () => {
    // both water heater element faults replace the heating element
    const modes = APPLIANCE_PROFILES.water_heater.faultModes.filter((m) => m.part === 'heating-element');
    expect(modes.length).toBeGreaterThan(1);
    for (const mode of modes) {
      expect(faultModeOfRepair('water_heater', ['WH-HEATING-ELEMENT'], mode.description)).toEqual({
        faultMode: mode.mode,
        matchedBy: 'part',
      });
    }
  });

  it('falls back to the root cause text when no part of a fault mode was fitted', () => {
    expect(faultModeOfRepair('washer', [], 'Worn motor brushes: brush set replaced')).toEqual({
      faultMode: 'motor_brush_wear',
      matchedBy: 'root_cause',
    });
    expect(faultModeOfRepair('washer', ['WM-DOOR-LOCK'], 'drain pump clogged with a sock')).toEqual({
      faultMode: 'drain_pump_clog',
      matchedBy: 'root_cause',
    });
  });

  it('keeps a repair that names no fault mode as none matched', () => {
    expect(faultModeOfRepair('washer', [], 'customer reset the appliance')).toEqual({
      faultMode: null,
      matchedBy: 'none',
    });
    expect(faultModeOfRepair('refrigerator', ['RF-SHELF'], '')).toEqual({
      faultMode: null,
      matchedBy: 'none',
    });
  });
});
