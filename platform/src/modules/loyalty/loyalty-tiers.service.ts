import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { LoyaltyRepository } from './loyalty.repository';
import { LoyaltyService } from './loyalty.service';
import { TIER_RULES, decideTier, nextNightlyRunMs, tierByRules } from './tier-rules';

export const TIERS_JOB = 'loyalty.tiers';
const NIGHTLY_KEY = 'nightly';

/**
 * The nightly tier recomputation (job `loyalty.tiers`, 02:00 UTC, rescheduled by each run): the
 * rules of `tier-rules.ts` (thresholds from `VIP_MIN_SPEND_MINOR` and `VIP_MIN_ACTIVITY`) over the
 * last 12 months, pinned tiers kept, the result written to
 * `customers.tier` (which sets the SLA targets of the customer's next tickets) and told to the
 * customer. Coupons past their date are expired in the same run.
 */
@Injectable()
export class LoyaltyTiers implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly repository: LoyaltyRepository,
    private readonly loyalty: LoyaltyService,
    private readonly jobs: JobScheduler,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(TIERS_JOB, async () => {
      await this.recompute();
      await this.jobs.schedule(TIERS_JOB, NIGHTLY_KEY, nextNightlyRunMs(this.clock.now()));
    });
  }

  /** Schedules the next night's run unless one is pending (one missed while down runs at once). */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.jobs.pending(TIERS_JOB)).length === 0)
      await this.jobs.schedule(TIERS_JOB, NIGHTLY_KEY, nextNightlyRunMs(this.clock.now()));
  }

  async recompute(): Promise<{ customers: number; promoted: number; demoted: number }> {
    const now = this.clock.now();
    await this.repository.expireCoupons(now);
    const inputs = await this.repository.tierInputs(now - TIER_RULES.windowMs);
    let promoted = 0;
    let demoted = 0;
    for (const c of inputs) {
      const decision = decideTier({
        current: c.tier,
        pinned: c.pinned,
        promotedByRules: c.promotedByRules,
        computed: tierByRules(c, { ...TIER_RULES, ...this.config.tierRules }),
      });
      const changed = decision.tier !== c.tier;
      await this.repository.saveTier({
        customerId: c.customerId,
        tier: decision.tier,
        changed,
        promotedByRules: decision.promotedByRules,
        spendMinor12m: c.spendMinor12m,
        activity12m: c.activity12m,
        at: now,
      });
      if (!changed) continue;
      if (decision.tier === 'vip') promoted++;
      else demoted++;
      await this.loyalty.tellTierChanged(c.customerId, decision.tier);
      // loyal customers are rewarded: a welcome coupon on promotion, at most one per calendar year
      if (decision.tier === 'vip' && decision.promotedByRules)
        await this.loyalty.issueCoupon({
          customerId: c.customerId,
          kind: 'amount',
          value: TIER_RULES.vipWelcomeCouponMinor,
          currency: 'CNY',
          origin: 'reward',
          compensationId: null,
          reference: `vip_welcome:${c.customerId}:${new Date(now).getUTCFullYear()}`,
        });
    }
    this.logger.info({ customers: inputs.length, promoted, demoted }, 'customer tiers recomputed');
    return { customers: inputs.length, promoted, demoted };
  }
}
