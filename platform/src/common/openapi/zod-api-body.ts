import { ApiBody } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z, type ZodType } from 'zod';

/** Documents a request body in OpenAPI from the same contracts schema that validates it. */
export function ApiZodBody(schema: ZodType, description?: string): MethodDecorator {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return ApiBody({ schema: jsonSchema as SchemaObject, description });
}
