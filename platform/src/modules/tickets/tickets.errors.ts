import { featureErrors } from '../../common/errors/app-error';

/** Every way the tickets feature refuses a request. */
export const ticketError = featureErrors({
  'ticket.not_found': 'not_found',
  'ticket.bad_transition': 'conflict',
  'ticket.actor_not_allowed': 'forbidden',
  'ticket.not_assignee': 'forbidden',
  'ticket.not_own_ticket': 'forbidden',
  'ticket.reason_required': 'invalid',
  'ticket.reopen_window_passed': 'conflict',
  'ticket.use_dispatch': 'invalid',
  'ticket.use_resolve': 'invalid',
});
