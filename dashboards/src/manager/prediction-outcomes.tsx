// How the fault predictions turned out, per model version (`GET /api/models/prediction-outcomes`):
// predictions first raised in the board's period, how many came true (a repair of the predicted
// fault mode within the horizon), did not, or are pending; precision and the median lead time.
import type { PredictionOutcomesAnswer } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { ErrorNote, Loading, Section } from '../components/ui';
import { formatDuration, formatNumber, formatPercent } from '../i18n/format';
import { t } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { useBoard } from './kpi-board-context';
import { apiParams } from './kpi-data';

const HOUR_MS = 3_600_000;

export function PredictionOutcomesCard({ testId = 'prediction-outcomes' }: { testId?: string }) {
  const { api } = useApp();
  const { query } = useBoard();
  const { from, to, type } = apiParams(query);
  const loaded = useLoad(
    () =>
      api.get<PredictionOutcomesAnswer>('/api/models/prediction-outcomes', {
        from,
        to,
        ...(type ? { type } : {}),
      }),
    [from, to, type],
  );
  const rows = loaded.data?.rows ?? [];
  return (
    <Section title={t('manager.predictions.title')} testId={testId}>
      <p class="muted small">
        {t('manager.predictions.explain', {
          grace: formatDuration((loaded.data?.graceHours ?? 24) * HOUR_MS),
        })}
      </p>
      {loaded.error && !loaded.data ? <ErrorNote error={loaded.error} onRetry={loaded.reload} /> : null}
      {!loaded.data && !loaded.error ? <Loading /> : null}
      {loaded.data && rows.length === 0 ? (
        <p class="muted" data-testid={`${testId}-empty`}>
          {t('manager.predictions.none')}
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div class="table-scroll">
          <table class="data-table data-table--cards" data-testid={`${testId}-table`}>
            <thead>
              <tr>
                <th scope="col">{t('manager.predictions.model')}</th>
                <th scope="col" class="num">
                  {t('manager.predictions.predictions')}
                </th>
                <th scope="col" class="num">
                  {t('manager.predictions.cameTrue')}
                </th>
                <th scope="col" class="num">
                  {t('manager.predictions.didNot')}
                </th>
                <th scope="col" class="num">
                  {t('manager.predictions.pending')}
                </th>
                <th scope="col" class="num">
                  {t('manager.predictions.precision')}
                </th>
                <th scope="col" class="num">
                  {t('manager.predictions.leadTime')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.model}:${row.modelVersion ?? ''}`} data-testid="prediction-outcome-row">
                  <td data-label={t('manager.predictions.model')}>
                    {row.modelVersion === null
                      ? t('manager.predictions.modelUnversioned', { type: typeLabel(row.type) })
                      : t('manager.predictions.modelVersion', {
                          type: typeLabel(row.type),
                          version: row.modelVersion,
                        })}
                  </td>
                  <td data-label={t('manager.predictions.predictions')} class="num">
                    {formatNumber(row.predictions, 0)}
                  </td>
                  <td data-label={t('manager.predictions.cameTrue')} class="num">
                    {formatNumber(row.cameTrue, 0)}
                  </td>
                  <td data-label={t('manager.predictions.didNot')} class="num">
                    {formatNumber(row.didNot, 0)}
                  </td>
                  <td data-label={t('manager.predictions.pending')} class="num">
                    {formatNumber(row.pending, 0)}
                  </td>
                  <td data-label={t('manager.predictions.precision')} class="num">
                    {row.precision === null ? t('manager.noData') : formatPercent(row.precision)}
                  </td>
                  <td data-label={t('manager.predictions.leadTime')} class="num">
                    {row.medianLeadTimeHours === null
                      ? t('manager.noData')
                      : formatDuration(row.medianLeadTimeHours * HOUR_MS)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}
