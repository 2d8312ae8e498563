import { PipeTransform } from '@nestjs/common';
import type { ZodType } from 'zod';
import { AppError } from '../errors/app-error';

/** Parses a body or query with a contracts schema; a failure is a 400 naming the first bad field. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  /** Readable, so a test can list the fields a route accepts. */
  constructor(readonly schema: ZodType<T>) {}

  transform(value: unknown): T {
    const parsed = this.schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const field =
      issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(body)');
    return this.fail(field, issue.message, parsed.error.issues.length);
  }

  private fail(field: string, message: string, count: number): never {
    throw new AppError('validation_failed', 'invalid', `${field}: ${message}`, { field, issues: count });
  }
}
