import type { Principal } from '../auth/auth.service';

/**
 * Who the self-triage acts as when it tests a customer's appliance: the platform itself, never a
 * person, so the device's command history shows `system:self-triage` as the sender. It takes the
 * engineer role because that is the least-privileged role that may see any device, its alarms and
 * incidents and send it diagnostic commands (an admin may also manage users and configuration).
 * It exists only in-process: no token is ever issued for it.
 */
export const SELF_TRIAGE_PRINCIPAL: Principal = Object.freeze({
  userId: 'system:self-triage',
  role: 'engineer',
  customerId: null,
  technicianId: null,
});
