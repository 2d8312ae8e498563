/**
 * Telemetry retention: how long raw readings and their 1-minute and 1-hour aggregates are kept.
 * `Infinity` keeps forever. Shared by both stores, the config and the docs (docs/retention.md).
 */
export interface TelemetryRetention {
  rawMs: number;
  oneMinuteMs: number;
  oneHourMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The product's defaults: raw 30 days, 1-minute aggregates 400 days, 1-hour aggregates 5 years. */
export const DEFAULT_RETENTION: TelemetryRetention = {
  rawMs: 30 * DAY_MS,
  oneMinuteMs: 400 * DAY_MS,
  oneHourMs: 5 * 365 * DAY_MS,
};

/** Keeps everything: what a store does when no retention is configured. */
export const KEEP_FOREVER: TelemetryRetention = {
  rawMs: Infinity,
  oneMinuteMs: Infinity,
  oneHourMs: Infinity,
};

const UNIT_MS: Record<string, number> = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS, y: 365 * DAY_MS };

/**
 * A retention duration: `inf`, or a whole number of hours, days, weeks or years (`48h`, `30d`,
 * `52w`, `5y`), at least one hour (InfluxDB's shortest retention policy). `undefined` when invalid.
 */
export function parseRetention(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'inf') return Infinity;
  const match = /^(\d{1,6})(h|d|w|y)$/.exec(trimmed);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return ms >= HOUR_MS ? ms : undefined;
}

/** The InfluxQL DURATION of a retention: `INF` or whole hours. */
export function influxDuration(ms: number): string {
  return Number.isFinite(ms) ? `${Math.round(ms / HOUR_MS)}h` : 'INF';
}
