/**
 * Small test. Real: the embedded database (PGlite, migrated as at start). Nothing is mocked; the
 * statements are counted on their way to it.
 */
import { openDatabase } from '../../database/open-database';
import type { SqlClient } from '../../database/sql-client';
import { DevicesRepository, TWINS_PER_STATEMENT, type DeviceRecord } from './devices.repository';
import { TwinReadings } from './twin-readings';

const FLEET = 2 * TWINS_PER_STATEMENT + 37;

function device(i: number): DeviceRecord {
  return {
    id: `washer-${i}`,
    type: 'washer',
    serial: null,
    customerId: null,
    region: null,
    secretHash: 'h'.repeat(64),
    fw: null,
    online: false,
    lastSeen: null,
    latest: new TwinReadings(),
    createdAt: 1_750_000_000_000,
    model: null,
    installedAt: null,
    warrantyUntil: null,
  };
}

describe('DevicesRepository.saveTwins', () => {
  let db: SqlClient;
  let statements: number;

  beforeAll(async () => {
    db = await openDatabase({});
    const query = db.query.bind(db);
    db.query = (sql: string, params?: unknown[]) => {
      if (sql.includes('UPDATE devices')) statements += 1;
      return query(sql, params);
    };
    const repository = new DevicesRepository(db);
    for (let i = 0; i < FLEET; i++) await repository.insert(device(i));
  });

  afterAll(async () => {
    await db?.close();
  });

  it("saves a whole fleet's twins after a burst, in statements of a bounded size", async () => {
    const repository = new DevicesRepository(db);
    const twins = Array.from({ length: FLEET }, (_, i) => ({
      ...device(i),
      online: true,
      fw: '1.2.0',
      lastSeen: 1_750_000_060_000 + i,
      latest: TwinReadings.from({ drumRpm: { ts: 1_750_000_060_000 + i, value: 800 + i } }),
    }));
    statements = 0;
    await repository.saveTwins(twins);
    expect(statements).toBe(3);

    const saved = await repository.all();
    expect(saved).toHaveLength(FLEET);
    for (const d of saved) {
      const i = Number(d.id.slice('washer-'.length));
      expect(d).toMatchObject({ online: true, fw: '1.2.0', lastSeen: 1_750_000_060_000 + i });
      expect(d.latest.toJSON()).toEqual({ drumRpm: { ts: 1_750_000_060_000 + i, value: 800 + i } });
    }
  });

  it('does nothing for no twins', async () => {
    statements = 0;
    await new DevicesRepository(db).saveTwins([]);
    expect(statements).toBe(0);
  });
});
