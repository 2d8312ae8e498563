// The staff board's activity cards: the busy/idle trend per month (online hours per technician as
// bars, busy and idle shares of the online time as lines, on their own axes), and the location
// anomalies (an "arrived" far from the job, a technician far outside their area).
import { useMemo } from 'preact/hooks';
import type { KpiValue, LocationAnomaly } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { Chart, type ChartClick, type ChartOption } from '../components/chart';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { ErrorNote, Loading } from '../components/ui';
import { formatDateTime, formatNumber, formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { useBoard } from './kpi-board-context';
import { ChartTable, DrillButton, EmptyNote, KpiCard, NoData } from './kpi-charts';
import { apiParams, formatKpi, groupLabel, kpiLabel } from './kpi-data';

const BARS = '#1d4ed8';
const BUSY = '#b45309';
const IDLE = '#047857';

interface TrendRow {
  key: string;
  label: string;
  online: number | null;
  busy: number | null;
}

/** Busy and idle shares of the online time, with the online hours per technician, month by month. */
export function BusyTrendCard({
  busy,
  online,
  testId,
}: {
  busy: KpiValue | undefined;
  online: KpiValue | undefined;
  testId: string;
}) {
  const locale = useI18n();
  const board = useBoard();
  const rows = useMemo((): TrendRow[] => {
    const keys = new Set([...(busy?.groups ?? []), ...(online?.groups ?? [])].map((g) => g.key.slice(0, 7)));
    const valueOf = (kpi: KpiValue | undefined, key: string) =>
      kpi?.groups.find((g) => g.key.slice(0, 7) === key)?.value ?? null;
    return [...keys].sort().map((key) => ({
      key,
      label: groupLabel(key, 'month', board.namers),
      online: valueOf(online, key),
      busy: valueOf(busy, key),
    }));
  }, [busy, online, board.namers, locale]);
  const title = t('manager.staff.busyTrend');
  const idleLabel = t('manager.staff.idleShare');
  const option = useMemo((): ChartOption => {
    const share = (v: number) => formatPercent(v);
    return {
      color: [BARS, BUSY, IDLE],
      legend: { top: 0, type: 'plain' },
      grid: { left: 48, right: 48, top: 64, bottom: 32, containLabel: true },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, 1) : t('manager.noData')),
      },
      xAxis: { type: 'category', data: rows.map((r) => r.label) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v) } },
        { type: 'value', min: 0, max: 1, axisLabel: { formatter: share }, splitLine: { show: false } },
      ],
      series: [
        {
          type: 'bar',
          name: kpiLabel('technician_online_hours'),
          data: rows.map((r) => (r.online === null ? null : Math.round(r.online * 10) / 10)),
          barMaxWidth: 36,
        },
        {
          type: 'line',
          name: kpiLabel('technician_busy_share'),
          yAxisIndex: 1,
          data: rows.map((r) => r.busy),
          symbolSize: 7,
          tooltip: {
            valueFormatter: (v: unknown) => (typeof v === 'number' ? share(v) : t('manager.noData')),
          },
        },
        {
          type: 'line',
          name: idleLabel,
          yAxisIndex: 1,
          data: rows.map((r) => (r.busy === null ? null : 1 - r.busy)),
          symbolSize: 7,
          lineStyle: { type: 'dashed' },
          tooltip: {
            valueFormatter: (v: unknown) => (typeof v === 'number' ? share(v) : t('manager.noData')),
          },
        },
      ],
    };
  }, [rows, locale]);
  const hasData = rows.some((r) => r.online !== null || r.busy !== null);
  const drill = (kpi: KpiValue | undefined, row: TrendRow) => {
    if (!kpi) return;
    board.openDrill({
      name: kpi.name,
      unit: kpi.unit,
      groupBy: 'month',
      group: row.key,
      groupText: row.label,
    });
  };
  const onClick = (event: ChartClick) => {
    const row = rows[event.dataIndex];
    if (row) drill(event.seriesIndex === 0 ? online : busy, row);
  };
  const summary = rows
    .map(
      (r) =>
        `${r.label}: ${formatKpi(r.online, 'hours')}, ${kpiLabel('technician_busy_share')} ${formatKpi(r.busy, 'ratio')}`,
    )
    .join('; ');
  const busyPoints = rows.filter((r) => r.busy !== null).length;
  return (
    <KpiCard title={title} testId={testId}>
      {!hasData ? (
        <EmptyNote testId={testId} />
      ) : (
        <Chart
          option={option}
          label={t('manager.chart.label', { title, summary })}
          height={300}
          testId={`${testId}-chart`}
          data={{ points: rows.length, 'busy-points': busyPoints }}
          onClick={onClick}
        />
      )}
      <ChartTable testId={testId}>
        <thead>
          <tr>
            <th scope="col">{t('manager.groupBy.month')}</th>
            <th scope="col" class="num">
              {kpiLabel('technician_online_hours')}
            </th>
            <th scope="col" class="num">
              {kpiLabel('technician_busy_share')}
            </th>
            <th scope="col" class="num">
              {idleLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              {(
                [
                  [online, row.online, 'hours'],
                  [busy, row.busy, 'ratio'],
                ] as const
              ).map(([kpi, value, unit]) => (
                <td key={unit} class="num" data-label={kpi ? kpiLabel(kpi.name) : ''}>
                  {value === null || !kpi ? (
                    <NoData />
                  ) : (
                    <DrillButton
                      kpi={kpiLabel(kpi.name)}
                      group={row.label}
                      data-kpi={kpi.name}
                      data-group={row.key}
                      onClick={() => drill(kpi, row)}
                    >
                      {formatKpi(value, unit)}
                    </DrillButton>
                  )}
                </td>
              ))}
              <td class="num" data-label={idleLabel}>
                {row.busy === null ? <NoData /> : formatKpi(1 - row.busy, 'ratio')}
              </td>
            </tr>
          ))}
        </tbody>
      </ChartTable>
    </KpiCard>
  );
}

