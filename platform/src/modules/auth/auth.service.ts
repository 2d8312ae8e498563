import { createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { roleSchema, type LoginRequest, type LoginResponse, type Role } from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccountStanding } from './account-standing';
import { AuthErrors } from './auth.errors';
import { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password-hash';
import { UsersRepository } from './users.repository';

/** Who is calling, as read from a verified access token. */
export interface Principal {
  userId: string;
  role: Role;
  customerId: string | null;
  technicianId: string | null;
}

const TOKEN_TTL_S = 12 * 3600;

/** A verified token: who it is for, and the sessions generation it was issued in (0 before there were any). */
interface TokenClaims {
  principal: Principal;
  tokenVersion: number;
}

@Injectable()
export class AuthService implements OnModuleInit {
  /**
   * The signing secret as a key object, made once: given a string, jsonwebtoken first tries to
   * read it as a PEM public key on every sign and verify, and that failed parse cost ~0.4 ms of
   * CPU per authenticated request.
   */
  private secret?: KeyObject;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    private readonly loginThrottle: LoginThrottle,
    private readonly standing: AccountStanding,
    private readonly events: DomainEvents,
  ) {}

  async onModuleInit(): Promise<void> {
    this.secret = createSecretKey(Buffer.from(this.config.jwtSecret ?? this.loadOrCreateSecret(), 'utf8'));
    if (!(await this.users.findByEmail(this.config.adminEmail))) {
      await this.createUser({
        email: this.config.adminEmail,
        password: this.config.adminPassword,
        role: 'admin',
        name: 'Administrator',
      });
      this.logger.info({ email: this.config.adminEmail }, 'first admin created');
    }
  }

  async createUser(input: {
    email: string;
    password: string;
    role: Role;
    name?: string;
    customerId?: string;
    technicianId?: string;
  }): Promise<string> {
    const id = randomUUID();
    await this.users.insert(
      {
        id,
        email: input.email,
        passwordHash: await hashPassword(input.password),
        role: input.role,
        name: input.name ?? null,
        customerId: input.customerId ?? null,
        technicianId: input.technicianId ?? null,
      },
      this.clock.now(),
    );
    return id;
  }

  /**
   * Demo accounts: one scrypt hash shared by users of one demo password, so seeding hundreds
   * of them at first start costs one hash, not hundreds. Existing emails are skipped.
   */
  async createDemoUsers(
    password: string,
    users: Array<{ email: string; role: Role; name: string; customerId?: string; technicianId?: string }>,
  ): Promise<void> {
    const passwordHash = await hashPassword(password);
    for (const user of users) {
      if (await this.users.findByEmail(user.email)) continue;
      await this.users.insert(
        {
          id: randomUUID(),
          email: user.email,
          passwordHash,
          role: user.role,
          name: user.name,
          customerId: user.customerId ?? null,
          technicianId: user.technicianId ?? null,
        },
        this.clock.now(),
      );
    }
  }

  async login(request: LoginRequest, clientAddress: string): Promise<LoginResponse> {
    const user = await this.loginThrottle.attempt(request.email, clientAddress, async () => {
      const found = await this.users.findByEmail(request.email);
      return found && (await verifyPassword(request.password, found.passwordHash)) ? found : undefined;
    });
    if (!user) throw AuthErrors.badCredentials();
    // only once the password is right, so a guesser cannot tell disabled accounts apart
    if (user.disabledAt !== null) throw AuthErrors.accountDisabled();
    const claims = { role: user.role, cid: user.customerId, tid: user.technicianId, ver: user.tokenVersion };
    const accessToken = jwt.sign(claims, this.signingKey(), {
      subject: user.id,
      expiresIn: TOKEN_TTL_S,
      algorithm: 'HS256',
    });
    return { accessToken, role: user.role, userId: user.id };
  }

  /**
   * The caller of a request or socket: a valid, unexpired token of ours whose user still exists,
   * is not disabled (`auth.account_disabled`) and has not had their sessions ended since it was
   * issued (`auth.invalid_token`).
   */
  async authenticate(token: string): Promise<Principal> {
    const { principal, tokenVersion } = this.decode(token);
    const standing = await this.standing.of(principal.userId);
    if (!standing) throw AuthErrors.invalidToken();
    if (standing.disabled) throw AuthErrors.accountDisabled();
    if (standing.tokenVersion !== tokenVersion) throw AuthErrors.invalidToken();
    return principal;
  }

  /** Disables (ending every session at once, on REST and Socket.IO) or enables a user. */
  async setDisabled(userId: string, disabled: boolean): Promise<void> {
    await this.users.setDisabled(userId, disabled ? this.clock.now() : null);
    this.standing.forget(userId);
    if (disabled) this.events.emit('user.sessions_ended', { userId });
  }

  /** Sets a user's password; their sessions end, so they sign in again with it. */
  async setPassword(userId: string, password: string): Promise<void> {
    await this.users.setPassword(userId, await hashPassword(password));
    this.standing.forget(userId);
    this.events.emit('user.sessions_ended', { userId });
  }

  /** Throws `auth.invalid_token` for anything but a valid, unexpired token of ours. */
  private decode(token: string): TokenClaims {
    try {
      const payload = jwt.verify(token, this.signingKey(), { algorithms: ['HS256'] });
      if (typeof payload === 'string' || !payload.sub) throw AuthErrors.invalidToken();
      return {
        principal: {
          userId: payload.sub,
          role: roleSchema.parse(payload.role),
          customerId: typeof payload.cid === 'string' ? payload.cid : null,
          technicianId: typeof payload.tid === 'string' ? payload.tid : null,
        },
        tokenVersion: typeof payload.ver === 'number' ? payload.ver : 0,
      };
    } catch {
      throw AuthErrors.invalidToken();
    }
  }

  private signingKey(): KeyObject {
    if (!this.secret) throw new Error('AuthService used before its module was initialised');
    return this.secret;
  }

  /** Tokens stay valid across a restart: the signing secret lives under DATA_DIR. */
  private loadOrCreateSecret(): string {
    const file = path.join(this.config.dataDir, 'jwt-secret');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    fs.mkdirSync(this.config.dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
