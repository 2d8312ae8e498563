import { featureErrors } from '../../common/errors/app-error';

/** Every way the returns feature refuses a request. */
export const returnsError = featureErrors({
  'returns.not_found': 'not_found',
  /** The appliance has no recorded sale (channel, order, price, delivery): nothing to return. */
  'returns.no_sale': 'conflict',
  'returns.sale_not_found': 'not_found',
  /** The sale's delivery date lies in the future. */
  'returns.not_delivered': 'conflict',
  /** The appliance already has a return or exchange in progress. */
  'returns.already_open': 'conflict',
  /** The action does not fit the return's current status. */
  'returns.wrong_status': 'conflict',
  /** `refund` on an exchange or `exchange` on a return. */
  'returns.wrong_kind': 'conflict',
  'returns.refund_exceeds_price': 'invalid',
  /** The caller's role may not take this action (customers may only apply and cancel). */
  'returns.not_allowed': 'forbidden',
});
