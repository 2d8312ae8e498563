import { Injectable } from '@nestjs/common';
import { technicianError } from './technicians.errors';
import type { Principal } from '../auth/auth.service';
import type { GeoPoint } from '../../../../contracts/src';
import { TechniciansRepository, type Technician } from './technicians.repository';

/** Technicians: skills, shifts, region, status and where they are now. */
@Injectable()
export class TechniciansService {
  constructor(private readonly repository: TechniciansRepository) {}

  all(): Promise<Technician[]> {
    return this.repository.all();
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

  /** Technicians read their own record; staff read any. */
  async get(id: string, principal: Principal): Promise<Technician> {
    if (principal.role === 'customer' || (principal.role === 'technician' && principal.technicianId !== id)) {
      throw technicianError('technician.not_found', `No technician "${id}"`, { technicianId: id });
    }
    return this.require(id);
  }

  setLocation(id: string, location: GeoPoint): Promise<void> {
    return this.repository.setLocation(id, location);
  }
}
