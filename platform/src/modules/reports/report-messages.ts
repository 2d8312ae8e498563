import type { KpiName, KpiUnit, Language } from '../../../../contracts/src';

/**
 * Every word of the monthly report, in English and Simplified Chinese. Both languages are the
 * same typed record (a spec also checks their keys match at run time), keyed by meaning.
 * Values the data carries as ids (regions, channels, fault modes...) are named here; an id the
 * catalogue does not know is shown as it is.
 */
export interface ReportWords {
  title: string;
  /** `{month}` */
  subtitle: string;
  /** `{at}` */
  generatedAt: string;
  noData: string;
  /** A slice the data does not know (a ticket without a region, a failure without a fault mode). */
  unknown: string;
  breached: string;
  ok: string;
  sections: {
    summary: string;
    kpis: string;
    trends: string;
    failures: string;
    channels: string;
    satisfactionByRegion: string;
    topProblems: string;
    feedback: string;
    actions: string;
  };
  table: {
    kpi: string;
    value: string;
    target: string;
    warning: string;
    status: string;
    samples: string;
    key: string;
    count: string;
    share: string;
  };
  summary: {
    tickets: string;
    completed: string;
    resolutionRate: string;
    avgScore: string;
    complaints: string;
    breachedKpis: string;
  };
  charts: {
    trendTitle: string;
    failuresTitle: string;
    channelsTitle: string;
    satisfactionTitle: string;
    warningLine: string;
    early: string;
    inWarranty: string;
    outOfWarranty: string;
  };
  problems: {
    faultModes: string;
    complaintCategories: string;
    badBatches: string;
    batch: string;
    failures: string;
  };
  feedback: {
    volumeByChannel: string;
    resolution: string;
    /** `{resolved}`, `{received}` */
    resolutionDetail: string;
    avgScore: string;
  };
  actions: {
    none: string;
    unavailable: string;
    warning: string;
    org: string;
    raisedAt: string;
    warningStatus: string;
    action: string;
    expectedEffect: string;
    cost: string;
    actionStatus: string;
    open: string;
    closed: string;
    planned: string;
    done: string;
  };
  kpi: Record<KpiName, string>;
  unit: Record<KpiUnit, string>;
  region: Record<string, string>;
  channel: Record<string, string>;
  complaintSource: Record<string, string>;
  complaintCategory: Record<string, string>;
  faultMode: Record<string, string>;
}

