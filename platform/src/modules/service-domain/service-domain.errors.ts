import { AppError, type ErrorKind } from '../../common/errors/app-error';

/** Every rule the service domain can refuse, with the HTTP kind the transport maps it to. */
export const SERVICE_DOMAIN_ERRORS = {
  'ticket.bad_transition': 'conflict',
  'ticket.actor_not_allowed': 'forbidden',
  'ticket.not_assignee': 'forbidden',
  'ticket.not_own_ticket': 'forbidden',
  'ticket.reason_required': 'invalid',
  'ticket.reopen_window_passed': 'conflict',
  'sla.already_paused': 'conflict',
  'sla.not_paused': 'conflict',
  'parts.reservation_not_found': 'not_found',
  'parts.insufficient_stock': 'conflict',
  'parts.bad_quantity': 'invalid',
} as const satisfies Record<string, ErrorKind>;
export type ServiceDomainErrorCode = keyof typeof SERVICE_DOMAIN_ERRORS;

/** An AppError whose code names the service rule that refused the change. */
export class ServiceDomainError extends AppError {
  constructor(
    override readonly code: ServiceDomainErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, SERVICE_DOMAIN_ERRORS[code], message, details);
    this.name = 'ServiceDomainError';
  }
}
