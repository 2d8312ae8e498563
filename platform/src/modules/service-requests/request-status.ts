import type { RequestStatus, Role } from '../../../../contracts/src';

export type RequestAction = 'solved' | 'visit' | 'cancel' | 'reply' | 'match' | 'ticket';

/** Finished: a later submission about the same appliance is a new request, not merged. */
export const CLOSED_STATUSES: readonly RequestStatus[] = ['cancelled', 'resolved_by_customer', 'answered'];

/** Waiting for a first answer or for the customer: what the open queue lists, soonest deadline first. */
export const OPEN_STATUSES: readonly RequestStatus[] = [
  'received',
  'needs_matching',
  'triaging',
  'self_help_offered',
];

const STAFF: readonly Role[] = ['admin', 'engineer'];
const CUSTOMER: readonly Role[] = ['customer'];

/** Who takes each action, and from which statuses. */
const ACTIONS: Readonly<Record<RequestAction, { roles: readonly Role[]; from: readonly RequestStatus[] }>> = {
  solved: { roles: CUSTOMER, from: ['self_help_offered'] },
  visit: { roles: CUSTOMER, from: ['received', 'triaging', 'self_help_offered'] },
  cancel: { roles: CUSTOMER, from: ['received', 'needs_matching', 'triaging', 'self_help_offered'] },
  reply: {
    roles: STAFF,
    from: ['received', 'needs_matching', 'triaging', 'self_help_offered', 'ticket_opened', 'answered'],
  },
  match: { roles: STAFF, from: ['needs_matching'] },
  ticket: { roles: STAFF, from: ['received', 'triaging', 'self_help_offered', 'answered'] },
};

export type ActionVerdict = 'ok' | 'role_not_allowed' | 'cancel_the_visit' | 'bad_status';

/** Whether `role` may take `action` on a request in `status` (the role is checked first). */
export function judgeAction(action: RequestAction, role: Role, status: RequestStatus): ActionVerdict {
  const rule = ACTIONS[action];
  if (!rule.roles.includes(role)) return 'role_not_allowed';
  if (rule.from.includes(status)) return 'ok';
  return action === 'cancel' && status === 'ticket_opened' ? 'cancel_the_visit' : 'bad_status';
}

export const isClosed = (status: RequestStatus): boolean => CLOSED_STATUSES.includes(status);
