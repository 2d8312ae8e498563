import { featureErrors } from '../../common/errors/app-error';

/** The reasons a partner's call is refused, as counted in `partner_auth_failures_total{reason}`. */
export const PARTNER_AUTH_FAILURES = ['unknown_key', 'disabled', 'bad_signature', 'stale_timestamp'] as const;
export type PartnerAuthFailure = (typeof PARTNER_AUTH_FAILURES)[number];

/** Every way the partners feature refuses a request. */
export const partnerError = featureErrors({
  'partner.unknown_key': 'unauthenticated',
  'partner.disabled': 'unauthenticated',
  'partner.bad_signature': 'unauthenticated',
  'partner.stale_timestamp': 'unauthenticated',
  'partner.not_found': 'not_found',
  'partner.webhook_url_invalid': 'invalid',
});
