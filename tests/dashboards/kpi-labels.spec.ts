// A KPI has one name per language: the boards, the warning e-mails and the monthly report all
// read it from contracts' KPI_LABELS, so a manager who gets a warning finds the same KPI on the board.
import { KPI_NAMES } from '../../contracts/src/kpi-api';
import { KPI_LABELS } from '../../contracts/src/kpi-labels';
import { catalogueEn, catalogueZh } from '../../dashboards/src/i18n/messages';
import { renderNotification } from '../../platform/src/modules/notifications/notification-templates';
import { REPORT_MESSAGES } from '../../platform/src/modules/reports/report-messages';

const CJK = /[\u4e00-\u9fff]/;

describe('KPI names', () => {
  it('name every KPI in English and in Chinese', () => {
    expect(Object.keys(KPI_LABELS).sort()).toEqual([...KPI_NAMES].sort());
    for (const name of KPI_NAMES) {
      expect(KPI_LABELS[name].en).not.toMatch(CJK);
      expect(KPI_LABELS[name]['zh-CN']).toMatch(CJK);
    }
  });

  it.each(KPI_NAMES)(
    'read the same for %s on the board, in the warning e-mail and in the monthly report',
    (name) => {
      const languages = [
        ['en', catalogueEn.manager.kpi],
        ['zh-CN', catalogueZh.manager.kpi],
      ] as const;
      for (const [language, board] of languages) {
        const label = board[name];
        expect(label).toBe(KPI_LABELS[name][language]);
        expect(REPORT_MESSAGES[language].kpi[name]).toBe(label);
        const mail = renderNotification('kpi_warning_opened', language, { kpi: name, value: '1', line: '2' });
        expect(mail.subject).toContain(label);
        expect(mail.body).toContain(label);
      }
    },
  );
});
