import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodValidationPipe } from '../../common/validation/zod-validation.pipe';
import { Roles } from '../auth/auth.guard';
import { DeadLetterRepository, type StoredDeadLetter } from './dead-letter.repository';

const deadLetterQuerySchema = z.object({
  deviceId: z.string().optional(),
  reason: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('api/dead-letters')
export class IngestController {
  constructor(private readonly deadLetters: DeadLetterRepository) {}

  @Get()
  @Roles('admin', 'engineer')
  @ApiOperation({ summary: 'Rejected device payloads with the reason, newest first' })
  list(
    @Query(new ZodValidationPipe(deadLetterQuerySchema)) query: z.infer<typeof deadLetterQuerySchema>,
  ): Promise<StoredDeadLetter[]> {
    return this.deadLetters.list(query);
  }
}
