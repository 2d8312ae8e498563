import { classifyRequest } from './request-classification';
import { judgeAction } from './request-status';
import { responseDeadlines } from './response-policy';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('request classification', () => {
  const classify = (symptom: string | null, description: string | null, deviceType = 'washer' as const) =>
    classifyRequest({ deviceType, symptom, description });

  it('takes type and urgency from the symptom, and the department from the type', () => {
    expect(classify('not_draining', null)).toEqual({
      type: 'quality',
      urgency: 'core_function',
      department: 'technical_service',
    });
    expect(classify('noisy_spin', null)).toEqual({
      type: 'quality',
      urgency: 'minor',
      department: 'technical_service',
    });
    expect(classify('billing_question', null)).toEqual({
      type: 'payment',
      urgency: 'minor',
      department: 'finance',
    });
    expect(classify('installation_needed', null).department).toBe('installation');
    expect(classify('delivery_problem', null).department).toBe('logistics');
    expect(classify('technician_conduct', null).department).toBe('customer_service');
    expect(classify('account_help', null)).toMatchObject({ type: 'account', department: 'customer_service' });
    expect(classify('burning_smell', null)).toMatchObject({
      urgency: 'safety',
      department: 'technical_service',
    });
  });

  it('raises any request to a safety hazard when the description names one, in English or Chinese', () => {
    for (const text of [
      'There is smoke coming from the back',
      'I saw SPARKS near the plug',
      'it gave me a shock when I touched it',
      'strong gas smell in the kitchen',
      '机器后面冒烟了',
      '插头有火花',
      '洗衣机漏电',
      '有烧焦的味道',
      '厨房有煤气味',
    ]) {
      expect(classify('noisy_spin', text)).toEqual({
        type: 'quality',
        urgency: 'safety',
        department: 'technical_service',
      });
      expect(classify(null, text).urgency).toBe('safety');
    }
    // a billing question that mentions a fire is a hazard first
    expect(classify('billing_question', 'the invoice is wrong and the socket caught fire')).toMatchObject({
      urgency: 'safety',
      department: 'technical_service',
    });
  });

  it('does not see a hazard inside other words', () => {
    expect(classify('noisy_spin', 'the firewall of my router blocks the app; shockingly slow').urgency).toBe(
      'minor',
    );
  });

  it('chooses the type from the description when no symptom says it', () => {
    expect(classify(null, 'I want a refund for the extended warranty')).toMatchObject({
      type: 'payment',
      department: 'finance',
    });
    expect(classify(null, '请开发票')).toMatchObject({ type: 'payment', department: 'finance' });
    expect(classify(null, '扣费两次了')).toMatchObject({ type: 'payment' });
    expect(classify(null, 'When can you install the new unit?')).toMatchObject({
      type: 'installation',
      department: 'installation',
    });
    expect(classify(null, '需要安装')).toMatchObject({ type: 'installation' });
    expect(classify(null, 'The delivery never arrived')).toMatchObject({
      type: 'logistics',
      department: 'logistics',
    });
    expect(classify(null, '快递还没到')).toMatchObject({ type: 'logistics' });
    expect(classify(null, 'The technician was rude to my mother')).toMatchObject({
      type: 'service_attitude',
      department: 'customer_service',
    });
    expect(classify(null, '维修师傅态度很差')).toMatchObject({ type: 'service_attitude' });
    expect(classify(null, 'I forgot my password')).toMatchObject({
      type: 'account',
      department: 'customer_service',
    });
    expect(classify(null, '无法登录账号')).toMatchObject({ type: 'account' });
    expect(classify(null, 'hello')).toEqual({
      type: 'other',
      urgency: 'minor',
      department: 'customer_service',
    });
    expect(classify('other_problem', 'it is not working at all')).toMatchObject({
      type: 'quality',
      urgency: 'core_function',
    });
  });

  it('raises a minor quality symptom when the description says a core function is lost', () => {
    expect(classify('noisy_spin', 'and now it stopped working').urgency).toBe('core_function');
    expect(classify('noisy_spin', '现在完全不工作了').urgency).toBe('core_function');
    // never lowers: the symptom's urgency stands without such words
    expect(classify('not_draining', 'a bit annoying').urgency).toBe('core_function');
  });
});

describe('response deadline', () => {
  const T0 = Date.UTC(2026, 0, 5, 13);
  it('gives 10 min to a safety hazard, 2 h to a lost core function, 24 h to a minor issue', () => {
    expect(responseDeadlines(T0, 'safety', 'standard')).toEqual({
      warnAtMs: T0 + 8 * MIN,
      respondByMs: T0 + 10 * MIN,
    });
    expect(responseDeadlines(T0, 'core_function', 'standard').respondByMs).toBe(T0 + 2 * HOUR);
    expect(responseDeadlines(T0, 'minor', 'standard').respondByMs).toBe(T0 + 24 * HOUR);
  });
  it("halves a VIP customer's targets", () => {
    expect(responseDeadlines(T0, 'safety', 'vip')).toEqual({
      warnAtMs: T0 + 4 * MIN,
      respondByMs: T0 + 5 * MIN,
    });
    expect(responseDeadlines(T0, 'core_function', 'vip').respondByMs).toBe(T0 + HOUR);
    expect(responseDeadlines(T0, 'minor', 'vip').respondByMs).toBe(T0 + 12 * HOUR);
  });
});

describe('request actions', () => {
  it('lets the customer say solved only after self-help was offered', () => {
    expect(judgeAction('solved', 'customer', 'self_help_offered')).toBe('ok');
    expect(judgeAction('solved', 'customer', 'received')).toBe('bad_status');
    expect(judgeAction('solved', 'engineer', 'self_help_offered')).toBe('role_not_allowed');
  });
  it('sends a cancel after a ticket to the visit, and refuses one when finished', () => {
    expect(judgeAction('cancel', 'customer', 'received')).toBe('ok');
    expect(judgeAction('cancel', 'customer', 'ticket_opened')).toBe('cancel_the_visit');
    expect(judgeAction('cancel', 'customer', 'cancelled')).toBe('bad_status');
  });
  it('lets the customer insist on a visit from any open status but not twice', () => {
    for (const status of ['received', 'triaging', 'self_help_offered'] as const)
      expect(judgeAction('visit', 'customer', status)).toBe('ok');
    expect(judgeAction('visit', 'customer', 'ticket_opened')).toBe('bad_status');
    expect(judgeAction('visit', 'customer', 'resolved_by_customer')).toBe('bad_status');
  });
  it('keeps replies, matching and tickets for staff', () => {
    expect(judgeAction('reply', 'customer', 'received')).toBe('role_not_allowed');
    expect(judgeAction('reply', 'technician', 'received')).toBe('role_not_allowed');
    expect(judgeAction('reply', 'engineer', 'received')).toBe('ok');
    expect(judgeAction('match', 'admin', 'needs_matching')).toBe('ok');
    expect(judgeAction('match', 'admin', 'received')).toBe('bad_status');
    expect(judgeAction('ticket', 'engineer', 'ticket_opened')).toBe('bad_status');
  });
});
