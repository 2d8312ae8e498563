import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Counter } from 'prom-client';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { PartnerAuthenticator, type PartnerPrincipal } from '../auth/partner-auth.port';
import { MetricsService } from '../health/metrics.service';
import { hashApiKey, keyIdOf, sameText, signatureMatches } from './partner-signature';
import { PARTNER_AUTH_FAILURES, partnerError, type PartnerAuthFailure } from './partners.errors';
import { PartnersRepository } from './partners.repository';

/** How far `X-Timestamp` may be from the platform's clock, either way. */
export const PARTNER_TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

const MESSAGES: Record<PartnerAuthFailure, string> = {
  unknown_key: 'The X-Api-Key is not a partner key',
  disabled: 'This partner is disabled; ask the platform administrator',
  bad_signature: 'X-Signature is not sha256=<hex HMAC-SHA256(secret, "<X-Timestamp>.<raw body>")>',
  stale_timestamp: 'X-Timestamp (epoch ms) is missing or more than 5 minutes from now',
};

// compared against when the key id is unknown, so an unknown key takes as long as a wrong one
const NO_HASH = hashApiKey('');

/**
 * Checks a partner's call: `X-Api-Key` names the partner (its hash compared in constant time),
 * `X-Signature` signs `"<X-Timestamp>.<raw body>"` with the partner's secret, and `X-Timestamp`
 * is within 5 minutes of the platform's clock. Every refusal is a 401 with its reason's code,
 * counted in `partner_auth_failures_total{reason}`.
 */
@Injectable()
export class PartnerAuthenticatorService extends PartnerAuthenticator {
  private readonly failures: Counter<'reason'>;

  constructor(
    private readonly repository: PartnersRepository,
    private readonly clock: Clock,
    metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.failures = new Counter({
      name: 'partner_auth_failures_total',
      help: 'Partner API calls refused (401), by reason',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    // every reason shows in /metrics from the start, at 0
    for (const reason of PARTNER_AUTH_FAILURES) this.failures.labels(reason).inc(0);
  }

  async verify(request: Request & { rawBody?: Buffer }): Promise<PartnerPrincipal> {
    const apiKey = header(request, 'x-api-key') ?? '';
    const keyId = keyIdOf(apiKey);
    const partner = keyId === undefined ? undefined : await this.repository.findByKeyId(keyId);
    const keyMatches = sameText(partner?.apiKeyHash ?? NO_HASH, hashApiKey(apiKey));
    if (!partner || !keyMatches) throw this.refuse('unknown_key', { keyId });
    if (partner.disabledAt !== null) throw this.refuse('disabled', { partnerId: partner.id });

    const timestamp = header(request, 'x-timestamp') ?? '';
    const signature = header(request, 'x-signature') ?? '';
    if (!signatureMatches(partner.signingSecret, timestamp, request.rawBody ?? '', signature))
      throw this.refuse('bad_signature', { partnerId: partner.id });
    const sentAtMs = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(this.clock.now() - sentAtMs) <= PARTNER_TIMESTAMP_TOLERANCE_MS))
      throw this.refuse('stale_timestamp', { partnerId: partner.id });

    return { partnerId: partner.id, name: partner.name };
  }

  private refuse(reason: PartnerAuthFailure, context: { keyId?: string; partnerId?: string }) {
    this.failures.labels(reason).inc();
    this.logger.warn({ ...context, reason }, 'partner call refused');
    return partnerError(`partner.${reason}`, MESSAGES[reason]);
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
