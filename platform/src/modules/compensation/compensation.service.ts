import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type {
  ApprovalQueue,
  Compensation,
  CompensationOffer,
  CompensationStatus,
  Role,
} from '../../../../contracts/src';
import {
  CareNotifier,
  Compensations,
  LoyaltyPort,
  type CareNotice,
  type CompensationRequester,
} from '../../common/care/aftercare-ports';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import { JobScheduler } from '../jobs/job-scheduler.service';
import type { Principal } from '../auth/auth.service';
import { compensationError } from './compensation.errors';
import { CompensationRepository, type CompensationRecord } from './compensation.repository';

const iso = (ms: number) => new Date(ms).toISOString();
/** The job that grants an approved compensation when granting it at once failed. */
export const GRANT_JOB = 'compensation.grant';
const GRANT_RETRY_MS = 30_000;

/**
 * Compensation with approval: what a role may grant on its own is `COMPENSATION_LIMITS`; within
 * it a compensation is approved and granted at once, above it it waits in the approval queue
 * (`GET /api/approvals`, with its age, late items and the warning line) for someone whose limit
 * covers it. Granting a coupon or a discount issues a coupon in the customer's ledger. Every
 * change is announced as `compensation.changed` (complaints wait on it).
 */
@Injectable()
export class CompensationService extends Compensations implements OnModuleInit {
  constructor(
    private readonly repository: CompensationRepository,
    private readonly loyalty: LoyaltyPort,
    private readonly access: AccessPolicy,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly jobs: JobScheduler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly notifier?: CareNotifier,
  ) {
    super();
  }

  onModuleInit(): void {
    // the safety net of every approval: grants what is approved and not yet granted
    this.jobs.register(GRANT_JOB, async (id) => {
      const record = await this.repository.find(id);
      if (record?.status === 'approved') await this.grant(record);
    });
  }

  /** What the role may grant without approval, minor units (0 for roles without a limit). */
  limitOf(role: Role): number {
    return role === 'customer' || role === 'manager' ? 0 : (this.config.compensationLimits[role] ?? 0);
  }

  async request(input: {
    customerId: string;
    complaintId: string | null;
    offer: CompensationOffer;
    requestedBy: CompensationRequester;
  }): Promise<Compensation> {
    if (!(await this.repository.customerExists(input.customerId)))
      throw compensationError('compensation.customer_not_found', `No customer "${input.customerId}"`, {
        field: 'customerId',
      });
    const now = this.clock.now();
    const needsApproval = input.offer.amountMinor > this.limitOf(input.requestedBy.role);
    const record: CompensationRecord = {
      id: randomUUID(),
      complaintId: input.complaintId,
      customerId: input.customerId,
      type: input.offer.type,
      amountMinor: input.offer.amountMinor,
      currency: input.offer.currency,
      note: input.offer.note ?? null,
      status: needsApproval ? 'pending_approval' : 'approved',
      requestedBy: input.requestedBy.userId,
      requestedRole: input.requestedBy.role,
      requestedAt: now,
      needsApproval,
      decidedBy: needsApproval ? null : input.requestedBy.userId,
      decidedAt: needsApproval ? null : now,
      decisionNote: null,
      couponId: null,
    };
    await this.repository.insert(record);
    this.announce(record);
    if (!needsApproval) return this.grantOrRetry(record);
    await this.askApprovers(record);
    return this.view(record);
  }

  async find(id: string): Promise<Compensation | undefined> {
    const record = await this.repository.find(id);
    return record && this.view(record);
  }

  /** Staff see every compensation; a customer only their own. */
  async get(id: string, principal: Principal): Promise<Compensation> {
    const record = await this.repository.find(id);
    if (!record || !this.access.canSeeLoyalty(principal, record.customerId))
      throw compensationError('compensation.not_found', `No compensation "${id}"`);
    return this.view(record);
  }

  async list(
    principal: Principal,
    query: { customerId?: string; complaintId?: string; status?: CompensationStatus },
  ): Promise<Compensation[]> {
    if (principal.role === 'customer') {
      if (!principal.customerId || (query.customerId && query.customerId !== principal.customerId)) return [];
      query = { ...query, customerId: principal.customerId };
    }
    return (await this.repository.list(query)).map((r) => this.view(r));
  }

  /** The approval queue, oldest first, with its warning line and the caller's own limit. */
  async queue(principal: Principal): Promise<ApprovalQueue> {
    const items = (await this.repository.pending()).map((r) => this.view(r));
    const ages = items.map((c) => c.ageMs ?? 0);
    return {
      items,
      waiting: items.length,
      warningLine: this.config.approvalWarningLine,
      overWarningLine: items.length > this.config.approvalWarningLine,
      maxAgeMs: this.config.approvalMaxAgeMs,
      late: ages.filter((age) => age > this.config.approvalMaxAgeMs).length,
      oldestAgeMs: ages.length > 0 ? Math.max(...ages) : null,
      yourLimitMinor: this.limitOf(principal.role),
    };
  }

