// Loads the service desk shares between its pages (and the admin pages): every customer, page by page,
// and the readable name of a stock location.
import type { Customer, Technician } from '../../../contracts/src';
import type { ApiClient } from '../api/api-client';
import { t } from '../i18n/i18n';
import { regionLabel } from './device-words';

const CUSTOMER_PAGE = 500;

/** Every customer: `GET /api/customers` answers at most 500 at a time. */
export async function loadAllCustomers(api: ApiClient): Promise<Customer[]> {
  const all: Customer[] = [];
  for (let offset = 0; ; offset += CUSTOMER_PAGE) {
    const page = await api.get<Customer[]>('/api/customers', { limit: CUSTOMER_PAGE, offset });
    all.push(...page);
    if (page.length < CUSTOMER_PAGE) return all;
  }
}

/** A stock location as a person names it: "Van of Ines Zimmermann", "Depot north". */
export function locationName(locationId: string, technicians: readonly Technician[] | undefined): string {
  const van = technicians?.find((tech) => tech.vanId === locationId);
  if (van) return t('desk.parts.van', { name: van.name });
  const depot = /^wh-(.+)$/.exec(locationId);
  if (depot) return t('desk.parts.depot', { region: regionLabel(depot[1]) });
  return locationId;
}

/** Regions named by technicians and customers, sorted. */
export function knownRegions(
  technicians: readonly Technician[] | undefined,
  customers: readonly Customer[] | undefined,
): string[] {
  const regions = new Set<string>();
  for (const tech of technicians ?? []) regions.add(tech.region);
  for (const customer of customers ?? []) if (customer.region) regions.add(customer.region);
  return [...regions].sort();
}

/** A ticket as people refer to it in lists: the start of its id (the whole id when it is short). */
export function ticketRef(id: string): string {
  return id.length > 12 ? id.slice(0, 8) : id;
}
