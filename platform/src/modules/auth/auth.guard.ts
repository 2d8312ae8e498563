import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../../../../contracts/src';
import { AuthErrors } from './auth.errors';
import { AuthService, type Principal } from './auth.service';
import { PartnerAuthenticator, type PartnerPrincipal } from './partner-auth.port';

const PUBLIC_KEY = 'auth:public';
const ROLES_KEY = 'auth:roles';
const PARTNER_KEY = 'auth:partner';
const LINK_TOKEN_KEY = 'auth:link-token';

/** The route needs no token (login, health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Only these roles may call the route; without it any signed-in role may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * A partner system may call the route with `X-Api-Key` (and its signature) instead of a token;
 * the handler reads it with `CurrentPartner` (undefined for a signed-in user).
 */
export const PartnerAllowed = () => SetMetadata(PARTNER_KEY, true);

/**
 * The route also answers a signed link without login (`?token=`, e.g. a survey e-mail's link):
 * with a `token` query parameter the guard lets the call through and the handler verifies it.
 */
export const LinkTokenAllowed = () => SetMetadata(LINK_TOKEN_KEY, true);

type AuthedRequest = Request & { principal?: Principal; partner?: PartnerPrincipal; rawBody?: Buffer };

export const CurrentPartner = createParamDecorator(
  (_data: unknown, context: ExecutionContext): PartnerPrincipal | undefined =>
    context.switchToHttp().getRequest<AuthedRequest>().partner,
);

/** The signed-in user, or undefined on a partner's call (routes marked `PartnerAllowed`). */
export const OptionalPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<AuthedRequest>().principal,
);

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthedRequest>().principal;
    if (!principal) throw AuthErrors.missingToken();
    return principal;
  },
);

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly modules: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    if (
      typeof request.query?.token === 'string' &&
      this.reflector.getAllAndOverride<boolean>(LINK_TOKEN_KEY, targets)
    )
      return true;
    if (
      request.headers['x-api-key'] !== undefined &&
      this.reflector.getAllAndOverride<boolean>(PARTNER_KEY, targets)
    ) {
      const partners = this.modules.get(PartnerAuthenticator, { strict: false });
      request.partner = await partners.verify(request);
      return true;
    }
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw AuthErrors.missingToken();
    const principal = await this.auth.authenticate(header.slice('Bearer '.length).trim());
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) throw AuthErrors.forbidden(principal.role);
    return true;
  }
}
