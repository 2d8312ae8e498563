import type { NotificationKind } from '../../../../contracts/src';
import type { Template, TemplateVars } from './notification-templates';

/**
 * The monthly after-sales report (issue 12) to managers and admins on the 1st: which month,
 * and the link to its PDF (`number` = the month `yyyy-mm`, `link`). English and Simplified
 * Chinese, merged into the catalogue of notification-templates.ts.
 */

export type ReportKind = Extract<NotificationKind, 'monthly_report'>;

const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2026-11` → `November 2026` / `2026年11月`; the last month when absent. */
function monthWords(v: TemplateVars, language: 'en' | 'zh-CN'): string {
  const match = /^(\d{4})-(\d{2})$/.exec(v.number ?? '');
  if (!match) return language === 'en' ? 'last month' : '上月';
  const month = Number(match[2]);
  return language === 'en' ? `${EN_MONTHS[month - 1]} ${match[1]}` : `${match[1]}年${month}月`;
}

export const REPORT_EN: Record<ReportKind, Template> = {
  monthly_report: (v) => ({
    subject: `Monthly after-sales report: ${monthWords(v, 'en')}`,
    body:
      `The after-sales report for ${monthWords(v, 'en')} is ready: the KPIs against their targets, ` +
      'the trends of the last 12 months, the top problems and the improvement actions of the management warnings.' +
      (v.link ? `\n\nRead it (sign in, then download the PDF there): ${v.link}` : '') +
      '\n\nIt is also kept in the report archive.',
  }),
};

export const REPORT_ZH: Record<ReportKind, Template> = {
  monthly_report: (v) => ({
    subject: `售后服务月度报告：${monthWords(v, 'zh-CN')}`,
    body:
      `${monthWords(v, 'zh-CN')}的售后服务月度报告已生成，包括关键指标与目标对比、近 12 个月趋势、主要问题以及管理预警的改进措施。` +
      (v.link ? `\n\n查看报告（登录后可下载 PDF）：${v.link}` : '') +
      '\n\n报告也已存档，可随时查阅。',
  }),
};
