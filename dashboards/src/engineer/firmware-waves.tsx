// A campaign's waves as a horizontal list of steps (share, devices, state, soak countdown that keeps
// ticking), and the whole campaign's progress by device state as a stacked bar chart, per wave.
import { useMemo } from 'preact/hooks';
import { Chart, type ChartOption } from '../components/chart';
import { useNow } from '../components/hooks';
import { formatAgo, formatDuration, formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import {
  DEVICE_STATE_COLOURS,
  DEVICE_STATES,
  deviceStateLabel,
  installedOf,
  waveStateLabel,
  type FirmwareCampaign,
  type FirmwareWave,
} from './firmware-types';

/** Waves are counted from 1 for people; the server numbers them from 0. */
export const waveNumber = (index: number): number => index + 1;

export function WaveSteps({ campaign }: { campaign: FirmwareCampaign }) {
  useI18n();
  const now = useNow(1000);
  return (
    <section class="card" aria-labelledby="fw-waves-title" data-testid="fw-waves">
      <h2 id="fw-waves-title">{t('firmware.waves.title')}</h2>
      <ol class="fw-steps" aria-label={t('firmware.waves.label')} aria-live="polite">
        {campaign.waves.map((wave) => (
          <WaveStep
            key={wave.index}
            wave={wave}
            soakMs={campaign.soakMs}
            now={now}
            live={campaign.state === 'draft' || campaign.state === 'running' || campaign.state === 'paused'}
          />
        ))}
      </ol>
    </section>
  );
}

function WaveStep({
  wave,
  soakMs,
  now,
  live,
}: {
  wave: FirmwareWave;
  soakMs: number;
  now: number;
  /** The campaign can still move on (not halted, finished or cancelled). */
  live: boolean;
}) {
  const { installed, total } = installedOf(wave.counts);
  const soak =
    wave.state === 'soaking' && wave.soakEndsAt !== undefined
      ? wave.soakEndsAt > now
        ? t('firmware.waves.soakEndsIn', { duration: formatDuration(wave.soakEndsAt - now) })
        : t('firmware.waves.soakEnded')
      : live && (wave.state === 'pending' || wave.state === 'updating')
        ? t('firmware.waves.soakFor', { duration: formatDuration(soakMs) })
        : null;
  return (
    <li
      class={`fw-step fw-step--${wave.state}`}
      data-testid={`fw-wave-${wave.index}`}
      data-state={wave.state}
      data-installed={installed}
    >
      <span class="fw-step__head">
        <strong>{t('firmware.waves.wave', { n: waveNumber(wave.index) })}</strong>
        <span class={`badge fw-wave-badge--${wave.state}`}>{waveStateLabel(wave.state)}</span>
      </span>
      <span class="muted small">{t('firmware.waves.share', { percent: formatPercent(wave.fraction) })}</span>
      <span>{t('firmware.waves.devices', { count: wave.devices })}</span>
      <span class="small">{t('firmware.waves.installed', { installed, total: total || wave.devices })}</span>
      {wave.startedAt !== undefined ? (
        <span class="muted small">
          {t('firmware.waves.startedAgo', { ago: formatAgo(wave.startedAt, now) })}
        </span>
      ) : null}
      {soak ? (
        <span class="small fw-step__soak" data-testid={`fw-wave-${wave.index}-soak`}>
          {soak}
        </span>
      ) : null}
    </li>
  );
}

export function ProgressChart({ campaign }: { campaign: FirmwareCampaign }) {
  const locale = useI18n();
  const narrow = useMemo(() => window.matchMedia('(max-width: 640px)').matches, []);
  const { installed, total } = installedOf(campaign.counts);
  const option = useMemo((): ChartOption => {
    const rows = [
      ...campaign.waves.map((wave) => ({
        name: t('firmware.waves.wave', { n: waveNumber(wave.index) }),
        counts: wave.counts,
      })),
      { name: t('firmware.progress.whole'), counts: campaign.counts },
    ];
    return {
      aria: { enabled: true, label: { description: t('firmware.progress.chartLabel') } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0, textStyle: { color: '#111827' }, type: narrow ? 'scroll' : 'plain' },
      grid: { left: 8, right: 24, top: 8, bottom: narrow ? 56 : 40, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#4b5563' } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((row) => row.name),
        axisLabel: { color: '#111827' },
      },
      series: DEVICE_STATES.map((state) => ({
        type: 'bar',
        stack: 'devices',
        name: deviceStateLabel(state),
        data: rows.map((row) => row.counts[state]),
        itemStyle: { color: DEVICE_STATE_COLOURS[state] },
        barMaxWidth: 28,
      })),
    };
    // the labels follow the language
  }, [campaign.waves, campaign.counts, locale, narrow]);

  return (
    <section class="card" aria-labelledby="fw-progress-title" data-testid="fw-progress">
      <h2 id="fw-progress-title">{t('firmware.progress.title')}</h2>
      <p aria-live="polite" data-testid="fw-progress-summary" data-installed={installed} data-total={total}>
        {total > 0 ? t('firmware.progress.summary', { installed, total }) : t('firmware.progress.noDevices')}
      </p>
      {total > 0 ? (
        <Chart
          option={option}
          label={t('firmware.progress.chartLabel')}
          height={Math.max(180, 70 + (campaign.waves.length + 1) * 40)}
          testId="fw-progress-chart"
          data={{ points: campaign.waves.length + 1, installed, total }}
        />
      ) : null}
    </section>
  );
}
