import type { ApplianceType, NotificationKind } from '../../../../contracts/src';
import type { Template, TemplateVars, Words } from './notification-templates';

/**
 * Customer care, part 2: surveys, complaints, compensation, loyalty and returns, in English and
 * Simplified Chinese. Merged into the catalogue of notification-templates.ts.
 */

export type AftercareKind = Extract<
  NotificationKind,
  | 'survey_invite'
  | 'survey_reminder'
  | 'complaint_registered'
  | 'complaint_solution'
  | 'complaint_assigned'
  | 'complaint_clock'
  | 'complaint_closed'
  | 'approval_needed'
  | 'approval_decided'
  | 'coupon_issued'
  | 'points_awarded'
  | 'tier_changed'
  | 'return_approved'
  | 'return_refused'
  | 'return_received'
  | 'return_refunded'
  | 'return_exchanged'
  | 'refund_clock'
>;

const appliance = (v: TemplateVars, w: Words): string =>
  v.appliance && v.appliance in w.appliance ? w.appliance[v.appliance as ApplianceType] : w.anAppliance;
const para = (text: string | null | undefined): string => (text ? `\n\n${text}` : '');
const tag = (v: TemplateVars): string => (v.number ? `[${v.number}] ` : '');
const ticketRef = (v: TemplateVars): string => (v.ticketId ? ` (${v.ticketId})` : '');

const EN_REASON: Record<string, string> = {
  return_window_closed:
    'Returns without a reason are possible within 7 days of delivery, and that period has passed. If the appliance has a quality fault and is under warranty, you can ask for an exchange instead.',
  exchange_needs_quality_fault: 'An exchange is possible for a quality fault; please tell us what is wrong with the appliance.',
  warranty_expired: 'The warranty of this appliance has ended, so an exchange is not possible. We can still repair it.',
  inspection_failed: 'The returned appliance did not pass our inspection on receipt.',
  refused_by_staff: 'Our service team could not accept the application.',
};
const ZH_REASON: Record<string, string> = {
  return_window_closed:
    '无理由退货须在签收后 7 天内申请，现已超过期限。如果产品存在质量问题且在保修期内，您可以申请换货。',
  exchange_needs_quality_fault: '换货适用于产品质量问题，请说明产品出现的故障。',
  warranty_expired: '该产品已过保修期，无法换货，但我们仍可为您维修。',
  inspection_failed: '退回的产品未通过收货检验。',
  refused_by_staff: '客服团队无法受理该申请。',
};
const EN_CLOCK = { investigate: 'investigation', solve: 'solution', refund: 'refund' } as const;
const ZH_CLOCK = { investigate: '调查', solve: '解决方案', refund: '退款' } as const;
const reasonText = (v: TemplateVars, words: Record<string, string>): string =>
  v.reason ? (words[v.reason] ?? '') : '';

