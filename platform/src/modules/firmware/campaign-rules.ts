import {
  deriveSeed,
  mulberry32,
  seededShuffle,
  type FirmwareHalt,
  type FirmwareSignalGroup,
  type FirmwareThresholds,
} from '../../../../contracts/src';

/** One-sided significance level of the rate tests that halt a campaign. */
export const HALT_P_VALUE = 0.01;
/** Fewer events among the updated devices than this never halt a campaign, whatever the control saw. */
export const MIN_HALT_EVENTS = 3;

/**
 * Spreads the targeted devices over the waves: shuffled deterministically (seeded by the campaign
 * id), then cut at the cumulative fractions (rounded up; the first wave has at least one device).
 * Answers each device's wave and position in the shuffled order.
 */
export function assignWaves(
  deviceIds: readonly string[],
  fractions: readonly number[],
  campaignId: string,
): Array<{ deviceId: string; wave: number; position: number }> {
  const shuffled = seededShuffle(
    [...deviceIds].sort(),
    mulberry32(deriveSeed(0x0f1a, 'firmware-campaign', campaignId)),
  );
  const ends = waveEnds(shuffled.length, fractions);
  let wave = 0;
  return shuffled.map((deviceId, position) => {
    while (position >= ends[wave]) wave++;
    return { deviceId, wave, position };
  });
}

/** The cumulative device count at the end of each wave. */
export function waveEnds(total: number, fractions: readonly number[]): number[] {
  const ends: number[] = [];
  for (const [index, fraction] of fractions.entries()) {
    // a hair under the exact product is still that product (0.1 × 30 = 3.0000000000000004)
    let end = Math.max(0, Math.min(total, Math.ceil(fraction * total - 1e-9)));
    if (index === 0 && total > 0) end = Math.max(1, end);
    if (index > 0) end = Math.max(end, ends[index - 1]);
    if (index === fractions.length - 1) end = total;
    ends.push(end);
  }
  return ends;
}

/** A group's exposure: how many devices, how many events, over how many device-hours. */
export interface Exposure {
  devices: number;
  events: number;
  hours: number;
}

/**
 * P(X ≥ observed) for X ~ Binomial(trials, p): the one-sided p-value of the conditional test.
 * Summed in log space so thousands of events neither underflow nor overflow.
 */
export function binomialUpperTail(observed: number, trials: number, p: number): number {
  if (observed <= 0) return 1;
  if (observed > trials) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logFactorial = [0];
  for (let i = 1; i <= trials; i++) logFactorial.push(logFactorial[i - 1] + Math.log(i));
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let total = 0;
  for (let k = observed; k <= trials; k++) {
    total += Math.exp(
      logFactorial[trials] - logFactorial[k] - logFactorial[trials - k] + k * logP + (trials - k) * logQ,
    );
  }
  return Math.min(1, total);
}

export interface RateComparison {
  updated: FirmwareSignalGroup;
  control: FirmwareSignalGroup;
  ratio: number;
  pValue: number;
  worse: boolean;
}

/**
 * Whether the updated devices' event rate exceeds `thresholdRatio` × the control group's, by the
 * conditional binomial test: given N events in all, under "rate ratio = threshold" the updated
 * devices' share of them is Binomial(N, R·Eu / (R·Eu + Ec)). The control side counts one event
 * more than it saw (a floor, so a quiet control group does not make one event look damning), and
 * fewer than MIN_HALT_EVENTS updated events never count as worse.
 */
export function compareRates(updated: Exposure, control: Exposure, thresholdRatio: number): RateComparison {
  const group = (e: Exposure): FirmwareSignalGroup => ({
    devices: e.devices,
    events: e.events,
    hours: round(e.hours),
    rate: e.hours > 0 ? round(e.events / e.hours) : 0,
  });
  const result = { updated: group(updated), control: group(control) };
  if (updated.hours <= 0 || control.hours <= 0) return { ...result, ratio: 0, pValue: 1, worse: false };
  const updatedRate = updated.events / updated.hours;
  // the floor of one event over the control's exposure keeps the ratio finite
  const controlRate = Math.max(control.events, 1) / control.hours;
  const share = (thresholdRatio * updated.hours) / (thresholdRatio * updated.hours + control.hours);
  const pValue = binomialUpperTail(updated.events, updated.events + control.events + 1, share);
  return {
    ...result,
    ratio: round(updatedRate / controlRate),
    pValue,
    worse: updated.events >= MIN_HALT_EVENTS && pValue < HALT_P_VALUE,
  };
}

export interface WaveSignals {
  /** Devices sent the update (offline devices never sent it are not attempts). */
  attempted: number;
  failed: number;
  errors: { updated: Exposure; control: Exposure };
  anomalies: { updated: Exposure; control: Exposure };
}

/** The signal that halts the campaign at the end of `wave`'s soak, or undefined: the wave passed. */
export function judgeWave(
  signals: WaveSignals,
  thresholds: FirmwareThresholds,
  wave: number,
  atMs: number,
): FirmwareHalt | undefined {
  const failedInstalls = failedInstallsHalt(signals, thresholds, wave, atMs);
  if (failedInstalls) return failedInstalls;
  const checks = [
    ['error_rate', signals.errors, thresholds.errorRateRatio],
    ['anomaly_rate', signals.anomalies, thresholds.anomalyRateRatio],
  ] as const;
  for (const [signal, exposures, threshold] of checks) {
    const comparison = compareRates(exposures.updated, exposures.control, threshold);
    if (comparison.worse) {
      return {
        at: atMs,
        wave,
        signal,
        updated: comparison.updated,
        control: comparison.control,
        ratio: comparison.ratio,
        threshold,
        pValue: comparison.pValue,
      };
    }
  }
  return undefined;
}

/** Halts when more than the threshold's fraction of the attempted installs failed. */
export function failedInstallsHalt(
  signals: Pick<WaveSignals, 'attempted' | 'failed'>,
  thresholds: FirmwareThresholds,
  wave: number,
  atMs: number,
): FirmwareHalt | undefined {
  if (signals.attempted === 0) return undefined;
  const rate = signals.failed / signals.attempted;
  if (rate <= thresholds.failedInstallRate) return undefined;
  return {
    at: atMs,
    wave,
    signal: 'failed_installs',
    updated: { devices: signals.attempted, events: signals.failed, hours: 0, rate: round(rate) },
    control: { devices: 0, events: 0, hours: 0, rate: 0 },
    ratio: round(rate),
    threshold: thresholds.failedInstallRate,
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
