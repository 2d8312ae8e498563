import { featureErrors } from '../../common/errors/app-error';

/** Every way the guidance knowledge base refuses a request. */
export const guidanceError = featureErrors({
  'guidance.unknown_fault_mode': 'invalid',
  'guidance.not_found': 'not_found',
  'guidance.not_pushed': 'not_found',
});
