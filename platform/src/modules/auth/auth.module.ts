import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountStanding } from './account-standing';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { UsersRepository } from './users.repository';

@Module({
  controllers: [AuthController],
  providers: [
    AuthService,
    AccountStanding,
    LoginThrottle,
    UsersRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, UsersRepository],
})
export class AuthModule {}
