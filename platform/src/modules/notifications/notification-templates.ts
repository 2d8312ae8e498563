import {
  APPLIANCE_PROFILES,
  type ApplianceType,
  type Language,
  type NotificationKind,
} from '../../../../contracts/src';
import { AFTERCARE_EN, AFTERCARE_ZH } from './aftercare-templates';
import { KPI_WARNING_EN, KPI_WARNING_ZH } from './kpi-warning-templates';
import { REPORT_EN, REPORT_ZH } from './report-templates';

/**
 * What the customer and staff read, in English and Simplified Chinese. Both languages are the
 * same typed records, so a kind or a word missing in one of them does not compile. Customer
 * words only: fault modes and appliance types are named here, never shown as raw ids; the
 * request number (`SR-000042`) and the ticket id are references people quote.
 */

/** Every fault mode of the appliance profiles (a spec checks the profiles name no other). */
export const FAULT_MODES = [
  'bearing_wear',
  'drain_pump_clog',
  'motor_brush_wear',
  'refrigerant_leak',
  'door_gasket_failure',
  'condenser_fan_failure',
  'filter_clog',
  'capacitor_degradation',
  'scale_buildup',
  'element_failure',
  'thermostat_drift',
  'drain_clog',
  'heater_failure',
  'spray_arm_clog',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export type SlaClockName = 'respond' | 'onSite' | 'resolve';

export interface Words {
  appliance: Record<ApplianceType, string>;
  fault: Record<FaultMode, string>;
  unknownFault: string;
  anAppliance: string;
  clock: Record<SlaClockName, string>;
}

const EN_APPLIANCE = Object.fromEntries(
  Object.values(APPLIANCE_PROFILES).map((p) => [p.type, p.label.toLowerCase()]),
) as Record<ApplianceType, string>;

const WORDS: Record<Language, Words> = {
  en: {
    appliance: EN_APPLIANCE,
    fault: {
      bearing_wear: 'the drum bearing is wearing out, which makes the drum noisy and shaky',
      drain_pump_clog: 'the drain pump is getting blocked, so water drains more and more slowly',
      motor_brush_wear: 'the motor brushes are wearing out',
      refrigerant_leak: 'a slow refrigerant leak is reducing the cooling',
      door_gasket_failure: 'the door seal is failing and lets warm air in',
      condenser_fan_failure: 'the condenser fan is weakening, so the appliance runs hot',
      filter_clog: 'the air filter is clogging up',
      capacitor_degradation: 'a starting component (the run capacitor) is wearing out',
      scale_buildup: 'limescale is building up on the heating element, so water heats slowly',
      element_failure: 'the heating element is failing',
      thermostat_drift: 'the thermostat is drifting and the water gets too hot',
      drain_clog: 'the drain is getting blocked',
      heater_failure: 'the water heater inside is weakening, so washes run cooler',
      spray_arm_clog: 'the filter or a spray arm is clogged, so dishes may not come out clean',
    },
    unknownFault: 'a fault is developing',
    anAppliance: 'appliance',
    clock: { respond: 'response', onSite: 'on-site', resolve: 'resolution' },
  },
  'zh-CN': {
    appliance: {
      washer: '洗衣机',
      refrigerator: '冰箱',
      air_conditioner: '空调',
      water_heater: '热水器',
      dishwasher: '洗碗机',
    },
    fault: {
      bearing_wear: '滚筒轴承正在磨损，滚筒会有噪音和晃动',
      drain_pump_clog: '排水泵正在堵塞，排水越来越慢',
      motor_brush_wear: '电机碳刷正在磨损',
      refrigerant_leak: '制冷剂缓慢泄漏，制冷效果在下降',
      door_gasket_failure: '门封条老化，热空气会漏进来',
      condenser_fan_failure: '冷凝器风扇性能下降，机器温度偏高',
      filter_clog: '空气滤网正在堵塞',
      capacitor_degradation: '启动元件（运行电容）正在老化',
      scale_buildup: '加热管结垢，加热变慢',
      element_failure: '加热管即将失效',
      thermostat_drift: '温控器偏差，水温过高',
      drain_clog: '排水管路正在堵塞',
      heater_failure: '内部加热器老化，洗涤水温偏低',
      spray_arm_clog: '过滤网或喷淋臂堵塞，餐具可能洗不干净',
    },
    unknownFault: '设备出现潜在故障',
    anAppliance: '设备',
    clock: { respond: '响应', onSite: '上门', resolve: '修复' },
  },
};

/** What a template may mention; times already formatted for the recipient. */
export interface TemplateVars {
  requestNumber?: string | null;
  ticketId?: string | null;
  appliance?: string | null;
  fault?: string | null;
  /** A staff reply's text, or the reason an attachment was refused. */
  text?: string | null;
  /** Estimated arrival, formatted (`14:35`). */
  eta?: string | null;
  /** A visit window, formatted (`Mon 5 Jan, 14:00–16:00`). */
  window?: string | null;
  hoursToFailure?: number | null;
  clock?: SlaClockName | null;
  /** Share of the SLA target used, in percent. */
  pct?: number | null;
  /** Sentences in the same language the caller adds (e.g. the self-help steps' title). */
  detail?: string | null;
  // customer care, part 2 (aftercare-templates.ts)
  /** A complaint's or return's number (`CP-000042`). */
  number?: string | null;
  /** A link to open (a survey's signed link). */
  link?: string | null;
  /** Money, formatted for the recipient (`¥120.00`). */
  amount?: string | null;
  points?: number | null;
  /** A deadline, formatted for the recipient. */
  due?: string | null;
  careClock?: 'investigate' | 'solve' | 'refund' | null;
  level?: 'warning' | 'breach' | null;
  tier?: 'standard' | 'vip' | null;
  /** A refusal's reason id, worded by the template. */
  reason?: string | null;
  /** Where to send a returned appliance. */
  address?: string | null;
  /** A compensation decision. */
  approved?: boolean | null;
  returnKind?: 'return' | 'exchange' | null;
  /** A coupon's code. */
  code?: string | null;
  // management warnings (kpi-warning-templates.ts)
  /** A KPI's name (`satisfaction_rate`), worded by the template. */
  kpi?: string | null;
  kpiDirection?: 'higher_is_better' | 'lower_is_better' | null;
  /** The organisation's name. */
  org?: string | null;
  /** The KPI's value and its warning line, formatted for the recipient (`82.5 %`). */
  value?: string | null;
  line?: string | null;
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

export type Template = (v: TemplateVars, w: Words) => RenderedMessage;

export const applianceWord = (v: TemplateVars, w: Words): string =>
  v.appliance && v.appliance in w.appliance ? w.appliance[v.appliance as ApplianceType] : w.anAppliance;
const faultWord = (v: TemplateVars, w: Words): string =>
  v.fault && v.fault in w.fault ? w.fault[v.fault as FaultMode] : w.unknownFault;
/** `[SR-000042] ` so that e-mail replies thread to the request. */
const tag = (v: TemplateVars): string => (v.requestNumber ? `[${v.requestNumber}] ` : '');
const ticketRef = (v: TemplateVars): string => (v.ticketId ? ` (${v.ticketId})` : '');
export const line = (text: string | null | undefined): string => (text ? `\n\n${text}` : '');

const EN: Record<NotificationKind, Template> = {
  ...AFTERCARE_EN,
  ...KPI_WARNING_EN,
  ...REPORT_EN,
  request_received: (v, w) => ({
    subject: `${tag(v)}We have received your request`,
    body:
      `Thank you. We have received your request about your ${applianceWord(v, w)}` +
      (v.requestNumber ? ` and given it the number ${v.requestNumber}` : '') +
      '. We will get back to you shortly; please quote the number if you contact us.',
  }),
  request_reply: (v) => ({
    subject: `${tag(v)}A reply to your request`,
    body: `Our service team replied to your request${v.requestNumber ? ` ${v.requestNumber}` : ''}:${line(v.text)}`,
  }),
  self_help_offered: (v, w) => ({
    subject: `${tag(v)}You may be able to fix this yourself`,
    body:
      `We checked your ${applianceWord(v, w)} remotely: ${faultWord(v, w)}. ` +
      'This is something you can usually fix yourself in a few minutes; the steps are in your portal. ' +
      `If it does not help, ask for a visit and a technician will come.${line(v.detail)}`,
  }),
  attachment_refused: (v) => ({
    subject: `${tag(v)}An attachment could not be accepted`,
    body: `We could not keep an attachment you sent.${line(v.text)}\n\nYour request itself has been received.`,
  }),
  maintenance_alert: (v, w) => ({
    subject: `Your ${applianceWord(v, w)} may need attention soon`,
    body:
      `Our monitoring shows that ${faultWord(v, w)}` +
      (v.hoursToFailure
        ? `; it could stop working within about ${Math.max(1, Math.round(v.hoursToFailure / 24))} days`
        : '') +
      `. Book a visit now and a technician will fix it before it breaks down${ticketRef(v)}.`,
  }),
  appointment_booked: (v, w) => ({
    subject: `Your visit is booked${v.window ? `: ${v.window}` : ''}`,
    body: `A technician will visit to look at your ${applianceWord(v, w)}${v.window ? ` on ${v.window}` : ''}${ticketRef(v)}. You can move or cancel the visit in your portal.`,
  }),
  appointment_cancelled: (v) => ({
    subject: 'Your visit has been cancelled',
    body: `The visit${v.window ? ` on ${v.window}` : ''} has been cancelled${ticketRef(v)}. You can book a new time in your portal.`,
  }),
  technician_assigned: (v, w) => ({
    subject: `A technician has been assigned to your ${applianceWord(v, w)}`,
    body: `A technician has been assigned to repair your ${applianceWord(v, w)}${ticketRef(v)}. We will tell you when they are on their way.`,
  }),
  technician_en_route: (v) => ({
    subject: 'Your technician is on the way',
    body: `Your technician is on the way${v.eta ? ` and should arrive around ${v.eta}` : ''}${ticketRef(v)}.`,
  }),
  technician_arrived: (v) => ({
    subject: 'Your technician has arrived',
    body: `Your technician has arrived${ticketRef(v)}.`,
  }),
  repaired: (v, w) => ({
    subject: `Your ${applianceWord(v, w)} has been repaired`,
    body: `The technician has finished the repair of your ${applianceWord(v, w)}${ticketRef(v)}. We will keep an eye on it over the next few days to make sure the fix holds.`,
  }),
  fix_verified: (v, w) => ({
    subject: `Your ${applianceWord(v, w)} is working normally again`,
    body: `Your ${applianceWord(v, w)} has been working normally since the repair${ticketRef(v)}. Thank you for your patience.`,
  }),
  new_offer: (v, w) => ({
    subject: `New job offered: ${applianceWord(v, w)}${ticketRef(v)}`,
    body: `You have been offered ticket${ticketRef(v)} for a ${applianceWord(v, w)}. Accept it in your app before the offer runs out.`,
  }),
  sla_warning: (v, w) => ({
    subject: `SLA warning: ticket${ticketRef(v)}`,
    body: `The ${w.clock[v.clock ?? 'resolve']} clock of ticket${ticketRef(v)} is at ${v.pct ?? 80} % of its target. Please act now.`,
  }),
  sla_breach: (v, w) => ({
    subject: `SLA breached: ticket${ticketRef(v)}`,
    body: `The ${w.clock[v.clock ?? 'resolve']} target of ticket${ticketRef(v)} has been missed (${v.pct ?? 100} % of target). It has been escalated to you.`,
  }),
  request_updated: (v) => ({
    subject: `${tag(v)}Your request has been updated`,
    body: `There is news about your request${v.requestNumber ? ` ${v.requestNumber}` : ''}.${line(v.text)}`,
  }),
};

const ZH: Record<NotificationKind, Template> = {
  ...AFTERCARE_ZH,
  ...KPI_WARNING_ZH,
  ...REPORT_ZH,
  request_received: (v, w) => ({
    subject: `${tag(v)}我们已收到您的服务请求`,
    body:
      `感谢您的联系。我们已收到您关于${applianceWord(v, w)}的服务请求` +
      (v.requestNumber ? `，编号为 ${v.requestNumber}` : '') +
      '。我们会尽快回复您；联系我们时请提供此编号。',
  }),
  request_reply: (v) => ({
    subject: `${tag(v)}您的服务请求有新回复`,
    body: `客服团队回复了您的服务请求${v.requestNumber ? ` ${v.requestNumber}` : ''}：${line(v.text)}`,
  }),
  self_help_offered: (v, w) => ({
    subject: `${tag(v)}您或许可以自行解决这个问题`,
    body:
      `我们远程检查了您的${applianceWord(v, w)}：${faultWord(v, w)}。` +
      '这类问题通常几分钟就能自行处理，具体步骤请查看客户门户。' +
      `如果仍未解决，请申请上门服务，我们会安排技术人员。${line(v.detail)}`,
  }),
  attachment_refused: (v) => ({
    subject: `${tag(v)}附件未能接收`,
    body: `您发送的一个附件未能保存。${line(v.text)}\n\n您的服务请求本身已收到。`,
  }),
  maintenance_alert: (v, w) => ({
    subject: `您的${applianceWord(v, w)}可能需要维护`,
    body:
      `我们的监测显示：${faultWord(v, w)}` +
      (v.hoursToFailure
        ? `，预计约 ${Math.max(1, Math.round(v.hoursToFailure / 24))} 天内可能停止工作`
        : '') +
      `。现在预约上门，技术人员会在故障发生前为您修好${ticketRef(v)}。`,
  }),
  appointment_booked: (v, w) => ({
    subject: `上门服务已预约${v.window ? `：${v.window}` : ''}`,
    body: `技术人员将${v.window ? `于 ${v.window} ` : ''}上门检查您的${applianceWord(v, w)}${ticketRef(v)}。您可以在客户门户中改约或取消。`,
  }),
  appointment_cancelled: (v) => ({
    subject: '上门服务已取消',
    body: `${v.window ? `${v.window} 的` : ''}上门服务已取消${ticketRef(v)}。您可以在客户门户中重新预约。`,
  }),
  technician_assigned: (v, w) => ({
    subject: `已为您的${applianceWord(v, w)}指派技术人员`,
    body: `我们已指派技术人员维修您的${applianceWord(v, w)}${ticketRef(v)}。技术人员出发时我们会通知您。`,
  }),
  technician_en_route: (v) => ({
    subject: '技术人员正在路上',
    body: `技术人员已出发${v.eta ? `，预计 ${v.eta} 左右到达` : ''}${ticketRef(v)}。`,
  }),
  technician_arrived: (v) => ({
    subject: '技术人员已到达',
    body: `技术人员已到达${ticketRef(v)}。`,
  }),
  repaired: (v, w) => ({
    subject: `您的${applianceWord(v, w)}已修好`,
    body: `技术人员已完成您的${applianceWord(v, w)}的维修${ticketRef(v)}。接下来几天我们会持续监测，确保修复效果。`,
  }),
  fix_verified: (v, w) => ({
    subject: `您的${applianceWord(v, w)}已恢复正常`,
    body: `维修后您的${applianceWord(v, w)}一直运行正常${ticketRef(v)}。感谢您的耐心等待。`,
  }),
  new_offer: (v, w) => ({
    subject: `新工单：${applianceWord(v, w)}${ticketRef(v)}`,
    body: `系统向您派发了一张${applianceWord(v, w)}工单${ticketRef(v)}。请在时限内在应用中接单。`,
  }),
  sla_warning: (v, w) => ({
    subject: `SLA 预警：工单${ticketRef(v)}`,
    body: `工单${ticketRef(v)}的${w.clock[v.clock ?? 'resolve']}时限已用去 ${v.pct ?? 80}%。请立即处理。`,
  }),
  sla_breach: (v, w) => ({
    subject: `SLA 超时：工单${ticketRef(v)}`,
    body: `工单${ticketRef(v)}的${w.clock[v.clock ?? 'resolve']}时限已超出（目标的 ${v.pct ?? 100}%），已升级给您处理。`,
  }),
  request_updated: (v) => ({
    subject: `${tag(v)}您的服务请求有更新`,
    body: `您的服务请求${v.requestNumber ? ` ${v.requestNumber}` : ''}有新的进展。${line(v.text)}`,
  }),
};

const CATALOGUE: Record<Language, Record<NotificationKind, Template>> = { en: EN, 'zh-CN': ZH };

/** The subject and text of a message of `kind` in `language`. */
export function renderNotification(
  kind: NotificationKind,
  language: Language,
  vars: TemplateVars,
): RenderedMessage {
  return CATALOGUE[language][kind](vars, WORDS[language]);
}

/** A time on the recipient's wall clock, `14:35`. */
export function formatTime(atMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(atMs));
}

/** A visit window on the recipient's wall clock: `Mon 5 Jan, 14:00–16:00` / `1月5日周一 14:00–16:00`. */
export function formatWindow(startMs: number, endMs: number, language: Language, timeZone: string): string {
  const day = new Intl.DateTimeFormat(language === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: language === 'zh-CN' ? 'long' : 'short',
  }).format(new Date(startMs));
  return `${day}${language === 'zh-CN' ? ' ' : ', '}${formatTime(startMs, timeZone)}–${formatTime(endMs, timeZone)}`;
}
