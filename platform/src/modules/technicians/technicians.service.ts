import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { technicianError } from './technicians.errors';
import type { Principal } from '../auth/auth.service';
import type { GeoPoint, PatchTechnicianRequest, TechnicianStatus } from '../../../../contracts/src';
import { TechniciansRepository, type Technician } from './technicians.repository';

/** Technicians: skills, shifts, region, status and where they are now. */
@Injectable()
export class TechniciansService {
  constructor(
    private readonly repository: TechniciansRepository,
    private readonly clock: Clock,
  ) {}

  all(): Promise<Technician[]> {
    return this.repository.all();
  }

  /** Candidates for dispatch: a technician whose account is disabled takes no new job. */
  dispatchable(): Promise<Technician[]> {
    return this.repository.dispatchable();
  }

  find(id: string): Promise<Technician | undefined> {
    return this.repository.find(id);
  }

  async require(id: string, field = 'technicianId'): Promise<Technician> {
    const technician = await this.repository.find(id);
    if (!technician) {
      throw technicianError('technician.not_found', `No technician "${id}"`, {
        field,
        technicianId: id,
      });
    }
    return technician;
  }

  /**
   * The admin's change of skills, shifts, base, status, capacity, region or name. Dispatch reads
   * technicians from the database each time it chooses, so the next dispatch sees it.
   */
  async update(id: string, patch: PatchTechnicianRequest): Promise<Technician> {
    if (!(await this.repository.update(id, patch, this.clock.now())))
      throw technicianError('technician.not_found', `No technician "${id}"`, { technicianId: id });
    return this.require(id);
  }

  /**
   * Every status change goes through here (the admin's patch, a job starting or ending), and
   * each is written to the status history with its time: the staff board's online hours and busy
   * share come from it.
   */
  async setStatus(id: string, status: TechnicianStatus): Promise<void> {
    await this.update(id, { status });
  }

  /**
   * A technician driving to or working at a job is `busy`; once no job of theirs is en route or
   * on site, an automatically busy technician is `available` again. Statuses the admin set
   * (off duty, on leave) are left alone.
   */
  async followJobs(id: string, jobsUnderway: number): Promise<void> {
    const status = await this.repository.status(id);
    if (status === 'available' && jobsUnderway > 0) await this.setStatus(id, 'busy');
    else if (status === 'busy' && jobsUnderway === 0) await this.setStatus(id, 'available');
  }

  /** Technicians read their own record; staff read any. */
  async get(id: string, principal: Principal): Promise<Technician> {
    if (principal.role === 'customer' || (principal.role === 'technician' && principal.technicianId !== id)) {
      throw technicianError('technician.not_found', `No technician "${id}"`, { technicianId: id });
    }
    return this.require(id);
  }

  /** Records where the technician is, reported at `atMs`. */
  setLocation(id: string, location: GeoPoint, atMs: number): Promise<void> {
    return this.repository.setLocation(id, location, atMs);
  }

  lastLocation(id: string): Promise<(GeoPoint & { atMs: number | null }) | undefined> {
    return this.repository.lastLocation(id);
  }
}
