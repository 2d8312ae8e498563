import type { Language } from './admin-api';
import type { KpiName } from './kpi-api';

/**
 * Every KPI's name as a manager reads it, in each language the product speaks: the one table the
 * management boards, the warning e-mails and the monthly report all label KPIs from. Plain
 * TypeScript, no zod (type-only imports), so the dashboards can bundle it. Typed records: a KPI
 * or a language missing here does not compile.
 */
export const KPI_LABELS: Record<KpiName, Record<Language, string>> = {
  tickets_created: { en: 'Tickets created', 'zh-CN': '新建工单' },
  tickets_completed: { en: 'Tickets completed', 'zh-CN': '完成工单' },
  response_10min_rate: { en: '10-minute response rate', 'zh-CN': '10分钟响应率' },
  arrival_4h_rate: { en: '4-hour arrival rate', 'zh-CN': '4小时到达率' },
  completion_24h_rate: { en: '24-hour completion rate', 'zh-CN': '24小时完成率' },
  avg_response_minutes: { en: 'Average response time', 'zh-CN': '平均响应时间' },
  avg_completion_hours: { en: 'Average completion time', 'zh-CN': '平均完工周期' },
  tickets_per_technician: { en: 'Tickets per technician', 'zh-CN': '人均工单量' },
  backlog_over_24h: { en: 'Backlog over 24 h', 'zh-CN': '超24小时积压工单' },
  backlog_over_48h: { en: 'Backlog over 48 h', 'zh-CN': '超48小时积压工单' },
  backlog_over_72h: { en: 'Backlog over 72 h', 'zh-CN': '超72小时积压工单' },
  backlog_over_96h: { en: 'Backlog over 96 h', 'zh-CN': '超96小时积压工单' },
  backlog_over_120h: { en: 'Backlog over 120 h', 'zh-CN': '超120小时积压工单' },
  overdue_tickets: { en: 'Overdue tickets', 'zh-CN': '超时工单' },
  tickets_dispatched: { en: 'Tickets dispatched', 'zh-CN': '派工量' },
  first_time_fix_rate: { en: 'First-time fix rate', 'zh-CN': '一次修复率' },
  repeat_repair_rate: { en: 'Repeat repair rate (30 days)', 'zh-CN': '30天重复维修率' },
  mttr_hours: { en: 'Mean time to repair', 'zh-CN': '平均修复时间' },
  mtbf_days: { en: 'Mean time between failures', 'zh-CN': '平均故障间隔时间' },
  failures: { en: 'Failures', 'zh-CN': '故障数' },
  failure_rate: { en: 'Failure rate', 'zh-CN': '故障率' },
  early_failures: { en: 'Early failures', 'zh-CN': '早期故障' },
  in_warranty_failures: { en: 'In-warranty failures', 'zh-CN': '保内故障' },
  out_of_warranty_failures: { en: 'Out-of-warranty failures', 'zh-CN': '保外故障' },
  service_cost: { en: 'Service cost', 'zh-CN': '服务成本' },
  technician_utilisation: { en: 'Technician utilisation', 'zh-CN': '服务工程师利用率' },
  time_per_ticket_hours: { en: 'Time per ticket', 'zh-CN': '单工单耗时' },
  technicians: { en: 'Technicians', 'zh-CN': '服务工程师人数' },
  installed_base_per_technician: { en: 'Installed base per technician', 'zh-CN': '人均服务保有量' },
  satisfaction_rate: { en: 'Satisfaction rate', 'zh-CN': '满意率' },
  avg_satisfaction_score: { en: 'Average satisfaction score', 'zh-CN': '平均满意度评分' },
  survey_collection_rate: { en: 'Survey collection rate', 'zh-CN': '回访率' },
  complaints: { en: 'Complaints', 'zh-CN': '投诉量' },
  complaint_rate: { en: 'Complaint rate', 'zh-CN': '投诉率' },
  return_rate: { en: 'Return rate', 'zh-CN': '退货率' },
  service_cost_ratio: { en: 'Service cost ratio', 'zh-CN': '服务成本率' },
  parts_fill_rate_bc: { en: 'Parts fill rate (B and C class)', 'zh-CN': 'BC类备件满足率' },
  parts_fill_rate_overall: { en: 'Parts fill rate (overall)', 'zh-CN': '备件综合满足率' },
  parts_requested: { en: 'Parts requested from warehouses', 'zh-CN': '备件申请数' },
  parts_unshipped: { en: 'Parts requested, not yet shipped', 'zh-CN': '备件未发货数' },
  parts_shipped_24h_rate: { en: 'Parts shipped within 24 h', 'zh-CN': '备件24小时发货率' },
  parts_receipt_24h_rate: { en: 'Parts received within 24 h', 'zh-CN': '备件24小时到货率' },
  parts_receipt_48h_rate: { en: 'Parts received within 48 h', 'zh-CN': '备件48小时到货率' },
  parts_receipt_7d_rate: { en: 'Parts received within 7 days', 'zh-CN': '备件7天到货率' },
  approvals_pending: { en: 'Approvals pending', 'zh-CN': '待审批' },
  approvals_on_time_rate: { en: 'Approvals on time', 'zh-CN': '审批及时率' },
  approvals_late: { en: 'Approvals late', 'zh-CN': '超时审批' },
  feedback_first_response_48h_rate: { en: 'Feedback answered within 48 h', 'zh-CN': '反馈48小时首次响应率' },
  technician_online_hours: { en: 'Online hours per technician', 'zh-CN': '人均在线时长' },
  technician_busy_share: { en: 'Technicians busy share', 'zh-CN': '服务工程师忙碌占比' },
};

/** Every KPI's name in one language, keyed by KPI. */
export function kpiLabels(language: Language): Record<KpiName, string> {
  const labels = {} as Record<KpiName, string>;
  for (const name of Object.keys(KPI_LABELS) as KpiName[]) labels[name] = KPI_LABELS[name][language];
  return labels;
}
