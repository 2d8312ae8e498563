/**
 * Medium test: text the database cannot store (U+0000) or no id needs (a path parameter over
 * 200 characters) is refused at the HTTP edge with a 400 naming the field, on every route the
 * platform serves, instead of reaching PostgreSQL / PGlite and answering 500. Real: the
 * platform (Nest HTTP, PGlite, the embedded telemetry store) with its seeded demo world; the
 * routes come from its OpenAPI document and the query parameters from the schemas its
 * controllers validate them with, so a new route or parameter is covered without editing this.
 */
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { z } from 'zod';
import { APPLIANCE_PROFILES } from '../../contracts/src';
import { ZodValidationPipe } from '../../platform/src/common/validation/zod-validation.pipe';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD } from './service-support';

interface Operation {
  method: string;
  /** OpenAPI form: `/api/tickets/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }> }>>;
}

interface ErrorBody {
  statusCode: number;
  code: string;
  field?: string;
}

const NUL = '%00';

/** `METHOD /openapi/{path}` → the query parameters its handler reads (named, or a zod schema's keys). */
function queryParamsOfHandlers(t: TestPlatform): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const module of t.platform.app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.values()) {
      const metatype = controller.metatype as (new (...args: never[]) => object) | null;
      if (!metatype) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, metatype) as string | string[]].flat()[0] ?? '';
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const route = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (route === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const path = `/${[base, [route].flat()[0]].filter((p) => p && p !== '/').join('/')}`.replace(
          /:(\w+)/g,
          '{$1}',
        );
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) ?? {}) as Record<
          string,
          { data?: unknown; pipes?: unknown[] }
        >;
        const names: string[] = [];
        for (const [key, arg] of Object.entries(args)) {
          if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
          if (typeof arg.data === 'string') names.push(arg.data);
          for (const pipe of arg.pipes ?? []) {
            if (!(pipe instanceof ZodValidationPipe)) continue;
            const schema = z.toJSONSchema(pipe.schema, { io: 'input', unrepresentable: 'any' }) as {
              properties?: Record<string, unknown>;
            };
            names.push(...Object.keys(schema.properties ?? {}));
          }
        }
        found.set(`${method} ${path}`, names);
      }
    }
  }
  return found;
}

