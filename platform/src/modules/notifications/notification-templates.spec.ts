import { APPLIANCE_PROFILES, APPLIANCE_TYPES, notificationKindSchema } from '../../../../contracts/src';
import { FAULT_MODES, formatWindow, renderNotification } from './notification-templates';

const KINDS = notificationKindSchema.options;
const REQUEST_KINDS = [
  'request_received',
  'request_reply',
  'self_help_offered',
  'attachment_refused',
  'request_updated',
] as const;
const CJK = /[\u4e00-\u9fff]/;

describe('notification templates', () => {
  it('name every fault mode of the appliance profiles', () => {
    const modes = new Set(Object.values(APPLIANCE_PROFILES).flatMap((p) => p.faultModes.map((f) => f.mode)));
    expect([...modes].sort()).toEqual([...FAULT_MODES].sort());
  });

  it.each(KINDS)('word %s in English and in Chinese, without raw ids', (kind) => {
    for (const type of APPLIANCE_TYPES) {
      for (const fault of APPLIANCE_PROFILES[type].faultModes) {
        const vars = {
          requestNumber: 'SR-000042',
          ticketId: 'tk-1',
          appliance: type,
          fault: fault.mode,
          text: 'Hi',
        };
        const en = renderNotification(kind, 'en', vars);
        const zh = renderNotification(kind, 'zh-CN', vars);
        for (const m of [en, zh]) {
          expect(m.subject.length).toBeGreaterThan(3);
          expect(m.body.length).toBeGreaterThan(3);
          expect(`${m.subject} ${m.body}`).not.toContain(fault.mode);
          if (type.includes('_')) expect(`${m.subject} ${m.body}`).not.toContain(type);
        }
        expect(zh.subject + zh.body).toMatch(CJK);
        expect(en.subject + en.body).not.toMatch(CJK);
      }
    }
  });

  it('put the request number in brackets in request subjects, so e-mail replies thread', () => {
    for (const kind of REQUEST_KINDS) {
      for (const language of ['en', 'zh-CN'] as const) {
        expect(renderNotification(kind, language, { requestNumber: 'SR-000042' }).subject).toMatch(
          /^\[SR-000042\] /,
        );
      }
    }
  });

  it('say what may fail in customer words in each language', () => {
    const vars = { appliance: 'dishwasher', fault: 'spray_arm_clog', hoursToFailure: 96, ticketId: 'tk-9' };
    expect(renderNotification('maintenance_alert', 'en', vars)).toEqual({
      subject: 'Your dishwasher may need attention soon',
      body: expect.stringContaining('the filter or a spray arm is clogged') as string,
    });
    const zh = renderNotification('maintenance_alert', 'zh-CN', vars);
    expect(zh.subject).toBe('您的洗碗机可能需要维护');
    expect(zh.body).toContain('喷淋臂');
    expect(zh.body).toContain('4 天');
  });

  it("format a visit window on the recipient's wall clock", () => {
    const start = Date.UTC(2026, 0, 5, 6);
    const end = Date.UTC(2026, 0, 5, 8);
    expect(formatWindow(start, end, 'en', 'Asia/Shanghai')).toBe('Mon 5 Jan, 14:00–16:00');
    expect(formatWindow(start, end, 'zh-CN', 'Asia/Shanghai')).toMatch(/1月5日.*14:00–16:00/);
  });
});
