import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ticketQuerySchema, type Ticket, type TicketStatus } from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('api/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get()
  @ApiOperation({ summary: 'Tickets, newest first; filter by deviceId and status' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(ticketQuerySchema)) query: { deviceId?: string; status?: TicketStatus },
  ): Promise<Ticket[]> {
    return this.tickets.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ticket with its audit log' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.tickets.get(id, principal);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  acknowledge(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Ticket> {
    return this.tickets.acknowledge(id, principal);
  }
}
