import type { KpiName, KpiUnit, Language, NotificationKind } from '../../../../contracts/src';
import type { Template, TemplateVars } from './notification-templates';

/**
 * Management warnings (issue 12): a KPI crossed its warning line and the organisation's head
 * owns the warning; the KPI recovered and the warning closed. English and Simplified Chinese,
 * merged into the catalogue of notification-templates.ts.
 */

export type KpiWarningKind = Extract<NotificationKind, 'kpi_warning_opened' | 'kpi_warning_closed'>;

/** Every KPI as a manager says it; typed records, so a KPI missing in one language does not compile. */
export const KPI_WORDS: Record<Language, Record<KpiName, string>> = {
  en: {
    tickets_created: 'Tickets created',
    tickets_completed: 'Tickets completed',
    response_10min_rate: '10-minute response rate',
    arrival_4h_rate: '4-hour arrival rate',
    completion_24h_rate: '24-hour completion rate',
    avg_response_minutes: 'Average response time',
    avg_completion_hours: 'Average completion time',
    tickets_per_technician: 'Tickets per technician',
    backlog_over_24h: 'Backlog older than 24 h',
    backlog_over_48h: 'Backlog older than 48 h',
    backlog_over_72h: 'Backlog older than 72 h',
    backlog_over_96h: 'Backlog older than 96 h',
    backlog_over_120h: 'Backlog older than 120 h',
    overdue_tickets: 'Overdue tickets',
    first_time_fix_rate: 'First-time-fix rate',
    repeat_repair_rate: 'Repeat-repair rate',
    mttr_hours: 'Mean time to repair',
    mtbf_days: 'Mean time between failures',
    failures: 'Failures',
    failure_rate: 'Failure rate',
    early_failures: 'Early failures',
    in_warranty_failures: 'In-warranty failures',
    out_of_warranty_failures: 'Out-of-warranty failures',
    service_cost: 'Service cost',
    technician_utilisation: 'Technician utilisation',
    time_per_ticket_hours: 'Time per ticket',
    technicians: 'Technicians',
    installed_base_per_technician: 'Installed base per technician',
    satisfaction_rate: 'Satisfaction rate',
    avg_satisfaction_score: 'Average satisfaction score',
    survey_collection_rate: 'Survey collection rate',
    complaints: 'Complaints',
    complaint_rate: 'Complaint rate',
    return_rate: 'Return rate',
    service_cost_ratio: 'Service cost ratio',
    parts_fill_rate_bc: 'Parts fill rate (B/C class)',
    parts_fill_rate_overall: 'Parts fill rate',
    approvals_pending: 'Approvals pending',
    approvals_on_time_rate: 'Approvals on time',
    tickets_dispatched: 'Tickets dispatched',
    approvals_late: 'Approvals late',
    feedback_first_response_48h_rate: 'Feedback answered within 48 h',
    technician_online_hours: 'Online hours per technician',
    technician_busy_share: 'Technicians busy share',
  },
  'zh-CN': {
    tickets_created: '新建工单数',
    tickets_completed: '完工工单数',
    response_10min_rate: '10 分钟响应率',
    arrival_4h_rate: '4 小时到达率',
    completion_24h_rate: '24 小时完工率',
    avg_response_minutes: '平均响应时长',
    avg_completion_hours: '平均完工时长',
    tickets_per_technician: '人均工单数',
    backlog_over_24h: '超 24 小时积压',
    backlog_over_48h: '超 48 小时积压',
    backlog_over_72h: '超 72 小时积压',
    backlog_over_96h: '超 96 小时积压',
    backlog_over_120h: '超 120 小时积压',
    overdue_tickets: '超时工单数',
    first_time_fix_rate: '一次修复率',
    repeat_repair_rate: '重复维修率',
    mttr_hours: '平均修复时间',
    mtbf_days: '平均故障间隔',
    failures: '故障数',
    failure_rate: '故障率',
    early_failures: '早期故障数',
    in_warranty_failures: '保内故障数',
    out_of_warranty_failures: '保外故障数',
    service_cost: '服务成本',
    technician_utilisation: '技师利用率',
    time_per_ticket_hours: '单均工时',
    technicians: '技师人数',
    installed_base_per_technician: '人均保有量',
    satisfaction_rate: '满意率',
    avg_satisfaction_score: '平均满意度评分',
    survey_collection_rate: '回访率',
    complaints: '投诉数',
    complaint_rate: '投诉率',
    return_rate: '退货率',
    service_cost_ratio: '服务成本率',
    parts_fill_rate_bc: 'BC 类备件满足率',
    parts_fill_rate_overall: '备件满足率',
    approvals_pending: '待审批数',
    approvals_on_time_rate: '审批及时率',
    tickets_dispatched: '派工量',
    approvals_late: '超时审批数',
    feedback_first_response_48h_rate: '反馈48小时首次响应率',
    technician_online_hours: '人均在线时长',
    technician_busy_share: '服务工程师忙碌占比',
  },
};

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

const kpiWord = (v: TemplateVars, language: Language): string =>
  v.kpi && v.kpi in KPI_WORDS[language]
    ? KPI_WORDS[language][v.kpi as KpiName]
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