  approve(id: string, principal: Principal, note: string | null): Promise<Compensation> {
    return this.decide(id, principal, 'approved', note);
  }

  reject(id: string, principal: Principal, note: string | null): Promise<Compensation> {
    return this.decide(id, principal, 'rejected', note);
  }

  private async decide(
    id: string,
    principal: Principal,
    status: 'approved' | 'rejected',
    note: string | null,
  ): Promise<Compensation> {
    const current = await this.repository.find(id);
    if (!current) throw compensationError('compensation.not_found', `No compensation "${id}"`);
    if (current.status !== 'pending_approval')
      throw compensationError('compensation.not_pending', `The compensation is ${current.status}`, {
        status: current.status,
      });
    const limitMinor = this.limitOf(principal.role);
    if (current.amountMinor > limitMinor)
      throw compensationError(
        'compensation.over_your_limit',
        `${current.amountMinor} is above what your role may decide (${limitMinor})`,
        { limitMinor, amountMinor: current.amountMinor },
      );
    const decided = await this.repository.decide(id, {
      status,
      by: principal.userId,
      at: this.clock.now(),
      note,
    });
    if (!decided)
      throw compensationError('compensation.not_pending', 'The compensation was decided meanwhile');
    this.announce(decided);
    await this.notifyStaff(decided.requestedBy, {
      kind: 'approval_decided',
      key: `approval_decided:${decided.id}`,
      vars: {
        approved: status === 'approved',
        amountMinor: decided.amountMinor,
        currency: decided.currency,
        text: note,
      },
      action: { kind: 'open_approval', id: decided.id },
    });
    return status === 'approved' ? this.grantOrRetry(decided) : this.view(decided);
  }

  /**
   * Grants an approved compensation now; a job at the same time + 30 s grants it again if this
   * fails (the loyalty ledger down, the instance stopping): the coupon is issued once, by its
   * reference, whichever runs first, and the approval never stays ungranted.
   */
  private async grantOrRetry(record: CompensationRecord): Promise<Compensation> {
    await this.jobs.schedule(GRANT_JOB, record.id, this.clock.now() + GRANT_RETRY_MS);
    try {
      const granted = await this.grant(record);
      await this.jobs.cancel(GRANT_JOB, record.id);
      return granted;
    } catch (error) {
      this.logger.warn(
        { err: error, compensationId: record.id },
        'granting the compensation failed; retried by a job',
      );
      return this.view(record);
    }
  }

  /** Issues an approved compensation: a coupon in the ledger for a coupon or a discount. */
  private async grant(record: CompensationRecord): Promise<Compensation> {
    let couponId: string | null = null;
    if (record.type === 'coupon' || record.type === 'discount')
      ({ couponId } = await this.loyalty.issueCoupon({
        customerId: record.customerId,
        kind: 'amount',
        value: record.amountMinor,
        currency: record.currency,
        origin: 'compensation',
        compensationId: record.id,
        reference: `compensation:${record.id}`,
      }));
    const granted = await this.repository.markGranted(record.id, couponId);
    if (!granted) return this.view((await this.repository.find(record.id)) ?? record);
    this.announce(granted);
    return this.view(granted);
  }

  /** Everyone whose role's limit covers the amount hears of it (but the requester). */
  private async askApprovers(record: CompensationRecord): Promise<void> {
    const roles = (Object.entries(this.config.compensationLimits) as Array<[Role, number]>)
      .filter(([, limit]) => limit >= record.amountMinor)
      .map(([role]) => role);
    for (const userId of await this.repository.usersWithRoles(roles)) {
      if (userId === record.requestedBy) continue;
      await this.notifyStaff(userId, {
        kind: 'approval_needed',
        key: `approval_needed:${record.id}:${userId}`,
        vars: { amountMinor: record.amountMinor, currency: record.currency, text: record.note },
        action: { kind: 'open_approval', id: record.id },
      });
    }
  }

  private announce(record: CompensationRecord): void {
    this.events.emit('compensation.changed', this.view(record));
  }

  private view(r: CompensationRecord): Compensation {
    return {
      id: r.id,
      complaintId: r.complaintId,
      customerId: r.customerId,
      type: r.type,
      amountMinor: r.amountMinor,
      currency: r.currency,
      note: r.note,
      status: r.status,
      requestedBy: r.requestedBy,
      requestedAt: iso(r.requestedAt),
      needsApproval: r.needsApproval,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt === null ? null : iso(r.decidedAt),
      decisionNote: r.decisionNote,
      couponId: r.couponId,
      ageMs: r.status === 'pending_approval' ? Math.max(0, this.clock.now() - r.requestedAt) : null,
    };
  }

  /** A notice to a staff member; a failed delivery is logged, never undoes the decision. */
  private async notifyStaff(userId: string, notice: CareNotice): Promise<void> {
    if (!this.notifier) return;
    try {
      await this.notifier.toStaff(userId, notice);
    } catch (error) {
      this.logger.error({ err: error, userId, kind: notice.kind }, 'compensation notice failed');
    }
  }
}
