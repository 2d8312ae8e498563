import { ManualClock } from '../../../common/clock/clock';
import { loadConfig } from '../../../common/config/app-config';
import { createLogger } from '../../../common/logging/logger';
import { openDatabase } from '../../../database/open-database';
import type { SqlClient } from '../../../database/sql-client';
import type { AuthService } from '../../auth/auth.service';
import { DEMO_ENGINEER_EMAIL } from '../../demo/demo-seed.service';
import { TicketFactsProjector } from '../ticket-facts.projector';
import { DEMO_MANAGER_PASSWORD, DemoHistoryService } from './demo-history.service';

const NOW = Date.UTC(2026, 10, 30, 9);

/** The accounts AuthService would create, written straight to `users` (no password hashing here). */
function fakeAuth(db: SqlClient, calls: string[]): AuthService {
  return {
    async createDemoUsers(password: string, users: Array<{ email: string; role: string; name: string }>) {
      calls.push(password);
      for (const u of users) {
        await db.query(
          `INSERT INTO users (id, email, password_hash, role, name, created_at) VALUES ($1, $2, 'x', $3, $4, $5)
           ON CONFLICT (email) DO NOTHING`,
          [`u-${u.email}`, u.email, u.role, u.name, NOW],
        );
      }
    },
  } as unknown as AuthService;
}

describe('DemoHistoryService', () => {
  let db: SqlClient;

  // one database: the tests run in order, the first before anything is generated
  beforeAll(async () => {
    db = await openDatabase({});
  });
  afterAll(async () => {
    await db.close();
  });

  const start = (env: Record<string, string>, calls: string[] = []) => {
    const logger = createLogger('silent');
    const service = new DemoHistoryService(
      db,
      loadConfig(env),
      new ManualClock(NOW),
      logger,
      fakeAuth(db, calls),
      new TicketFactsProjector(db, logger),
    );
    service.onApplicationBootstrap();
    return service;
  };
  const count = async (table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('generates nothing with DEMO_HISTORY_MONTHS=0, or before the demo world is seeded', async () => {
    expect(await start({ DEMO_HISTORY_MONTHS: '0' }).done()).toBeNull();
    expect(await start({ DEMO_HISTORY_MONTHS: '1' }).done()).toBeNull();
    expect(await count('tickets')).toBe(0);
    expect(await count('organisations')).toBe(0);
  });

  it('generates the history once, in the background, with the managers as heads of their organisations', async () => {
    await db.query(
      `INSERT INTO users (id, email, password_hash, role, name, created_at) VALUES ('u-eng', $1, 'x', 'engineer', 'E', $2)`,
      [DEMO_ENGINEER_EMAIL, NOW],
    );
    const calls: string[] = [];
    const first = start({ DEMO_HISTORY_MONTHS: '1', DEMO_HISTORY_TICKETS_PER_MONTH: '30' }, calls);
    // the start does not wait: nothing is written yet when onApplicationBootstrap returns
    expect(await count('organisations')).toBe(0);
    const summary = await first.done();
    expect(summary).toMatchObject({ tickets: 30, organisations: 29 });
    expect(calls).toEqual([DEMO_MANAGER_PASSWORD]);
    const heads = await db.query<{ id: string; email: string; role: string }>(
      `SELECT o.id, u.email, u.role FROM organisations o JOIN users u ON u.id = o.head_user_id ORDER BY o.id`,
    );
    expect(heads).toEqual([
      { id: 'hq', email: 'manager@example.com', role: 'manager' },
      { id: 'region-east', email: 'manager.east@example.com', role: 'manager' },
      { id: 'region-north', email: 'manager.north@example.com', role: 'manager' },
      { id: 'region-south', email: 'manager.south@example.com', role: 'manager' },
      { id: 'region-west', email: 'manager.west@example.com', role: 'manager' },
    ]);
    expect(await count('ticket_facts')).toBe(30);
    await first.onModuleDestroy();

    // the next start finds the marker and leaves the history alone
    const second = start({ DEMO_HISTORY_MONTHS: '1', DEMO_HISTORY_TICKETS_PER_MONTH: '50' });
    expect(await second.done()).toBeNull();
    expect(await count('tickets')).toBe(30);
  });
});
