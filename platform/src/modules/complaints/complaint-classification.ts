import type { ComplaintCategory, ComplaintUrgency } from '../../../../contracts/src';

/**
 * Step 2 of the eight: a complaint's category and urgency from its words, English and
 * Simplified Chinese. English terms match whole words (case-insensitive, listed with their
 * forms); Chinese terms match anywhere, Chinese having no spaces between words. An engineer
 * corrects the result with the `classify` action.
 */
const SAFETY_TERMS = [
  'smoke',
  'smoking',
  'fire',
  'flame',
  'flames',
  'burning',
  'burnt',
  'burned',
  'spark',
  'sparks',
  'sparking',
  'shock',
  'shocked',
  'electrocuted',
  'gas smell',
  'smell of gas',
  'gas leak',
  'explosion',
  'exploded',
  'melted',
  'injured',
  'injury',
  'dangerous',
  '冒烟',
  '着火',
  '起火',
  '火花',
  '漏电',
  '触电',
  '烧焦',
  '煤气味',
  '燃气味',
  '爆炸',
  '受伤',
  '危险',
];

const CORE_FUNCTION_TERMS = [
  'not working',
  'stopped working',
  "doesn't work",
  'does not work',
  'still broken',
  "won't start",
  'will not start',
  'no power',
  'not cooling',
  'not heating',
  'not draining',
  'not spinning',
  'leak',
  'leaks',
  'leaking',
  'flooding',
  'not solved',
  '不工作',
  '不能用',
  '无法使用',
  '无法启动',
  '不启动',
  '不制冷',
  '不加热',
  '不排水',
  '漏水',
  '不转',
  '还是坏',
  '没修好',
];

/** Categories in the order they are looked for: the first whose words appear wins. */
const CATEGORY_TERMS: ReadonlyArray<readonly [ComplaintCategory, readonly string[]]> = [
  [
    'service',
    [
      'rude',
      'impolite',
      'attitude',
      'unprofessional',
      'disrespectful',
      'late',
      'no-show',
      'never showed up',
      'did not show up',
      'technician',
      'engineer',
      'waited',
      'waiting',
      'ignored',
      'service',
      '态度',
      '不礼貌',
      '没礼貌',
      '服务差',
      '服务',
      '不专业',
      '迟到',
      '师傅',
      '技师',
      '爽约',
    ],
  ],
  [
    'payment',
    [
      'invoice',
      'refund',
      'refunds',
      'charge',
      'charged',
      'charges',
      'overcharged',
      'billing',
      'bill',
      'payment',
      'paid',
      'price',
      'fee',
      'fees',
      '发票',
      '退款',
      '扣费',
      '收费',
      '付款',
      '账单',
      '多收',
      '价格',
      '乱收费',
    ],
  ],
  [
    'logistics',
    [
      'delivery',
      'delivered',
      'shipping',
      'shipment',
      'shipped',
      'courier',
      'parcel',
      'package',
      'not arrived',
      'never arrived',
      'damaged in transit',
      '物流',
      '配送',
      '送货',
      '快递',
      '发货',
      '到货',
      '没送到',
    ],
  ],
  [
    'account',
    [
      'account',
      'password',
      'login',
      'log in',
      'sign in',
      'points',
      'coupon',
      'membership',
      '账号',
      '账户',
      '帐号',
      '密码',
      '登录',
      '积分',
      '优惠券',
      '会员',
    ],
  ],
  [
    'quality',
    [
      'broken',
      'breaks',
      'fault',
      'faulty',
      'error',
      'noise',
      'noisy',
      'defect',
      'defective',
      'quality',
      'leak',
      'leaks',
      'leaking',
      'repair',
      'fixed',
      'again',
      'not working',
      'stopped working',
      'not solved',
      '坏了',
      '故障',
      '噪音',
      '质量',
      '漏水',
      '维修',
      '报错',
      '异响',
      '又坏',
      '没修好',
    ],
  ],
];

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isAscii = (term: string) => /^[\x20-\x7e]+$/.test(term);

function matcher(terms: readonly string[]): (text: string) => boolean {
  const ascii = terms.filter(isAscii);
  const other = terms.filter((t) => !isAscii(t));
  const words =
    ascii.length > 0 ? new RegExp(`(?<![a-z])(?:${ascii.map(escape).join('|')})(?![a-z])`, 'i') : null;
  return (text) => (words?.test(text) ?? false) || other.some((t) => text.includes(t));
}

const mentionsSafety = matcher(SAFETY_TERMS);
const mentionsCoreFunction = matcher(CORE_FUNCTION_TERMS);
const categoryMatchers = CATEGORY_TERMS.map(([category, terms]) => [category, matcher(terms)] as const);

export interface ComplaintClassification {
  category: ComplaintCategory;
  urgency: ComplaintUrgency;
}

/**
 * Category from the first list whose words the description uses (a complaint from a survey that
 * says nothing recognisable is about the service it scored: `service`); urgency `safety` when
 * a hazard is named, `core_function` when the appliance does not do its job, else `minor`.
 */
export function classifyComplaint(
  description: string,
  fallback: ComplaintCategory = 'other',
): ComplaintClassification {
  const category = categoryMatchers.find(([, matches]) => matches(description))?.[0] ?? fallback;
  const urgency: ComplaintUrgency = mentionsSafety(description)
    ? 'safety'
    : mentionsCoreFunction(description)
      ? 'core_function'
      : 'minor';
  return { category, urgency };
}
