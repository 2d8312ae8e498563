import { APPLIANCE_TYPES } from '../../contracts/src';
import { SIMULATED_MODELS, simulatedAsset } from './appliance-assets';

const NOW = Date.UTC(2026, 0, 5, 13);
const DAY = 86_400_000;

describe('simulated appliance assets', () => {
  it('gives each appliance a model of its type, installed within three years, with a two-year warranty', () => {
    for (const type of APPLIANCE_TYPES) {
      for (let i = 1; i <= 40; i++) {
        const asset = simulatedAsset(type, `sim-${type}-${i}`, NOW);
        expect(SIMULATED_MODELS[type]).toContain(asset.model);
        expect(asset.installedAt).toBeLessThanOrEqual(NOW - 30 * DAY);
        expect(asset.installedAt).toBeGreaterThanOrEqual(NOW - 3 * 365 * DAY - DAY);
        expect(new Date(asset.warrantyUntil).getUTCFullYear()).toBe(
          new Date(asset.installedAt).getUTCFullYear() + 2,
        );
      }
    }
  });

  it('is the same for the same device on the same day, and differs across the fleet', () => {
    expect(simulatedAsset('washer', 'sim-washer-00001', NOW)).toEqual(
      simulatedAsset('washer', 'sim-washer-00001', NOW + 3_600_000),
    );
    const fleet = Array.from({ length: 30 }, (_, i) => simulatedAsset('washer', `sim-washer-${i}`, NOW));
    expect(new Set(fleet.map((a) => a.model)).size).toBe(SIMULATED_MODELS.washer.length);
    expect(new Set(fleet.map((a) => a.installedAt)).size).toBeGreaterThan(20);
  });
});
