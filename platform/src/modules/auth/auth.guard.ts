import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../../../../contracts/src';
import { AuthErrors } from './auth.errors';
import { AuthService, type Principal } from './auth.service';

const PUBLIC_KEY = 'auth:public';
const ROLES_KEY = 'auth:roles';

/** The route needs no token (login, health, metrics). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Only these roles may call the route; without it any signed-in role may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

type AuthedRequest = Request & { principal?: Principal };

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
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw AuthErrors.missingToken();
    const principal = await this.auth.authenticate(header.slice('Bearer '.length).trim());
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) throw AuthErrors.forbidden(principal.role);
    return true;
  }
}
