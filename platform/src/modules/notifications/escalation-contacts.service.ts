import { Injectable } from '@nestjs/common';
import type { EscalationContacts as LadderContacts } from '../sla/escalation';
import { ALL_REGIONS, RecipientsRepository, type EscalationRole } from './recipients.repository';

/** A staff member the demo installs as an escalation contact (an engineer account). */
export interface DemoEscalationContact {
  role: EscalationRole;
  region: string;
  email: string;
  name: string;
}

/** The demo's contacts: one senior engineer for every region, one regional manager per region. */
export function demoEscalationContacts(regions: readonly string[]): DemoEscalationContact[] {
  return [
    {
      role: 'senior_engineer',
      region: ALL_REGIONS,
      email: 'senior.engineer@example.com',
      name: 'Senior engineer on call',
    },
    ...regions.map((region) => ({
      role: 'regional_manager' as const,
      region,
      email: `manager.${region}@example.com`,
      name: `Regional manager ${region}`,
    })),
  ];
}

/**
 * Who stands on the upper rungs of the SLA escalation ladder (table `escalation_contacts`,
 * region → user, `*` for every region): real user accounts, so an SLA warning or breach reaches
 * a person's inbox and e-mail. The assignee rung is the ticket's technician.
 */
@Injectable()
export class EscalationContacts {
  constructor(private readonly recipients: RecipientsRepository) {}

  async forTicket(assigneeId: string | null, region: string | null): Promise<LadderContacts> {
    return {
      assigneeId,
      seniorEngineerId: await this.recipients.escalationContact('senior_engineer', region),
      regionalManagerId: await this.recipients.escalationContact('regional_manager', region),
    };
  }

  /** True when each contact's role and region has someone on it already. */
  async allAssigned(contacts: DemoEscalationContact[]): Promise<boolean> {
    for (const c of contacts) {
      const found = await this.recipients.escalationContact(c.role, c.region);
      if (!found) return false;
    }
    return true;
  }

  /** Puts the user with `email` on the rung for `region`; false when there is no such user. */
  async assign(role: EscalationRole, region: string, email: string): Promise<boolean> {
    const userId = await this.recipients.userIdByEmail(email);
    if (!userId) return false;
    await this.recipients.setEscalationContact(role, region, userId);
    return true;
  }
}
