// A month's after-sales report as the e-mail links to it (`#/reports/<yyyy-mm>`): the report's own
// HTML, fetched with the access token and shown in a sandboxed frame, and its PDF to download.
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { PageTitle } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { MonthlyReportButton, fetchReport } from './kpi-board-tools';
import { periodLabel } from './kpi-data';

export function KpiReportPage({ params }: { params: Record<string, string> }) {
  const locale = useI18n();
  const { api } = useApp();
  const month = /^\d{4}-\d{2}$/.test(params.month ?? '') ? params.month : '';
  const report = useLoad(async () => {
    const result = await fetchReport(api.session?.accessToken, month, 'html');
    return result.ok ? { html: await result.body.text(), error: null } : { html: null, error: result.error };
  }, [month, locale]);
  const title = t('manager.report.title', { month: month ? periodLabel(month, 'month') : '' });
  return (
    <div data-testid="kpi-report-page">
      <p class="breadcrumb">
        <a href="#/kpi/quality">{t('manager.report.boards')}</a>
      </p>
      <PageTitle>{title}</PageTitle>
      {month ? <MonthlyReportButton month={month} /> : null}
      <div aria-live="polite">
        {report.loading ? <p class="muted">{t('manager.report.downloading')}</p> : null}
        {report.data?.error || !month ? (
          <p class="error-note" data-testid="kpi-report-error">
            {report.data?.error ?? t('manager.report.unavailable')}
          </p>
        ) : null}
      </div>
      {report.data?.html ? (
        <iframe
          class="kpi-report-frame"
          title={title}
          sandbox=""
          srcDoc={report.data.html}
          data-testid="kpi-report-frame"
        />
      ) : null}
    </div>
  );
}
