import type { SqlExecutor } from '../../database/sql-client';
import { CustomersRepository } from '../customers/customers.repository';
import { PartsRepository } from '../parts/parts.repository';
import { TechniciansRepository } from '../technicians/technicians.repository';
import type { DemoData } from './demo-data';

/**
 * Writes the demo world's service tables (customers, technicians, parts, depots, vans, stock
 * lots) inside the caller's transaction. The one writer of those rows for DemoSeedService (a
 * fresh installation) and the KPI history generator (the benchmark's bare database). The
 * technicians get no user account here (`userId` null: the seed links them once the accounts
 * exist). With `statusSinceMs`, each technician's status history starts then with their status
 * now; without it (the history generator writes its own), none.
 */
export async function insertDemoServiceRows(
  tx: SqlExecutor,
  data: DemoData,
  statusSinceMs?: number,
): Promise<void> {
  for (const c of data.customers) {
    await CustomersRepository.insert(tx, {
      id: c.id,
      name: c.name,
      tier: c.tier,
      email: c.email,
      phone: c.phone,
      address: { street: c.address.street, postcode: c.address.postcode, city: c.address.city },
      location: c.address.location,
      region: c.region,
    });
  }
  for (const t of data.technicians) {
    await TechniciansRepository.insert(
      tx,
      {
        id: t.id,
        name: t.name,
        email: t.email,
        region: t.region,
        baseLocation: t.baseLocation,
        currentLocation: t.currentLocation,
        skills: t.skills,
        weeklyShifts: t.weeklyShifts,
        status: t.status,
        maxOpenTickets: t.maxOpenTickets,
        vanId: t.vanId,
        userId: null,
      },
      statusSinceMs,
    );
  }
  for (const p of data.parts) await PartsRepository.insertPart(tx, p);
  for (const w of data.warehouses) await PartsRepository.insertLocation(tx, w);
  for (const v of data.vans) await PartsRepository.insertLocation(tx, { ...v, region: null });
  for (const lot of data.inventory.lots) await PartsRepository.insertLot(tx, lot);
}
