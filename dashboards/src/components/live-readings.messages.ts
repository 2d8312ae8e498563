// The words of the panels the engineer console and the technician workspace share (live readings,
// SLA clocks), both languages. They stay under `engineer.readings` / `engineer.sla` in the catalogue;
// this file exists so that the technician workspace can register them without the rest of `engineer`.
import type { Messages } from '../i18n/catalogue';

export const liveReadingsEn = {
  readings: {
    normal: 'normal: {{range}}',
    state: { normal: 'Within normal range', outside: 'Outside normal range', critical: 'Critical' },
    noValue: 'No reading yet',
    none: 'This appliance reports no readings.',
    updated: 'Latest reading {{ago}}',
  },
  sla: {
    title: 'SLA clocks',
    target: 'Target {{duration}}',
    dueAt: 'due {{at}}',
    metAfter: 'after {{duration}}',
    missedBy: 'by {{duration}}',
    pausedBecause: 'Paused: {{reason}}',
    cancelled: 'Not needed: the ticket was cancelled',
    pauseReason: { waiting_parts: 'waiting for parts', waiting_customer: 'waiting for the customer' },
  },
} as const;

export const liveReadingsZh: Messages<typeof liveReadingsEn> = {
  readings: {
    normal: '正常范围：{{range}}',
    state: { normal: '正常', outside: '超出正常范围', critical: '严重异常' },
    noValue: '暂无读数',
    none: '该家电没有上报任何读数。',
    updated: '最新读数：{{ago}}',
  },
  sla: {
    title: 'SLA 时钟',
    target: '时限 {{duration}}',
    dueAt: '截止 {{at}}',
    metAfter: '用时 {{duration}}',
    missedBy: '超时 {{duration}}',
    pausedBecause: '已暂停：{{reason}}',
    cancelled: '无需计时：工单已取消',
    pauseReason: { waiting_parts: '等待备件', waiting_customer: '等待客户' },
  },
};
