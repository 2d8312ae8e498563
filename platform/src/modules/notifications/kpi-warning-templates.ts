import {
  KPI_LABELS,
  type KpiName,
  type KpiUnit,
  type Language,
  type NotificationKind,
} from '../../../../contracts/src';
import type { Template, TemplateVars } from './notification-templates';

/**
 * Management warnings (issue 12): a KPI crossed its warning line and the organisation's head
 * owns the warning; the KPI recovered and the warning closed. English and Simplified Chinese,
 * merged into the catalogue of notification-templates.ts.
 */

export type KpiWarningKind = Extract<NotificationKind, 'kpi_warning_opened' | 'kpi_warning_closed'>;

const UNIT_WORDS: Record<Language, Partial<Record<KpiUnit, string>>> = {
  en: { minutes: ' min', hours: ' h', days: ' days' },
  'zh-CN': { minutes: ' 分钟', hours: ' 小时', days: ' 天' },
};

/** A KPI value for a reader: `82.5 %`, `4.3`, `412`, `36.2 h`, `¥1,200.00`. */
export function formatKpiValue(value: number, unit: KpiUnit, language: Language): string {
  const locale = language === 'zh-CN' ? 'zh-CN' : 'en-GB';
  const number = (v: number, digits: number) =>
    new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
  switch (unit) {
    case 'ratio':
      return `${number(value * 100, 1)}${language === 'zh-CN' ? '%' : ' %'}`;
    case 'count':
      return number(value, 1);
    case 'score':
      return number(value, 2);
    case 'minutes':
    case 'hours':
    case 'days':
      return `${number(value, 1)}${UNIT_WORDS[language][unit] ?? ''}`;
    case 'money_minor':
      return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' }).format(value / 100);
  }
}

/** The KPI's name as the boards label it (contracts' KPI_LABELS). */
const kpiWord = (v: TemplateVars, language: Language): string =>
  v.kpi && Object.prototype.hasOwnProperty.call(KPI_LABELS, v.kpi)
    ? KPI_LABELS[v.kpi as KpiName][language]
    : language === 'zh-CN'
      ? '一项指标'
      : 'A KPI';
const worse = (v: TemplateVars) => v.kpiDirection === 'lower_is_better';

export const KPI_WARNING_EN: Record<KpiWarningKind, Template> = {
  kpi_warning_opened: (v) => ({
    subject: `Management warning: ${kpiWord(v, 'en')}${v.org ? ` in ${v.org}` : ''}`,
    body:
      `${kpiWord(v, 'en')}${v.org ? ` in ${v.org}` : ''} is ${v.value ?? 'past its warning line'}` +
      `${v.line ? `, ${worse(v) ? 'above' : 'below'} its warning line of ${v.line}` : ''} over the last 30 days. ` +
      'You own this warning: please find the cause and record an improvement action with its estimated cost and expected effect. ' +
      'The warning closes by itself when the KPI recovers.',
  }),
  kpi_warning_closed: (v) => ({
    subject: `Warning closed: ${kpiWord(v, 'en')}${v.org ? ` in ${v.org}` : ''} has recovered`,
    body:
      `${kpiWord(v, 'en')}${v.org ? ` in ${v.org}` : ''} is back at ${v.value ?? 'its usual level'}` +
      `${v.line ? `, within its warning line of ${v.line}` : ''}. ` +
      'The management warning is closed; its history and improvement actions are kept.',
  }),
};

export const KPI_WARNING_ZH: Record<KpiWarningKind, Template> = {
  kpi_warning_opened: (v) => ({
    subject: `管理预警：${v.org ? `${v.org}的` : ''}${kpiWord(v, 'zh-CN')}`,
    body:
      `${v.org ? `${v.org}` : ''}近 30 天的${kpiWord(v, 'zh-CN')}为 ${v.value ?? '异常'}` +
      `${v.line ? `，${worse(v) ? '高于' : '低于'}预警线 ${v.line}` : ''}。` +
      '此预警由您负责：请查明原因，并登记改进措施及其预计成本和预期效果。指标恢复后预警将自动关闭。',
  }),
  kpi_warning_closed: (v) => ({
    subject: `预警已关闭：${v.org ? `${v.org}的` : ''}${kpiWord(v, 'zh-CN')}已恢复`,
    body:
      `${v.org ? `${v.org}的` : ''}${kpiWord(v, 'zh-CN')}已恢复至 ${v.value ?? '正常水平'}` +
      `${v.line ? `，回到预警线 ${v.line} 以内` : ''}。` +
      '该管理预警已关闭，其历史记录和改进措施均已保留。',
  }),
};
