// Parts: stock per SKU (available, reserved, on hand) against its reorder point with the EOQ
// suggestion, the first-visit fill rate, a chart of the SKUs to reorder, and where a lot went.
import { useMemo, useState } from 'preact/hooks';
import type { FillRate, Part, PartConsumption, PartStock, Technician } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { Chart, type ChartOption } from '../components/chart';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, ErrorNote, Facts, Loading, PageTitle } from '../components/ui';
import { formatDateTime, formatNumber, formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { partLabel, typeLabel } from '../i18n/labels';
import { locationName, ticketRef } from './desk-data';
import { PartShipments } from './parts-shipments';

/** How many SKUs the chart shows when none needs reordering: those closest to their reorder point. */
const NEAREST = 8;

export function PartsPage() {
  const locale = useI18n();
  const { api } = useApp();
  const stock = useLoad(() => api.get<PartStock[]>('/api/parts/stock'), []);
  const catalogue = useLoad(() => api.get<Part[]>('/api/parts'), []);
  const fillRate = useLoad(() => api.get<FillRate>('/api/parts/fill-rate'), []);
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const [onlyReorder, setOnlyReorder] = useState(false);

  const narrow = useMemo(() => window.matchMedia('(max-width: 640px)').matches, []);
  const partBySku = useMemo(() => new Map((catalogue.data ?? []).map((p) => [p.sku, p])), [catalogue.data]);
  /** "Drain pump (Washing machine)" in the reader's language; the server's name for an unknown SKU. */
  const skuName = (sku: string, fallback: string): string => {
    const part = partBySku.get(sku);
    return part
      ? t('desk.parts.partOfType', { part: partLabel(part.part), type: typeLabel(part.applianceType) })
      : fallback;
  };

  const rows = useMemo(
    () =>
      [...(stock.data ?? [])]
        .filter((s) => !onlyReorder || s.reorder)
        .sort((a, b) => Number(b.reorder) - Number(a.reorder) || a.sku.localeCompare(b.sku)),
    [stock.data, onlyReorder],
  );
  const paged = usePaged(rows, 25);
  const toReorder = (stock.data ?? []).filter((s) => s.reorder);

  const chart = useMemo(() => {
    const all = stock.data ?? [];
    const reorder = all.filter((s) => s.reorder);
    const nearest = [...all]
      .sort((a, b) => a.available / Math.max(1, a.reorderPoint) - b.available / Math.max(1, b.reorderPoint))
      .slice(0, NEAREST);
    const shown = reorder.length ? reorder : nearest;
    const names = shown.map((s) => skuName(s.sku, s.name));
    const option: ChartOption = {
      aria: { enabled: true, label: { description: t('desk.parts.chartLabel', { count: shown.length }) } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0, textStyle: { color: '#111827' } },
      grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
      xAxis: { type: 'value', axisLabel: { color: '#4b5563' } },
      yAxis: {
        type: 'category',
        data: names,
        inverse: true,
        axisLabel: { color: '#111827', width: narrow ? 130 : 220, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: t('desk.parts.available'),
          data: shown.map((s) => s.available),
          itemStyle: { color: '#1d4ed8' },
        },
        {
          type: 'bar',
          name: t('desk.parts.reorderPoint'),
          data: shown.map((s) => Math.round(s.reorderPoint * 10) / 10),
          itemStyle: { color: '#9a3412' },
        },
      ],
    };
    return { option, count: shown.length, reorderOnly: reorder.length > 0 };
    // names follow the language
  }, [stock.data, partBySku, locale]);

  return (
    <>
      <PageTitle>{t('desk.parts.title')}</PageTitle>
      <PartShipments />
      <div class="columns desk-columns">
        <section class="card" aria-labelledby="parts-fill-title" data-testid="parts-fill-rate">
          <h2 id="parts-fill-title">{t('desk.parts.fillRate')}</h2>
          <Async state={fillRate}>
            {(rate) => (
              <>
                <p class={rate.rate !== null ? 'desk-big' : 'muted'} data-testid="parts-fill-rate-value">
                  {rate.rate !== null ? formatPercent(rate.rate) : t('desk.parts.noFillRate')}
                </p>
                <Facts
                  items={[
                    [t('desk.parts.fillEligible'), formatNumber(rate.eligible, 0)],
                    [t('desk.parts.fillFilled'), formatNumber(rate.filled, 0)],
                    [t('desk.parts.lineRate'), rate.lineRate !== null ? formatPercent(rate.lineRate) : '–'],
                  ]}
                />
                <p class="muted small">{t('desk.parts.fillRateHint')}</p>
              </>
            )}
          </Async>
        </section>
        <section class="card" aria-labelledby="parts-chart-title">
          <h2 id="parts-chart-title">
            {chart.reorderOnly ? t('desk.parts.chartReorder') : t('desk.parts.chartNearest')}
          </h2>
          {stock.data ? (
            chart.count ? (
              <Chart
                option={chart.option}
                label={t('desk.parts.chartLabel', { count: chart.count })}
                height={Math.max(220, 56 + chart.count * 34)}
                testId="parts-chart"
                data={{ points: chart.count }}
              />
            ) : (
              <Empty>{t('desk.parts.noStock')}</Empty>
            )
          ) : stock.error ? (
            <ErrorNote error={stock.error} onRetry={stock.reload} />
          ) : (
            <Loading />
          )}
          {stock.data && !chart.reorderOnly ? (
            <p class="muted small">{t('desk.parts.nothingToReorder')}</p>
          ) : null}
        </section>
      </div>

      <section class="card" aria-labelledby="parts-stock-title">
        <h2 id="parts-stock-title">{t('desk.parts.stockTitle')}</h2>
        <div class="filters">
          <label class="inline">
            <input
              type="checkbox"
              checked={onlyReorder}
              data-testid="parts-only-reorder"
              onChange={(e) => setOnlyReorder(e.currentTarget.checked)}
            />
            {t('desk.parts.onlyReorder')}
          </label>
        </div>
        <Async state={stock}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="parts-summary">
                {t('desk.parts.summary', { count: stock.data?.length ?? 0, reorder: toReorder.length })}
              </p>
              {rows.length === 0 ? (
                <Empty>{t('desk.parts.noneToReorder')}</Empty>
              ) : (
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="parts-stock">
                    <thead>
                      <tr>
                        <th scope="col">{t('desk.parts.part')}</th>
                        <th scope="col">{t('desk.parts.sku')}</th>
                        <th scope="col">{t('desk.parts.abc')}</th>
                        <th scope="col" class="num">
                          {t('desk.parts.available')}
                        </th>
                        <th scope="col" class="num">
                          {t('desk.parts.reserved')}
                        </th>
                        <th scope="col" class="num">
                          {t('desk.parts.onHand')}
                        </th>
                        <th scope="col" class="num">
                          {t('desk.parts.reorderPoint')}
                        </th>
                        <th scope="col" class="num">
                          {t('desk.parts.eoq')}
                        </th>
                        <th scope="col">{t('desk.parts.reorder')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((s) => (
                        <tr key={s.sku} data-testid={`parts-row-${s.sku}`}>
                          <td data-label={t('desk.parts.part')}>{skuName(s.sku, s.name)}</td>
                          <td data-label={t('desk.parts.sku')} class="nowrap">
                            {s.sku}
                          </td>
                          <td data-label={t('desk.parts.abc')}>{s.abcClass}</td>
                          <td data-label={t('desk.parts.available')} class="num">
                            {formatNumber(s.available, 0)}
                          </td>
                          <td data-label={t('desk.parts.reserved')} class="num">
                            {formatNumber(s.reserved, 0)}
                          </td>
                          <td data-label={t('desk.parts.onHand')} class="num">
                            {formatNumber(s.onHand, 0)}
                          </td>
                          <td data-label={t('desk.parts.reorderPoint')} class="num">
                            {formatNumber(s.reorderPoint, 1)}
                          </td>
                          <td data-label={t('desk.parts.eoq')} class="num">
                            {formatNumber(Math.ceil(s.eoq), 0)}
                          </td>
                          <td data-label={t('desk.parts.reorder')}>
                            {s.reorder ? (
                              <span class="badge badge--major" data-testid="parts-reorder">
                                {t('desk.parts.reorderQty', { qty: formatNumber(s.suggestedOrderQty, 0) })}
                              </span>
                            ) : (
                              <span class="badge badge--ok">{t('desk.parts.stocked')}</span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Pager paged={paged} />
            </>
          )}
        </Async>
      </section>

      <LotTrace technicians={technicians.data} skuName={skuName} />
    </>
  );
}

function LotTrace({
  technicians,
  skuName,
}: {
  technicians: Technician[] | undefined;
  skuName: (sku: string, fallback: string) => string;
}) {
  const { api } = useApp();
  const [lot, setLot] = useState('');
  // a new object per search, so asking for the same lot again asks the server again
  const [asked, setAsked] = useState<{ lot: string } | null>(null);
  const trace = useLoad(
    () =>
      asked
        ? api.get<PartConsumption[]>(`/api/parts/lots/${encodeURIComponent(asked.lot)}`)
        : Promise.resolve(null),
    [asked],
  );
  return (
    <section class="card" aria-labelledby="parts-lot-title">
      <h2 id="parts-lot-title">{t('desk.parts.lotTitle')}</h2>
      <p class="muted">{t('desk.parts.lotIntro')}</p>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (lot.trim()) setAsked({ lot: lot.trim() });
        }}
      >
        <label>
          {t('desk.parts.lot')}
          <input
            required
            maxLength={64}
            value={lot}
            data-testid="parts-lot"
            onInput={(e) => setLot(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button" data-testid="parts-lot-submit">
          {t('desk.parts.trace')}
        </button>
      </form>
      {asked ? (
        <Async state={trace}>
          {(found) =>
            !found ? null : found.length === 0 ? (
              <p class="muted" role="status" data-testid="parts-lot-result" data-rows="0">
                {t('desk.parts.lotUnused', { lot: asked.lot })}
              </p>
            ) : (
              <div class="table-scroll" data-testid="parts-lot-result" data-rows={found.length}>
                <p class="muted" role="status">
                  {t('desk.parts.lotFitted', {
                    lot: asked.lot,
                    count: found.reduce((sum, c) => sum + c.qty, 0),
                  })}
                </p>
                <table class="data-table data-table--cards">
                  <thead>
                    <tr>
                      <th scope="col">{t('desk.parts.fittedAt')}</th>
                      <th scope="col">{t('desk.parts.part')}</th>
                      <th scope="col" class="num">
                        {t('desk.parts.qty')}
                      </th>
                      <th scope="col">{t('desk.parts.from')}</th>
                      <th scope="col">{t('desk.parts.ticket')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {found.map((c, i) => (
                      <tr key={`${c.ticketId}-${i}`}>
                        <td data-label={t('desk.parts.fittedAt')} class="nowrap">
                          {formatDateTime(c.at)}
                        </td>
                        <td data-label={t('desk.parts.part')}>{skuName(c.sku, c.sku)}</td>
                        <td data-label={t('desk.parts.qty')} class="num">
                          {formatNumber(c.qty, 0)}
                        </td>
                        <td data-label={t('desk.parts.from')}>{locationName(c.locationId, technicians)}</td>
                        <td data-label={t('desk.parts.ticket')}>
                          <a href={href('tickets', c.ticketId)}>{ticketRef(c.ticketId)}</a>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Async>
      ) : null}
    </section>
  );
}
