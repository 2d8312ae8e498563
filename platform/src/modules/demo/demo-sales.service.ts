import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { DeviceRecord } from '../devices/devices.repository';
import { DevicesService } from '../devices/devices.service';
import { ReturnsRepository } from '../returns/returns.repository';
import { demoSaleFor } from './demo-sales';

/** The simulator's device ids (`sim-washer-00001`): the demo fleet of `npm start`. */
const DEMO_FLEET_PREFIX = 'sim-';

/**
 * Gives every appliance of the demo fleet that belongs to a customer its sale (`demoSaleFor`),
 * so the portal's returns and the return rates have something to show. The simulator registers
 * the fleet through the API after the platform started, so this looks at the fleet at start
 * and at each appliance when it first connects; a sale recorded by staff is never replaced.
 */
@Injectable()
export class DemoSalesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly done = new Set<string>();
  private stop?: () => void;

  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stop = this.events.on('device.status', ({ deviceId }) => {
      const device = this.devices.find(deviceId);
      return device ? this.seed(device) : undefined;
    });
    for (const device of [...this.devices.all()]) await this.seed(device);
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  private async seed(device: DeviceRecord): Promise<void> {
    if (!device.id.startsWith(DEMO_FLEET_PREFIX) || device.customerId === null || this.done.has(device.id))
      return;
    this.done.add(device.id);
    try {
      if (await ReturnsRepository.insertSaleIfAbsent(this.db, demoSaleFor(device), this.clock.now()))
        this.logger.debug({ deviceId: device.id }, 'demo sale recorded');
    } catch (error) {
      this.done.delete(device.id);
      throw error;
    }
  }
}
