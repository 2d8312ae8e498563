import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { updateMeRequestSchema, type Me, type UpdateMeRequest } from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { UsersService } from './users.service';

/** The signed-in user, any role. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    summary:
      'Who is signed in: id, role, email, name, language (null until chosen), technicianId or customerId',
  })
  get(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.users.me(principal);
  }

  @Patch()
  @ApiOperation({ summary: 'Save the signed-in user\'s language ("en" or "zh-CN"); answers as GET' })
  @ApiZodBody(updateMeRequestSchema)
  update(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodValidationPipe(updateMeRequestSchema)) body: UpdateMeRequest,
  ): Promise<Me> {
    return this.users.setLanguage(principal, body.language);
  }
}
