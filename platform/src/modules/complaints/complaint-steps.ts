import type { ComplaintAction, ComplaintStatus, Role } from '../../../../contracts/src';

/** What decides where a complaint stands: its status and whether the investigation is written up. */
export interface ComplaintStanding {
  status: ComplaintStatus;
  findings: string | null;
  executedAt: number | null;
}

/**
 * The documents' step a complaint is at: 1 received, 2 classified, 3 registered (numbered and
 * acknowledged, waiting for an investigator), 4 investigating (the 48 h clock), 5 investigated
 * and a solution being worked out (the 24 h clock), 6 the solution is with the customer (or,
 * after a disagreement, with the supervisor or the cross-department review), 7 carrying it
 * out, 8 closed and archived.
 */
export function stepOf(c: Pick<ComplaintStanding, 'status' | 'findings'>): number {
  switch (c.status) {
    case 'received':
      return 1;
    case 'classified':
      return 2;
    case 'registered':
      return 3;
    case 'investigating':
      return c.findings === null ? 4 : 5;
    case 'solution_proposed':
    case 'escalated':
      return 6;
    case 'executing':
      return 7;
    case 'closed':
      return 8;
  }
}

/** Actions only staff (engineers, admins) take; `answer` is the customer's (or staff recording a call). */
const CUSTOMER_ACTIONS: ReadonlySet<ComplaintAction> = new Set<ComplaintAction>(['answer']);

export function mayTake(role: Role, action: ComplaintAction): boolean {
  if (role === 'admin' || role === 'engineer') return true;
  return role === 'customer' && CUSTOMER_ACTIONS.has(action);
}

/**
 * Whether `action` fits the step the complaint is at. `classify` and `assign` may be repeated
 * until the solution is carried out; `useful` at any time.
 */
export function fitsStep(action: ComplaintAction, c: ComplaintStanding): boolean {
  const step = stepOf(c);
  switch (action) {
    case 'classify':
      return step <= 6;
    case 'assign':
      return step >= 3 && step <= 7;
    case 'investigate':
      return step === 4;
    case 'propose':
      return step === 5;
    case 'answer':
      return c.status === 'solution_proposed';
    case 'review':
      return c.status === 'escalated';
    case 'execute':
      return c.status === 'executing' && c.executedAt === null;
    case 'close':
      return c.status === 'executing' && c.executedAt !== null;
    case 'useful':
      return true;
  }
}
