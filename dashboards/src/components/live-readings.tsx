// A device's latest reading per metric, kept live from the `telemetry` events of its device room
// (the caller joins `device:<id>`): each metric's label, value with unit, normal range and whether
// the value is outside it or critical, in the profile's order.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApplianceProfileView, Band, DeviceView } from '../../../contracts/src';
import { formatAgo, formatRange, formatReading } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { metricLabel } from '../i18n/labels';
import { useNow, useSocketEvent } from './hooks';

type Latest = DeviceView['latest'];
export type ReadingState = 'normal' | 'outside' | 'critical' | 'none';

const outsideOf = (value: number, band: Band): boolean =>
  (band.low !== undefined && value < band.low) || (band.high !== undefined && value > band.high);

/** Where a value stands against the metric's bands: critical outside the critical band, else outside the normal one. */
export function readingState(value: number | undefined, normal: Band, critical: Band): ReadingState {
  if (value === undefined) return 'none';
  if (outsideOf(value, critical)) return 'critical';
  if (outsideOf(value, normal)) return 'outside';
  return 'normal';
}

/** The newer reading per metric of two snapshots. */
function newest(current: Latest, incoming: Latest): Latest {
  const merged: Latest = { ...current };
  for (const [metric, reading] of Object.entries(incoming)) {
    if (!merged[metric] || merged[metric].ts <= reading.ts) merged[metric] = reading;
  }
  return merged;
}

export interface LiveReadingsProps {
  device: DeviceView;
  profile: ApplianceProfileView | undefined;
  testId?: string;
}

export function LiveReadings({ device, profile, testId }: LiveReadingsProps) {
  useI18n();
  const now = useNow(5000);
  const [latest, setLatest] = useState<Latest>(device.latest);

  // another device: start from its own snapshot; a reloaded copy of the same device: keep what is newer
  const shownId = useRef(device.id);
  useEffect(() => {
    if (shownId.current !== device.id) {
      shownId.current = device.id;
      setLatest(device.latest);
    } else {
      setLatest((current) => newest(current, device.latest));
    }
  }, [device]);

  useSocketEvent('telemetry', (event) => {
    if (event.deviceId !== device.id) return;
    const incoming: Latest = {};
    for (const [metric, value] of Object.entries(event.metrics)) incoming[metric] = { ts: event.ts, value };
    setLatest((current) => newest(current, incoming));
  });

  const metrics =
    profile?.metrics ?? Object.keys(latest).map((name) => ({ name, unit: '', normal: {}, critical: {} }));
  const lastTs = Math.max(0, ...Object.values(latest).map((reading) => reading.ts));

  return (
    <div class="live-readings" data-testid={testId ?? 'live-readings'}>
      {metrics.length === 0 ? (
        <p class="muted">{t('engineer.readings.none')}</p>
      ) : (
        <div class="readings">
          {metrics.map((metric) => {
            const reading = latest[metric.name];
            const state = readingState(reading?.value, metric.normal, metric.critical);
            return (
              <div
                key={metric.name}
                class={`reading${state === 'outside' ? ' reading--outside' : state === 'critical' ? ' reading--critical' : ''}`}
                data-testid={`reading-${metric.name}`}
                data-state={state}
              >
                <div class="reading__label">{metricLabel(metric.name)}</div>
                <div class="reading__value" data-testid={`latest-${metric.name}`}>
                  {reading ? formatReading(reading.value, metric.unit) : '–'}
                </div>
                <div class="reading__band">
                  {t('engineer.readings.normal', { range: formatRange(metric.normal, metric.unit) })}
                </div>
                <div class="reading__state" aria-live="polite">
                  {state === 'none' ? t('engineer.readings.noValue') : t(`engineer.readings.state.${state}`)}
                </div>
              </div>
            );
          })}
        </div>
      )}
      <p class="muted small" data-testid="readings-updated">
        {t('engineer.readings.updated', { ago: formatAgo(lastTs > 0 ? lastTs : null, now) })}
      </p>
    </div>
  );
}
