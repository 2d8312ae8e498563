import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type {
  CreateUserRequest,
  Language,
  Me,
  ResetPasswordResponse,
  UserListQuery,
  UserView,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { AuthService, type Principal } from '../auth/auth.service';
import { AuthErrors } from '../auth/auth.errors';
import { hashPassword } from '../auth/password-hash';
import { UsersRepository, type UserRecord } from '../auth/users.repository';
import { CustomersService } from '../customers/customers.service';
import { TechniciansRepository } from '../technicians/technicians.repository';
import { userError } from './users.errors';

/** How many open tickets a new technician may hold when the admin does not say. */
const DEFAULT_MAX_OPEN_TICKETS = 6;

const toView = (user: UserRecord): UserView => ({
  id: user.id,
  email: user.email,
  role: user.role,
  name: user.name,
  language: user.language,
  disabled: user.disabledAt !== null,
  technicianId: user.technicianId,
  customerId: user.customerId,
  createdAt: user.createdAt,
});

/** Unique-constraint violation, PostgreSQL and PGlite alike. */
const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

/**
 * Accounts: the signed-in user's own view and language, and the admin's user management
 * (create, with the technician record a technician signs in for; disable, enable, reset the
 * password). Sessions and passwords are the auth feature's: disabling and resetting go through it.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly auth: AuthService,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
    @Inject(SQL_CLIENT) private readonly db: SqlClient,
  ) {}

  async me(principal: Principal): Promise<Me> {
    // authenticated a moment ago; gone only if deleted since
    const user = await this.users.find(principal.userId);
    if (!user) throw AuthErrors.invalidToken();
    return {
      id: user.id,
      role: user.role,
      email: user.email,
      name: user.name,
      language: user.language,
      ...(user.technicianId !== null ? { technicianId: user.technicianId } : {}),
      ...(user.customerId !== null ? { customerId: user.customerId } : {}),
    };
  }

  async setLanguage(principal: Principal, language: Language): Promise<Me> {
    await this.users.setLanguage(principal.userId, language);
    return this.me(principal);
  }

  async list(query: UserListQuery): Promise<UserView[]> {
    return (await this.users.list(query)).map(toView);
  }

  /**
   * A new account. A technician's comes with its technician record, both written in one
   * transaction and each naming the other, so the technician signs in at once and is a
   * dispatch candidate from the next dispatch on.
   */
  async create(request: CreateUserRequest): Promise<UserView> {
    await this.ensureEmailFree(request.email);
    if (request.customerId) await this.customers.require(request.customerId, 'customerId');
    const userId = randomUUID();
    const technicianId = request.technician ? `tech-${randomBytes(6).toString('hex')}` : null;
    const passwordHash = await hashPassword(request.password);
    const now = this.clock.now();
    try {
      await this.db.transaction(async (tx) => {
        await this.users.insert(
          {
            id: userId,
            email: request.email,
            passwordHash,
            role: request.role,
            name: request.name,
            language: request.language ?? null,
            customerId: request.customerId ?? null,
            technicianId,
          },
          now,
          tx,
        );
        if (request.technician && technicianId) {
          const t = request.technician;
          await TechniciansRepository.insert(
            tx,
            {
              id: technicianId,
              name: request.name,
              email: request.email,
              region: t.region,
              baseLocation: t.baseLocation,
              currentLocation: t.baseLocation,
              skills: t.skills,
              weeklyShifts: t.weeklyShifts,
              status: 'available',
              maxOpenTickets: t.maxOpenTickets ?? DEFAULT_MAX_OPEN_TICKETS,
              vanId: null,
              userId,
            },
            now, // their status history starts now
          );
        }
      });
    } catch (error) {
      // another request took the address between the check and the insert
      if (isUniqueViolation(error)) throw this.emailTaken(request.email);
      throw error;
    }
    return toView(await this.require(userId));
  }

  async setDisabled(id: string, disabled: boolean, actor: Principal): Promise<UserView> {
    if (disabled && id === actor.userId)
      throw userError('users.cannot_disable_self', 'An administrator cannot disable their own account', {
        userId: id,
      });
    await this.require(id);
    await this.auth.setDisabled(id, disabled);
    return toView(await this.require(id));
  }

  /** Sets the given password, or generates one and answers it this one time. */
  async resetPassword(id: string, password: string | undefined): Promise<ResetPasswordResponse> {
    await this.require(id);
    const temporaryPassword = password === undefined ? randomBytes(12).toString('base64url') : undefined;
    await this.auth.setPassword(id, password ?? (temporaryPassword as string));
    return temporaryPassword === undefined ? {} : { temporaryPassword };
  }

  private async require(id: string): Promise<UserRecord> {
    const user = await this.users.find(id);
    if (!user) throw userError('users.not_found', `No user "${id}"`, { userId: id });
    return user;
  }

  private async ensureEmailFree(email: string): Promise<void> {
    if (await this.users.findByEmail(email)) throw this.emailTaken(email);
  }

  private emailTaken(email: string) {
    return userError('users.email_taken', `A user with the email "${email}" already exists`, {
      field: 'email',
      email,
    });
  }
}
