// One metric of a device over the last hour, day or week, with its normal band shaded; history from
// the telemetry API (downsampled to what the chart can show), then live readings appended.
import { useMemo, useState } from 'preact/hooks';
import type { ApplianceProfileView, DeviceView, Point } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { Chart, type ChartOption } from '../components/chart';
import { useLoad, useSocketEvent } from '../components/hooks';
import { ErrorNote, Loading } from '../components/ui';
import { formatNumber, formatRange, formatReading } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { metricLabel } from '../i18n/labels';
import { axisExtent } from './device-chart-axis';

const HOUR_MS = 3_600_000;
const RANGES = [
  { id: '1h', spanMs: HOUR_MS, every: '30s' },
  { id: '24h', spanMs: 24 * HOUR_MS, every: '10m' },
  { id: '7d', spanMs: 7 * 24 * HOUR_MS, every: '1h' },
] as const;
type RangeId = (typeof RANGES)[number]['id'];
/** Live points kept on top of the history, at most. */
const MAX_POINTS = 5000;

export function DeviceChart({
  device,
  profile,
}: {
  device: DeviceView;
  profile: ApplianceProfileView | undefined;
}) {
  const locale = useI18n();
  const { api } = useApp();
  const metricNames = profile?.metrics.map((m) => m.name) ?? Object.keys(device.latest);
  const [chosen, setChosen] = useState<string>('');
  const metric = chosen && metricNames.includes(chosen) ? chosen : (metricNames[0] ?? '');
  const [rangeId, setRangeId] = useState<RangeId>('1h');
  const range = RANGES.find((r) => r.id === rangeId) ?? RANGES[0];
  const metricView = profile?.metrics.find((m) => m.name === metric);

  const history = useLoad(async () => {
    if (!metric) return [] as Point[];
    const to = Date.now();
    return api.get<Point[]>(path`/api/devices/${device.id}/telemetry`, {
      metric,
      from: to - range.spanMs,
      // a little ahead: device clocks run slightly fast
      to: to + 60_000,
      every: range.every,
    });
  }, [device.id, metric, rangeId]);

  useSocketEvent('telemetry', (event) => {
    if (event.deviceId !== device.id) return;
    const value = event.metrics[metric];
    if (value === undefined) return;
    history.update((points) => {
      const last = points[points.length - 1];
      if (last && last.ts >= event.ts) return points;
      const since = event.ts - range.spanMs;
      const kept =
        points.length >= MAX_POINTS || (points[0] && points[0].ts < since)
          ? points.filter((p) => p.ts >= since)
          : points;
      return [...kept.slice(-MAX_POINTS + 1), { ts: event.ts, value }];
    });
  });

  const points = history.data ?? [];
  const unit = metricView?.unit ?? '';
  const option = useMemo<ChartOption>(() => {
    const normal = metricView?.normal ?? {};
    const axis = axisExtent(
      points.map((p) => p.value),
      normal,
    );
    const banded = normal.low !== undefined || normal.high !== undefined;
    return {
      grid: { left: 64, right: 24, top: 32, bottom: 36 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: unknown) =>
          typeof value === 'number' ? formatReading(value, unit) : String(value),
      },
      xAxis: { type: 'time' },
      yAxis: {
        type: 'value',
        name: unit,
        min: axis.min,
        max: axis.max,
        interval: axis.interval,
        axisLabel: { formatter: (value: number) => formatNumber(value) },
      },
      series: [
        {
          type: 'line',
          name: metricLabel(metric),
          showSymbol: points.length < 60,
          symbolSize: 4,
          lineStyle: { width: 2, color: '#1d4ed8' },
          itemStyle: { color: '#1d4ed8' },
          data: points.map((p) => [p.ts, p.value]),
          markArea: banded
            ? {
                silent: true,
                itemStyle: { color: 'rgba(22, 101, 52, 0.12)' },
                label: {
                  show: true,
                  position: 'insideTopLeft',
                  color: '#166534',
                  formatter: t('engineer.chart.normalBand', { range: formatRange(normal, unit) }),
                },
                data: [[{ yAxis: normal.low ?? axis.min }, { yAxis: normal.high ?? axis.max }]],
              }
            : undefined,
        },
      ],
    };
  }, [points, metric, metricView, locale]);

  return (
    <div class="device-chart">
      <div class="filters">
        <label>
          {t('engineer.chart.metric')}
          <select
            value={metric}
            data-testid="chart-metric"
            onChange={(e) => setChosen(e.currentTarget.value)}
          >
            {metricNames.map((name) => (
              <option key={name} value={name}>
                {metricLabel(name)}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="device-range" data-testid="chart-range">
          <legend>{t('engineer.chart.range')}</legend>
          {RANGES.map((r) => (
            <label key={r.id} class="inline">
              <input
                type="radio"
                name="chart-range"
                value={r.id}
                checked={r.id === rangeId}
                data-testid={`range-${r.id}`}
                onChange={() => setRangeId(r.id)}
              />
              {t(`engineer.chart.ranges.${r.id}`)}
            </label>
          ))}
        </fieldset>
      </div>
      {history.error && !history.data ? <ErrorNote error={history.error} onRetry={history.reload} /> : null}
      {history.loading && !history.data ? <Loading /> : null}
      {metric ? (
        <Chart
          option={option}
          label={t('engineer.chart.label', {
            metric: metricLabel(metric),
            range: t(`engineer.chart.ranges.${rangeId}`),
          })}
          height={280}
          testId="telemetry-chart"
          data={{ points: points.length, metric }}
        />
      ) : null}
      {history.data && points.length === 0 ? <p class="muted">{t('engineer.chart.noData')}</p> : null}
    </div>
  );
}