const EN: ReportWords = {
  title: 'Monthly after-sales report',
  subtitle: '{month}',
  generatedAt: 'Generated {at} (UTC)',
  noData: 'no data',
  unknown: 'Unknown',
  breached: 'breached',
  ok: 'ok',
  sections: {
    summary: 'Summary',
    kpis: 'KPIs against targets',
    trends: 'Trends of the last 12 months',
    failures: 'Failures by age of the appliance',
    channels: 'Tickets by channel',
    satisfactionByRegion: 'Satisfaction by region',
    topProblems: 'Top problems',
    feedback: 'Customer feedback',
    actions: 'Management warnings and improvement actions',
  },
  table: {
    kpi: 'KPI',
    value: 'Value',
    target: 'Target',
    warning: 'Warning line',
    status: 'Status',
    samples: 'Samples',
    key: 'Item',
    count: 'Count',
    share: 'Share',
  },
  summary: {
    tickets: 'Tickets opened',
    completed: 'Tickets completed',
    resolutionRate: 'Complaint resolution rate',
    avgScore: 'Average satisfaction score',
    complaints: 'Complaints',
    breachedKpis: 'KPIs past their warning line',
  },
  charts: {
    trendTitle: 'Key rates by month',
    failuresTitle: 'Failures per month',
    channelsTitle: 'Tickets by channel',
    satisfactionTitle: 'Satisfaction rate by region',
    warningLine: 'warning line',
    early: 'Early',
    inWarranty: 'In warranty',
    outOfWarranty: 'Out of warranty',
  },
  problems: {
    faultModes: 'Top fault modes',
    complaintCategories: 'Top complaint categories',
    badBatches: 'Production batches with the most failures',
    batch: 'Batch',
    failures: 'Failures',
  },
  feedback: {
    volumeByChannel: 'Complaints by channel',
    resolution: 'Resolution rate',
    resolutionDetail: '{resolved} of {received} complaints received this month were resolved by its end',
    avgScore: 'Average score (1-5)',
  },
  actions: {
    none: 'No management warning was open this month.',
    unavailable: 'Management warnings are not recorded on this installation.',
    warning: 'Warning',
    org: 'Organisation',
    raisedAt: 'Raised',
    warningStatus: 'Warning status',
    action: 'Improvement action',
    expectedEffect: 'Expected effect',
    cost: 'Estimated cost',
    actionStatus: 'Action status',
    open: 'open',
    closed: 'closed',
    planned: 'planned',
    done: 'done',
  },
  kpi: {
    tickets_created: 'Tickets opened',
    tickets_completed: 'Tickets completed',
    response_10min_rate: '10-minute response rate',
    arrival_4h_rate: '4-hour arrival rate',
    completion_24h_rate: '24-hour completion rate',
    avg_response_minutes: 'Average response time',
    avg_completion_hours: 'Average completion cycle',
    tickets_per_technician: 'Tickets per technician',
    backlog_over_24h: 'Backlog older than 24 h',
    backlog_over_48h: 'Backlog older than 48 h',
    backlog_over_72h: 'Backlog older than 72 h',
    backlog_over_96h: 'Backlog older than 96 h',
    backlog_over_120h: 'Backlog older than 120 h',
    overdue_tickets: 'Overdue tickets',
    first_time_fix_rate: 'First-time-fix rate',
    repeat_repair_rate: 'Repeat-repair rate (30 days)',
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
    satisfaction_rate: 'Satisfaction rate (scores 4-5)',
    avg_satisfaction_score: 'Average satisfaction score',
    survey_collection_rate: 'Survey collection rate',
    complaints: 'Complaints',
    complaint_rate: 'Complaint rate',
    return_rate: 'Return rate',
    service_cost_ratio: 'Service cost ratio',
    parts_fill_rate_bc: 'Parts fill rate (B/C class)',
    parts_fill_rate_overall: 'Parts fill rate (overall)',
    approvals_pending: 'Approvals pending',
    approvals_on_time_rate: 'Approvals on time',
    tickets_dispatched: 'Tickets dispatched',
    approvals_late: 'Approvals late',
    feedback_first_response_48h_rate: 'Feedback answered within 48 h',
    technician_online_hours: 'Online hours per technician',
    technician_busy_share: 'Technicians busy share',
  },
  unit: {
    ratio: '%',
    count: '',
    minutes: 'min',
    hours: 'h',
    days: 'd',
    score: '/ 5',
    money_minor: 'CNY',
  },
  region: { north: 'North', east: 'East', west: 'West', south: 'South', central: 'Central' },
  channel: {
    alarm: 'Appliance alarm',
    prediction: 'Failure prediction',
    customer: 'Customer request',
    complaint: 'Complaint',
  },
  complaintSource: {
    portal: 'Portal',
    survey: 'Survey',
    email: 'E-mail',
    phone: 'Phone',
    partner: 'Partner',
    engineer: 'Engineer',
  },
  complaintCategory: {
    quality: 'Quality',
    logistics: 'Logistics',
    service: 'Service',
    payment: 'Payment',
    account: 'Account',
    other: 'Other',
  },
  faultMode: {
    bearing_wear: 'Drum bearing wear',
    drain_pump_clog: 'Drain pump clog',
    motor_brush_wear: 'Motor brush wear',
    refrigerant_leak: 'Refrigerant leak',
    door_gasket_failure: 'Door gasket failure',
    condenser_fan_failure: 'Condenser fan failure',
    filter_clog: 'Air filter clog',
    capacitor_degradation: 'Run capacitor degradation',
    scale_buildup: 'Scale build-up',
    element_failure: 'Heating element failure',
    thermostat_drift: 'Thermostat drift',
    drain_clog: 'Drain clog',
    heater_failure: 'Heater failure',
    spray_arm_clog: 'Spray arm clog',
  },
};

