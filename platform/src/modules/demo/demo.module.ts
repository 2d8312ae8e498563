import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CustomersRepository } from '../customers/customers.repository';
import { DevicesModule } from '../devices/devices.module';
import { TRAVEL_SPEEDS_KMH } from '../dispatch/dispatch.service';
import { DEMO_REGIONS } from './demo-data';
import { DemoSalesService } from './demo-sales.service';
import { DemoSeedService } from './demo-seed.service';

/**
 * The demo world: seeds customers, technicians, parts and their logins at the first start, and
 * tells dispatch the demo regions' average travel speeds; gives the simulated fleet its sales
 * (`DemoSalesService`). Only the composition root imports it;
 * no feature depends on it.
 */
@Global()
@Module({
  imports: [AuthModule, DevicesModule],
  providers: [
    DemoSeedService,
    DemoSalesService,
    CustomersRepository,
    {
      provide: TRAVEL_SPEEDS_KMH,
      useValue: Object.fromEntries(DEMO_REGIONS.map((r) => [r.id, r.avgSpeedKmh])),
    },
  ],
  exports: [TRAVEL_SPEEDS_KMH],
})
export class DemoModule {}
