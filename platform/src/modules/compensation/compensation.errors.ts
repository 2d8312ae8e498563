import { featureErrors } from '../../common/errors/app-error';

/** Every way the compensation feature refuses a request. */
export const compensationError = featureErrors({
  /** No such compensation, or not one the caller may see. */
  'compensation.not_found': 'not_found',
  /** The compensation was decided already: it cannot be approved or rejected (again). */
  'compensation.not_pending': 'conflict',
  /** The amount is above what the caller's role may grant: someone with a higher limit decides. */
  'compensation.over_your_limit': 'forbidden',
  /** The customer to compensate does not exist. */
  'compensation.customer_not_found': 'not_found',
});
