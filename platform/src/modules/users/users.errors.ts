import { featureErrors } from '../../common/errors/app-error';

/** Every way the users feature refuses a request. */
export const userError = featureErrors({
  'users.not_found': 'not_found',
  'users.email_taken': 'conflict',
  'users.cannot_disable_self': 'conflict',
});
