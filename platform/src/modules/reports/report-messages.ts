import { kpiLabels, type KpiName, type KpiUnit, type Language } from '../../../../contracts/src';

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
  /** The boards' KPI names (contracts' KPI_LABELS). */
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
  kpi: kpiLabels('en'),
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
  kpi: kpiLabels('zh-CN'),
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
