import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { PatchCustomerRequest } from '../../../../contracts/src';
import type { Principal } from '../auth/auth.service';
import { customerError } from './customers.errors';
import { CustomersRepository, type Customer } from './customers.repository';

/**
 * Customers and their tier, address and region. A device provisioned without an owner (the
 * simulated fleet) is served for the demo customer its id hashes to, in its region when it has
 * one: stable across restarts, without touching the device registry.
 */
@Injectable()
export class CustomersService {
  constructor(
    private readonly repository: CustomersRepository,
    private readonly access: AccessPolicy,
  ) {}

  find(id: string): Promise<Customer | undefined> {
    return this.repository.find(id);
  }

  /** A customer a request refers to by id (`field`); 404 when there is none. */
  async require(id: string, field = 'customerId'): Promise<Customer> {
    const customer = await this.find(id);
    if (!customer)
      throw customerError('customer.not_found', `No customer "${id}"`, { field, customerId: id });
    return customer;
  }

  /**
   * Staff's change of tier, name or contact details. Tickets read the customer when they open,
   * so a new tier sets the SLA targets of the customer's next tickets; open ones keep theirs.
   */
  async update(id: string, patch: PatchCustomerRequest): Promise<Customer> {
    if (!(await this.repository.update(id, patch)))
      throw customerError('customer.not_found', `No customer "${id}"`, { customerId: id });
    return this.require(id);
  }

  /** One customer, if the principal may see it; otherwise the same 404 as a missing id. */
  async get(id: string, principal: Principal): Promise<Customer> {
    const customer = this.access.canSeeCustomer(principal, id) ? await this.find(id) : undefined;
    if (!customer) throw customerError('customer.not_found', `No customer "${id}"`, { customerId: id });
    return customer;
  }

  list(query: { region?: string; limit: number; offset: number }): Promise<Customer[]> {
    return this.repository.list(query);
  }

  /** The device's owner, if it has one: a ticket's customer and site. */
  async forDevice(device: { customerId: string | null }): Promise<{
    customerId: string | null;
    customer: Customer | undefined;
  }> {
    if (!device.customerId) return { customerId: null, customer: undefined };
    return { customerId: device.customerId, customer: await this.find(device.customerId) };
  }
}
