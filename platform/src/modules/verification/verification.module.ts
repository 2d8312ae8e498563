import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { FixSignalsRepository } from './fix-signals.repository';
import { FixVerification } from './fix-verification.service';

@Module({ imports: [TicketsModule], providers: [FixVerification, FixSignalsRepository] })
export class VerificationModule {}
