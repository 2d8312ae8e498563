import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ParsedMail } from 'mailparser';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { OutboxPort } from '../notifications/outbox-port';
import { IntakePort, type IntakeSubmission } from '../service-requests/care-ports';
import { InboundMailRepository, type KnownSender } from './inbound-mail.repository';
import { attachmentRefusedMessage, type RefusedAttachment } from './inbound-mail.messages';
import { chooseDevice, isKeptKind, mayReplyOn, replyText, requestNumberIn } from './mail-matching';

/** The longest description a request takes (as over HTTP). */
const MAX_DESCRIPTION_CHARS = 4000;

/** What became of one e-mail. */
export type InboundOutcome =
  | (HandledMail & { refused: RefusedAttachment[] })
  /** The same message (by Message-ID) was handled before: a retried delivery. */
  | { kind: 'duplicate' }
  /** The platform's own e-mail come back (NOTIFY_FROM): not a customer's, and answering it would loop. */
  | { kind: 'own_message' };

interface HandledMail {
  /** `reply`: a message on the request the subject quotes; `request`: a new request. */
  kind: 'reply' | 'request';
  requestId: string;
  number: string;
  customerId: string | null;
  deviceId: string | null;
}

/**
 * Turns an inbound e-mail into a reply on the request its subject quotes (when it comes from
 * that request's customer or contact address) or into a new request through `IntakePort`: from
 * a known customer with the appliance the text names, or from an unknown sender flagged for an
 * engineer to match. Nothing is dropped. Photos and PDFs within the size limit are kept; any
 * other attachment is refused and the sender told so, in their language.
 */
/** Any Chinese character (CJK unified ideographs). */
const HAN = /[\u4e00-\u9fff]/;

@Injectable()
export class InboundMailService {
  constructor(
    private readonly repository: InboundMailRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'attachmentMaxBytes' | 'notifyFrom'>,
    @Inject(LOGGER) private readonly logger: Logger,
    // the service requests and notifications modules provide them; optional so the platform
    // starts without them (an e-mail is then answered "try later" and stays with the sender)
    @Optional() private readonly intake?: IntakePort,
    @Optional() private readonly outbox?: OutboxPort,
  ) {}

  /** Handles one parsed e-mail; `raw` identifies a message without a Message-ID. Throws to have it retried. */
  async receive(
    mail: ParsedMail,
    raw: Buffer,
    envelope: { mailFrom: string | null } = { mailFrom: null },
  ): Promise<InboundOutcome> {
    const intake = this.intake;
    if (!intake) throw new Error('service requests are not available (no IntakePort)');
    const from = mail.from?.value.find((address) => address.address);
    const email = (from?.address ?? envelope.mailFrom ?? '').trim() || null;
    // by sender too: another sender's message reusing a Message-ID is not taken for a repeat
    const messageKey = mail.messageId
      ? `${(email ?? '').toLowerCase()} ${mail.messageId}`
      : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    if (await this.repository.handled(messageKey)) return { kind: 'duplicate' };
    if (email && email.toLowerCase() === addressOf(this.config.notifyFrom)) {
      this.logger.warn(
        { subject: mail.subject },
        'inbound e-mail from the platform itself, not made a request',
      );
      return { kind: 'own_message' };
    }
    const sender: KnownSender = email
      ? await this.repository.sender(email)
      : { email: '', customerId: null, userId: null, language: null };
    const subject = (mail.subject ?? '').trim();
    const text = (mail.text ?? '').trim();
    const { kept, refused } = this.sortAttachments(mail);

    const outcome =
      (await this.reply(intake, sender, subject, text, kept)) ??
      (await this.submit(intake, sender, from?.name, subject, text, kept));
    this.logger.info(
      {
        requestId: outcome.requestId,
        outcome: outcome.kind,
        known: sender.customerId !== null,
        kept: kept.length,
        refused: refused.length,
      },
      'inbound e-mail handled',
    );

    if (refused.length > 0 && email && !isAutomatic(mail))
      await this.refuse(messageKey, sender, subject, refused, outcome);
    await this.repository.markHandled(messageKey, this.clock.now(), outcome.requestId);
    return { ...outcome, refused };
  }

