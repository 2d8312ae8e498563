import { KPI_NAMES, complaintCategorySchema, complaintSourceSchema } from '../../../../contracts/src';
import { FAULT_MODES } from '../notifications/notification-templates';
import { REPORT_MESSAGES, fill } from './report-messages';

/** Every key path of a nested record, `sections.kpis`... */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value)
    .flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
    .sort();
}

const CJK = /[\u4e00-\u9fff]/;

describe('report message catalogue', () => {
  it('has the same keys in English and Chinese', () => {
    expect(keys(REPORT_MESSAGES['zh-CN'])).toEqual(keys(REPORT_MESSAGES.en));
  });

  it('names every KPI, fault mode, complaint category and complaint source in both languages', () => {
    for (const words of Object.values(REPORT_MESSAGES)) {
      expect(Object.keys(words.kpi).sort()).toEqual([...KPI_NAMES].sort());
      expect(Object.keys(words.faultMode).sort()).toEqual([...FAULT_MODES].sort());
      expect(Object.keys(words.complaintCategory).sort()).toEqual(
        [...complaintCategorySchema.options].sort(),
      );
      expect(Object.keys(words.complaintSource).sort()).toEqual([...complaintSourceSchema.options].sort());
    }
  });

  it('words Chinese in Chinese and English without Chinese', () => {
    expect(REPORT_MESSAGES['zh-CN'].title).toMatch(CJK);
    expect(REPORT_MESSAGES['zh-CN'].kpi.satisfaction_rate).toMatch(CJK);
    expect(
      keys(REPORT_MESSAGES.en).map((k) =>
        k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], REPORT_MESSAGES.en),
      ),
    ).not.toContainEqual(expect.stringMatching(CJK));
  });

  it('fills placeholders with the same names in both languages', () => {
    for (const words of Object.values(REPORT_MESSAGES)) {
      const detail = fill(words.feedback.resolutionDetail, { resolved: 7, received: 9 });
      expect(detail).toContain('7');
      expect(detail).toContain('9');
      expect(detail).not.toContain('{');
    }
  });
});
