import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  patchCustomerRequestSchema,
  type Customer,
  type PatchCustomerRequest,
} from '../../../../contracts/src';
import { ApiZodBody } from '../../common/openapi/zod-api-body';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from './customers.service';

const customerQuerySchema = z.object({
  region: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Customers with tier, address and region; paginated by limit and offset' })
  list(
    @Query(new ZodValidationPipe(customerQuerySchema)) query: z.infer<typeof customerQuerySchema>,
  ): Promise<Customer[]> {
    return this.customers.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One customer; a customer reads only their own record, a technician those of their unfinished jobs',
  })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Customer> {
    return this.customers.get(id, principal);
  }

  @Patch(':id')
  @Roles('admin', 'engineer')
  @ApiOperation({
    summary: 'Change tier, name, phone or email (null clears a contact detail); answers the customer',
    description: "The tier sets the SLA targets of the customer's next tickets.",
  })
  @ApiZodBody(patchCustomerRequestSchema)
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(patchCustomerRequestSchema)) body: PatchCustomerRequest,
  ): Promise<Customer> {
    return this.customers.update(id, body);
  }
}