export const AFTERCARE_EN: Record<AftercareKind, Template> = {
  survey_invite: (v, w) => ({
    subject: `How was the repair of your ${appliance(v, w)}?`,
    body:
      `Your ${appliance(v, w)} was repaired${ticketRef(v)}. Please tell us how we did: four quick scores from 1 to 5 ` +
      '(professionalism, attitude, result and timeliness) and a comment if you like. It takes a minute.' +
      para(v.link ? `Rate the repair: ${v.link}` : null) +
      para(v.due ? `The survey is open until ${v.due}.` : null),
  }),
  survey_reminder: (v, w) => ({
    subject: `A reminder: how was the repair of your ${appliance(v, w)}?`,
    body:
      `We would still like to hear how the repair of your ${appliance(v, w)} went${ticketRef(v)}.` +
      para(v.link ? `Rate the repair: ${v.link}` : null) +
      para(v.due ? `The survey closes on ${v.due}.` : null),
  }),
  complaint_registered: (v) => ({
    subject: `${tag(v)}We have registered your complaint`,
    body:
      `We are sorry that you had reason to complain. Your complaint is registered${v.number ? ` as ${v.number}` : ''}. ` +
      `We will investigate it${v.due ? ` by ${v.due}` : ' within 48 hours'} and then propose a solution within 24 hours. Please quote the number if you contact us.`,
  }),
  complaint_solution: (v) => ({
    subject: `${tag(v)}Our proposed solution`,
    body:
      `We have looked into your complaint${v.number ? ` ${v.number}` : ''} and propose the following:${para(v.text)}` +
      (v.amount ? `\n\nCompensation: ${v.amount}.` : '') +
      '\n\nPlease tell us in your portal whether you agree, disagree or have a question.',
  }),
  complaint_assigned: (v) => ({
    subject: `${tag(v)}A complaint for you to handle`,
    body: `Complaint${v.number ? ` ${v.number}` : ''} is yours to handle${v.due ? `; the next deadline is ${v.due}` : ''}.${para(v.text)}`,
  }),
  complaint_clock: (v) => ({
    subject: `${tag(v)}${v.level === 'breach' ? 'Deadline missed' : 'Deadline close'}: complaint ${EN_CLOCK[v.careClock === 'solve' ? 'solve' : 'investigate']}`,
    body:
      v.level === 'breach'
        ? `The ${EN_CLOCK[v.careClock === 'solve' ? 'solve' : 'investigate']} deadline of complaint${v.number ? ` ${v.number}` : ''} has passed. Please act now.`
        : `The ${EN_CLOCK[v.careClock === 'solve' ? 'solve' : 'investigate']} deadline of complaint${v.number ? ` ${v.number}` : ''} is close${v.due ? ` (${v.due})` : ''}.`,
  }),
  complaint_closed: (v) => ({
    subject: `${tag(v)}Your complaint is closed`,
    body: `Your complaint${v.number ? ` ${v.number}` : ''} is closed.${para(v.text)}\n\nThank you for helping us improve.`,
  }),
  approval_needed: (v) => ({
    subject: `Approval needed: compensation of ${v.amount ?? ''}`.trim(),
    body: `A compensation of ${v.amount ?? 'an amount'} above the requester's limit waits for your approval${v.number ? ` (complaint ${v.number})` : ''}.${para(v.text)}`,
  }),
  approval_decided: (v) => ({
    subject: `Compensation ${v.approved ? 'approved' : 'rejected'}${v.amount ? `: ${v.amount}` : ''}`,
    body: `The compensation you requested${v.number ? ` for complaint ${v.number}` : ''} was ${v.approved ? 'approved' : 'rejected'}.${para(v.text)}`,
  }),
  coupon_issued: (v) => ({
    subject: `A coupon for you${v.amount ? `: ${v.amount}` : ''}`,
    body:
      `We have added a coupon${v.amount ? ` worth ${v.amount}` : ''} to your account${v.code ? ` (code ${v.code})` : ''}. ` +
      `You can use it against a paid repair${v.due ? ` until ${v.due}` : ''}.`,
  }),
  points_awarded: (v) => ({
    subject: `You earned ${v.points ?? 0} points`,
    body: `Thank you for your feedback. We have credited ${v.points ?? 0} points to your account; 100 points take 1.00 off a paid repair.`,
  }),
  tier_changed: (v) => ({
    subject: v.tier === 'vip' ? 'Welcome to VIP service' : 'Your service level has changed',
    body:
      v.tier === 'vip'
        ? 'Thank you for your loyalty. You are now a VIP customer: our technicians come to you faster and your repairs are finished sooner.'
        : 'Your customer level is now standard. Thank you for being our customer.',
  }),
  return_approved: (v, w) => ({
    subject: `${tag(v)}Your ${v.returnKind === 'exchange' ? 'exchange' : 'return'} is approved`,
    body:
      `Your application to ${v.returnKind === 'exchange' ? 'exchange' : 'return'} your ${appliance(v, w)} is approved${v.number ? ` (${v.number})` : ''}.` +
      para(v.address ? `Please send it to: ${v.address}` : null) +
      '\n\nWe will inspect it on receipt and tell you at each step.',
  }),
  return_refused: (v, w) => ({
    subject: `${tag(v)}We cannot accept your application`,
    body: `We cannot accept your application for your ${appliance(v, w)}${v.number ? ` (${v.number})` : ''}.${para(reasonText(v, EN_REASON))}`,
  }),
  return_received: (v, w) => ({
    subject: `${tag(v)}We have received your ${appliance(v, w)}`,
    body: `Your returned ${appliance(v, w)} has arrived and passed inspection${v.number ? ` (${v.number})` : ''}.${v.due ? ` Your refund will be paid by ${v.due}.` : ''}`,
  }),
  return_refunded: (v) => ({
    subject: `${tag(v)}Your refund has been paid`,
    body: `We have paid your refund${v.amount ? ` of ${v.amount}` : ''}${v.number ? ` (${v.number})` : ''}. Depending on your bank it can take a few days to appear.`,
  }),
  return_exchanged: (v, w) => ({
    subject: `${tag(v)}Your replacement is on its way`,
    body: `Your replacement ${appliance(v, w)} has been sent${v.number ? ` (${v.number})` : ''}.`,
  }),
  refund_clock: (v) => ({
    subject: `${tag(v)}${v.level === 'breach' ? 'Refund overdue' : 'Refund due soon'}`,
    body:
      v.level === 'breach'
        ? `The refund of return${v.number ? ` ${v.number}` : ''} was due within 3 working days of receipt and has not been paid. Please pay it now.`
        : `The refund of return${v.number ? ` ${v.number}` : ''} is due${v.due ? ` by ${v.due}` : ' soon'}.`,
  }),
};

