import type { SqlClient } from './sql-client';

/** Ordered, append-only. A migration once released is never edited: add a new one. */
/** The KPI sources whose days a write to ticket facts touches (migration 22; 23 adds shipments). */
const TICKET_FACTS_MARKS: ReadonlyArray<readonly [string, string, string?]> = [
  ['tickets', 'r.created_at'],
  ['completed', 'r.completed_at'],
  ['surveys', 'x.answered_at', 'survey_responses x ON x.ticket_id = r.ticket_id'],
  ['surveys_sent', 'x.sent_at', 'surveys x ON x.ticket_id = r.ticket_id'],
  ['complaints', 'x.created_at', 'complaints x ON x.ticket_id = r.ticket_id'],
];

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
  {
    id: 8,
    name: 'notifications outbox, preferences, push subscriptions, escalation contacts',
    sql: `
      CREATE TABLE notification_outbox (
        id text PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        kind text NOT NULL,
        channel text NOT NULL,
        recipient_user_id text,
        customer_id text,
        address text,
        language text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        urgent boolean NOT NULL DEFAULT false,
        ticket_id text,
        request_id text,
        device_id text,
        action jsonb,
        partner_id text,
        ref text,
        state text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint,
        claimed_until bigint,
        sent_at bigint,
        last_error text,
        created_at bigint NOT NULL,
        read_at bigint
      );
      CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at)
        WHERE state IN ('pending', 'held');
      CREATE INDEX notification_outbox_recipient_idx ON notification_outbox (recipient_user_id, created_at);
      CREATE INDEX notification_outbox_customer_idx ON notification_outbox (customer_id, created_at);
      CREATE INDEX notification_outbox_ticket_idx ON notification_outbox (ticket_id);
      CREATE INDEX notification_outbox_request_idx ON notification_outbox (request_id);
      CREATE TABLE notification_preferences (
        user_id text PRIMARY KEY,
        email boolean NOT NULL,
        push boolean NOT NULL,
        quiet_start text,
        quiet_end text,
        time_zone text NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE TABLE push_subscriptions (
        endpoint text PRIMARY KEY,
        user_id text NOT NULL,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);
      CREATE TABLE push_vapid_keys (
        id integer PRIMARY KEY,
        public_key text NOT NULL,
        private_key text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE escalation_contacts (
        role text NOT NULL,
        region text NOT NULL,
        user_id text NOT NULL,
        PRIMARY KEY (role, region)
      );
    `,
  },
  {
    id: 9,
    name: 'service requests',
    sql: `
      CREATE SEQUENCE service_request_number_seq;
      CREATE TABLE service_requests (
        id text PRIMARY KEY,
        number text NOT NULL UNIQUE,
        channel text NOT NULL,
        type text NOT NULL,
        urgency text NOT NULL,
        department text NOT NULL,
        status text NOT NULL,
        device_id text,
        customer_id text,
        partner_id text,
        external_ref text,
        symptom text,
        description text,
        contact jsonb NOT NULL DEFAULT '{}'::jsonb,
        preferred_windows jsonb NOT NULL DEFAULT '[]'::jsonb,
        language text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        respond_by bigint NOT NULL,
        responded_at bigint,
        ticket_id text,
        merged_count integer NOT NULL DEFAULT 0,
        triage jsonb,
        messages jsonb NOT NULL DEFAULT '[]'::jsonb
      );
      CREATE INDEX service_requests_customer_device_idx ON service_requests (customer_id, device_id, created_at);
      CREATE INDEX service_requests_created_idx ON service_requests (created_at);
      CREATE INDEX service_requests_partner_idx ON service_requests (partner_id);
      CREATE TABLE service_request_attachments (
        id text PRIMARY KEY,
        request_id text NOT NULL REFERENCES service_requests(id),
        name text NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL,
        content bytea NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX service_request_attachments_request_idx ON service_request_attachments (request_id);
    `,
  },
  {
    id: 10,
    name: 'self-triage: help articles, the request a ticket answers',
    sql: `
      ALTER TABLE tickets ADD COLUMN request_id text;
      CREATE INDEX tickets_request_idx ON tickets (request_id);
      CREATE TABLE help_articles (
        id text PRIMARY KEY,
        type text NOT NULL,
        cause text NOT NULL,
        title jsonb NOT NULL,
        summary jsonb NOT NULL,
        steps jsonb NOT NULL,
        metrics jsonb NOT NULL,
        position integer NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX help_articles_type_idx ON help_articles (type, position);
    `,
  },
  {
    id: 11,
    name: 'appointments: booked visit windows',
    sql: `
      ALTER TABLE tickets ADD COLUMN appointment jsonb;
      CREATE TABLE appointments (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        ticket_id text NOT NULL REFERENCES tickets(id),
        start_ms bigint NOT NULL,
        end_ms bigint NOT NULL,
        status text NOT NULL,
        booked_at bigint NOT NULL,
        booked_by text NOT NULL,
        technician_id text,
        ended_at bigint,
        ended_by text,
        end_reason text
      );
      CREATE INDEX appointments_ticket_idx ON appointments (ticket_id, seq);
      CREATE UNIQUE INDEX appointments_one_booked_idx ON appointments (ticket_id) WHERE status = 'booked';
    `,
  },
  {
    id: 12,
    name: 'partner systems, inbound e-mail',
    sql: `
      CREATE TABLE partners (
        id text PRIMARY KEY,
        name text NOT NULL,
        key_id text NOT NULL UNIQUE,
        api_key_hash text NOT NULL,
        signing_secret text NOT NULL,
        webhook_url text,
        created_at bigint NOT NULL,
        disabled_at bigint
      );
      CREATE TABLE inbound_messages (
        message_id text PRIMARY KEY,
        received_at bigint NOT NULL,
        request_id text
      );
    `,
  },
  {
    id: 13,
    name: 'satisfaction surveys',
    sql: `
      CREATE TABLE surveys (
        id text PRIMARY KEY,
        ticket_id text NOT NULL UNIQUE,
        customer_id text,
        device_id text NOT NULL,
        technician_id text,
        part_lots jsonb NOT NULL DEFAULT '[]'::jsonb,
        firmware text,
        appliance_type text,
        model text,
        region text,
        status text NOT NULL,
        created_at bigint NOT NULL,
        send_at bigint NOT NULL,
        sent_at bigint,
        reminded_at bigint,
        due_by bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX surveys_customer_idx ON surveys (customer_id, created_at);
      CREATE INDEX surveys_status_idx ON surveys (status, created_at);
      CREATE TABLE survey_responses (
        survey_id text PRIMARY KEY REFERENCES surveys(id),
        ticket_id text NOT NULL,
        customer_id text,
        professionalism smallint NOT NULL,
        attitude smallint NOT NULL,
        effect smallint NOT NULL,
        timeliness smallint NOT NULL,
        overall smallint,
        solved boolean NOT NULL,
        comment text,
        language text,
        sentiment double precision,
        channel text NOT NULL,
        answered_by text NOT NULL,
        answered_at bigint NOT NULL,
        complaint_id text,
        points_awarded integer NOT NULL DEFAULT 0
      );
      CREATE INDEX survey_responses_answered_idx ON survey_responses (answered_at);
      CREATE TABLE survey_link_keys (
        id integer PRIMARY KEY,
        secret text NOT NULL,
        created_at bigint NOT NULL
      );
    `,
  },
  {
    id: 14,
    name: 'complaints: the eight steps, their clocks and audit',
    sql: `
      CREATE SEQUENCE complaint_number_seq;
      CREATE TABLE complaints (
        id text PRIMARY KEY,
        number text NOT NULL UNIQUE,
        customer_id text,
        device_id text,
        ticket_id text,
        survey_id text,
        request_id text,
        partner_id text,
        source text NOT NULL,
        category text NOT NULL,
        urgency text NOT NULL,
        status text NOT NULL,
        description text NOT NULL,
        language text NOT NULL,
        region text,
        investigator_id text,
        findings text,
        cause text,
        solution text,
        compensation_id text,
        last_answer text,
        escalation text NOT NULL DEFAULT 'none',
        sentiment double precision,
        useful boolean NOT NULL DEFAULT false,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        investigate_by bigint NOT NULL,
        solve_by bigint,
        executed_at bigint,
        closed_at bigint,
        clocks jsonb NOT NULL DEFAULT '[]'::jsonb,
        audit jsonb NOT NULL DEFAULT '[]'::jsonb
      );
      CREATE INDEX complaints_customer_idx ON complaints (customer_id, created_at);
      CREATE INDEX complaints_ticket_idx ON complaints (ticket_id);
      CREATE INDEX complaints_device_idx ON complaints (device_id, created_at);
      CREATE INDEX complaints_status_idx ON complaints (status, created_at);
      CREATE INDEX complaints_compensation_idx ON complaints (compensation_id);
    `,
  },
  {
    id: 15,
    name: 'compensation with approval, loyalty: points, coupons, repair charges, tiers',
    sql: `
      CREATE TABLE compensations (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        complaint_id text,
        customer_id text NOT NULL,
        type text NOT NULL,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        note text,
        status text NOT NULL,
        requested_by text NOT NULL,
        requested_role text NOT NULL,
        requested_at bigint NOT NULL,
        needs_approval boolean NOT NULL,
        decided_by text,
        decided_at bigint,
        decision_note text,
        coupon_id text
      );
      CREATE INDEX compensations_customer_idx ON compensations (customer_id, seq);
      CREATE INDEX compensations_complaint_idx ON compensations (complaint_id);
      CREATE INDEX compensations_pending_idx ON compensations (requested_at) WHERE status = 'pending_approval';
      CREATE TABLE loyalty_accounts (
        customer_id text PRIMARY KEY,
        points bigint NOT NULL DEFAULT 0 CHECK (points >= 0),
        tier_pinned boolean NOT NULL DEFAULT false,
        promoted_by_rules boolean NOT NULL DEFAULT false,
        tier_computed_at bigint,
        spend_minor_12m bigint NOT NULL DEFAULT 0,
        activity_12m integer NOT NULL DEFAULT 0
      );
      CREATE TABLE loyalty_ledger (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        customer_id text NOT NULL,
        at bigint NOT NULL,
        kind text NOT NULL,
        points bigint NOT NULL,
        coupon_id text,
        reference text,
        balance_after bigint NOT NULL,
        dedup_key text UNIQUE
      );
      CREATE INDEX loyalty_ledger_customer_idx ON loyalty_ledger (customer_id, seq);
      CREATE TABLE coupons (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        code text NOT NULL UNIQUE,
        customer_id text NOT NULL,
        kind text NOT NULL,
        value bigint NOT NULL,
        currency text NOT NULL,
        origin text NOT NULL,
        compensation_id text,
        reference text NOT NULL UNIQUE,
        status text NOT NULL,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        redeemed_at bigint,
        redeemed_on text
      );
      CREATE INDEX coupons_customer_idx ON coupons (customer_id, seq);
      CREATE INDEX coupons_active_expiry_idx ON coupons (expires_at) WHERE status = 'active';
      CREATE TABLE repair_charges (
        id text PRIMARY KEY,
        seq bigserial NOT NULL,
        ticket_id text NOT NULL,
        customer_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        discount_minor bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0 AND discount_minor <= amount_minor),
        currency text NOT NULL,
        status text NOT NULL,
        created_at bigint NOT NULL,
        created_by text NOT NULL,
        paid_at bigint,
        payment_reference text
      );
      CREATE INDEX repair_charges_customer_idx ON repair_charges (customer_id, seq);
      CREATE INDEX repair_charges_ticket_idx ON repair_charges (ticket_id);
      CREATE INDEX repair_charges_paid_idx ON repair_charges (customer_id, paid_at) WHERE status = 'paid';
    `,
  },
  {
    id: 16,
    name: 'device sales, returns and exchanges with their refund clock',
    sql: `
      CREATE TABLE device_sales (
        device_id text PRIMARY KEY,
        channel text NOT NULL,
        order_ref text NOT NULL,
        price_minor bigint NOT NULL CHECK (price_minor >= 0),
        currency text NOT NULL,
        delivered_at bigint NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX device_sales_delivered_idx ON device_sales (delivered_at);
      CREATE SEQUENCE return_number_seq;
      CREATE TABLE returns (
        id text PRIMARY KEY,
        number text NOT NULL UNIQUE,
        device_id text NOT NULL,
        customer_id text,
        kind text NOT NULL,
        reason text NOT NULL,
        description text,
        evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
        status text NOT NULL,
        refusal_reason text,
        sale jsonb NOT NULL,
        days_since_delivery integer NOT NULL,
        send_address text,
        received_at bigint,
        refund_due_by bigint,
        refunded_at bigint,
        refund_amount_minor bigint,
        refund_reference text,
        new_serial text,
        created_by text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        clocks jsonb NOT NULL DEFAULT '[]'::jsonb,
        audit jsonb NOT NULL DEFAULT '[]'::jsonb
      );
      CREATE INDEX returns_customer_idx ON returns (customer_id, created_at);
      CREATE INDEX returns_device_idx ON returns (device_id, created_at);
      CREATE INDEX returns_status_idx ON returns (status, created_at);
      CREATE UNIQUE INDEX returns_one_open_per_device ON returns (device_id)
        WHERE status IN ('applied', 'approved', 'received');
    `,
  },
  {
    id: 17,
    name: 'organisation, appliance batches, KPI facts, targets, management warnings, monthly reports',
    sql: `
      CREATE TABLE organisations (
        id text PRIMARY KEY,
        kind text NOT NULL,
        parent_id text REFERENCES organisations(id),
        name text NOT NULL,
        region text,
        head_user_id text
      );
      CREATE INDEX organisations_parent_idx ON organisations (parent_id);
      ALTER TABLE technicians ADD COLUMN provider_id text;
      ALTER TABLE devices ADD COLUMN batch text;
      ALTER TABLE devices ADD COLUMN sold_at bigint;
      ALTER TABLE devices ADD COLUMN dealer_id text;
      ALTER TABLE devices ADD COLUMN branch_id text;
      CREATE TABLE ticket_facts (
        ticket_id text PRIMARY KEY,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        status text NOT NULL,
        is_open boolean NOT NULL,
        priority text NOT NULL,
        channel text NOT NULL,
        tier text NOT NULL,
        device_id text NOT NULL,
        customer_id text,
        appliance_type text NOT NULL,
        model text,
        batch text,
        region text,
        branch_id text,
        provider_id text,
        dealer_id text,
        technician_id text,
        fault_mode text,
        failure_class text,
        is_failure boolean NOT NULL,
        responded_at bigint,
        respond_ms bigint,
        arrived_at bigint,
        arrive_ms bigint,
        completed_at bigint,
        complete_ms bigint,
        on_site_ms bigint,
        resolve_by bigint NOT NULL,
        first_time_fix boolean,
        is_repeat boolean NOT NULL,
        remote boolean NOT NULL,
        parts_needed integer NOT NULL DEFAULT 0,
        parts_at_first_visit integer NOT NULL DEFAULT 0,
        parts_bc_needed integer NOT NULL DEFAULT 0,
        parts_bc_at_first_visit integer NOT NULL DEFAULT 0,
        parts_cost_minor bigint NOT NULL DEFAULT 0,
        labour_cost_minor bigint NOT NULL DEFAULT 0,
        part_lots jsonb NOT NULL DEFAULT '[]'::jsonb
      );
      CREATE INDEX ticket_facts_created_idx ON ticket_facts (created_at);
      CREATE INDEX ticket_facts_open_idx ON ticket_facts (created_at) WHERE is_open;
      CREATE INDEX ticket_facts_completed_idx ON ticket_facts (completed_at) WHERE completed_at IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ticket_audit_ticket_idx ON ticket_audit (ticket_id);
      CREATE INDEX IF NOT EXISTS devices_installed_idx ON devices (installed_at);
      CREATE TABLE location_anomalies (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        technician_id text NOT NULL,
        ticket_id text,
        at bigint NOT NULL,
        distance_km double precision NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        dedup_key text NOT NULL UNIQUE
      );
      CREATE INDEX location_anomalies_at_idx ON location_anomalies (at);
      CREATE TABLE kpi_targets (
        org_id text NOT NULL,
        kpi text NOT NULL,
        target double precision,
        warning double precision,
        updated_at bigint NOT NULL,
        updated_by text NOT NULL,
        PRIMARY KEY (org_id, kpi)
      );
    `,
  },
  {
    id: 18,
    name: 'management warnings with owners and their improvement actions',
    sql: `
      CREATE TABLE management_warnings (
        id text PRIMARY KEY,
        kpi text NOT NULL,
        org_id text NOT NULL,
        status text NOT NULL,
        unit text NOT NULL,
        direction text NOT NULL,
        raised_value double precision NOT NULL,
        warning_line double precision NOT NULL,
        target double precision,
        period_from bigint NOT NULL,
        period_to bigint NOT NULL,
        raised_at bigint NOT NULL,
        owner_user_id text,
        last_value double precision,
        last_checked_at bigint NOT NULL,
        closed_at bigint,
        closed_value double precision
      );
      CREATE UNIQUE INDEX management_warnings_one_open_idx ON management_warnings (kpi, org_id) WHERE status = 'open';
      CREATE INDEX management_warnings_org_idx ON management_warnings (org_id, raised_at);
      CREATE TABLE improvement_actions (
        id text PRIMARY KEY,
        warning_id text NOT NULL REFERENCES management_warnings(id),
        description text NOT NULL,
        estimated_cost_minor bigint NOT NULL,
        currency text NOT NULL,
        expected_effect text NOT NULL,
        expected_value double precision,
        impact smallint NOT NULL,
        cost_level smallint NOT NULL,
        status text NOT NULL,
        recorded_by text NOT NULL,
        recorded_at bigint NOT NULL,
        done_by text,
        done_at bigint
      );
      CREATE INDEX improvement_actions_warning_idx ON improvement_actions (warning_id, recorded_at);
    `,
  },
  {
    id: 19,
    name: 'monthly report archive',
    sql: `
      CREATE TABLE monthly_reports (
        month text NOT NULL,
        lang text NOT NULL,
        html text NOT NULL,
        pdf bytea,
        generated_at bigint NOT NULL,
        generated_by text NOT NULL,
        PRIMARY KEY (month, lang)
      );
    `,
  },
  {
    id: 21,
    name: 'technician status history',
    sql: `
      CREATE TABLE technician_status_history (
        id bigserial PRIMARY KEY,
        technician_id text NOT NULL,
        status text NOT NULL,
        started_at bigint NOT NULL,
        ended_at bigint,
        generated boolean NOT NULL DEFAULT false
      );
      CREATE UNIQUE INDEX technician_status_history_open_idx
        ON technician_status_history (technician_id) WHERE ended_at IS NULL;
      CREATE INDEX technician_status_history_started_idx ON technician_status_history (started_at);
      CREATE INDEX technician_status_history_ended_idx ON technician_status_history (ended_at);
      CREATE INDEX technician_status_history_tech_idx ON technician_status_history (technician_id, started_at);
      INSERT INTO technician_status_history (technician_id, status, started_at)
        SELECT id, status, (extract(epoch FROM now()) * 1000)::bigint FROM technicians;
    `,
  },
  {
    id: 22,
    name: 'KPI rollups: their state, the days to roll up again, and the triggers that mark them',
    sql: `
      CREATE TABLE kpi_rollup_state (
        source text PRIMARY KEY,
        signature text NOT NULL,
        through_day integer NOT NULL,
        built_at bigint NOT NULL
      );
      CREATE TABLE kpi_rollup_dirty (
        source text NOT NULL,
        day integer NOT NULL,
        PRIMARY KEY (source, day)
      );
      CREATE INDEX IF NOT EXISTS survey_responses_ticket_idx ON survey_responses (ticket_id);
      CREATE INDEX IF NOT EXISTS surveys_sent_idx ON surveys (sent_at);
      CREATE INDEX IF NOT EXISTS complaints_created_idx ON complaints (created_at);
      CREATE INDEX IF NOT EXISTS returns_created_idx ON returns (created_at);
      CREATE INDEX IF NOT EXISTS compensations_decided_idx ON compensations (decided_at);
      ${rollupDirtyTrigger('ticket_facts', TICKET_FACTS_MARKS)}
      ${rollupDirtyTrigger('survey_responses', [['surveys', 'r.answered_at']])}
      ${rollupDirtyTrigger('surveys', [['surveys_sent', 'r.sent_at']])}
      ${rollupDirtyTrigger('complaints', [['complaints', 'r.created_at']])}
      ${rollupDirtyTrigger('returns', [['returns', 'r.created_at']])}
      ${rollupDirtyTrigger('device_sales', [
        ['sales', 'r.delivered_at'],
        ['returns', 'x.created_at', 'returns x ON x.device_id = r.device_id'],
      ])}
      ${rollupDirtyTrigger('compensations', [['approvals_decided', 'r.decided_at']])}
      ${rollupDirtyTrigger('devices', [
        ['devices', 'r.installed_at'],
        ['sales', 'x.delivered_at', 'device_sales x ON x.device_id = r.id'],
        ['returns', 'x.created_at', 'returns x ON x.device_id = r.id'],
        ['complaints', 'x.created_at', 'complaints x ON x.device_id = r.id'],
      ])}
    `,
  },
  {
    id: 23,
    name: 'part shipments: parts sent from a warehouse to the technician, and their KPI days',
    sql: `
      CREATE TABLE part_shipments (
        id text PRIMARY KEY,
        ticket_id text NOT NULL,
        reservation_id text UNIQUE,
        sku text NOT NULL,
        qty integer NOT NULL,
        from_location_id text NOT NULL,
        technician_id text,
        state text NOT NULL,
        requested_at bigint NOT NULL,
        shipped_at bigint,
        arrived_at bigint,
        picked_up_at bigint,
        cancelled_at bigint,
        carrier text,
        tracking_no text
      );
      CREATE INDEX part_shipments_requested_idx ON part_shipments (requested_at);
      CREATE INDEX part_shipments_ticket_idx ON part_shipments (ticket_id);
      CREATE INDEX part_shipments_open_idx ON part_shipments (state) WHERE state IN ('requested', 'shipped', 'arrived');
      ${rollupDirtyTrigger('part_shipments', [['shipments', 'r.requested_at']])}
      ${rollupDirtyTrigger(
        'ticket_facts',
        [
          ...TICKET_FACTS_MARKS,
          ['shipments', 'x.requested_at', 'part_shipments x ON x.ticket_id = r.ticket_id'],
        ],
        { replace: true },
      )}
    `,
  },
  {
    id: 24,
    name: 'device credentials: the platform CA, issued device certificates, secret rotation grace',
    sql: `
      CREATE TABLE platform_ca (
        id text PRIMARY KEY,
        certificate_pem text NOT NULL,
        private_key_pem text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE device_certificates (
        serial text PRIMARY KEY,
        device_id text NOT NULL,
        fingerprint256 text NOT NULL,
        issued_at bigint NOT NULL,
        not_after bigint NOT NULL,
        revoked_at bigint
      );
      CREATE INDEX device_certificates_device_idx ON device_certificates (device_id, issued_at);
      ALTER TABLE devices ADD COLUMN previous_secret_hash text;
      ALTER TABLE devices ADD COLUMN previous_secret_valid_until bigint;
    `,
  },
  {
    id: 25,
    name: 'firmware campaigns: signing key, images, campaigns, targeted devices, field signals',
    sql: `
      CREATE TABLE firmware_keys (
        id text PRIMARY KEY,
        private_key_pem text NOT NULL,
        public_key_pem text NOT NULL,
        token_secret text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE firmware_images (
        id text PRIMARY KEY,
        type text NOT NULL,
        version text NOT NULL,
        models jsonb NOT NULL DEFAULT '[]'::jsonb,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        signature text NOT NULL,
        notes text,
        content bytea NOT NULL,
        uploaded_at bigint NOT NULL,
        uploaded_by text NOT NULL,
        UNIQUE (type, version)
      );
      -- uncompressed out of line, so a Range request reads only its slice
      ALTER TABLE firmware_images ALTER COLUMN content SET STORAGE EXTERNAL;
      CREATE TABLE firmware_campaigns (
        id text PRIMARY KEY,
        name text NOT NULL,
        image_id text NOT NULL REFERENCES firmware_images(id),
        target jsonb NOT NULL,
        waves jsonb NOT NULL,
        soak_ms bigint NOT NULL,
        thresholds jsonb NOT NULL,
        auto_rollback boolean NOT NULL,
        state text NOT NULL,
        halt jsonb,
        rollback_at bigint,
        created_at bigint NOT NULL,
        created_by text NOT NULL,
        started_at bigint,
        finished_at bigint
      );
      CREATE TABLE firmware_campaign_devices (
        campaign_id text NOT NULL REFERENCES firmware_campaigns(id),
        device_id text NOT NULL,
        wave integer NOT NULL,
        position integer NOT NULL,
        state text NOT NULL,
        from_version text,
        bytes bigint,
        error text,
        sent_at bigint,
        installed_at bigint,
        rollback_sent_at bigint,
        updated_at bigint NOT NULL,
        PRIMARY KEY (campaign_id, device_id)
      );
      CREATE INDEX firmware_campaign_devices_wave_idx ON firmware_campaign_devices (campaign_id, wave, position);
      CREATE INDEX firmware_campaign_devices_device_idx ON firmware_campaign_devices (device_id);
      CREATE TABLE firmware_signals (
        device_id text NOT NULL,
        kind text NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX firmware_signals_device_idx ON firmware_signals (device_id, at);
    `,
  },
  {
    id: 26,
    name: 'model registry: fleet model versions, field labels from repairs, retraining jobs, shadow alarms, audit',
    sql: `
      CREATE TABLE model_versions (
        type text NOT NULL,
        version integer NOT NULL,
        status text NOT NULL,
        artifact_dir text,
        figures jsonb NOT NULL DEFAULT '{}'::jsonb,
        training jsonb NOT NULL DEFAULT '{}'::jsonb,
        reason text,
        created_at bigint NOT NULL,
        promoted_at bigint,
        retired_at bigint,
        PRIMARY KEY (type, version)
      );
      CREATE TABLE model_field_labels (
        ticket_id text PRIMARY KEY,
        device_id text NOT NULL,
        type text NOT NULL,
        fault_mode text,
        matched_by text NOT NULL,
        root_cause text NOT NULL,
        parts jsonb NOT NULL DEFAULT '[]'::jsonb,
        window_start bigint NOT NULL,
        window_end bigint NOT NULL,
        resolved_at bigint NOT NULL
      );
      CREATE INDEX model_field_labels_type_idx ON model_field_labels (type, resolved_at);
      CREATE TABLE model_jobs (
        id text PRIMARY KEY,
        type text NOT NULL,
        state text NOT NULL,
        phase text NOT NULL,
        percent integer NOT NULL,
        log jsonb NOT NULL DEFAULT '[]'::jsonb,
        report jsonb,
        candidate_version integer,
        requested_by text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        finished_at bigint
      );
      CREATE INDEX model_jobs_running_idx ON model_jobs (type) WHERE state = 'running';
      CREATE TABLE model_shadow_alarms (
        id bigserial PRIMARY KEY,
        type text NOT NULL,
        version integer NOT NULL,
        device_id text NOT NULL,
        fault_mode text NOT NULL,
        probability double precision NOT NULL,
        at bigint NOT NULL
      );
      CREATE INDEX model_shadow_alarms_version_idx ON model_shadow_alarms (type, version);
      CREATE TABLE model_audit (
        id bigserial PRIMARY KEY,
        action text NOT NULL,
        type text NOT NULL,
        from_version integer,
        to_version integer,
        actor text NOT NULL,
        reason text,
        at bigint NOT NULL
      );
    `,
  },
  {
    id: 27,
    name: "scale-out: a device's online-detector state, saved when it leaves an instance",
    sql: `
      CREATE TABLE detector_states (
        device_id text PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
        state jsonb NOT NULL,
        saved_at bigint NOT NULL
      );
    `,
  },
];

