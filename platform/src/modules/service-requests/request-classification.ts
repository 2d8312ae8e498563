import {
  findSymptom,
  type ApplianceTypeName,
  type Department,
  type RequestType,
  type RequestUrgency,
} from '../../../../contracts/src';

/** What a request is about, how urgent it is, and who answers it. */
export interface RequestClassification {
  type: RequestType;
  urgency: RequestUrgency;
  department: Department;
}

/**
 * Words in a description, English and Simplified Chinese. English terms match whole words
 * (case-insensitive, listed with their forms); Chinese terms match anywhere, as Chinese has no
 * spaces between words.
 */
const SAFETY_TERMS = [
  'smoke',
  'smoking',
  'smoky',
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
  'shocks',
  'electrocuted',
  'electrocution',
  'gas smell',
  'smell of gas',
  'smells of gas',
  'gas leak',
  'leaking gas',
  'explosion',
  'exploded',
  'melted',
  'melting',
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
  '融化',
  '电击',
];

const CORE_FUNCTION_TERMS = [
  'not working',
  'stopped working',
  "doesn't work",
  'does not work',
  "won't start",
  'will not start',
  "doesn't start",
  'does not start',
  'no power',
  'not cooling',
  'not heating',
  'not draining',
  'not spinning',
  'leaking',
  'leaks',
  'flooding',
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
];

/** Types a description can set when the symptom does not say, in the order they are looked for. */
const TYPE_TERMS: ReadonlyArray<readonly [RequestType, readonly string[]]> = [
  [
    'service_attitude',
    [
      'rude',
      'impolite',
      'attitude',
      'unprofessional',
      'disrespectful',
      'no-show',
      'never showed up',
      'rude technician',
      'complaint',
      'complain',
      '态度',
      '不礼貌',
      '没礼貌',
      '服务差',
      '投诉',
      '不专业',
    ],
  ],
  [
    'payment',
    [
      'invoice',
      'invoices',
      'refund',
      'refunds',
      'refunded',
      'charge',
      'charged',
      'charges',
      'overcharged',
      'billing',
      'bill',
      'payment',
      'paid',
      'receipt',
      '发票',
      '退款',
      '扣费',
      '收费',
      '付款',
      '账单',
      '多收',
    ],
  ],
  [
    'installation',
    [
      'install',
      'installed',
      'installing',
      'installation',
      'uninstall',
      'mounting',
      'relocate',
      'relocation',
      '安装',
      '移机',
      '拆机',
      '装机',
    ],
  ],
  [
    'logistics',
    [
      'delivery',
      'deliver',
      'delivered',
      'shipping',
      'shipment',
      'shipped',
      'courier',
      'parcel',
      'package',
      'not arrived',
      'never arrived',
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
      'signin',
      'register',
      'registration',
      '账号',
      '账户',
      '帐号',
      '密码',
      '登录',
      '注册',
    ],
  ],
  [
    'quality',
    [
      'broken',
      'fault',
      'faulty',
      'error',
      'noise',
      'noisy',
      'repair',
      'defect',
      'defective',
      '坏了',
      '故障',
      '噪音',
      '维修',
      '报错',
      '异响',
    ],
  ],
];

/** Who answers a request of each type. */
export const DEPARTMENT_BY_TYPE: Readonly<Record<RequestType, Department>> = {
  quality: 'technical_service',
  installation: 'installation',
  logistics: 'logistics',
  service_attitude: 'customer_service',
  payment: 'finance',
  account: 'customer_service',
  other: 'customer_service',
};

const URGENCY_RANK: Readonly<Record<RequestUrgency, number>> = { minor: 0, core_function: 1, safety: 2 };

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function matcher(terms: readonly string[]): (text: string) => boolean {
  const ascii = terms.filter((t) => /^[\x20-\x7e]+$/.test(t));
  const other = terms.filter((t) => !/^[\x20-\x7e]+$/.test(t));
  const words =
    ascii.length > 0 ? new RegExp(`(?<![a-z])(?:${ascii.map(escape).join('|')})(?![a-z])`, 'i') : null;
  return (text) => (words?.test(text) ?? false) || other.some((t) => text.includes(t));
}

const mentionsSafety = matcher(SAFETY_TERMS);
const mentionsCoreFunction = matcher(CORE_FUNCTION_TERMS);
const typeMatchers = TYPE_TERMS.map(([type, terms]) => [type, matcher(terms)] as const);

/**
 * Type and urgency from the symptom (the appliance type's list), raised by the description: a
 * safety hazard named in it makes the request a safety-urgent quality request whatever the
 * symptom; a lost core function raises a minor one; without a symptom (or with `other_problem`)
 * the description's words choose the type. The department follows the type; a safety hazard
 * always goes to technical service.
 */
export function classifyRequest(input: {
  deviceType: ApplianceTypeName | null;
  symptom: string | null;
  description: string | null;
}): RequestClassification {
  const symptom =
    input.deviceType && input.symptom ? findSymptom(input.deviceType, input.symptom) : undefined;
  const text = input.description ?? '';
  let type: RequestType = symptom?.type ?? 'other';
  let urgency: RequestUrgency = symptom?.urgency ?? 'minor';
  if (type === 'other') type = typeMatchers.find(([, matches]) => matches(text))?.[0] ?? 'other';
  if (mentionsSafety(text)) {
    type = 'quality';
    urgency = 'safety';
  } else if (
    type === 'quality' &&
    mentionsCoreFunction(text) &&
    URGENCY_RANK[urgency] < URGENCY_RANK.core_function
  )
    urgency = 'core_function';
  if (type === 'other' && mentionsCoreFunction(text)) {
    type = 'quality';
    urgency = 'core_function';
  }
  const department = urgency === 'safety' ? 'technical_service' : DEPARTMENT_BY_TYPE[type];
  return { type, urgency, department };
}
