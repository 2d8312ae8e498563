import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type {
  CareAuditEntry,
  CreateReturn,
  DeviceSale,
  ReturnAction,
  ReturnCase,
  ReturnStats,
  ReturnStatus,
  SaleChannel,
} from '../../../../contracts/src';
import { saleChannelSchema } from '../../../../contracts/src';
import { CareNotifier, type CareNotice } from '../../common/care/aftercare-ports';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { KeyedQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import { DeviceErrors } from '../devices/devices.errors';
import type { DeviceRecord } from '../devices/devices.repository';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { EscalationContacts } from '../notifications/escalation-contacts.service';
import { WORKING_DAYS, startCareClock, toCareClockView } from '../sla/care-clock';
import { deadlineMs, evaluate, nextEventAtMs, stopClock } from '../sla/sla-clock';
import {
  ACTION_FROM,
  CUSTOMER_ACTIONS,
  REFUND_TARGET_MS,
  daysSinceDelivery,
  decideApplication,
  warrantyEndMs,
} from './return-rules';
import { returnsError } from './returns.errors';
import {
  ReturnsRepository,
  type DeviceSaleRecord,
  type RateRow,
  type ReturnRecord,
} from './returns.repository';

export const REFUND_CLOCK_JOB = 'return.refund_clock';
const SYSTEM_ACTOR = 'system';

/** The body of `POST /api/returns/{id}/{action}`, parsed with the action's schema. */
export interface ReturnActionBody {
  note?: string;
  passed?: boolean;
  amountMinor?: number;
  reference?: string;
  newSerial?: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const rate = (r: RateRow) => ({
  sold: r.sold,
  returned: r.returned,
  rate: r.sold > 0 ? Math.round((r.returned / r.sold) * 10_000) / 10_000 : 0,
});

/**
 * Appliances' sales, and returns and exchanges of them: the 7-day no-reason return, the
 * exchange for a quality fault under warranty, inspection on receipt, the refund due within 3
 * working days (a care clock on the SLA engine, one job per return at its next warning or
 * breach), and the customer told at each step.
 */
@Injectable()
export class ReturnsService implements OnModuleInit {
  /** One change at a time per return (and per appliance while applying). */
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly repository: ReturnsRepository,
    private readonly devices: DevicesService,
    private readonly access: AccessPolicy,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly contacts: EscalationContacts,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly notifier?: CareNotifier,
  ) {}

  onModuleInit(): void {
    this.jobs.register(REFUND_CLOCK_JOB, (returnId) =>
      this.queue.run(returnId, () => this.checkClock(returnId)),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Sales

  async putSale(deviceId: string, sale: DeviceSale): Promise<DeviceSale> {
    if (!this.devices.find(deviceId)) throw DeviceErrors.notFound(deviceId);
    const record: DeviceSaleRecord = {
      deviceId,
      channel: sale.channel,
      orderRef: sale.orderRef,
      priceMinor: sale.priceMinor,
      currency: sale.currency,
      deliveredAt: Date.parse(sale.deliveredAt),
    };
    await this.repository.upsertSale(record, this.clock.now());
    return toSaleView(record);
  }

  async getSale(deviceId: string, principal: Principal): Promise<DeviceSale> {
    this.devices.requireVisible(deviceId, principal);
    const sale = await this.repository.findSale(deviceId);
    if (!sale)
      throw returnsError('returns.sale_not_found', `Appliance "${deviceId}" has no recorded sale`, {
        deviceId,
      });
    return toSaleView(sale);
  }

  // -------------------------------------------------------------------------------------------
  // Returns

  /**
   * A customer's application (or staff's on the customer's behalf), decided at once: approved
   * with the send address, or stored as refused with the reason; the customer is told either way.
   */
  async apply(body: CreateReturn, principal: Principal): Promise<ReturnCase> {
    const device = this.devices.requireVisible(body.deviceId, principal);
    return this.queue.run(`device:${device.id}`, () => this.applyFor(device, body, principal));
  }

  private async applyFor(
    device: DeviceRecord,
    body: CreateReturn,
    principal: Principal,
  ): Promise<ReturnCase> {
    const sale = await this.repository.findSale(device.id);
    if (!sale) {
      throw returnsError(
        'returns.no_sale',
        `Appliance "${device.id}" has no recorded sale, so it cannot be returned`,
        {
          deviceId: device.id,
        },
      );
    }
    const now = this.clock.now();
    if (sale.deliveredAt > now) {
      throw returnsError('returns.not_delivered', `Appliance "${device.id}" has not been delivered yet`, {
        deviceId: device.id,
      });
    }
    const open = (await this.repository.list({ deviceId: device.id })).find((r) => isOpen(r.status));
    if (open) throw alreadyOpen(device.id, open.number);
    const days = daysSinceDelivery(sale.deliveredAt, now);
    const decision = decideApplication({
      kind: body.kind,
      reason: body.reason,
      days,
      atMs: now,
      warrantyUntilMs: warrantyEndMs(device.warrantyUntil, sale.deliveredAt),
    });
    const applied = entry(now, principal.userId, 'applied', body.description ?? null);
    const { deviceId: _deviceId, ...saleSnapshot } = sale;
    const record: ReturnRecord = {
      id: `rt-${randomBytes(8).toString('hex')}`,
      number: await this.repository.nextNumber(),
      deviceId: device.id,
      customerId: device.customerId,
      kind: body.kind,
      reason: body.reason,
      description: body.description ?? null,
      evidence: body.evidence,
      status: decision.status,
      refusalReason: decision.status === 'refused' ? decision.refusalReason : null,
      sale: saleSnapshot,
      daysSinceDelivery: days,
      sendAddress: decision.status === 'approved' ? this.config.returnsAddress : null,
      receivedAt: null,
      refundDueBy: null,
      refundedAt: null,
      refundAmountMinor: null,
      refundReference: null,
      newSerial: null,
      createdBy: principal.userId,
      createdAt: now,
      updatedAt: now,
      clocks: [],
      audit: [
        applied,
        decision.status === 'approved'
          ? entry(now, SYSTEM_ACTOR, 'approved', `day ${days} after delivery`)
          : entry(now, SYSTEM_ACTOR, 'refused', `${decision.refusalReason} (day ${days} after delivery)`),
      ],
    };
    if (!(await this.repository.insert(record))) throw alreadyOpen(device.id, null);
    this.logger.info(
      { returnId: record.id, deviceId: device.id, kind: record.kind, status: record.status, days },
      'return applied for',
    );
    await this.tellCustomer(record, device);
    return this.announce(record);
  }

  async list(
    filter: { customerId?: string; deviceId?: string; status?: ReturnStatus },
    principal: Principal,
  ): Promise<ReturnCase[]> {
    if (principal.role === 'customer') {
      if (principal.customerId === null) return [];
      filter = { ...filter, customerId: principal.customerId };
    }
    return (await this.repository.list(filter)).map((r) => this.view(r));
  }

  async get(id: string, principal: Principal): Promise<ReturnCase> {
    return this.view(await this.visible(id, principal));
  }

  act(id: string, action: ReturnAction, body: ReturnActionBody, principal: Principal): Promise<ReturnCase> {
    return this.queue.run(id, () => this.actNow(id, action, body, principal));
  }

  private async actNow(
    id: string,
    action: ReturnAction,
    body: ReturnActionBody,
    principal: Principal,
  ): Promise<ReturnCase> {
    const current = await this.visible(id, principal);
    if (!this.access.isStaff(principal) && !CUSTOMER_ACTIONS.has(action)) {
      throw returnsError('returns.not_allowed', `Only the service team may ${action} a return`, { action });
    }
    const overruled = action === 'approve' && current.status === 'refused' && current.receivedAt !== null;
    if (!ACTION_FROM[action].includes(current.status) || overruled) {
      throw returnsError(
        'returns.wrong_status',
        `A return that is ${current.status} cannot take "${action}"`,
        {
          action,
          status: current.status,
        },
      );
    }
    const now = this.clock.now();
    const actor = principal.userId;
    const next: ReturnRecord = { ...current, updatedAt: now, audit: [...current.audit] };
    const note = body.note ?? null;
    switch (action) {
      case 'approve':
        Object.assign(next, { status: 'approved', refusalReason: null, sendAddress: this.config.returnsAddress });
        next.audit.push(entry(now, actor, 'approved', note));
        break;
      case 'refuse':
        Object.assign(next, { status: 'refused', refusalReason: 'refused_by_staff', sendAddress: null });
        next.audit.push(entry(now, actor, 'refused', note));
        break;
      case 'receive':
        next.receivedAt = now;
        if (body.passed) {
          next.status = 'received';
          if (current.kind === 'return') {
            const clock = startCareClock({
              subjectId: current.id,
              kind: 'refund',
              targetMs: REFUND_TARGET_MS,
              startedAtMs: now,
              calendar: WORKING_DAYS,
            });
            next.clocks = [...current.clocks.filter((c) => c.kind !== 'refund'), clock];
            next.refundDueBy = deadlineMs(clock, now);
          }
          next.audit.push(entry(now, actor, 'received', note));
        } else {
          Object.assign(next, { status: 'refused', refusalReason: 'inspection_failed' });
          next.audit.push(entry(now, actor, 'inspection_failed', note));
        }
        break;
      case 'refund': {
        if (current.kind !== 'return') throw wrongKind(action, current.kind);
        const amount = body.amountMinor ?? current.sale.priceMinor;
        if (amount > current.sale.priceMinor) {
          throw returnsError(
            'returns.refund_exceeds_price',
            `The refund (${amount}) is more than the price paid (${current.sale.priceMinor})`,
            { field: 'amountMinor', priceMinor: current.sale.priceMinor },
          );
        }
        Object.assign(next, {
          status: 'refunded',
          refundedAt: now,
          refundAmountMinor: amount,
          refundReference: body.reference ?? null,
          clocks: current.clocks.map((c) => (c.kind === 'refund' ? stopClock(c, now) : c)),
        });
        next.audit.push(entry(now, actor, 'refunded', body.reference ?? null));
        break;
      }
      case 'exchange':
        if (current.kind !== 'exchange') throw wrongKind(action, current.kind);
        Object.assign(next, { status: 'exchanged', newSerial: body.newSerial ?? null });
        next.audit.push(entry(now, actor, 'exchanged', body.newSerial ?? null));
        break;
      case 'cancel':
        Object.assign(next, { status: 'cancelled', sendAddress: null });
        next.audit.push(entry(now, actor, 'cancelled', null));
        break;
    }
    if (!(await this.repository.update(next, current.status))) {
      throw returnsError(
        'returns.wrong_status',
        `The return changed meanwhile; it is no longer ${current.status}`,
        {
          action,
          status: current.status,
        },
      );
    }
    await this.scheduleClock(next);
    const device = this.devices.find(next.deviceId);
    if (action !== 'cancel') await this.tellCustomer(next, device);
    return this.announce(next);
  }

  async stats(): Promise<ReturnStats> {
    const channels = new Set<string>(saleChannelSchema.options);
    return {
      byModel: (await this.repository.rates('model')).map((r) => ({ model: r.key, ...rate(r) })),
      byChannel: (await this.repository.rates('channel'))
        .filter((r) => channels.has(r.key))
        .map((r) => ({ channel: r.key as SaleChannel, ...rate(r) })),
      refundBreaches: await this.repository.refundBreaches(),
    };
  }

  // -------------------------------------------------------------------------------------------
  // The refund clock

  private async scheduleClock(r: ReturnRecord): Promise<void> {
    const dueAt = nextEventAtMs(r.clocks, this.clock.now());
    if (dueAt === null) await this.jobs.cancel(REFUND_CLOCK_JOB, r.id);
    else await this.jobs.schedule(REFUND_CLOCK_JOB, r.id, dueAt);
  }

  /** The job: records the refund clock's warning or breach, tells the staff, and waits for the next point. */
  private async checkClock(id: string): Promise<void> {
    const current = await this.repository.find(id);
    if (!current) return;
    const now = this.clock.now();
    const { clocks, events } = evaluate(current.clocks, now);
    if (events.length === 0) return this.scheduleClock(current);
    const next: ReturnRecord = { ...current, clocks, updatedAt: now, audit: [...current.audit] };
    for (const event of events) {
      const level = event.type === 'sla.breach' ? 'breach' : 'warning';
      next.audit.push(entry(now, SYSTEM_ACTOR, `refund_${level}`, `refund due ${iso(current.refundDueBy)}`));
    }
    if (!(await this.repository.update(next, current.status))) return;
    await this.scheduleClock(next);
    const device = this.devices.find(next.deviceId);
    for (const event of events) {
      const level = event.type === 'sla.breach' ? 'breach' : 'warning';
      await this.tellStaff(next, device, level);
    }
    this.announce(next);
  }

  private async tellStaff(
    r: ReturnRecord,
    device: DeviceRecord | undefined,
    level: 'warning' | 'breach',
  ): Promise<void> {
    if (!this.notifier) return;
    const contacts = await this.contacts.forTicket(null, device?.region ?? null);
    const receiver = [...r.audit].reverse().find((a) => a.action === 'received')?.actor ?? null;
    const people = new Set(
      [receiver, contacts.seniorEngineerId, level === 'breach' ? contacts.regionalManagerId : null].filter(
        (p): p is string => p !== null && p !== SYSTEM_ACTOR,
      ),
    );
    const notice = (userId: string): CareNotice => ({
      kind: 'refund_clock',
      // the outbox sends a key once: one per person
      key: `refund_clock:${r.id}:${level}:${userId}`,
      urgent: level === 'breach',
      vars: {
        number: r.number,
        clock: 'refund',
        level,
        dueAtMs: r.refundDueBy,
        appliance: device?.type ?? null,
      },
      deviceId: r.deviceId,
      action: { kind: 'open_return', id: r.id },
    });
    for (const userId of people) await this.notify(() => this.notifier?.toStaff(userId, notice(userId)), r);
  }

  // -------------------------------------------------------------------------------------------

  private async visible(id: string, principal: Principal): Promise<ReturnRecord> {
    const found = await this.repository.find(id);
    if (!found || !this.access.canSeeReturn(principal, found.customerId)) {
      throw returnsError('returns.not_found', `No return "${id}"`, { returnId: id });
    }
    return found;
  }

  /** What the customer hears about the return's current step. */
  private async tellCustomer(r: ReturnRecord, device: DeviceRecord | undefined): Promise<void> {
    if (!this.notifier || r.customerId === null) return;
    const kind = CUSTOMER_NOTICE[r.status];
    if (!kind) return;
    const notice: CareNotice = {
      kind,
      // one message per step: a staff decision after the automatic one is a new message
      key: `${kind}:${r.id}:${r.audit.length}`,
      vars: {
        number: r.number,
        appliance: device?.type ?? null,
        returnKind: r.kind,
        reason: r.refusalReason,
        address: r.sendAddress,
        dueAtMs: r.status === 'received' ? r.refundDueBy : null,
        amountMinor: r.status === 'refunded' ? r.refundAmountMinor : null,
        currency: r.sale.currency,
        text:
          r.status === 'refused' && r.refusalReason === 'refused_by_staff'
            ? (r.audit.at(-1)?.note ?? null)
            : null,
      },
      deviceId: r.deviceId,
      action: { kind: 'open_return', id: r.id },
    };
    const customerId = r.customerId;
    await this.notify(() => this.notifier?.toCustomer(customerId, notice), r);
  }

  /** A notice that cannot be queued is logged; the return's step stands. */
  private async notify(send: () => Promise<void> | undefined, r: ReturnRecord): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.logger.error({ err: error, returnId: r.id, deviceId: r.deviceId }, 'return notice not queued');
    }
  }

  private announce(r: ReturnRecord): ReturnCase {
    const view = this.view(r);
    this.events.emit('return.changed', view);
    return view;
  }

  private view(r: ReturnRecord): ReturnCase {
    const now = this.clock.now();
    return {
      id: r.id,
      number: r.number,
      deviceId: r.deviceId,
      customerId: r.customerId,
      kind: r.kind,
      reason: r.reason,
      description: r.description,
      evidence: r.evidence,
      status: r.status,
      refusalReason: r.refusalReason,
      sale: toSaleView({ deviceId: r.deviceId, ...r.sale }),
      daysSinceDelivery: r.daysSinceDelivery,
      sendAddress: r.sendAddress,
      receivedAt: iso(r.receivedAt),
      refundDueBy: iso(r.refundDueBy),
      refundedAt: iso(r.refundedAt),
      refundAmountMinor: r.refundAmountMinor,
      clocks: r.clocks.map((c) => toCareClockView(c, now)),
      audit: r.audit,
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
    };
  }
}

/** The notice the customer gets when a return reaches the status. */
const CUSTOMER_NOTICE: Partial<Record<ReturnStatus, CareNotice['kind']>> = {
  approved: 'return_approved',
  refused: 'return_refused',
  received: 'return_received',
  refunded: 'return_refunded',
  exchanged: 'return_exchanged',
};

const isOpen = (status: ReturnStatus) =>
  status === 'applied' || status === 'approved' || status === 'received';

const entry = (atMs: number, actor: string, action: string, note: string | null): CareAuditEntry => ({
  at: new Date(atMs).toISOString(),
  actor,
  action,
  note,
});

const toSaleView = (s: DeviceSaleRecord): DeviceSale => ({
  channel: s.channel,
  orderRef: s.orderRef,
  priceMinor: s.priceMinor,
  currency: s.currency,
  deliveredAt: new Date(s.deliveredAt).toISOString(),
});

const alreadyOpen = (deviceId: string, number: string | null) =>
  returnsError(
    'returns.already_open',
    `Appliance "${deviceId}" has a return or exchange in progress${number ? ` (${number})` : ''}`,
    { deviceId, ...(number ? { number } : {}) },
  );

const wrongKind = (action: ReturnAction, kind: 'return' | 'exchange') =>
  returnsError(
    'returns.wrong_kind',
    `"${action}" does not apply to ${kind === 'return' ? 'a return' : 'an exchange'}`,
    {
      action,
      kind,
    },
  );
