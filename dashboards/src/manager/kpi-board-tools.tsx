// The strip of open management warnings at the top of a board (`GET /api/kpi-warnings?status=open`,
// hidden where the server has no such endpoint) and the monthly report download (`GET
// /api/reports/monthly/{yyyy-mm}?format=pdf`, fetched with the access token, saved as a file).
import { useState } from 'preact/hooks';
import type { KpiName, KpiWarning } from '../../../contracts/src';
import { ApiError, describeError, path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad, useNow } from '../components/hooks';
import { formatAgo } from '../i18n/format';
import { currentLocale, t, useI18n } from '../i18n/i18n';
import { useBoard } from './kpi-board-context';
import { downloadBlob } from './kpi-download';
import { formatKpi, kpiLabel, lastMonth, periodLabel } from './kpi-data';

const FIRST = 3;

/** Open warnings on the board's KPIs, newest first; nothing when the endpoint is not there. */
export function WarningsStrip({ kpis }: { kpis: readonly KpiName[] }) {
  useI18n();
  const { api } = useApp();
  const region = useBoard().query.region;
  const [all, setAll] = useState(false);
  const now = useNow(30_000);
  const warnings = useLoad(async () => {
    try {
      const answer = await api.get<KpiWarning[] | { items: KpiWarning[] }>('/api/kpi-warnings', {
        status: 'open',
      });
      return Array.isArray(answer) ? answer : answer.items;
    } catch (error) {
      // a server without management warnings (404) or a role that may not read them (403): no strip
      if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return null;
      throw error;
    }
  }, []);
  if (warnings.data === null || (warnings.data === undefined && !warnings.error)) return null;
  if (warnings.error && warnings.data === undefined) return null;
  // with a region chosen, that region's warnings; else every organisation's
  const mine = (warnings.data ?? [])
    .filter((warning) => warning.status === 'open' && kpis.includes(warning.kpi))
    .filter((warning) => !region || warning.orgId === `region-${region}`)
    .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
  const shown = all ? mine : mine.slice(0, FIRST);
  return (
    <section
      class={`card kpi-warnings${mine.length === 0 ? ' kpi-warnings--none' : ''}`}
      aria-label={t('manager.warnings.title')}
      data-testid="kpi-warnings"
    >
      <div class="kpi-slice__head">
        <h2>
          {t('manager.warnings.title')}{' '}
          {mine.length > 0 ? (
            <span class="badge badge--breached" data-testid="kpi-warnings-count">
              {t('manager.warnings.count', { count: mine.length })}
            </span>
          ) : null}
        </h2>
        {mine.length > FIRST ? (
          <button
            type="button"
            class="button button--ghost button--small"
            aria-expanded={all ? 'true' : 'false'}
            data-testid="kpi-warnings-toggle"
            onClick={() => setAll(!all)}
          >
            {all ? t('manager.warnings.fewer') : t('manager.warnings.all', { count: mine.length })}
          </button>
        ) : null}
      </div>
      <div aria-live="polite">
        {mine.length === 0 ? (
          <p class="muted" data-testid="kpi-warnings-none">
            {t('manager.warnings.none')}
          </p>
        ) : (
          <ul class="list kpi-warnings__list">
            {shown.map((warning) => (
              <li
                key={warning.id}
                class="item item--critical"
                data-testid="kpi-warning"
                data-kpi={warning.kpi}
              >
                <div class="item__head">
                  <strong>
                    {t('manager.warnings.item', {
                      kpi: kpiLabel(warning.kpi),
                      value: formatKpi(warning.lastValue ?? warning.raisedValue, warning.unit),
                      warning: formatKpi(warning.warningLine, warning.unit),
                    })}
                  </strong>
                  <span class="badge badge--breached">{t('manager.warnings.open')}</span>
                </div>
                <div class="item__meta">
                  {t('manager.warnings.org', { org: warning.orgName ?? warning.orgId })}
                  {' · '}
                  {t('manager.warnings.raised', { ago: formatAgo(Date.parse(warning.raisedAt), now) })}
                  {' · '}
                  {warning.actions.length > 0
                    ? t('manager.warnings.actions', { count: warning.actions.length })
                    : t('manager.warnings.noActions')}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

/** Fetches a monthly report with the access token (a plain link could not send it). */
export async function fetchReport(
  token: string | undefined,
  month: string,
  format: 'html' | 'pdf',
): Promise<{ ok: true; body: Blob } | { ok: false; error: string }> {
  const response = await fetch(
    `${path`/api/reports/monthly/${month}`}?format=${format}&lang=${currentLocale() === 'zh-CN' ? 'zh' : 'en'}`,
    {
      headers: {
        Accept: format === 'pdf' ? 'application/pdf' : 'text/html',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
    },
  );
  if (!response.ok) {
    return {
      ok: false,
      error:
        response.status === 404 || response.status === 400
          ? t('manager.report.unavailable')
          : t('manager.report.failed'),
    };
  }
  return { ok: true, body: await response.blob() };
}

/** Downloads a month's report (last month's by default) as a PDF. */
export function MonthlyReportButton({ month = lastMonth() }: { month?: string }) {
  useI18n();
  const { api } = useApp();
  const [state, setState] = useState<{ busy?: boolean; error?: string }>({});
  const download = async (): Promise<void> => {
    setState({ busy: true });
    try {
      const result = await fetchReport(api.session?.accessToken, month, 'pdf');
      if (!result.ok) {
        setState({ error: result.error });
        return;
      }
      downloadBlob(result.body, `monthly-report-${month}.pdf`);
      setState({});
    } catch (error) {
      setState({ error: describeError(error) });
    }
  };
  return (
    <div class="kpi-report">
      <button
        type="button"
        class="button"
        data-testid="monthly-report"
        disabled={state.busy}
        onClick={() => void download()}
      >
        {state.busy
          ? t('manager.report.downloading')
          : t('manager.report.download', { month: periodLabel(month, 'month') })}
      </button>
      <span aria-live="polite">
        {state.error ? (
          <span class="error-note" data-testid="monthly-report-error">
            {state.error}
          </span>
        ) : null}
      </span>
    </div>
  );
}
