import { featureErrors } from '../../common/errors/app-error';

/** Every way the feedback analysis refuses a request. */
export const feedbackError = featureErrors({
  'feedback.range_invalid': 'invalid',
});
