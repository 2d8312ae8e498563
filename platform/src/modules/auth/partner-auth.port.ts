import type { Request } from 'express';

/** A partner system (call centre, shop, chat bot) authenticated by API key and signature. */
export interface PartnerPrincipal {
  partnerId: string;
  name: string;
}

/**
 * The partners module provides it: checks `X-Api-Key`, `X-Timestamp` and `X-Signature`
 * (`sha256=` HMAC of `<timestamp>.<raw body>`), counts failures, and throws a 401 AppError.
 */
export abstract class PartnerAuthenticator {
  abstract verify(request: Request & { rawBody?: Buffer }): Promise<PartnerPrincipal>;
}
