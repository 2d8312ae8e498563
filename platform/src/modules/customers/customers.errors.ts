import { featureErrors } from '../../common/errors/app-error';

/** Every way the customers feature refuses a request. */
export const customerError = featureErrors({
  'customer.not_found': 'not_found',
});
