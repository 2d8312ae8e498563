import { featureErrors } from '../../common/errors/app-error';

/** Every way the notifications feature refuses a request. */
export const notificationError = featureErrors({
  'notifications.not_found': 'not_found',
  'notifications.bad_time_zone': 'invalid',
  'notifications.push_subscription_not_found': 'not_found',
});
