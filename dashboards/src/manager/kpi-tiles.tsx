// KPI tiles: the value against its target and warning line, red when the warning line is crossed,
// "No data" (never 0) when nothing was measured; a tile opens the records behind its number.
import type { KpiName, KpiValue } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { useBoard } from './kpi-board-context';
import { downloadCardCsv, KpiCard } from './kpi-charts';
import { formatKpi, kpiLabel } from './kpi-data';

export function KpiTile({ kpi, name }: { kpi: KpiValue | undefined; name: KpiName }) {
  const board = useBoard();
  const label = kpiLabel(name);
  if (!kpi) {
    return (
      <div class="kpi-tile" data-testid={`kpi-tile-${name}`} data-value="">
        <span class="kpi-tile__label">{label}</span>
        <span class="kpi-tile__value muted">{t('manager.noData')}</span>
      </div>
    );
  }
  const state =
    kpi.value === null ? 'none' : kpi.breached ? 'breached' : kpi.warning !== null ? 'ok' : 'plain';
  return (
    <button
      type="button"
      class={`kpi-tile kpi-tile--${state}`}
      data-testid={`kpi-tile-${name}`}
      data-value={kpi.value ?? ''}
      data-samples={kpi.samples}
      data-breached={kpi.breached ? 'true' : 'false'}
      onClick={() => board.openDrill({ name, unit: kpi.unit })}
    >
      <span class="kpi-tile__label">{label}</span>
      <span class="kpi-tile__value" data-testid="kpi-tile-value">
        {formatKpi(kpi.value, kpi.unit)}
      </span>
      <span class="kpi-tile__meta">
        {kpi.target !== null
          ? t('manager.tile.target', { target: formatKpi(kpi.target, kpi.unit) })
          : t('manager.tile.noTarget')}
        {kpi.warning !== null ? (
          <>
            {' · '}
            {t('manager.tile.warning', { warning: formatKpi(kpi.warning, kpi.unit) })}
          </>
        ) : null}
      </span>
      {kpi.value !== null && kpi.warning !== null ? (
        <span class={`badge ${kpi.breached ? 'badge--breached' : 'badge--ok'}`}>
          {kpi.breached ? t('manager.tile.breached') : t('manager.tile.onTrack')}
        </span>
      ) : null}
      <span class="kpi-tile__meta">{t('manager.tile.samples', { count: kpi.samples })}</span>
      <span class="visually-hidden">{t('manager.tile.drill')}</span>
    </button>
  );
}

/** A row of tiles with a CSV export of their values, targets and warning lines. */
export function KpiTiles({
  title,
  names,
  values,
  testId,
}: {
  title: string;
  names: readonly KpiName[];
  values: ReadonlyMap<KpiName, KpiValue> | undefined;
  testId: string;
}) {
  const board = useBoard();
  const exportCsv = (): void => {
    downloadCardCsv(
      board,
      testId,
      [
        t('manager.csv.kpi'),
        t('manager.table.value'),
        t('manager.csv.target'),
        t('manager.csv.warning'),
        t('manager.table.samples'),
        t('manager.csv.key'),
      ],
      names.map((name) => {
        const kpi = values?.get(name);
        return [
          kpiLabel(name),
          kpi?.value ?? null,
          kpi?.target ?? null,
          kpi?.warning ?? null,
          kpi?.samples ?? 0,
          name,
        ];
      }),
    );
  };
  return (
    <KpiCard title={title} testId={testId} tiles onExport={exportCsv}>
      <div class="kpi-tiles">
        {names.map((name) => (
          <KpiTile key={name} name={name} kpi={values?.get(name)} />
        ))}
      </div>
    </KpiCard>
  );
}