const ZH: ReportWords = {
  title: '售后服务月度报告',
  subtitle: '{month}',
  generatedAt: '生成时间 {at}（UTC）',
  noData: '无数据',
  unknown: '未知',
  breached: '超出预警线',
  ok: '正常',
  sections: {
    summary: '概览',
    kpis: '关键指标与目标对比',
    trends: '近 12 个月趋势',
    failures: '按机龄划分的故障',
    channels: '各渠道工单量',
    satisfactionByRegion: '各区域满意度',
    topProblems: '主要问题',
    feedback: '客户反馈',
    actions: '管理预警与改进措施',
  },
  table: {
    kpi: '指标',
    value: '实际值',
    target: '目标',
    warning: '预警线',
    status: '状态',
    samples: '样本数',
    key: '项目',
    count: '数量',
    share: '占比',
  },
  summary: {
    tickets: '新建工单',
    completed: '完成工单',
    resolutionRate: '投诉解决率',
    avgScore: '平均满意度评分',
    complaints: '投诉',
    breachedKpis: '超出预警线的指标',
  },
  charts: {
    trendTitle: '关键比率月度趋势',
    failuresTitle: '每月故障数',
    channelsTitle: '各渠道工单量',
    satisfactionTitle: '各区域满意率',
    warningLine: '预警线',
    early: '早期故障',
    inWarranty: '保内故障',
    outOfWarranty: '保外故障',
  },
  problems: {
    faultModes: '主要故障模式',
    complaintCategories: '主要投诉类别',
    badBatches: '故障最多的生产批次',
    batch: '批次',
    failures: '故障数',
  },
  feedback: {
    volumeByChannel: '各渠道投诉量',
    resolution: '解决率',
    resolutionDetail: '本月收到的 {received} 件投诉中，{resolved} 件已在月底前解决',
    avgScore: '平均评分（1-5）',
  },
  actions: {
    none: '本月没有未关闭的管理预警。',
    unavailable: '本系统未记录管理预警。',
    warning: '预警',
    org: '组织',
    raisedAt: '发出时间',
    warningStatus: '预警状态',
    action: '改进措施',
    expectedEffect: '预期效果',
    cost: '预计成本',
    actionStatus: '措施状态',
    open: '未关闭',
    closed: '已关闭',
    planned: '计划中',
    done: '已完成',
  },
  kpi: {
    tickets_created: '新建工单',
    tickets_completed: '完成工单',
    response_10min_rate: '10 分钟响应率',
    arrival_4h_rate: '4 小时到达率',
    completion_24h_rate: '24 小时完成率',
    avg_response_minutes: '平均响应时间',
    avg_completion_hours: '平均完成周期',
    tickets_per_technician: '人均工单数',
    backlog_over_24h: '超过 24 小时的积压',
    backlog_over_48h: '超过 48 小时的积压',
    backlog_over_72h: '超过 72 小时的积压',
    backlog_over_96h: '超过 96 小时的积压',
    backlog_over_120h: '超过 120 小时的积压',
    overdue_tickets: '超时工单',
    first_time_fix_rate: '一次修复率',
    repeat_repair_rate: '重复维修率（30 天）',
    mttr_hours: '平均修复时间',
    mtbf_days: '平均故障间隔',
    failures: '故障数',
    failure_rate: '故障率',
    early_failures: '早期故障',
    in_warranty_failures: '保内故障',
    out_of_warranty_failures: '保外故障',
    service_cost: '服务成本',
    technician_utilisation: '技师利用率',
    time_per_ticket_hours: '单张工单用时',
    technicians: '技师人数',
    installed_base_per_technician: '人均保有量',
    satisfaction_rate: '满意率（4-5 分）',
    avg_satisfaction_score: '平均满意度评分',
    survey_collection_rate: '回访率',
    complaints: '投诉数',
    complaint_rate: '投诉率',
    return_rate: '退货率',
    service_cost_ratio: '服务成本率',
    parts_fill_rate_bc: '备件满足率（BC 类）',
    parts_fill_rate_overall: '备件满足率（整体）',
    approvals_pending: '待审批',
    approvals_on_time_rate: '审批及时率',
    tickets_dispatched: '派工量',
    approvals_late: '超时审批',
    feedback_first_response_48h_rate: '反馈48小时首次响应率',
    technician_online_hours: '人均在线时长',
    technician_busy_share: '服务工程师忙碌占比',
  },
  unit: {
    ratio: '%',
    count: '',
    minutes: '分钟',
    hours: '小时',
    days: '天',
    score: '/ 5',
    money_minor: '元',
  },
  region: { north: '北区', east: '东区', west: '西区', south: '南区', central: '中区' },
  channel: {
    alarm: '设备告警',
    prediction: '故障预测',
    customer: '客户报修',
    complaint: '投诉',
  },
  complaintSource: {
    portal: '客户门户',
    survey: '回访',
    email: '电子邮件',
    phone: '电话',
    partner: '合作伙伴',
    engineer: '工程师',
  },
  complaintCategory: {
    quality: '质量',
    logistics: '物流',
    service: '服务',
    payment: '支付',
    account: '账户',
    other: '其他',
  },
  faultMode: {
    bearing_wear: '滚筒轴承磨损',
    drain_pump_clog: '排水泵堵塞',
    motor_brush_wear: '电机碳刷磨损',
    refrigerant_leak: '制冷剂泄漏',
    door_gasket_failure: '门封失效',
    condenser_fan_failure: '冷凝风扇故障',
    filter_clog: '空气滤网堵塞',
    capacitor_degradation: '运行电容老化',
    scale_buildup: '水垢积聚',
    element_failure: '加热元件故障',
    thermostat_drift: '温控器漂移',
    drain_clog: '排水堵塞',
    heater_failure: '加热器故障',
    spray_arm_clog: '喷臂堵塞',
  },
};

export const REPORT_MESSAGES: Record<Language, ReportWords> = { en: EN, 'zh-CN': ZH };

export function reportWords(language: Language): ReportWords {
  return REPORT_MESSAGES[language];
}

/** `{name}` placeholders filled from `vars`. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** The key the KPI service gives a slice whose value is not recorded. */
export const UNKNOWN_KEY = 'unknown';

/** A name from one of the catalogue's id maps ("unknown" for the unknown slice), else the id itself. */
export function named(words: ReportWords, map: Record<string, string>, id: string): string {
  if (Object.prototype.hasOwnProperty.call(map, id)) return map[id];
  return id === UNKNOWN_KEY || id === '' ? words.unknown : id;
}
