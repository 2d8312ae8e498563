import type { Principal } from '../auth/auth.service';
import { AccessPolicy, type TicketAccessFacts } from './access-policy';

const technician = (id: string): Principal => ({
  userId: `u-${id}`,
  role: 'technician',
  customerId: null,
  technicianId: id,
});
const ticket = (overrides: Partial<TicketAccessFacts> = {}): TicketAccessFacts => ({
  id: 'tk-1',
  deviceId: 'd-1',
  status: 'dispatched',
  assigneeId: 'tech-1',
  customerId: 'cust-1',
  ...overrides,
});

describe('AccessPolicy.canSeeCustomer', () => {
  it('follows a technician’s unfinished jobs: assignment, reassignment, a second job, the end', () => {
    const access = new AccessPolicy();
    expect(access.canSeeCustomer(technician('tech-1'), 'cust-1')).toBe(false);
    access.trackTicket(ticket());
    access.trackTicket(ticket({ id: 'tk-2', deviceId: 'd-2' }));
    expect(access.canSeeCustomer(technician('tech-1'), 'cust-1')).toBe(true);
    expect(access.canSeeCustomer(technician('tech-2'), 'cust-1')).toBe(false);

    access.trackTicket(ticket({ status: 'verified' }));
    expect(access.canSeeCustomer(technician('tech-1'), 'cust-1')).toBe(true); // tk-2 still open
    access.trackTicket(ticket({ id: 'tk-2', deviceId: 'd-2', assigneeId: 'tech-2' }));
    expect(access.canSeeCustomer(technician('tech-1'), 'cust-1')).toBe(false);
    expect(access.canSeeCustomer(technician('tech-2'), 'cust-1')).toBe(true);
    expect(access.hasJobOn('tech-2', 'd-2')).toBe(true);
  });

  it('gives a job without a customer no customer, and a customer only their own record', () => {
    const access = new AccessPolicy();
    access.trackTicket(ticket({ customerId: null }));
    expect(access.hasJobOn('tech-1', 'd-1')).toBe(true);
    expect(access.canSeeCustomer(technician('tech-1'), 'null')).toBe(false);
    const customer: Principal = { userId: 'u', role: 'customer', customerId: 'cust-1', technicianId: null };
    expect(access.canSeeCustomer(customer, 'cust-1')).toBe(true);
    expect(access.canSeeCustomer(customer, 'cust-2')).toBe(false);
    expect(access.canSeeCustomer({ ...customer, role: 'engineer', customerId: null }, 'cust-2')).toBe(true);
  });
});
