import { featureErrors } from '../../common/errors/app-error';

/** Every way the loyalty feature (points, coupons, tiers, repair charges) refuses a request. */
export const loyaltyError = featureErrors({
  /** No such customer, or not one the caller may see. */
  'loyalty.not_found': 'not_found',
  /** No such coupon of the charge's customer. */
  'loyalty.coupon_not_found': 'not_found',
  /** The coupon was redeemed already (or expired): it cannot be spent twice. */
  'loyalty.coupon_not_active': 'conflict',
  /** The coupon is in another currency than the charge. */
  'loyalty.currency_mismatch': 'conflict',
  /** Fewer points on the account than the redemption needs. */
  'loyalty.insufficient_points': 'conflict',
  /** No such repair charge, or not one the caller may see. */
  'charge.not_found': 'not_found',
  /** The charge is paid or waived: nothing can be redeemed on it or paid again. */
  'charge.not_open': 'conflict',
  /** Nothing is left to pay on the charge: no coupon or points are taken. */
  'charge.nothing_due': 'conflict',
  /** The ticket to bill does not exist. */
  'charge.ticket_not_found': 'not_found',
  /** The ticket has no customer to bill. */
  'charge.no_customer': 'conflict',
});