export const AFTERCARE_ZH: Record<AftercareKind, Template> = {
  survey_invite: (v, w) => ({
    subject: `您的${appliance(v, w)}维修服务满意吗？`,
    body:
      `您的${appliance(v, w)}已维修完成${ticketRef(v)}。请为本次服务打分：专业水平、服务态度、维修效果、及时性（1 至 5 分），也欢迎留言，只需一分钟。` +
      para(v.link ? `评价本次服务：${v.link}` : null) +
      para(v.due ? `评价截止时间：${v.due}。` : null),
  }),
  survey_reminder: (v, w) => ({
    subject: `提醒：请评价您的${appliance(v, w)}维修服务`,
    body:
      `我们仍希望了解您的${appliance(v, w)}维修体验${ticketRef(v)}。` +
      para(v.link ? `评价本次服务：${v.link}` : null) +
      para(v.due ? `评价将于 ${v.due} 截止。` : null),
  }),
  complaint_registered: (v) => ({
    subject: `${tag(v)}您的投诉已登记`,
    body:
      `给您带来不便，我们深表歉意。您的投诉已登记${v.number ? `，编号 ${v.number}` : ''}。` +
      `我们将${v.due ? `于 ${v.due} 前` : '在 48 小时内'}完成调查，并在其后 24 小时内提出解决方案。联系我们时请提供此编号。`,
  }),
  complaint_solution: (v) => ({
    subject: `${tag(v)}投诉处理方案`,
    body:
      `我们已调查您的投诉${v.number ? ` ${v.number}` : ''}，处理方案如下：${para(v.text)}` +
      (v.amount ? `\n\n补偿：${v.amount}。` : '') +
      '\n\n请在客户门户中告知我们您同意、不同意或有疑问。',
  }),
  complaint_assigned: (v) => ({
    subject: `${tag(v)}有一件投诉需要您处理`,
    body: `投诉${v.number ? ` ${v.number}` : ''}已分配给您处理${v.due ? `，下一个截止时间为 ${v.due}` : ''}。${para(v.text)}`,
  }),
  complaint_clock: (v) => ({
    subject: `${tag(v)}投诉${ZH_CLOCK[v.careClock === 'solve' ? 'solve' : 'investigate']}${v.level === 'breach' ? '已超时' : '即将到期'}`,
    body:
      v.level === 'breach'
        ? `投诉${v.number ? ` ${v.number}` : ''}的${ZH_CLOCK[v.careClock === 'solve' ? 'solve' : 'investigate']}时限已过，请立即处理。`
        : `投诉${v.number ? ` ${v.number}` : ''}的${ZH_CLOCK[v.careClock === 'solve' ? 'solve' : 'investigate']}时限即将到期${v.due ? `（${v.due}）` : ''}。`,
  }),
  complaint_closed: (v) => ({
    subject: `${tag(v)}您的投诉已结案`,
    body: `您的投诉${v.number ? ` ${v.number}` : ''}已处理完毕并结案。${para(v.text)}\n\n感谢您帮助我们改进服务。`,
  }),
  approval_needed: (v) => ({
    subject: `待审批：补偿 ${v.amount ?? ''}`.trim(),
    body: `一笔超出申请人权限的补偿${v.amount ? `（${v.amount}）` : ''}等待您审批${v.number ? `（投诉 ${v.number}）` : ''}。${para(v.text)}`,
  }),
  approval_decided: (v) => ({
    subject: `补偿申请${v.approved ? '已批准' : '未获批准'}${v.amount ? `：${v.amount}` : ''}`,
    body: `您提交的补偿申请${v.number ? `（投诉 ${v.number}）` : ''}${v.approved ? '已批准' : '未获批准'}。${para(v.text)}`,
  }),
  coupon_issued: (v) => ({
    subject: `您获得一张优惠券${v.amount ? `：${v.amount}` : ''}`,
    body:
      `我们已向您的账户发放一张${v.amount ? `面值 ${v.amount} 的` : ''}优惠券${v.code ? `（券码 ${v.code}）` : ''}，` +
      `可用于抵扣付费维修${v.due ? `，有效期至 ${v.due}` : ''}。`,
  }),
  points_awarded: (v) => ({
    subject: `您获得了 ${v.points ?? 0} 积分`,
    body: `感谢您的反馈。我们已向您的账户发放 ${v.points ?? 0} 积分，每 100 积分可抵扣付费维修 1 元。`,
  }),
  tier_changed: (v) => ({
    subject: v.tier === 'vip' ? '欢迎成为 VIP 客户' : '您的会员等级已调整',
    body:
      v.tier === 'vip'
        ? '感谢您的长期支持。您现在是 VIP 客户：服务工程师将更快上门，维修也会更快完成。'
        : '您的会员等级已调整为普通会员。感谢您一直以来的支持。',
  }),
  return_approved: (v, w) => ({
    subject: `${tag(v)}您的${v.returnKind === 'exchange' ? '换货' : '退货'}申请已通过`,
    body:
      `您的${appliance(v, w)}${v.returnKind === 'exchange' ? '换货' : '退货'}申请已通过${v.number ? `（${v.number}）` : ''}。` +
      para(v.address ? `请寄回至：${v.address}` : null) +
      '\n\n我们收货后会进行检验，每一步都会通知您。',
  }),
  return_refused: (v, w) => ({
    subject: `${tag(v)}您的申请未能受理`,
    body: `很抱歉，您的${appliance(v, w)}申请未能受理${v.number ? `（${v.number}）` : ''}。${para(reasonText(v, ZH_REASON))}`,
  }),
  return_received: (v, w) => ({
    subject: `${tag(v)}我们已收到您退回的${appliance(v, w)}`,
    body: `您退回的${appliance(v, w)}已签收并通过检验${v.number ? `（${v.number}）` : ''}。${v.due ? `退款将于 ${v.due} 前支付。` : ''}`,
  }),
  return_refunded: (v) => ({
    subject: `${tag(v)}退款已支付`,
    body: `我们已向您支付退款${v.amount ? ` ${v.amount}` : ''}${v.number ? `（${v.number}）` : ''}。到账时间以银行为准，可能需要几天。`,
  }),
  return_exchanged: (v, w) => ({
    subject: `${tag(v)}换货已发出`,
    body: `您的新${appliance(v, w)}已发出${v.number ? `（${v.number}）` : ''}。`,
  }),
  refund_clock: (v) => ({
    subject: `${tag(v)}${v.level === 'breach' ? '退款已超时' : '退款即将到期'}`,
    body:
      v.level === 'breach'
        ? `退货${v.number ? ` ${v.number}` : ''}的退款应在收货后 3 个工作日内支付，现已超时，请立即处理。`
        : `退货${v.number ? ` ${v.number}` : ''}的退款${v.due ? `须于 ${v.due} 前` : '即将到期'}支付。`,
  }),
};