/** Where technicians said they were and should not have been, newest first, a page at a time. */
export function LocationAnomaliesCard({ testId }: { testId: string }) {
  useI18n();
  const { api } = useApp();
  const board = useBoard();
  const params = apiParams(board.query);
  const key = JSON.stringify([params.from, params.to, params.region ?? '']);
  const loaded = useLoad(
    () =>
      api.get<LocationAnomaly[]>('/api/kpis/location-anomalies', {
        from: params.from,
        to: params.to,
        ...(params.region ? { region: params.region } : {}),
      }),
    [key],
  );
  const paged = usePaged(loaded.data ?? [], 10);
  const title = t('manager.staff.anomalies');
  return (
    <section class="card" aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      <p class="muted small">{t('manager.staff.anomaliesHint')}</p>
      {loaded.error && !loaded.data ? <ErrorNote error={loaded.error} onRetry={loaded.reload} /> : null}
      {!loaded.data && !loaded.error ? <Loading /> : null}
      {loaded.data && loaded.data.length === 0 ? (
        <p class="muted" data-testid={`${testId}-empty`}>
          {t('manager.staff.anomaliesNone')}
        </p>
      ) : null}
      {loaded.data && loaded.data.length > 0 ? (
        <>
          <p class="muted" aria-live="polite" data-testid={`${testId}-total`} data-total={loaded.data.length}>
            {t('manager.drill.total', { count: loaded.data.length })}
          </p>
          <div class="table-scroll">
            <table class="data-table data-table--cards" data-testid={`${testId}-table`}>
              <thead>
                <tr>
                  <th scope="col">{t('manager.staff.anomalyWhen')}</th>
                  <th scope="col">{t('manager.staff.anomalyTechnician')}</th>
                  <th scope="col">{t('manager.staff.anomalyKind')}</th>
                  <th scope="col" class="num">
                    {t('manager.staff.anomalyDistance')}
                  </th>
                  <th scope="col">{t('manager.staff.anomalyTicket')}</th>
                </tr>
              </thead>
              <tbody>
                {paged.items.map((a) => (
                  <tr
                    key={`${a.kind}:${a.technicianId}:${a.at}`}
                    data-testid="anomaly-row"
                    data-kind={a.kind}
                  >
                    <td data-label={t('manager.staff.anomalyWhen')} class="nowrap">
                      {formatDateTime(a.at)}
                    </td>
                    <td data-label={t('manager.staff.anomalyTechnician')}>
                      {a.technicianName ?? board.namers.technicians.get(a.technicianId) ?? a.technicianId}
                    </td>
                    <td data-label={t('manager.staff.anomalyKind')}>
                      {t(`manager.staff.anomalyKinds.${a.kind}`)}
                    </td>
                    <td data-label={t('manager.staff.anomalyDistance')} class="num">
                      {t('manager.staff.anomalyKm', { km: formatNumber(a.distanceKm, 1) })}{' '}
                      <span class="muted small">{t(`manager.staff.anomalyDistanceFrom.${a.kind}`)}</span>
                    </td>
                    <td data-label={t('manager.staff.anomalyTicket')}>
                      {a.ticketId ? <a href={href('tickets', a.ticketId)}>{a.ticketId}</a> : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager paged={paged} testId={`${testId}-pager`} />
        </>
      ) : null}
    </section>
  );
}
