import type {
  ComplaintCategory,
  ComplaintSource,
  ComplaintUrgency,
  Compensation,
  CompensationOffer,
  Currency,
  CustomerTier,
  Language,
  NotificationActionKind,
  NotificationKind,
  Role,
  SentimentResult,
} from '../../../../contracts/src';

/**
 * The seams between the features of customer care, part 2 (surveys, complaints, compensation,
 * returns, loyalty, feedback analysis) and the notifications outbox. Each port is an abstract
 * class used as a DI token; the module named on it provides the implementation from a
 * `@Global()` module that exports it.
 */

/** Provided by the complaints module: a survey's low score (or any feature) opens a complaint. */
export abstract class ComplaintIntake {
  abstract open(input: {
    customerId: string | null;
    deviceId: string | null;
    ticketId: string | null;
    surveyId?: string | null;
    description: string;
    source: ComplaintSource;
    language: Language;
    category?: ComplaintCategory;
    urgency?: ComplaintUrgency;
  }): Promise<{ id: string; number: string }>;
}

/** Who asks for a compensation (their role's limit decides whether it needs approval). */
export interface CompensationRequester {
  userId: string;
  role: Role;
}

/** Provided by the compensation module. */
export abstract class Compensations {
  /** Stores the compensation; grants it at once when within the requester's limit, else queues it for approval. */
  abstract request(input: {
    customerId: string;
    complaintId: string | null;
    offer: CompensationOffer;
    requestedBy: CompensationRequester;
  }): Promise<Compensation>;
  abstract find(id: string): Promise<Compensation | undefined>;
}

/** Provided by the loyalty module. Every call is idempotent on its `reference`. */
export abstract class LoyaltyPort {
  /** Credits points (survey answered, useful feedback); a second call with the same reference changes nothing. */
  abstract awardPoints(input: {
    customerId: string;
    points: number;
    kind: 'survey_points' | 'feedback_points';
    reference: string;
  }): Promise<{ awarded: number; balance: number }>;
  /** Issues a coupon (compensation or reward); returns its id (the same id for the same reference). */
  abstract issueCoupon(input: {
    customerId: string;
    kind: 'amount' | 'percent';
    value: number;
    currency: Currency;
    origin: 'compensation' | 'reward';
    compensationId: string | null;
    reference: string;
  }): Promise<{ couponId: string; code: string }>;
  /** The customer's tier now (VIPs keep their tighter SLA targets). */
  abstract tierOf(customerId: string): Promise<CustomerTier>;
}

/** Provided by the feedback-analysis module: sentiment of a free text, English or Chinese. */
export abstract class SentimentPort {
  abstract score(text: string, language?: Language): SentimentResult;
}

/** What a care notification may mention; the notifications module formats it per recipient. */
export interface CareNoticeVars {
  /** `CP-000042`, `RT-000007`, the survey's ticket id... */
  number?: string | null;
  ticketId?: string | null;
  /** The appliance type (`washer`), named in the recipient's language. */
  appliance?: string | null;
  /** Free text in the recipient's language or as written (a solution, a reason, a note). */
  text?: string | null;
  /** A link to open (a survey's signed link, the portal page). */
  link?: string | null;
  amountMinor?: number | null;
  currency?: Currency | null;
  points?: number | null;
  /** A deadline, formatted for the recipient (their time zone). */
  dueAtMs?: number | null;
  clock?: 'investigate' | 'solve' | 'refund' | null;
  /** `warning` or `breach` for the clock notices. */
  level?: 'warning' | 'breach' | null;
  tier?: CustomerTier | null;
  /** A refusal's reason id (`return_window_closed`...), worded by the template. */
  reason?: string | null;
  /** Where to send a returned appliance. */
  address?: string | null;
  /** `approval_decided`: approved (true) or rejected (false). */
  approved?: boolean | null;
  /** `return_*`: a return or an exchange. */
  returnKind?: 'return' | 'exchange' | null;
  /** `coupon_issued`: the coupon's code. */
  code?: string | null;
}

export interface CareNotice {
  kind: NotificationKind;
  /** Unique per logical message, e.g. `survey_invite:<surveyId>`; the channel is appended. */
  key: string;
  urgent?: boolean;
  vars: CareNoticeVars;
  ticketId?: string | null;
  deviceId?: string | null;
  action?: { kind: NotificationActionKind; id: string } | null;
}

/**
 * Provided by the notifications module: renders the notice in the recipient's language and
 * queues it on their channels (inbox, push when subscribed, e-mail), once per key.
 */
export abstract class CareNotifier {
  /** The customer's inbox, push and e-mail; `contactEmail` when the customer has no address on file. */
  abstract toCustomer(customerId: string, notice: CareNotice, contactEmail?: string | null): Promise<void>;
  /** A staff user's inbox and e-mail. */
  abstract toStaff(userId: string, notice: CareNotice): Promise<void>;
}
