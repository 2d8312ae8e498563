import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { loginRequestSchema, type LoginRequest, type LoginResponse } from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { Public } from './auth.guard';
import { AuthService } from './auth.service';
import { ACCOUNT_LIMIT, CLIENT_LIMIT } from './login-throttle';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange email and password for a bearer access token',
    description: `After ${ACCOUNT_LIMIT.failures} failed sign-ins for an email, or ${CLIENT_LIMIT.failures} from one client address, within ${ACCOUNT_LIMIT.windowMs / 60_000} minutes: 429 auth.too_many_attempts with Retry-After.`,
  })
  @ApiZodBody(loginRequestSchema)
  login(
    @Body(new ZodValidationPipe(loginRequestSchema)) body: LoginRequest,
    // the socket's address: set Express's "trust proxy" before serving behind a reverse proxy
    @Ip() clientAddress: string | undefined,
  ): Promise<LoginResponse> {
    return this.auth.login(body, clientAddress ?? 'unknown');
  }
}
