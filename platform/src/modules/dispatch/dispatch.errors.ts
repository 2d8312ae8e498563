import { featureErrors } from '../../common/errors/app-error';

/** Every way dispatch refuses a request. */
export const dispatchError = featureErrors({
  'dispatch.no_site': 'conflict',
  'dispatch.no_technician': 'conflict',
});
