import { Global, Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy';

/** Visibility rules shared by every feature's REST reads and the Socket.IO rooms. */
@Global()
@Module({ providers: [AccessPolicy], exports: [AccessPolicy] })
export class AccessModule {}
