import { featureErrors } from '../../common/errors/app-error';

/** Every way the appointments feature refuses a request. */
export const appointmentError = featureErrors({
  /** The window is not one the availability offers now; `details.reason` says why. */
  'appointment.unavailable': 'conflict',
  /** The ticket is past the point where a visit can be booked, moved or cancelled. */
  'appointment.not_bookable': 'conflict',
  /** The ticket has no visit booked. */
  'appointment.not_found': 'not_found',
});

/** Why a window cannot be booked (`details.reason` of `appointment.unavailable`). */
export type UnavailableReason = 'not_a_slot' | 'too_soon' | 'too_far_ahead' | 'no_site' | 'no_technician';
