// The records behind a number (`GET /api/kpis/{name}/rows` with the board's filters, and the slice
// and group when a bar or a table cell was clicked), a page at a time; each ticket links to its page,
// each customer feedback (service request) to the care desk's page for those who have it.
// Also used inline for the lists of the exception ranking (overdue tickets, the backlog).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { KpiRow, KpiRowsAnswer, KpiUnit } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { ErrorNote, Loading } from '../components/ui';
import { formatDate, formatDateTime, formatNumber, formatPercent } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { useBoard, type DrillTarget } from './kpi-board-context';
import { fileName } from './kpi-csv';
import { downloadCsv } from './kpi-download';
import { apiParams, formatKpi, kpiLabel, regionLabel, type BoardQuery } from './kpi-data';

const PAGE = 25;
const EXPORT_PAGE = 1000;
const EXPORT_MAX = 20_000;

function rowsQuery(target: DrillTarget, query: BoardQuery, limit: number, offset: number) {
  return {
    ...apiParams(query),
    groupBy: target.groupBy,
    group: target.group,
    limit,
    offset,
  };
}

function valueText(row: KpiRow, unit: KpiUnit | undefined): string {
  if (row.value === null) return t('manager.noData');
  // a technician's share of a rate (busy share of their online time) reads as a percentage
  if (unit === 'ratio' && row.kind === 'technician') return formatPercent(row.value);
  if (!unit || unit === 'ratio') return formatNumber(row.value);
  return formatKpi(row.value, unit);
}