/**
 * Statement-level triggers (with transition tables) on `table` that mark in `kpi_rollup_dirty`
 * the days of the KPI sources a write touches: per mark, the source, the time column whose UTC
 * day it marks (`r` is a written row), and an optional join to reach rows of another table.
 */
function rollupDirtyTrigger(
  table: string,
  marks: ReadonlyArray<readonly [source: string, at: string, join?: string]>,
  options: { replace?: boolean } = {},
): string {
  const fn = `kpi_dirty_${table}`;
  const mark = (rows: string) => `
          INSERT INTO kpi_rollup_dirty (source, day)
          SELECT DISTINCT x.source, x.day FROM (
            ${marks
              .map(
                ([source, at, join]) =>
                  `SELECT '${source}' AS source, floor(${at} / 86400000.0)::int AS day FROM ${rows} r${join ? ` JOIN ${join}` : ''}`,
              )
              .join('\n            UNION ALL ')}
          ) x WHERE x.day IS NOT NULL
          ON CONFLICT DO NOTHING;`;
  return `
      CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN${mark('kpi_new')}
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN${mark('kpi_old')}
        END IF;
        RETURN NULL;
      END $fn$;
${
  options.replace
    ? ''
    : `CREATE TRIGGER ${fn}_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS kpi_new
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
      CREATE TRIGGER ${fn}_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS kpi_old NEW TABLE AS kpi_new
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();
      CREATE TRIGGER ${fn}_del AFTER DELETE ON ${table} REFERENCING OLD TABLE AS kpi_old
        FOR EACH STATEMENT EXECUTE FUNCTION ${fn}();`
}`;
}

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
