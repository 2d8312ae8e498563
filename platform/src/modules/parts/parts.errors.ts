import { featureErrors } from '../../common/errors/app-error';

/** Every way the parts feature refuses a request. */
export const partsError = featureErrors({
  'parts.reservation_not_found': 'not_found',
  'parts.insufficient_stock': 'conflict',
  'parts.bad_quantity': 'invalid',
  'parts.not_on_van': 'conflict',
  'parts.shipment_not_found': 'not_found',
  'parts.shipment_state': 'conflict',
});