/** The rows of one number, paginated, with a CSV export of all of them. */
export function DrillRows({ target, testId }: { target: DrillTarget; testId: string }) {
  useI18n();
  const { api, me } = useApp();
  // the care desk's request page is the admins' and engineers' (managers do not read requests)
  const canOpenRequests = me.role === 'admin' || me.role === 'engineer';
  const board = useBoard();
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const key = JSON.stringify([target.name, target.groupBy, target.group, board.query]);
  useEffect(() => setPage(0), [key]);
  const rows = useLoad(
    () =>
      api.get<KpiRowsAnswer>(
        path`/api/kpis/${target.name}/rows`,
        rowsQuery(target, board.query, PAGE, page * PAGE),
      ),
    [key, page],
  );
  const orgName = (id: string | null): string => (id ? (board.namers.orgs.get(id)?.name ?? id) : '—');
  const technicianName = (id: string | null): string => (id ? (board.namers.technicians.get(id) ?? id) : '—');

  const exportAll = async (): Promise<void> => {
    setExporting(true);
    setExportError(null);
    try {
      const all: KpiRow[] = [];
      for (let offset = 0; offset < EXPORT_MAX; offset += EXPORT_PAGE) {
        const answer = await api.get<KpiRowsAnswer>(
          path`/api/kpis/${target.name}/rows`,
          rowsQuery(target, board.query, EXPORT_PAGE, offset),
        );
        all.push(...answer.items);
        if (answer.items.length < EXPORT_PAGE || all.length >= answer.total) break;
      }
      downloadCsv(
        fileName([board.board, target.name, target.group ?? 'all', board.query.from, board.query.to], 'csv'),
        [
          t('manager.drill.kind'),
          t('manager.drill.id'),
          t('manager.drill.at'),
          t('manager.drill.region'),
          t('manager.drill.branch'),
          t('manager.drill.provider'),
          t('manager.drill.type'),
          t('manager.drill.model'),
          t('manager.drill.technician'),
          t('manager.drill.value'),
          t('manager.drill.counts'),
        ],
        all.map((row) => [
          t(`manager.rowKind.${row.kind}`),
          row.id,
          new Date(row.at).toISOString(),
          row.region ? regionLabel(row.region) : '',
          row.branch ? orgName(row.branch) : '',
          row.provider ? orgName(row.provider) : '',
          row.type ? typeLabel(row.type) : '',
          row.model ?? '',
          row.technician ? technicianName(row.technician) : '',
          row.value,
          row.bad ? t('manager.drill.countsYes') : t('manager.drill.countsNo'),
        ]),
      );
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  const data = rows.data;
  const total = data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / PAGE));
  return (
    <div data-testid={testId}>
      <div class="kpi-slice__head">
        <p class="muted" aria-live="polite" data-testid={`${testId}-total`} data-total={data ? total : ''}>
          {data ? t('manager.drill.total', { count: total }) : ''}
        </p>
        <button
          type="button"
          class="button button--ghost button--small"
          data-testid={`${testId}-csv`}
          disabled={exporting || total === 0}
          onClick={() => void exportAll()}
        >
          {exporting ? t('manager.csv.exporting') : t('manager.csv.export')}
        </button>
      </div>
      {exportError ? <ErrorNote error={exportError} /> : null}
      {rows.error && !data ? <ErrorNote error={rows.error} onRetry={rows.reload} /> : null}
      {!data && !rows.error ? <Loading /> : null}
      {data && data.items.length === 0 ? <p class="muted">{t('manager.drill.empty')}</p> : null}
      {data && data.items.length > 0 ? (
        <div class="table-scroll">
          <table class="data-table data-table--cards" data-testid={`${testId}-table`}>
            <thead>
              <tr>
                <th scope="col">{t('manager.drill.id')}</th>
                <th scope="col">{t('manager.drill.kind')}</th>
                <th scope="col">{t('manager.drill.at')}</th>
                <th scope="col">{t('manager.drill.region')}</th>
                <th scope="col">{t('manager.drill.branch')}</th>
                <th scope="col">{t('manager.drill.type')}</th>
                <th scope="col">{t('manager.drill.model')}</th>
                <th scope="col">{t('manager.drill.technician')}</th>
                <th scope="col" class="num">
                  {t('manager.drill.value')}
                </th>
                <th scope="col">{t('manager.drill.counts')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((row) => (
                <tr key={`${row.kind}:${row.id}`} data-testid="drill-row" data-kind={row.kind}>
                  <td data-label={t('manager.drill.id')}>
                    {row.kind === 'ticket' ? (
                      <a
                        href={href('tickets', row.id)}
                        data-testid="drill-ticket-link"
                        aria-label={t('manager.drill.openTicket', { id: row.id })}
                      >
                        {row.id}
                      </a>
                    ) : row.kind === 'service_request' && canOpenRequests ? (
                      <a
                        href={href('requests', row.id)}
                        data-testid="drill-request-link"
                        aria-label={t('manager.drill.openRequest', { id: row.id })}
                      >
                        {row.id}
                      </a>
                    ) : (
                      row.id
                    )}
                  </td>
                  <td data-label={t('manager.drill.kind')}>{t(`manager.rowKind.${row.kind}`)}</td>
                  <td data-label={t('manager.drill.at')} class="nowrap">
                    {row.kind !== 'technician'
                      ? formatDateTime(row.at)
                      : // a technician's row covers the period (from its start); headcount rows have no date
                        row.at > 0
                        ? formatDate(row.at)
                        : '—'}
                  </td>
                  <td data-label={t('manager.drill.region')}>{row.region ? regionLabel(row.region) : '—'}</td>
                  <td data-label={t('manager.drill.branch')}>{orgName(row.branch)}</td>
                  <td data-label={t('manager.drill.type')}>{row.type ? typeLabel(row.type) : '—'}</td>
                  <td data-label={t('manager.drill.model')} class="nowrap">
                    {row.model ?? '—'}
                  </td>
                  <td data-label={t('manager.drill.technician')}>{technicianName(row.technician)}</td>
                  <td data-label={t('manager.drill.value')} class="num">
                    {valueText(row, target.unit)}
                  </td>
                  <td data-label={t('manager.drill.counts')}>
                    {row.bad ? (
                      <span class="badge badge--breached">{t('manager.drill.countsYes')}</span>
                    ) : (
                      <span class="muted">{t('manager.drill.countsNo')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {total > PAGE ? (
        <nav class="pager" aria-label={t('pager.label')} data-testid={`${testId}-pager`}>
          <button
            type="button"
            class="button button--ghost"
            disabled={page === 0}
            onClick={() => setPage(page - 1)}
          >
            {t('pager.previous')}
          </button>
          <span aria-live="polite">
            {t('pager.status', {
              from: page * PAGE + 1,
              to: Math.min(total, (page + 1) * PAGE),
              total,
            })}
          </span>
          <button
            type="button"
            class="button button--ghost"
            disabled={page >= pageCount - 1}
            onClick={() => setPage(page + 1)}
          >
            {t('pager.next')}
          </button>
        </nav>
      ) : null}
    </div>
  );
}

/** The drill-down panel a tile, a bar or a table cell opens. */
export function DrillPanel({ target, onClose }: { target: DrillTarget; onClose: () => void }) {
  useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const key = `${target.name}|${target.groupBy ?? ''}|${target.group ?? ''}`;
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'start', behavior: 'auto' });
  }, [key]);
  const title = target.groupText
    ? t('manager.drill.titleGroup', { kpi: kpiLabel(target.name), group: target.groupText })
    : t('manager.drill.title', { kpi: kpiLabel(target.name) });
  return (
    <section
      class="card kpi-drill"
      aria-label={title}
      data-testid="drill-panel"
      data-kpi={target.name}
      data-group={target.group ?? ''}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <div class="kpi-slice__head">
        <h2 ref={heading} tabindex={-1}>
          {title}
        </h2>
        <button
          type="button"
          class="button button--ghost button--small"
          data-testid="drill-close"
          onClick={onClose}
        >
          {t('manager.drill.close')}
        </button>
      </div>
      <DrillRows target={target} testId="drill" />
    </section>
  );
}
