import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  partShipmentsQuerySchema,
  shipPartRequestSchema,
  type PartShipment,
  type PartShipmentsQuery,
  type ShipPartRequest,
} from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { PartShipmentsService } from './part-shipments.service';

/** Parts sent from a warehouse to the technician who waits for them. */
@ApiTags('parts')
@ApiBearerAuth()
@Controller('api/parts/shipments')
export class PartShipmentsController {
  constructor(private readonly shipments: PartShipmentsService) {}

  @Get()
  @Roles('admin', 'engineer', 'technician', 'manager')
  @ApiOperation({
    summary: 'Part shipments, newest request first; a technician sees only the parts sent to them',
  })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(partShipmentsQuerySchema)) query: PartShipmentsQuery,
  ): Promise<PartShipment[]> {
    return this.shipments.list(query, principal);
  }

  @Post(':id/ship')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'The warehouse sent the part: requested → shipped (carrier, tracking number)' })
  ship(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body(new ZodValidationPipe(shipPartRequestSchema)) body: ShipPartRequest,
  ): Promise<PartShipment> {
    return this.shipments.ship(id, body ?? {}, principal);
  }

  @Post(':id/arrive')
  @HttpCode(200)
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: "The part reached the technician's pickup point: shipped → arrived" })
  arrive(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<PartShipment> {
    return this.shipments.arrive(id, principal);
  }

  @Post(':id/pick-up')
  @HttpCode(200)
  @Roles('admin', 'engineer', 'technician')
  @ApiOperation({
    summary: 'The technician has the part: shipped or arrived → picked_up (a technician, only their own)',
  })
  pickUp(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<PartShipment> {
    return this.shipments.pickUp(id, principal);
  }
}
