import { APPLIANCE_PROFILES, APPLIANCE_TYPES } from './appliance-profiles';

describe('appliance profiles', () => {
  it.each(APPLIANCE_TYPES)(
    '%s: fault modes name real metrics and error codes; bands sit inside sensor ranges',
    (type) => {
      const profile = APPLIANCE_PROFILES[type];
      const metrics = new Set(profile.metrics.map((m) => m.name));
      const codes = new Set(profile.errorCodes.map((c) => c.code));
      expect(profile.faultModes.length).toBeGreaterThanOrEqual(3);
      for (const fault of profile.faultModes) {
        expect(codes).toContain(fault.errorCode);
        expect(fault.affects.length).toBeGreaterThan(0);
        for (const metric of fault.affects) expect(metrics).toContain(metric);
      }
      for (const metric of profile.metrics) {
        for (const bound of [
          metric.normal.low,
          metric.normal.high,
          metric.critical.low,
          metric.critical.high,
        ]) {
          if (bound === undefined) continue;
          expect(bound).toBeGreaterThanOrEqual(metric.min);
          expect(bound).toBeLessThanOrEqual(metric.max);
        }
      }
    },
  );
});
