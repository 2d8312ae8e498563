import { Injectable } from '@nestjs/common';
import type { Language } from '../../../../contracts/src';
import { CareNotifier, type CareNotice, type CareNoticeVars } from '../../common/care/aftercare-ports';
import { formatTime, type TemplateVars } from './notification-templates';
import { NotificationTriggers } from './notification-triggers.service';

/** Money for a reader: `¥120.00` / `¥120.00` (zh-CN), from minor units. */
export function formatMoney(amountMinor: number, currency: string, language: Language): string {
  return new Intl.NumberFormat(language === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    style: 'currency',
    currency,
  }).format(amountMinor / 100);
}

/** A moment on the reader's wall clock: `Mon 5 Jan, 14:35` / `1月5日周一 14:35`. */
export function formatWhen(atMs: number, language: Language, timeZone: string): string {
  const day = new Intl.DateTimeFormat(language === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: language === 'zh-CN' ? 'long' : 'short',
  }).format(new Date(atMs));
  return `${day}${language === 'zh-CN' ? ' ' : ', '}${formatTime(atMs, timeZone)}`;
}

function templateVars(v: CareNoticeVars, language: Language, timeZone: string): TemplateVars {
  return {
    number: v.number ?? null,
    ticketId: v.ticketId ?? null,
    appliance: v.appliance ?? null,
    text: v.text ?? null,
    link: v.link ?? null,
    amount:
      v.amountMinor !== undefined && v.amountMinor !== null
        ? formatMoney(v.amountMinor, v.currency ?? 'CNY', language)
        : null,
    points: v.points ?? null,
    due: v.dueAtMs !== undefined && v.dueAtMs !== null ? formatWhen(v.dueAtMs, language, timeZone) : null,
    careClock: v.clock ?? null,
    level: v.level ?? null,
    tier: v.tier ?? null,
    reason: v.reason ?? null,
    address: v.address ?? null,
    approved: v.approved ?? null,
    returnKind: v.returnKind ?? null,
    code: v.code ?? null,
  };
}

/**
 * `CareNotifier` for surveys, complaints, compensation, loyalty and returns: the same delivery
 * as every other notification (inbox, push when subscribed, e-mail; once per key and channel;
 * in the recipient's language and time zone).
 */
@Injectable()
export class CareNotifierService extends CareNotifier {
  constructor(private readonly triggers: NotificationTriggers) {
    super();
  }

  async toCustomer(customerId: string, notice: CareNotice, contactEmail: string | null = null): Promise<void> {
    await this.triggers.sendToCustomer({ customerId, contactEmail }, this.send(notice, customerId));
  }

  async toStaff(userId: string, notice: CareNotice): Promise<void> {
    await this.triggers.sendToUser(userId, ['inbox', 'email'], this.send(notice, null));
  }

  private send(notice: CareNotice, customerId: string | null) {
    return {
      kind: notice.kind,
      key: notice.key,
      urgent: notice.urgent ?? false,
      subject: {
        ticketId: notice.ticketId ?? notice.vars.ticketId ?? null,
        requestId: null,
        deviceId: notice.deviceId ?? null,
        action: notice.action ?? null,
      },
      vars: (language: Language, timeZone: string) => templateVars(notice.vars, language, timeZone),
      customerId,
    };
  }
}
