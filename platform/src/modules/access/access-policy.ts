import { Injectable } from '@nestjs/common';
import type { TicketStatus } from '../../../../contracts/src';
import type { Principal } from '../auth/auth.service';

/** Once a ticket is in one of these, it is no longer its technician's job. */
const FINISHED: ReadonlySet<TicketStatus> = new Set<TicketStatus>(['verified', 'closed', 'cancelled']);

export interface DeviceAccessFacts {
  id: string;
  customerId: string | null;
}

export interface TicketAccessFacts {
  id: string;
  deviceId: string;
  status: TicketStatus;
  assigneeId: string | null;
  customerId: string | null;
}

/** What a role may read of each kind of live event (the same as what it may read over REST). */
export type EventKind = 'telemetry' | 'device' | 'alarm' | 'ticket' | 'sla' | 'guidance';

/**
 * Who may see what, once, for REST and Socket.IO alike.
 * - admin and engineer: everything;
 * - technician: the tickets assigned to them, and the devices of their jobs (a ticket assigned
 *   to them that is not yet verified, closed or cancelled), with those devices' telemetry,
 *   presence and alarms; remote guidance;
 * - customer: their own devices and their own tickets; no guidance (it is written for
 *   technicians).
 *
 * The technicians' jobs are an in-memory index kept by the tickets feature (`trackTicket` on
 * every saved ticket), so the hot checks never wait for the database.
 */
@Injectable()
export class AccessPolicy {
  /** ticket id → the job it gives its technician. */
  private readonly jobs = new Map<string, { deviceId: string; technicianId: string }>();
  /** `${deviceId}\n${technicianId}` → how many of the technician's jobs are on the device. */
  private readonly jobsOnDevice = new Map<string, number>();

  isStaff(principal: Principal): boolean {
    return principal.role === 'admin' || principal.role === 'engineer';
  }

  canSeeDevice(principal: Principal, device: DeviceAccessFacts): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
        return true;
      case 'technician':
        return principal.technicianId !== null && this.hasJobOn(principal.technicianId, device.id);
      case 'customer':
        return principal.customerId !== null && device.customerId === principal.customerId;
    }
  }

  canSeeTicket(principal: Principal, ticket: Pick<TicketAccessFacts, 'assigneeId' | 'customerId'>): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
        return true;
      case 'technician':
        return principal.technicianId !== null && ticket.assigneeId === principal.technicianId;
      case 'customer':
        return principal.customerId !== null && ticket.customerId === principal.customerId;
    }
  }

  /** Event kinds a role never reads, whatever the room (guidance is for technicians and staff). */
  mayReceive(principal: Principal, kind: EventKind): boolean {
    return kind !== 'guidance' || principal.role !== 'customer';
  }

  hasJobOn(technicianId: string, deviceId: string): boolean {
    return (this.jobsOnDevice.get(`${deviceId}\n${technicianId}`) ?? 0) > 0;
  }

  /** Called by the tickets feature with every ticket it loads or saves. */
  trackTicket(ticket: TicketAccessFacts): void {
    const previous = this.jobs.get(ticket.id);
    const current =
      ticket.assigneeId !== null && !FINISHED.has(ticket.status)
        ? { deviceId: ticket.deviceId, technicianId: ticket.assigneeId }
        : undefined;
    if (previous?.deviceId === current?.deviceId && previous?.technicianId === current?.technicianId) return;
    if (previous) {
      this.jobs.delete(ticket.id);
      const key = `${previous.deviceId}\n${previous.technicianId}`;
      const left = (this.jobsOnDevice.get(key) ?? 1) - 1;
      if (left > 0) this.jobsOnDevice.set(key, left);
      else this.jobsOnDevice.delete(key);
    }
    if (current) {
      this.jobs.set(ticket.id, current);
      const key = `${current.deviceId}\n${current.technicianId}`;
      this.jobsOnDevice.set(key, (this.jobsOnDevice.get(key) ?? 0) + 1);
    }
  }
}
