import { featureErrors } from '../../common/errors/app-error';

/** Every way the technicians feature refuses a request. */
export const technicianError = featureErrors({
  'technician.not_found': 'not_found',
});
