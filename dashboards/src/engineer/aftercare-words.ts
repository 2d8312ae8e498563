// Customer care, part 2, in words: complaint statuses and steps, categories, sources, answers,
// compensations, returns, audit actions, money; who did a recorded step; the server's codes.
import { useMemo } from 'preact/hooks';
import type {
  CareClock,
  ComplaintAnswer,
  ComplaintCategory,
  ComplaintEscalation,
  ComplaintSource,
  ComplaintStatus,
  ComplaintUrgency,
  CompensationStatus,
  CompensationType,
  Customer,
  ReturnCase,
  ReturnReason,
  ReturnRefusal,
  ReturnStatus,
  SaleChannel,
  UserView,
} from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { formatNumber } from '../i18n/format';
import { currentLocale, t, tDynamic } from '../i18n/i18n';
import { loadAllCustomers } from './desk-data';
import { describeFormError } from './desk-errors';

export const COMPLAINT_STATUSES: readonly ComplaintStatus[] = [
  'received',
  'classified',
  'registered',
  'investigating',
  'solution_proposed',
  'escalated',
  'executing',
  'closed',
];
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = [
  'quality',
  'logistics',
  'service',
  'payment',
  'account',
  'other',
];
export const COMPLAINT_URGENCIES: readonly ComplaintUrgency[] = ['safety', 'core_function', 'minor'];
export const COMPLAINT_ANSWERS: readonly ComplaintAnswer[] = ['agree', 'disagree', 'question'];
export const COMPENSATION_TYPES: readonly CompensationType[] = [
  'coupon',
  'discount',
  'free_rerepair',
  'part_replacement',
  'refund',
];
export const RETURN_STATUSES: readonly ReturnStatus[] = [
  'applied',
  'approved',
  'refused',
  'received',
  'refunded',
  'exchanged',
  'cancelled',
];

export const complaintStatusLabel = (status: ComplaintStatus): string => t(`aftercareDesk.status.${status}`);
export const categoryLabel = (category: ComplaintCategory): string => t(`aftercareDesk.category.${category}`);
export const complaintUrgencyLabel = (urgency: ComplaintUrgency): string =>
  t(`aftercareDesk.urgency.${urgency}`);
export const sourceLabel = (source: ComplaintSource): string => t(`aftercareDesk.source.${source}`);
export const answerLabel = (answer: ComplaintAnswer): string => t(`aftercareDesk.answer.${answer}`);
export const escalationLabel = (escalation: ComplaintEscalation): string =>
  t(`aftercareDesk.escalation.${escalation}`);
export const compensationTypeLabel = (type: CompensationType): string =>
  t(`aftercareDesk.compensation.type.${type}`);
export const compensationStatusLabel = (status: CompensationStatus): string =>
  t(`aftercareDesk.compensation.status.${status}`);
export const clockLabel = (kind: CareClock['kind']): string => t(`aftercareDesk.clock.${kind}`);
export const returnStatusLabel = (status: ReturnStatus): string =>
  t(`aftercareDesk.returns.statusName.${status}`);
export const returnReasonLabel = (reason: ReturnReason): string =>
  t(`aftercareDesk.returns.reasonName.${reason}`);
export const refusalLabel = (refusal: ReturnRefusal): string =>
  t(`aftercareDesk.returns.refusalName.${refusal}`);
export const returnKindLabel = (kind: ReturnCase['kind']): string =>
  t(`aftercareDesk.returns.kindName.${kind}`);
export const saleChannelLabel = (channel: SaleChannel): string =>
  t(`aftercareDesk.returns.channel.${channel}`);

/** A recorded step as a person says it; an action this catalogue does not know, in plain words. */
export const auditActionLabel = (action: string): string =>
  tDynamic(`aftercareDesk.audit.action.${action}`, action.replace(/[_:.]+/g, ' '));

/** "¥1,250.00": minor units in the reader's locale. */
export function formatMoney(amountMinor: number, currency: string): string {
  try {
    return new Intl.NumberFormat(currentLocale(), { style: 'currency', currency }).format(amountMinor / 100);
  } catch {
    return `${formatNumber(amountMinor / 100, 2)} ${currency}`;
  }
}

/** The sentiment score of a text, -1..1, as a word. */
export function sentimentLabel(score: number): string {
  const label = score > 0.05 ? 'positive' : score < -0.05 ? 'negative' : 'neutral';
  return t('aftercareDesk.sentiment.score', {
    label: t(`aftercareDesk.sentiment.${label}`),
    score: formatNumber(score, 2),
  });
}

/** Steps a customer takes (staff may record them from a call, then they are named). */
export const CUSTOMER_STEPS: ReadonlySet<string> = new Set([
  'customer_agreed',
  'customer_disagreed',
  'customer_question',
  'applied',
  'cancelled',
]);

/** Names of the people a page shows: customers, and for an admin every user; others are "a colleague". */
export function usePeople(): {
  customers: Map<string, Customer>;
  actorName: (actor: string, customerId?: string | null, customerStep?: boolean) => string;
  userName: (userId: string | null) => string | null;
} {
  const { api, me } = useApp();
  const customers = useLoad(() => loadAllCustomers(api), []);
  const users = useLoad(
    () =>
      me.role === 'admin'
        ? api.get<UserView[]>('/api/users', { limit: 1000 })
        : Promise.resolve([] as UserView[]),
    [me.role],
  );
  return useMemo(() => {
    const byId = new Map((customers.data ?? []).map((c) => [c.id, c]));
    const userById = new Map((users.data ?? []).map((u) => [u.id, u]));
    const userName = (userId: string | null): string | null => {
      if (!userId) return null;
      if (userId === me.id) return t('aftercareDesk.audit.byYou');
      const user = userById.get(userId);
      return user ? (user.name ?? user.email) : t('aftercareDesk.audit.byColleague');
    };
    const actorName = (actor: string, customerId?: string | null, customerStep = false): string => {
      if (actor === 'system' || actor === 'platform') return t('aftercareDesk.audit.bySystem');
      if (actor.startsWith('partner:')) return t('aftercareDesk.audit.byPartner');
      if (actor === me.id) return t('aftercareDesk.audit.byYou');
      const user = userById.get(actor);
      if (user?.customerId) return byId.get(user.customerId)?.name ?? t('aftercareDesk.audit.byCustomer');
      if (user) return user.name ?? user.email;
      // an engineer cannot read the user list: a customer's own steps name the customer
      if (customerStep && customerId)
        return byId.get(customerId)?.name ?? t('aftercareDesk.audit.byCustomer');
      return t('aftercareDesk.audit.byColleague');
    };
    return { customers: byId, actorName, userName };
  }, [customers.data, users.data, me.id]);
}

/** The server's aftercare codes in this catalogue's words, refused fields by their labels. */
export function describeAftercareError(error: unknown, fields: Record<string, string> = {}): string {
  return describeFormError(error, fields, (code) => tDynamic(`aftercareDesk.error.${code}`, '') || undefined);
}
