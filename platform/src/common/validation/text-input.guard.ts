import { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';

/** Well above any id the product issues (64 characters), well below anything worth a query. */
export const MAX_PATH_PARAM_LENGTH = 200;

type Place = 'path' | 'query' | 'body';

/**
 * Refuses, for every route and before any pipe or handler, text no route can use: U+0000 in a
 * path parameter, a query parameter's name or value or anything in a JSON body (PostgreSQL
 * text and jsonb cannot hold it, so it surfaced as a 500), and a path parameter longer than
 * any id. The 400 is the zod pipe's `validation_failed`, naming the field and where it was.
 * Registered after the auth guard: a caller without a token learns nothing about its input.
 */
export class TextInputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    for (const [name, value] of Object.entries(request.params ?? {}) as Array<[string, unknown]>) {
      if (findNul(value) !== undefined) throw nulRefused(name, 'path');
      if (typeof value === 'string' && value.length > MAX_PATH_PARAM_LENGTH)
        throw new AppError(
          'validation_failed',
          'invalid',
          `${name}: at most ${MAX_PATH_PARAM_LENGTH} characters`,
          { field: name, in: 'path' },
        );
    }
    const query = request.query as Record<string, unknown>;
    for (const name of Object.keys(query)) {
      if (name.includes('\0') || findNul(query[name]) !== undefined)
        throw nulRefused(printable(name), 'query');
    }
    const inBody = findNul(request.body);
    if (inBody !== undefined) throw nulRefused(inBody || '(body)', 'body');
    return true;
  }
}

function nulRefused(field: string, place: Place): AppError {
  return new AppError('validation_failed', 'invalid', `${field}: must not contain U+0000 (NUL)`, {
    field,
    in: place,
  });
}

const printable = (key: string) => key.replaceAll('\0', '\\u0000');

/**
 * Where the first U+0000 is in a parsed JSON value or query: `''` for the value itself,
 * `steps.1` or `address.city` (the zod pipe's form) below it, `undefined` when there is none.
 * Iterative, so a body nested thousands deep cannot overflow the stack.
 */
export function findNul(value: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path } = next;
    if (typeof current === 'string') {
      if (current.includes('\0')) return path;
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      const children = Object.entries(current).map(([key, child]) => ({
        key,
        value: child as unknown,
        path: path ? `${path}.${printable(key)}` : printable(key),
      }));
      const badKey = children.find((child) => child.key.includes('\0'));
      if (badKey) return badKey.path;
      // reversed, so the first field is looked at first
      for (const child of children.reverse()) pending.push(child);
    }
  }
  return undefined;
}
