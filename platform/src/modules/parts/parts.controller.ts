import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { FillRate, Part, PartConsumption, PartStock } from '../../../../contracts/src';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { Roles } from '../auth/auth.guard';
import type { FillRate as InventoryFillRate } from './inventory';
import { PartsService, type SkuStock } from './parts.service';

// The service and the inventory rules still declare these answers themselves; each pair must be
// the same type both ways, so a field added or dropped on either side fails the typecheck.
type _StockIsWire<T extends PartStock = SkuStock> = T;
type _WireIsStock<T extends SkuStock = PartStock> = T;
type _FillRateIsWire<T extends FillRate = InventoryFillRate> = T;
type _WireIsFillRate<T extends InventoryFillRate = FillRate> = T;

const stockQuerySchema = z.object({
  locationId: z.string().min(1).max(64).optional(),
  sku: z.string().min(1).max(64).optional(),
});

@ApiTags('parts')
@ApiBearerAuth()
@Controller('api/parts')
@Roles('admin', 'engineer', 'technician')
export class PartsController {
  constructor(private readonly parts: PartsService) {}

  @Get()
  @ApiOperation({ summary: 'The parts catalogue: SKU, compatible models, price, ABC class' })
  list(): Promise<Part[]> {
    return this.parts.parts();
  }

  @Get('stock')
  @ApiOperation({ summary: 'Stock per SKU and location, reorder point and suggested order quantity (EOQ)' })
  stock(
    @Query(new ZodValidationPipe(stockQuerySchema)) query: z.infer<typeof stockQuerySchema>,
  ): Promise<PartStock[]> {
    return this.parts.stock(query);
  }

  @Get('fill-rate')
  @ApiOperation({
    summary: 'First-time fill rate: resolved tickets whose parts were at hand at the first visit',
  })
  fillRate(): Promise<FillRate> {
    return this.parts.fillRate();
  }

  @Get('lots/:lot')
  @ApiOperation({ summary: 'Where the parts of one lot were fitted (ticket, location, quantity)' })
  lot(@Param('lot') lot: string): Promise<PartConsumption[]> {
    return this.parts.consumptions({ lot });
  }
}
