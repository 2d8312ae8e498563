import { REPEAT_WINDOW_MS } from '../tickets/ticket-lifecycle';

/** Default time the device must stay normal after the repair before the fix counts as verified. */
export const DEFAULT_VERIFY_HOLD_MS = 72 * 3_600_000;

/** Something abnormal the platform saw on the device: an alarm, an anomaly, a reported error code. */
export interface DeviceSignal {
  ts: number;
  kind: 'alarm' | 'anomaly' | 'error_code';
  /** The fault mode when attributed (`bearing_wear`). */
  faultMode?: string | null;
  /** The appliance error code (`E31`). */
  code?: string | null;
  /** The metric it concerns, for threshold alarms and anomalies. */
  metric?: string | null;
}

export interface FixVerificationInput {
  resolvedAtMs: number;
  holdMs?: number;
  /** What was repaired: any of these identifies the same fault coming back. */
  faultMode: string | null;
  errorCode: string | null;
  affectedMetrics?: readonly string[];
  signals: readonly DeviceSignal[];
  /** The newest telemetry reading; verification needs data covering the whole hold time. */
  lastTelemetryAtMs: number | null;
  nowMs: number;
  repeatWindowMs?: number;
}

export type FixVerificationResult =
  | { outcome: 'verified'; verifiedAtMs: number; holdStartMs: number }
  | {
      outcome: 'waiting';
      /** `holding`: the clean stretch is not long enough yet; `no_telemetry`: the device has not reported through it. */
      reason: 'holding' | 'no_telemetry';
      holdStartMs: number;
      verifiableAtMs: number;
    }
  | { outcome: 'recurrence'; atMs: number; signal: DeviceSignal; repeat: true; explanation: string };

function sameFault(signal: DeviceSignal, input: FixVerificationInput): boolean {
  if (input.faultMode && signal.faultMode === input.faultMode) return true;
  if (input.errorCode && signal.code === input.errorCode) return true;
  return !!signal.metric && (input.affectedMetrics ?? []).includes(signal.metric);
}

/**
 * Decides whether a resolved repair held. The same fault within the repeat window (30 days)
 * is a recurrence, and the ticket reopens as a repeat, even after it was verified. Any other
 * abnormal signal during the hold restarts it: the device must stay normal for one unbroken
 * hold time, and telemetry must have arrived through its end (silence proves nothing).
 */
export function verifyFix(input: FixVerificationInput): FixVerificationResult {
  const holdMs = input.holdMs ?? DEFAULT_VERIFY_HOLD_MS;
  const windowEnd = input.resolvedAtMs + (input.repeatWindowMs ?? REPEAT_WINDOW_MS);
  const after = input.signals
    .filter((s) => s.ts > input.resolvedAtMs && s.ts <= input.nowMs)
    .sort((a, b) => a.ts - b.ts);
  let holdStartMs = input.resolvedAtMs;
  for (const signal of after) {
    if (sameFault(signal, input)) {
      if (signal.ts <= windowEnd) {
        const days = ((signal.ts - input.resolvedAtMs) / 86_400_000).toFixed(1);
        return {
          outcome: 'recurrence',
          atMs: signal.ts,
          signal,
          repeat: true,
          explanation: `${input.faultMode ?? input.errorCode ?? 'The fault'} came back ${days} days after the repair`,
        };
      }
      continue;
    }
    if (signal.ts < holdStartMs + holdMs) holdStartMs = signal.ts;
  }
  const verifiableAtMs = holdStartMs + holdMs;
  if (input.nowMs < verifiableAtMs)
    return { outcome: 'waiting', reason: 'holding', holdStartMs, verifiableAtMs };
  if (input.lastTelemetryAtMs === null || input.lastTelemetryAtMs < verifiableAtMs) {
    return { outcome: 'waiting', reason: 'no_telemetry', holdStartMs, verifiableAtMs };
  }
  return { outcome: 'verified', verifiedAtMs: verifiableAtMs, holdStartMs };
}