describe('text no route can use is refused at the HTTP edge', () => {
  let t: TestPlatform;
  let admin: string;
  let technician: string;
  let customer: string;
  let operations: Operation[];

  beforeAll(async () => {
    t = await startTestPlatform();
    admin = await t.login();
    const technicians = await t.http<Technician[]>('GET', '/api/technicians', { token: admin });
    technician = await t.login({ email: technicians.body[0].email as string, password: TECHNICIAN_PASSWORD });
    const customers = await t.http<Customer[]>('GET', '/api/customers?limit=1', { token: admin });
    customer = await t.login({ email: customers.body[0].email as string, password: CUSTOMER_PASSWORD });
    const docs = await t.http<OpenApiDocument>('GET', '/api/docs-json');
    const handlers = queryParamsOfHandlers(t);
    operations = Object.entries(docs.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const declared = op.parameters ?? [];
        const fromHandler = handlers.get(`${method.toUpperCase()} ${path}`) ?? [];
        return {
          method: method.toUpperCase(),
          path,
          pathParams: declared.filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: [
            ...new Set([...declared.filter((p) => p.in === 'query').map((p) => p.name), ...fromHandler]),
          ],
        };
      }),
    );
  });

  afterAll(async () => {
    await t?.stop();
  });

  const fill = (op: Operation, values: Record<string, string> = {}) =>
    op.path.replace(/\{(\w+)\}/g, (_match, name: string) => values[name] ?? 'no-such-id');

  const call = (op: Operation, url: string, token = admin) =>
    t.http<ErrorBody>(op.method, url, { token, body: op.method === 'GET' ? undefined : {} });

  it('finds the routes and the query parameters they read', () => {
    // guards the enumeration itself: an empty list would make every check below pass
    expect(operations.length).toBeGreaterThanOrEqual(35);
    const byRoute = (m: string, p: string) => operations.find((o) => o.method === m && o.path === p);
    expect(byRoute('GET', '/api/tickets')?.queryParams).toContain('deviceId');
    expect(byRoute('GET', '/api/customers')?.queryParams).toEqual(
      expect.arrayContaining(['region', 'limit', 'offset']),
    );
    expect(byRoute('GET', '/api/parts/lots/{lot}')?.pathParams).toEqual(['lot']);
    expect(operations.filter((o) => o.pathParams.length > 0).length).toBeGreaterThanOrEqual(20);
    expect(operations.filter((o) => o.queryParams.length > 0).length).toBeGreaterThanOrEqual(8);
  });

  it('answers 400 naming the path parameter, query parameter or unknown parameter that holds a NUL', async () => {
    const wrong: string[] = [];
    let token = admin;
    const expect400 = async (op: Operation, url: string, field: string) => {
      const res = await call(op, url, token);
      if (res.status !== 400 || res.body.field !== field || res.body.code !== 'validation_failed')
        wrong.push(`${op.method} ${url} → ${res.status} ${res.text.slice(0, 120)}`);
    };
    for (const op of operations) {
      // as a role that may call the route (accepting an offer is a technician's, a customer's own
      // loyalty account a customer's): roles are checked first
      token = admin;
      for (const candidate of [technician, customer]) {
        if ((await call(op, fill(op), token)).status !== 403) break;
        token = candidate;
      }
      for (const name of op.pathParams) await expect400(op, fill(op, { [name]: NUL }), name);
      for (const name of op.queryParams) await expect400(op, `${fill(op)}?${name}=${NUL}`, name);
      await expect400(op, `${fill(op)}?x=${NUL}`, 'x');
      await expect400(op, `${fill(op)}?x=ok&x=a${NUL}b`, 'x');
    }
    expect(wrong).toEqual([]);
  });

  it('answers 400 for a NUL anywhere in a JSON body, naming where', async () => {
    const [type, profile] = Object.entries(APPLIANCE_PROFILES)[0];
    const guidance = {
      type,
      faultMode: profile.faultModes[0].mode,
      title: 'Check the drum',
      checks: [],
      steps: ['Open the door', `Spin the drum by hand\u0000`],
      safetyNotes: [],
      expectedReadings: [],
      parts: [],
    };
    const res = await t.http<ErrorBody>('POST', '/api/guidance', { token: admin, body: guidance });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed', field: 'steps.1' });

    const cancel = await t.http<ErrorBody>('POST', '/api/tickets/no-such-id/cancel', {
      token: admin,
      body: { reason: '\u0000' },
    });
    expect(cancel.body).toMatchObject({ statusCode: 400, field: 'reason' });

    // a body nested far deeper than any schema goes is still walked without a stack overflow
    const deep = `${'['.repeat(20_000)}"\\u0000"${']'.repeat(20_000)}`;
    const response = await fetch(`${t.baseUrl}/api/guidance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: deep,
    });
    expect(response.status).toBe(400);
  });

  it('answers 400 for a path parameter longer than 200 characters, and 404 for one just within', async () => {
    const tooLong = await t.http<ErrorBody>('GET', `/api/tickets/${'a'.repeat(201)}`, { token: admin });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ code: 'validation_failed', field: 'id' });
    expect((await t.http('GET', `/api/tickets/${'a'.repeat(200)}`, { token: admin })).status).toBe(404);
  });

  it('still serves ordinary requests, and still asks for a token before anything else', async () => {
    const customers = await t.http<Customer[]>('GET', '/api/customers?limit=5&offset=0', { token: admin });
    expect(customers.status).toBe(200);
    expect(customers.body).toHaveLength(5);
    const customer = customers.body[0];
    expect((await t.http('GET', `/api/customers/${customer.id}`, { token: admin })).status).toBe(200);
    expect((await t.http('GET', '/api/tickets?deviceId=d-1', { token: admin })).status).toBe(200);
    expect((await t.http('GET', '/api/parts/lots/LOT-1', { token: admin })).status).toBe(200);
    expect((await t.http('GET', '/api/devices', { token: admin })).status).toBe(200);
    // other escapes and non-ASCII text pass untouched
    expect((await t.http('GET', '/api/tickets?deviceId=%E6%B4%97%E8%A1%A3', { token: admin })).status).toBe(
      200,
    );
    const badName = await t.http<ErrorBody>('GET', `/api/tickets?${NUL}=1`, { token: admin });
    expect(badName.body).toMatchObject({ statusCode: 400, field: '\\u0000' });
    expect((await t.http('GET', `/api/tickets/${NUL}`)).status).toBe(401);
  });
});
