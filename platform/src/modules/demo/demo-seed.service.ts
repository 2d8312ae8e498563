import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { AuthService } from '../auth/auth.service';
import { DEMO_REGIONS, generateDemoData } from './demo-data';
import { insertDemoServiceRows } from './demo-service-rows';
import { TechniciansRepository } from '../technicians/technicians.repository';
import { CustomersRepository } from '../customers/customers.repository';
import { EscalationContacts, demoEscalationContacts } from '../notifications/escalation-contacts.service';

/** Fixed seed: every fresh installation gets the same demo world. */
export const DEMO_SEED = 42;
export const DEMO_PASSWORDS = {
  engineer: 'engineer-demo-password',
  technician: 'technician-demo-password',
  customer: 'customer-demo-password',
} as const;
export const DEMO_ENGINEER_EMAIL = 'engineer@example.com';

/**
 * Fills the service tables (customers, technicians, parts, warehouses, vans, stock lots) and
 * their login accounts from the seeded generator, once, when no customer exists yet. The rows
 * of several features are written here in one transaction so a half-seeded world cannot exist.
 */
@Injectable()
export class DemoSeedService implements OnModuleInit {
  constructor(
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
    private readonly customers: CustomersRepository,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly escalation: EscalationContacts,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.seedEscalationContacts();
    if ((await this.customers.count()) > 0) return;
    const data = generateDemoData({ seed: DEMO_SEED, nowMs: this.clock.now() });
    const seededAt = this.clock.now();
    await this.db.transaction((tx) => insertDemoServiceRows(tx, data, seededAt));
    await this.auth.createDemoUsers(DEMO_PASSWORDS.engineer, [
      { email: DEMO_ENGINEER_EMAIL, role: 'engineer', name: 'Senior engineer' },
    ]);
    await this.auth.createDemoUsers(
      DEMO_PASSWORDS.technician,
      data.technicians.map((t) => ({
        email: t.email,
        role: 'technician' as const,
        name: t.name,
        technicianId: t.id,
      })),
    );
    await this.auth.createDemoUsers(
      DEMO_PASSWORDS.customer,
      data.customers.map((c) => ({
        email: c.email,
        role: 'customer' as const,
        name: c.name,
        customerId: c.id,
      })),
    );
    await TechniciansRepository.linkUserAccounts(this.db);
    this.logger.info(
      {
        customers: data.customers.length,
        technicians: data.technicians.length,
        lots: data.inventory.lots.length,
      },
      'demo service data seeded',
    );
  }

  /** A senior engineer for every region and a manager per region, as SLA escalation contacts (also on installations seeded before). */
  private async seedEscalationContacts(): Promise<void> {
    const contacts = demoEscalationContacts(DEMO_REGIONS.map((r) => r.id));
    if (await this.escalation.allAssigned(contacts)) return;
    await this.auth.createDemoUsers(
      DEMO_PASSWORDS.engineer,
      contacts.map((c) => ({ email: c.email, role: 'engineer' as const, name: c.name })),
    );
    for (const c of contacts) await this.escalation.assign(c.role, c.region, c.email);
  }
}
