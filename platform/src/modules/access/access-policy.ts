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
export type EventKind = 'telemetry' | 'device' | 'alarm' | 'ticket' | 'sla' | 'guidance' | 'location';

/** A ticket assigned to a technician and not yet finished. */
interface Job {
  deviceId: string;
  customerId: string | null;
  technicianId: string;
}

/**
 * Who may see what, once, for REST and Socket.IO alike.
 * - admin and engineer: everything;
 * - technician: the tickets assigned to them, and the devices and customers of their jobs (a
 *   ticket assigned to them that is not yet verified, closed or cancelled), with those devices'
 *   telemetry, presence and alarms; remote guidance;
 * - customer: their own record, devices and tickets, and where their ticket's technician is
 *   while on the way to them; no guidance (it is written for technicians).
 * Whatever a role may not see is answered as if it did not exist (404), so ids do not leak.
 *
 * The technicians' jobs are an in-memory index kept by the tickets feature (`trackTicket` on
 * every saved ticket), so the hot checks never wait for the database.
 */
@Injectable()
export class AccessPolicy {
  /** ticket id → the job it gives its technician. */
  private readonly jobs = new Map<string, Job>();
  /** `${deviceId}\n${technicianId}` → how many of the technician's jobs are on the device. */
  private readonly jobsOnDevice = new Map<string, number>();
  /** `${customerId}\n${technicianId}` → how many of the technician's jobs are for the customer. */
  private readonly jobsForCustomer = new Map<string, number>();

  isStaff(principal: Principal): boolean {
    return principal.role === 'admin' || principal.role === 'engineer';
  }

  canSeeDevice(principal: Principal, device: DeviceAccessFacts): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
      case 'manager':
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
      case 'manager':
        return true;
      case 'technician':
        return principal.technicianId !== null && ticket.assigneeId === principal.technicianId;
      case 'customer':
        return principal.customerId !== null && ticket.customerId === principal.customerId;
    }
  }

  /** A customer's record: name, address and contact details, which a technician needs for a visit. */
  canSeeCustomer(principal: Principal, customerId: string): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
      case 'manager':
        return true;
      case 'technician':
        return (
          principal.technicianId !== null &&
          (this.jobsForCustomer.get(`${customerId}\n${principal.technicianId}`) ?? 0) > 0
        );
      case 'customer':
        return principal.customerId !== null && customerId === principal.customerId;
    }
  }

  /** A customer's points, coupons, repair charges and compensations: staff, and the customer themselves. */
  canSeeLoyalty(principal: Principal, customerId: string): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
      case 'manager':
        return true;
      case 'technician':
        return false;
      case 'customer':
        return principal.customerId !== null && customerId === principal.customerId;
    }
  }

  /** A complaint: staff, and the complaint's own customer; technicians none. */
  canSeeComplaint(principal: Principal, complaint: { customerId: string | null }): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
      case 'manager':
        return true;
      case 'technician':
        return false;
      case 'customer':
        return principal.customerId !== null && complaint.customerId === principal.customerId;
    }
  }

  /** A customer's returns and exchanges (and their appliances' sales): staff, and the customer themselves. */
  canSeeReturn(principal: Principal, customerId: string | null): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
      case 'manager':
        return true;
      case 'technician':
        return false;
      case 'customer':
        return principal.customerId !== null && customerId === principal.customerId;
    }
  }

  /**
   * Where the ticket's technician is: staff and the technician always; the ticket's customer only
   * while the technician is on the way to them (`en_route`), never before or after.
   */
  canTrackTechnician(
    principal: Principal,
    ticket: Pick<TicketAccessFacts, 'assigneeId' | 'customerId' | 'status'>,
  ): boolean {
    if (!this.canSeeTicket(principal, ticket)) return false;
    return principal.role !== 'customer' || this.customerMayTrack(ticket);
  }

  /** Whether the ticket's own customer may now see where its technician is. */
  customerMayTrack(ticket: Pick<TicketAccessFacts, 'status'>): boolean {
    return ticket.status === 'en_route';
  }

  /**
   * A satisfaction survey and its answer: staff all; the customer their own; technicians none
   * (a technician does not read the scores of their own visits one by one).
   */
  canSeeSurvey(principal: Principal, survey: { customerId: string | null }): boolean {
    switch (principal.role) {
      case 'admin':
      case 'engineer':
      case 'manager':
        return true;
      case 'technician':
        return false;
      case 'customer':
        return principal.customerId !== null && survey.customerId === principal.customerId;
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
    const current: Job | undefined =
      ticket.assigneeId !== null && !FINISHED.has(ticket.status)
        ? { deviceId: ticket.deviceId, customerId: ticket.customerId, technicianId: ticket.assigneeId }
        : undefined;
    if (
      previous?.deviceId === current?.deviceId &&
      previous?.customerId === current?.customerId &&
      previous?.technicianId === current?.technicianId
    )
      return;
    if (previous) {
      this.jobs.delete(ticket.id);
      this.count(previous, -1);
    }
    if (current) {
      this.jobs.set(ticket.id, current);
      this.count(current, +1);
    }
  }

  private count(job: Job, delta: number): void {
    adjust(this.jobsOnDevice, `${job.deviceId}\n${job.technicianId}`, delta);
    if (job.customerId !== null)
      adjust(this.jobsForCustomer, `${job.customerId}\n${job.technicianId}`, delta);
  }
}

/** Adds `delta` to a count, dropping it at zero so the index holds only live jobs. */
function adjust(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
