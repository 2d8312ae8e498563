// Why a campaign halted, plainly: the signal, the updated devices' rate against the control group's
// (per device-hour, with the devices and hours behind each, as a small chart and in numbers), the
// ratio against the threshold, and what happened next (rolled back, rolling back, or stopped only).
import { useMemo } from 'preact/hooks';
import { Chart, type ChartOption } from '../components/chart';
import { useNow } from '../components/hooks';
import { formatAgo, formatNumber, formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { haltSignalLabel, type FirmwareCampaign, type FirmwareSignalGroup } from './firmware-types';
import { waveNumber } from './firmware-waves';

type Halt = NonNullable<FirmwareCampaign['halt']>;

export function HaltPanel({ campaign, halt }: { campaign: FirmwareCampaign; halt: Halt }) {
  const locale = useI18n();
  const now = useNow(15_000);
  const failedInstalls = halt.signal === 'failed_installs';
  const back = campaign.counts.rolled_back;
  const outcome =
    campaign.state === 'rolled_back'
      ? t('firmware.halt.rolledBack')
      : campaign.autoRollback || back > 0
        ? t('firmware.halt.rollingBack', { done: back, total: back + campaign.counts.installed })
        : t('firmware.halt.manual');

  const option = useMemo(
    (): ChartOption => ({
      aria: { enabled: true, label: { description: t('firmware.halt.chartLabel') } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      // the bars carry their values; an axis of rates adds nothing (and crowds a phone)
      xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: [t('firmware.halt.updated'), t('firmware.halt.control')],
        axisLabel: { color: '#111827' },
      },
      series: [
        {
          type: 'bar',
          name: t('firmware.halt.chartLabel'),
          data: [
            { value: halt.updated.rate, itemStyle: { color: '#991b1b' } },
            { value: halt.control.rate, itemStyle: { color: '#4b5563' } },
          ],
          barMaxWidth: 28,
          label: {
            show: true,
            position: 'right',
            color: '#111827',
            formatter: ({ value }: { value: number }) => formatNumber(value),
          },
        },
      ],
    }),
    [halt, locale],
  );

  return (
    <section
      class="card fw-halt"
      role="region"
      aria-labelledby="fw-halt-title"
      data-testid="fw-halt"
      data-signal={halt.signal}
    >
      <h2 id="fw-halt-title">{t('firmware.halt.title')}</h2>
      <p class="fw-halt__why" data-testid="fw-halt-why">
        {t('firmware.halt.why', {
          ago: formatAgo(halt.at, now),
          wave: waveNumber(halt.wave),
          signal: haltSignalLabel(halt.signal),
        })}
      </p>
      {failedInstalls ? (
        <p data-testid="fw-halt-ratio">
          {t('firmware.halt.failedShare', {
            share: formatPercent(halt.ratio),
            threshold: formatPercent(halt.threshold),
          })}
          <br />
          <span class="muted">
            {t('firmware.halt.failedDetail', {
              events: formatNumber(halt.updated.events, 0),
              devices: formatNumber(halt.updated.devices, 0),
            })}
          </span>
        </p>
      ) : (
        <>
          <div class="fw-halt__groups">
            <GroupFacts title={t('firmware.halt.updated')} group={halt.updated} testId="fw-halt-updated" />
            <GroupFacts title={t('firmware.halt.control')} group={halt.control} testId="fw-halt-control" />
          </div>
          <Chart
            option={option}
            label={t('firmware.halt.chartLabel')}
            height={130}
            testId="fw-halt-chart"
            data={{ points: 2 }}
          />
          <p data-testid="fw-halt-ratio">
            <strong>
              {t('firmware.halt.ratio', {
                ratio: formatNumber(halt.ratio, 1),
                threshold: formatNumber(halt.threshold, 1),
              })}
            </strong>
            {halt.pValue !== undefined ? (
              <span class="muted">
                {' · '}
                {halt.pValue < 0.0001
                  ? t('firmware.halt.pBelow', { p: formatNumber(0.0001, 4) })
                  : t('firmware.halt.pValue', { p: formatNumber(halt.pValue, 4) })}
              </span>
            ) : null}
          </p>
        </>
      )}
      <p class="fw-halt__outcome" aria-live="polite" data-testid="fw-halt-outcome">
        {outcome}
      </p>
    </section>
  );
}

function GroupFacts({ title, group, testId }: { title: string; group: FirmwareSignalGroup; testId: string }) {
  return (
    <div class="fw-halt__group" data-testid={testId} data-rate={group.rate}>
      <h3>{title}</h3>
      <p class="fw-halt__rate">{t('firmware.halt.rate', { rate: formatNumber(group.rate) })}</p>
      <p class="muted small">
        {t('firmware.halt.detail', {
          events: formatNumber(group.events, 0),
          hours: formatHours(group.hours),
          devices: formatNumber(group.devices, 0),
        })}
      </p>
    </div>
  );
}

/** Device-hours with the digits that matter: 1,234.5, 3.75, 0.0067 (a short soak). */
function formatHours(hours: number): string {
  return formatNumber(hours, hours >= 10 ? 1 : hours >= 0.1 ? 2 : 4);
}