  /** A reply on the request the subject quotes, when the sender may reply on it. */
  private async reply(
    intake: IntakePort,
    sender: KnownSender,
    subject: string,
    text: string,
    attachments: IntakeSubmission['attachments'],
  ): Promise<HandledMail | undefined> {
    const number = requestNumberIn(subject);
    if (!number || !sender.email) return undefined;
    const request = await this.repository.request(number);
    if (!request || !mayReplyOn(request, sender)) return undefined;
    const appended = await intake.appendMessage(number, {
      from: 'customer',
      channel: 'email',
      text: (replyText(text) || subject).slice(0, MAX_DESCRIPTION_CHARS),
      attachments,
    });
    if (!appended) return undefined;
    return { kind: 'reply', requestId: appended.id, number, customerId: request.customerId, deviceId: null };
  }

  private async submit(
    intake: IntakePort,
    sender: KnownSender,
    name: string | undefined,
    subject: string,
    text: string,
    attachments: IntakeSubmission['attachments'],
  ): Promise<HandledMail> {
    const devices = sender.customerId ? await this.repository.devicesOf(sender.customerId) : [];
    const device = chooseDevice(devices, `${subject}\n${text}`);
    const description = [subject, text].filter((part) => part.length > 0).join('\n\n') || '(empty e-mail)';
    const created = await intake.submit({
      channel: 'email',
      customerId: sender.customerId,
      deviceId: device?.id ?? null,
      description: description.slice(0, MAX_DESCRIPTION_CHARS),
      contact: {
        ...(name ? { name: name.slice(0, 100) } : {}),
        ...(sender.email ? { email: sender.email } : {}),
      },
      // the sender's saved language, else the one they wrote in: Chinese characters say Chinese
      language: sender.language ?? (HAN.test(description) ? 'zh-CN' : 'en'),
      attachments,
    });
    return {
      kind: 'request',
      requestId: created.id,
      number: created.number,
      customerId: sender.customerId,
      deviceId: device?.id ?? null,
    };
  }

  private sortAttachments(mail: ParsedMail): {
    kept: IntakeSubmission['attachments'];
    refused: RefusedAttachment[];
  } {
    const kept: IntakeSubmission['attachments'] = [];
    const refused: RefusedAttachment[] = [];
    mail.attachments.forEach((attachment, i) => {
      const name = attachment.filename ?? `attachment-${i + 1}`;
      const sizeBytes = attachment.content.length;
      if (!isKeptKind(attachment.contentType)) refused.push({ name, sizeBytes, reason: 'kind' });
      else if (sizeBytes > this.config.attachmentMaxBytes)
        refused.push({ name, sizeBytes, reason: 'too_large' });
      else kept.push({ name, contentType: attachment.contentType, content: attachment.content });
    });
    return { kept, refused };
  }

  /** Tells the sender which attachments were not kept and the limit, once per e-mail. */
  private async refuse(
    messageKey: string,
    sender: KnownSender,
    subject: string,
    refused: RefusedAttachment[],
    outcome: { requestId: string; number: string },
  ): Promise<void> {
    if (!this.outbox) {
      this.logger.warn({ requestId: outcome.requestId }, 'no OutboxPort: the attachment refusal is not sent');
      return;
    }
    const language = sender.language ?? 'en';
    const text = attachmentRefusedMessage(language, {
      originalSubject: subject,
      refused,
      limitBytes: this.config.attachmentMaxBytes,
      requestNumber: outcome.number,
    });
    await this.outbox.enqueue({
      idempotencyKey: `attachment_refused:${messageKey}:email`,
      kind: 'attachment_refused',
      channel: 'email',
      recipientUserId: sender.userId,
      address: sender.email,
      language,
      subject: text.subject,
      body: text.body,
      // the answer to a message the sender just wrote: not held for quiet hours
      urgent: true,
      requestId: outcome.requestId,
    });
  }
}

/** `care@example.com` from `Appliance Care <care@example.com>`, lower case. */
function addressOf(mailbox: string): string {
  return (/<([^>]+)>/.exec(mailbox)?.[1] ?? mailbox).trim().toLowerCase();
}

/** Auto-replies and bounces are not answered (no mail loops). */
function isAutomatic(mail: ParsedMail): boolean {
  const autoSubmitted = mail.headers.get('auto-submitted');
  return typeof autoSubmitted === 'string' && autoSubmitted.toLowerCase() !== 'no';
}
