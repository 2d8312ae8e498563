import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  APPLIANCE_TYPES,
  type ApplianceType,
  type CreateGuidanceRequest,
  type GuidanceArticle,
  type GuidanceEvent,
  type GuidanceQuery,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { guidanceError } from './guidance.errors';
import { GuidanceRepository } from './guidance.repository';

/** A first article per profile fault mode, written from the profile so every fault has guidance. */
export function articleFromProfile(
  type: ApplianceType,
  faultMode: string,
): CreateGuidanceRequest | undefined {
  const profile = APPLIANCE_PROFILES[type];
  const fault = profile.faultModes.find((f) => f.mode === faultMode);
  if (!fault) return undefined;
  const metrics = fault.affects
    .map((name) => profile.metrics.find((m) => m.name === name))
    .filter((m) => !!m);
  const code = profile.errorCodes.find((c) => c.code === fault.errorCode);
  return {
    type,
    faultMode,
    title: `${profile.label}: ${fault.description}`,
    checks: [
      ...metrics.map((m) => `Compare ${m.name} (${m.unit}) with its normal band in the live readings`),
      `Read the error log for ${fault.errorCode}${code ? ` (${code.meaning})` : ''}`,
      'Run a remote self test before driving out',
    ],
    steps: [
      'Confirm the fault from the live readings and the self test',
      'Disconnect the appliance from mains (and water or gas where fitted)',
      `Inspect and replace the ${fault.part.replace(/-/g, ' ')}`,
      'Reconnect, run a test cycle and watch the readings return to their normal band',
    ],
    safetyNotes: [
      'Isolate mains power before opening the appliance',
      ...(type === 'refrigerator' || type === 'air_conditioner'
        ? ['Refrigerant work only by a certified technician; recover, never vent']
        : []),
      ...(type === 'water_heater' ? ['Let the tank cool and relieve pressure before opening'] : []),
    ],
    expectedReadings: metrics.map((m) => ({
      metric: m.name,
      unit: m.unit,
      low: m.normal.low,
      high: m.normal.high,
    })),
    parts: [fault.part],
  };
}

/** The remote-guidance knowledge base: versioned articles per appliance type and fault mode. */
@Injectable()
export class GuidanceService implements OnModuleInit {
  constructor(
    private readonly repository: GuidanceRepository,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    if ((await this.repository.count()) > 0) return;
    for (const type of APPLIANCE_TYPES) {
      for (const fault of APPLIANCE_PROFILES[type].faultModes) {
        const article = articleFromProfile(type, fault.mode);
        if (article) await this.create(article, 'system');
      }
    }
  }

  list(filter: GuidanceQuery): Promise<GuidanceArticle[]> {
    return this.repository.latest(filter);
  }

  async versions(type: ApplianceType, faultMode: string): Promise<GuidanceArticle[]> {
    return this.repository.versions(type, faultMode);
  }

  /** Every version of one article, newest first (an empty list when it has none). */
  async history(type: ApplianceType, faultMode: string): Promise<GuidanceArticle[]> {
    return (await this.repository.versions(type, faultMode)).reverse();
  }

  /** One version of an article, current or not. */
  async require(id: string): Promise<GuidanceArticle> {
    const article = await this.repository.find(id);
    if (!article) throw guidanceError('guidance.not_found', `No guidance article "${id}"`, { articleId: id });
    return article;
  }

  /** Keeps what was pushed to a ticket's technician, so they can read it again later. */
  recordPushed(guidance: GuidanceEvent): Promise<void> {
    return this.repository.savePushed(guidance, this.clock.now());
  }

  /** The guidance last pushed for the ticket, if any was. */
  lastPushed(ticketId: string): Promise<GuidanceEvent | undefined> {
    return this.repository.lastPushed(ticketId);
  }

  /** The current article for a fault, or null when the knowledge base has none. */
  async current(type: ApplianceType, faultMode: string | null): Promise<GuidanceArticle | null> {
    if (!faultMode) return null;
    return (await this.repository.latest({ type, faultMode }))[0] ?? null;
  }

  /** Writes a new version; earlier versions stay readable. */
  create(request: CreateGuidanceRequest, author: string): Promise<GuidanceArticle> {
    if (!APPLIANCE_PROFILES[request.type].faultModes.some((f) => f.mode === request.faultMode)) {
      throw guidanceError(
        'guidance.unknown_fault_mode',
        `${request.type} has no fault mode "${request.faultMode}"`,
        { field: 'faultMode' },
      );
    }
    return this.repository.insertNextVersion({
      ...request,
      id: randomUUID(),
      createdAt: this.clock.now(),
      createdBy: author,
    });
  }
}
