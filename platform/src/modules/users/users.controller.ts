import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  createUserRequestSchema,
  resetPasswordRequestSchema,
  userListQuerySchema,
  type CreateUserRequest,
  type ResetPasswordRequest,
  type ResetPasswordResponse,
  type UserListQuery,
  type UserView,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { UsersService } from './users.service';

/** The admin's user management. */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Users (never a password hash), by email; ?role=&limit=&offset=' })
  list(@Query(new ZodValidationPipe(userListQuerySchema)) query: UserListQuery): Promise<UserView[]> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a user; a technician with their technician record, a customer for an existing customer',
    description: '409 users.email_taken when the email is in use (case-insensitively).',
  })
  @ApiZodBody(createUserRequestSchema)
  create(@Body(new ZodValidationPipe(createUserRequestSchema)) body: CreateUserRequest): Promise<UserView> {
    return this.users.create(body);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable a user: sign-in refused (auth.account_disabled), their tokens refused at once',
    description: 'An admin cannot disable themselves (409 users.cannot_disable_self).',
  })
  disable(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<UserView> {
    return this.users.setDisabled(id, true, principal);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a user again; they sign in anew (tokens from before stay refused)' })
  enable(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<UserView> {
    return this.users.setDisabled(id, false, principal);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set {password}, or generate one answered once as {temporaryPassword}; ends their sessions',
  })
  @ApiZodBody(resetPasswordRequestSchema)
  resetPassword(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(resetPasswordRequestSchema)) body: ResetPasswordRequest,
  ): Promise<ResetPasswordResponse> {
    return this.users.resetPassword(id, body.password);
  }
}
