import type { SqlClient } from './sql-client';

/** Ordered, append-only. A migration once released is never edited: add a new one. */
export const MIGRATIONS: Array<{ id: number; name: string; sql: string }> = [
  {
    id: 1,
    name: 'spine',
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        email text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role text NOT NULL,
        name text,
        customer_id text,
        technician_id text,
        created_at bigint NOT NULL
      );
      CREATE TABLE devices (
        id text PRIMARY KEY,
        type text NOT NULL,
        serial text,
        customer_id text,
        region text,
        secret_hash text NOT NULL,
        fw text,
        online boolean NOT NULL DEFAULT false,
        last_seen bigint,
        latest jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at bigint NOT NULL
      );
      CREATE INDEX devices_customer_idx ON devices (customer_id);
      CREATE TABLE dead_letters (
        id bigserial PRIMARY KEY,
        received_at bigint NOT NULL,
        device_id text,
        topic text NOT NULL,
        reason text NOT NULL,
        detail text,
        payload text NOT NULL,
        payload_bytes integer NOT NULL
      );
      CREATE INDEX dead_letters_device_idx ON dead_letters (device_id, received_at);
      CREATE TABLE alarms (
        id text PRIMARY KEY,
        device_id text NOT NULL REFERENCES devices(id),
        cause text NOT NULL,
        severity text NOT NULL,
        state text NOT NULL,
        message text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        raised_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        cleared_at bigint,
        count integer NOT NULL DEFAULT 1
      );
      CREATE UNIQUE INDEX alarms_one_open_per_cause ON alarms (device_id, cause) WHERE state <> 'cleared';
      CREATE INDEX alarms_device_idx ON alarms (device_id, raised_at);
      CREATE TABLE tickets (
        id text PRIMARY KEY,
        device_id text NOT NULL REFERENCES devices(id),
        alarm_id text REFERENCES alarms(id),
        customer_id text,
        source text NOT NULL,
        priority text NOT NULL,
        status text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        respond_by bigint NOT NULL,
        on_site_by bigint NOT NULL,
        resolve_by bigint NOT NULL
      );
      CREATE UNIQUE INDEX tickets_one_per_alarm ON tickets (alarm_id) WHERE alarm_id IS NOT NULL;
      CREATE INDEX tickets_device_idx ON tickets (device_id, created_at);
      CREATE TABLE ticket_audit (
        id bigserial PRIMARY KEY,
        ticket_id text NOT NULL REFERENCES tickets(id),
        at bigint NOT NULL,
        actor text NOT NULL,
        from_status text,
        to_status text NOT NULL,
        reason text NOT NULL
      );
    `,
  },
  {
    id: 2,
    name: 'incidents-and-predictions',
    sql: `
      CREATE TABLE incidents (
        id text PRIMARY KEY,
        device_id text NOT NULL REFERENCES devices(id),
        fault text NOT NULL,
        state text NOT NULL,
        severity text NOT NULL,
        opened_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        closed_at bigint,
        detections integer NOT NULL DEFAULT 1,
        alarm_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        ticket_id text,
        confidence double precision,
        summary text NOT NULL
      );
      CREATE UNIQUE INDEX incidents_one_open_per_fault ON incidents (device_id, fault) WHERE state = 'open';
      ALTER TABLE tickets ADD COLUMN incident_id text;
      ALTER TABLE tickets ADD COLUMN fault_mode text;
      ALTER TABLE tickets ADD COLUMN failure_probability double precision;
      ALTER TABLE tickets ADD COLUMN hours_to_failure double precision;
      ALTER TABLE tickets ADD COLUMN likely_part text;
    `,
  },
  {
    id: 3,
    name: 'service-operations',
    sql: `
      CREATE TABLE customers (
        id text PRIMARY KEY,
        name text NOT NULL,
        tier text NOT NULL,
        email text,
        phone text,
        address jsonb NOT NULL DEFAULT '{}'::jsonb,
        lat double precision,
        lon double precision,
        region text
      );
      CREATE INDEX customers_region_idx ON customers (region);
      CREATE TABLE technicians (
        id text PRIMARY KEY,
        name text NOT NULL,
        email text,
        region text NOT NULL,
        base_lat double precision NOT NULL,
        base_lon double precision NOT NULL,
        skills jsonb NOT NULL,
        shifts jsonb NOT NULL,
        status text NOT NULL,
        current_lat double precision NOT NULL,
        current_lon double precision NOT NULL,
        max_open_tickets integer NOT NULL,
        van_id text,
        user_id text
      );
      CREATE TABLE parts (
        sku text PRIMARY KEY,
        name text NOT NULL,
        part text NOT NULL,
        appliance_type text NOT NULL,
        compatible_models jsonb NOT NULL DEFAULT '[]'::jsonb,
        unit_price double precision NOT NULL,
        annual_usage_qty integer NOT NULL,
        lead_time_days integer NOT NULL,
        abc_class text NOT NULL
      );
      CREATE TABLE stock_locations (
        id text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        region text
      );
      CREATE TABLE stock_lots (
        location_id text NOT NULL REFERENCES stock_locations(id),
        sku text NOT NULL,
        lot text NOT NULL,
        qty integer NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (location_id, sku, lot)
      );
      CREATE TABLE part_reservations (
        id text PRIMARY KEY,
        ticket_id text NOT NULL,
        sku text NOT NULL,
        location_id text NOT NULL,
        lots jsonb NOT NULL,
        state text NOT NULL,
        created_at bigint NOT NULL,
        closed_at bigint
      );
      CREATE INDEX part_reservations_ticket_idx ON part_reservations (ticket_id);
      CREATE TABLE part_consumptions (
        id bigserial PRIMARY KEY,
        ticket_id text NOT NULL,
        reservation_id text,
        sku text NOT NULL,
        location_id text NOT NULL,
        lot text NOT NULL,
        qty integer NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX part_consumptions_lot_idx ON part_consumptions (lot);
      CREATE TABLE guidance_articles (
        id text PRIMARY KEY,
        type text NOT NULL,
        fault_mode text NOT NULL,
        version integer NOT NULL,
        title text NOT NULL,
        checks jsonb NOT NULL,
        steps jsonb NOT NULL,
        safety_notes jsonb NOT NULL,
        expected_readings jsonb NOT NULL,
        parts jsonb NOT NULL,
        created_at bigint NOT NULL,
        created_by text NOT NULL,
        UNIQUE (type, fault_mode, version)
      );
      ALTER TABLE tickets ADD COLUMN assignee_id text;
      ALTER TABLE tickets ADD COLUMN tier text NOT NULL DEFAULT 'standard';
      ALTER TABLE tickets ADD COLUMN sla_clocks jsonb NOT NULL DEFAULT '[]'::jsonb;
      ALTER TABLE tickets ADD COLUMN escalation jsonb;
      ALTER TABLE tickets ADD COLUMN offer jsonb;
      ALTER TABLE tickets ADD COLUMN assignment jsonb;
      ALTER TABLE tickets ADD COLUMN declined_by jsonb NOT NULL DEFAULT '[]'::jsonb;
      ALTER TABLE tickets ADD COLUMN resolution jsonb;
      ALTER TABLE tickets ADD COLUMN resolved_at bigint;
      ALTER TABLE tickets ADD COLUMN remote boolean NOT NULL DEFAULT false;
      ALTER TABLE tickets ADD COLUMN repeat_of text;
      ALTER TABLE tickets ADD COLUMN reopen_count integer NOT NULL DEFAULT 0;
      CREATE INDEX tickets_assignee_idx ON tickets (assignee_id);
      CREATE INDEX tickets_customer_idx ON tickets (customer_id);
      ALTER TABLE ticket_audit ADD COLUMN actor_kind text;
    `,
  },
  {
    id: 4,
    name: 'scheduled jobs',
    sql: `
      CREATE TABLE scheduled_jobs (
        kind text NOT NULL,
        key text NOT NULL,
        id text NOT NULL,
        run_at_ms bigint NOT NULL,
        payload jsonb NOT NULL DEFAULT '{}'::jsonb,
        locked_until_ms bigint,
        attempts integer NOT NULL DEFAULT 0,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX scheduled_jobs_due_idx ON scheduled_jobs (run_at_ms);
    `,
  },
  {
    id: 5,
    name: 'user administration',
    sql: `
      ALTER TABLE users ADD COLUMN language text;
      ALTER TABLE users ADD COLUMN disabled_at bigint;
      ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
      UPDATE technicians SET user_id = users.id FROM users
        WHERE users.technician_id = technicians.id AND technicians.user_id IS NULL;
    `,
  },
  {
    id: 6,
    name: 'device assets, technician location time',
    sql: `
      ALTER TABLE devices ADD COLUMN model text;
      ALTER TABLE devices ADD COLUMN installed_at bigint;
      ALTER TABLE devices ADD COLUMN warranty_until bigint;
      CREATE INDEX devices_region_idx ON devices (region);
      ALTER TABLE technicians ADD COLUMN location_at bigint;
    `,
  },
  {
    id: 7,
    name: 'alarm history, device commands, pushed guidance',
    sql: `
      CREATE TABLE alarm_history (
        id bigserial PRIMARY KEY,
        alarm_id text NOT NULL REFERENCES alarms(id),
        at bigint NOT NULL,
        action text NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        comment text
      );
      CREATE INDEX alarm_history_alarm_idx ON alarm_history (alarm_id, id);
      CREATE TABLE device_commands (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        device_id text NOT NULL REFERENCES devices(id),
        name text NOT NULL,
        args jsonb,
        sent_at bigint NOT NULL,
        sent_by text NOT NULL,
        timeout_ms integer NOT NULL,
        status text NOT NULL,
        answered_at bigint,
        ok boolean,
        result jsonb,
        error text
      );
      CREATE INDEX device_commands_device_idx ON device_commands (device_id, seq);
      CREATE TABLE ticket_guidance (
        ticket_id text PRIMARY KEY REFERENCES tickets(id),
        technician_id text NOT NULL,
        pushed_at bigint NOT NULL,
        event jsonb NOT NULL
      );
    `,
  },
];

export async function migrate(db: SqlClient): Promise<number[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)',
  );
  const done = new Set(
    (await db.query<{ id: number }>('SELECT id FROM schema_migrations')).map((row) => row.id),
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.id)) continue;
    await db.transaction(async (tx) => {
      await tx.exec(migration.sql.trim());
      await tx.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        migration.id,
        migration.name,
        Date.now(),
      ]);
    });
    applied.push(migration.id);
  }
  return applied;
}
