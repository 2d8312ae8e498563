import type { Language } from '../../../../contracts/src';

/** A refused attachment: its file name, its size, and why. */
export interface RefusedAttachment {
  name: string;
  sizeBytes: number;
  reason: 'too_large' | 'kind';
}

/** `5 MB`, `7.3 MB`, `20 KB`: a size a person reads (binary units, as mail clients show them). */
export const readableSize = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The reply to an e-mail whose attachments were not kept, in the sender's language: which
 * files, why, and the limit. Keyed by meaning; the only texts this feature sends itself.
 */
const CATALOGUE: Record<
  Language,
  {
    subject: (original: string) => string;
    intro: string;
    tooLarge: (file: RefusedAttachment, limit: string) => string;
    kind: (file: RefusedAttachment) => string;
    closing: (limit: string, number: string | null) => string;
  }
> = {
  en: {
    subject: (original) => `Attachment not accepted: ${original}`,
    intro: 'Thank you for your e-mail. We could not keep the following attachment(s):',
    tooLarge: (file, limit) =>
      `- "${file.name}" (${readableSize(file.sizeBytes)}) is larger than the limit of ${limit}.`,
    kind: (file) => `- "${file.name}" is not a photo or a PDF file.`,
    closing: (limit, number) =>
      `${number ? `Your message was added to request ${number}. ` : 'The rest of your message was received. '}` +
      `Please send photos or PDF files of up to ${limit} each, for example by replying to this e-mail.`,
  },
  'zh-CN': {
    subject: (original) => `附件未被接收：${original}`,
    intro: '感谢您的来信。以下附件未能保存：',
    tooLarge: (file, limit) =>
      `- “${file.name}”（${readableSize(file.sizeBytes)}）超过了 ${limit} 的大小限制。`,
    kind: (file) => `- “${file.name}” 不是照片或 PDF 文件。`,
    closing: (limit, number) =>
      `${number ? `您的邮件已添加到服务请求 ${number}。` : '您邮件的其余内容已收到。'}` +
      `请发送每个不超过 ${limit} 的照片或 PDF 文件，例如直接回复本邮件。`,
  },
};

export function attachmentRefusedMessage(
  language: Language,
  options: {
    originalSubject: string;
    refused: RefusedAttachment[];
    limitBytes: number;
    requestNumber: string | null;
  },
): { subject: string; body: string } {
  const words = CATALOGUE[language];
  const limit = readableSize(options.limitBytes);
  const lines = options.refused.map((file) =>
    file.reason === 'too_large' ? words.tooLarge(file, limit) : words.kind(file),
  );
  return {
    subject: words.subject(options.originalSubject || '—'),
    body: [words.intro, ...lines, '', words.closing(limit, options.requestNumber)].join('\n'),
  };
}
