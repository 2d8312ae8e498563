import { openDetectionEngine } from '../../models/src/detector/detection-engine';
import { REGIME_CONFIG } from '../../models/src/detector/regime-model';
import { collectGarbage, log, round } from './bench-support';

export interface DetectorStateResult {
  benchmark: 'detector-state';
  devices: number;
  readingsPerDevice: number;
  /**
   * Live memory (V8 heap and array buffers after a full GC, less the same before the first
   * device) per device, after each device's Nth reading: the detector, its regime model and the
   * alarm rule's entry, as the detection thread holds them.
   */
  perDeviceKb: Array<{ readings: number; kb: number }>;
  /** The last figure: a device's state once every part of it has been allocated. */
  steadyKb: number;
  /** The reading at which the regime model is fitted (its last allocation). */
  regimeFitAt: number;
  /**
   * Growth per device from the first mark after the regime model's fit to the last: about 0
   * when the state has stopped growing (undefined when the run ends before the fit).
   */
  afterFitGrowthKb: number | undefined;
}

/** A washer's five metrics with noise and a daily swing, one reading every 30 s. */
function reading(device: number, n: number, random: () => number) {
  const tsMs = Date.UTC(2026, 0, 5) + n * 30_000 + device;
  const day = Math.sin((2 * Math.PI * (tsMs % 86_400_000)) / 86_400_000);
  return {
    tsMs,
    metrics: {
      drumVibrationMmS: 4 + random() + day,
      motorCurrentA: 2 + random() * 0.2,
      waterTempC: 40 + random() * 2 + 3 * day,
      drainTimeS: 60 + random() * 5,
      drumRpm: 800 + random() * 20,
    },
  };
}

/**
 * How a device's detection state grows with its readings, and where it stops: the online
 * detector allocates parts as it warms up (the joint model of its metrics once each has been
 * normalised, within tens of readings; the regime model's fitted matrices at 1,920 readings), so
 * a soak of 30 minutes at 10–60 s a reading sees devices still growing. This feeds `devices` devices `readings` readings each, round robin, in this thread
 * (the same code as the detection worker runs), and samples live memory at marks.
 */
export async function benchDetectorState(options: {
  devices: number;
  readings: number;
}): Promise<DetectorStateResult> {
  const marks = [1, 20, 40, 60, 100, 200, 500, 1_000, 1_500, 1_900, 2_000, 2_500, 3_000, 4_000].filter(
    (m) => m <= options.readings,
  );
  if (marks[marks.length - 1] !== options.readings) marks.push(options.readings);
  let seed = 7;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const ids = Array.from({ length: options.devices }, (_, i) => `state-${i}`);
  const live = () => {
    collectGarbage();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  const engine = openDetectionEngine({
    thread: 'main',
    rule: { corroborationMaxAgeMs: 600_000, maxDevices: options.devices },
    onDecision: () => undefined,
  });
  const base = live();
  const perDeviceKb: DetectorStateResult['perDeviceKb'] = [];
  try {
    for (let n = 1; n <= options.readings; n++) {
      for (let d = 0; d < ids.length; d++) {
        const r = reading(d, n, random);
        engine.observe({ deviceId: ids[d], type: 'washer', ...r });
      }
      if (marks.includes(n)) {
        await engine.settled();
        const kb = round((live() - base) / options.devices / 1024, 2);
        perDeviceKb.push({ readings: n, kb });
        log(`detector-state: after ${n} readings: ${kb} KB per device`);
      }
    }
  } finally {
    await engine.close();
  }
  const last = perDeviceKb[perDeviceKb.length - 1];
  const regimeFitAt = Math.ceil((REGIME_CONFIG.learnReadings * 2) / 3);
  const afterFit = perDeviceKb.find((p) => p.readings > regimeFitAt);
  return {
    benchmark: 'detector-state',
    devices: options.devices,
    readingsPerDevice: options.readings,
    perDeviceKb,
    steadyKb: last.kb,
    regimeFitAt,
    afterFitGrowthKb: afterFit && round(last.kb - afterFit.kb, 2),
  };
}
