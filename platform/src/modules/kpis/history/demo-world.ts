import type { SqlClient } from '../../../database/sql-client';
import { DEMO_REGIONS, type DemoData } from '../../demo/demo-data';
import { insertDemoServiceRows } from '../../demo/demo-service-rows';
import { insertRows } from './bulk-insert';

/** An organisation row as the generator writes it (ids per the KPI plan). */
export interface OrgRow {
  id: string;
  kind: 'hq' | 'region' | 'branch' | 'provider' | 'dealer';
  parent_id: string | null;
  name: string;
  region: string | null;
}

/** Branches, providers and dealers per region. */
export const UNITS_PER_REGION = 2;

/** hq → region-<r> → branch-<r>-<n> → provider-<r>-<n>, dealer-<r>-<n>. */
export function organisationTree(): OrgRow[] {
  const rows: OrgRow[] = [{ id: 'hq', kind: 'hq', parent_id: null, name: 'Headquarters', region: null }];
  for (const r of DEMO_REGIONS) {
    rows.push({
      id: `region-${r.id}`,
      kind: 'region',
      parent_id: 'hq',
      name: `Region ${r.name}`,
      region: r.id,
    });
    for (let n = 1; n <= UNITS_PER_REGION; n++) {
      const branch = `branch-${r.id}-${n}`;
      rows.push({
        id: branch,
        kind: 'branch',
        parent_id: `region-${r.id}`,
        name: `${r.name} office ${n}`,
        region: r.id,
      });
      rows.push({
        id: `provider-${r.id}-${n}`,
        kind: 'provider',
        parent_id: branch,
        name: `${r.name} service partner ${n}`,
        region: r.id,
      });
      rows.push({
        id: `dealer-${r.id}-${n}`,
        kind: 'dealer',
        parent_id: branch,
        name: `${r.name} dealer ${n}`,
        region: r.id,
      });
    }
  }
  return rows;
}

/** The demo manager accounts: one for headquarters, one per region. */
export function demoManagers(): Array<{ email: string; name: string; orgId: string }> {
  return [
    { email: 'manager@example.com', name: 'Service manager (headquarters)', orgId: 'hq' },
    ...DEMO_REGIONS.map((r) => ({
      email: `manager.${r.id}@example.com`,
      name: `Service manager ${r.name}`,
      orgId: `region-${r.id}`,
    })),
  ];
}

export async function writeOrganisations(db: SqlClient): Promise<void> {
  await insertRows(
    db,
    'organisations',
    [
      ['id', 'text'],
      ['kind', 'text'],
      ['parent_id', 'text'],
      ['name', 'text'],
      ['region', 'text'],
    ],
    organisationTree(),
    {},
    'ON CONFLICT (id) DO NOTHING',
  );
  // heads: the demo managers when their accounts exist (the bench has none)
  for (const m of demoManagers()) {
    await db.query(
      'UPDATE organisations SET head_user_id = (SELECT id FROM users WHERE email = $1) WHERE id = $2',
      [m.email, m.orgId],
    );
  }
}

/**
 * The demo world's service tables (customers, technicians, parts, depots, vans, stock lots) when
 * nothing seeded them (the benchmark's bare database); the running product has them from
 * DemoSeedService, written by the same function (no status history: the generator writes it).
 */
export async function ensureDemoWorld(db: SqlClient, data: DemoData): Promise<void> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
  if (n > 0) return;
  await db.transaction((tx) => insertDemoServiceRows(tx, data));
}
