import type { ApplianceType } from '../../../../contracts/src';

/**
 * The rules that turn an e-mail into a reply on a request or a new request: which request a
 * subject quotes, which appliance the text names (in English or Chinese), which of the
 * customer's appliances that is, and who may reply on a request.
 */

/** `SR-000042` in a subject, bracketed (`[SR-000042]`, as the platform's own e-mails put it) or not. */
export function requestNumberIn(subject: string): string | undefined {
  const match = /(?:^|[^A-Za-z0-9])SR-(\d{1,12})(?![0-9A-Za-z])/i.exec(subject);
  return match ? `SR-${match[1]}` : undefined;
}

/** The words that name each appliance type, lower case; English as whole words. */
const APPLIANCE_WORDS: Record<ApplianceType, { en: string[]; zh: string[] }> = {
  washer: { en: ['washer', 'washing machine', 'washing-machine'], zh: ['洗衣机'] },
  refrigerator: { en: ['refrigerator', 'fridge'], zh: ['冰箱'] },
  air_conditioner: { en: ['air conditioner', 'air-conditioner', 'air conditioning', 'aircon'], zh: ['空调'] },
  water_heater: { en: ['water heater', 'water-heater'], zh: ['热水器'] },
  dishwasher: { en: ['dishwasher', 'dish washer', 'dish-washer'], zh: ['洗碗机'] },
};

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = Object.entries(APPLIANCE_WORDS).map(([type, words]) => ({
  type: type as ApplianceType,
  // `\b` keeps "washer" out of "dishwasher"; plural "washers", "fridges" still count
  pattern: new RegExp(
    [...words.en.map((w) => `\\b${escape(w)}s?\\b`), ...words.zh.map(escape)].join('|'),
    'i',
  ),
}));

/** The appliance types the text names, in a stable order. */
export function applianceTypesNamed(text: string): ApplianceType[] {
  return PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ type }) => type);
}

/**
 * Which of the customer's appliances the e-mail is about: the only one they have, or the only
 * one of the single type the text names; otherwise none (an engineer matches it).
 */
export function chooseDevice<D extends { id: string; type: string }>(devices: D[], text: string): D | null {
  if (devices.length === 1) return devices[0];
  const named = applianceTypesNamed(text);
  if (named.length !== 1) return null;
  const ofType = devices.filter((d) => d.type === named[0]);
  return ofType.length === 1 ? ofType[0] : null;
}

/** A reply may be added to a request by its customer, or from the e-mail it gave as contact. */
export function mayReplyOn(
  request: { customerId: string | null; contactEmail: string | null },
  sender: { email: string; customerId: string | null },
): boolean {
  if (request.customerId !== null && request.customerId === sender.customerId) return true;
  return request.contactEmail !== null && request.contactEmail.toLowerCase() === sender.email.toLowerCase();
}

/**
 * The new text of a reply: the quoted earlier e-mail (lines starting with `>`, and everything
 * from an "On … wrote:" or "-----Original Message-----" line on) left out.
 */
export function replyText(body: string): string {
  const lines: string[] = [];
  for (const line of body.replace(/\r\n/g, '\n').split('\n')) {
    const trimmed = line.trim();
    if (/^-{2,}\s*Original Message\s*-{2,}$/i.test(trimmed)) break;
    if (/^On .+wrote:$/i.test(trimmed) || /^在.+写道[:：]$/.test(trimmed)) break;
    if (trimmed.startsWith('>')) continue;
    lines.push(line);
  }
  return lines.join('\n').trim();
}

/** The attachment kinds kept from an e-mail: photos of the appliance, and PDFs (receipts, invoices). */
export function isKeptKind(contentType: string): boolean {
  const type = contentType.toLowerCase();
  return type.startsWith('image/') || type === 'application/pdf';
}
