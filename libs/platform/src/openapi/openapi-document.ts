import 'reflect-metadata';
import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { z } from 'zod';
import { PUBLIC_KEY, ROLES_KEY } from '../security/access.decorators';
import type { Role } from '../security/api-keys';

/** How one route is described: its inputs and output as the zod schemas the code validates or returns with. */
export interface OperationDoc {
  readonly summary: string;
  readonly description?: string;
  /** Path parameters (`:id` in the route); a parameter not listed here is a plain string. */
  readonly params?: Readonly<Record<string, z.ZodType>>;
  readonly query?: Readonly<Record<string, z.ZodType>>;
  /** The request body schema, as the handler parses it. */
  readonly body?: z.ZodType;
  /** The success body: a schema (JSON), or a media type and description for text, HTML and scripts. */
  readonly response: z.ZodType | { readonly mediaType: string; readonly description: string };
  /** Further statuses the handler answers with, besides the access errors every protected route has. */
  readonly errors?: Readonly<Record<number, string>>;
}

/** One controller and a description of each of its handlers (keyed by method name). */
export interface ControllerDoc {
  readonly controller: Type;
  readonly operations: Readonly<Record<string, OperationDoc>>;
}

export interface ApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
}

export class UndocumentedRouteError extends Error {}

const METHODS: Readonly<Partial<Record<RequestMethod, string>>> = {
  [RequestMethod.GET]: 'get',
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

/** `{statusCode, error, message}`, what HttpErrorFilter answers every error with. */
export const errorBody = z.object({
  statusCode: z.number().int(),
  error: z.string().optional(),
  message: z.union([z.string(), z.array(z.string())]),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

const joinPath = (...parts: string[]): string =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/');

function routeOf(controller: Type, handler: string): { method: string; path: string; status: number } | undefined {
  const fn = (controller.prototype as Record<string, unknown>)[handler];
  if (typeof fn !== 'function') return undefined;
  const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
  if (method === undefined) return undefined;
  const verb = METHODS[method];
  if (verb === undefined) throw new UndocumentedRouteError(`${controller.name}.${handler}: unsupported method`);
  const base = (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined) ?? '';
  const own = (Reflect.getMetadata(PATH_METADATA, fn) as string | undefined) ?? '';
  const status = (Reflect.getMetadata(HTTP_CODE_METADATA, fn) as number | undefined) ?? (verb === 'post' ? 201 : 200);
  return { method: verb, path: joinPath(base, own), status };
}

/** Every route a controller serves, as Nest registers it (method name → method and path). */
export function controllerRoutes(controller: Type): Map<string, { method: string; path: string; status: number }> {
  const routes = new Map<string, { method: string; path: string; status: number }>();
  for (const handler of Object.getOwnPropertyNames(controller.prototype)) {
    if (handler === 'constructor') continue;
    const route = routeOf(controller, handler);
    if (route) routes.set(handler, route);
  }
  return routes;
}

function accessOf(controller: Type, handler: string): { open: boolean; roles: readonly Role[] } {
  const fn = (controller.prototype as Record<string, unknown>)[handler] as object;
  const open =
    (Reflect.getMetadata(PUBLIC_KEY, fn) as boolean | undefined) ??
    (Reflect.getMetadata(PUBLIC_KEY, controller) as boolean | undefined) ??
    false;
  const roles =
    (Reflect.getMetadata(ROLES_KEY, fn) as Role[] | undefined) ??
    (Reflect.getMetadata(ROLES_KEY, controller) as Role[] | undefined) ??
    // AccessGuard's default: a route that names no role is an admin route.
    (['admin'] as Role[]);
  return { open, roles };
}

const errorResponse = (description: string): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * OpenAPI 3.1 of a service, built from what the code runs on: routes, methods, success statuses and roles from the
 * Nest metadata of its controllers, bodies, parameters and responses from the zod schemas the handlers validate or
 * answer with. A route without a description is an error, so a new endpoint cannot ship undocumented.
 */
export function openApiDocument(info: ApiInfo, docs: readonly ControllerDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { controller, operations } of docs) {
    const routes = controllerRoutes(controller);
    for (const handler of Object.keys(operations))
      if (!routes.has(handler)) throw new UndocumentedRouteError(`${controller.name}.${handler} is not a route`);
    for (const [handler, route] of routes) {
      const doc = operations[handler];
      if (!doc) throw new UndocumentedRouteError(`${controller.name}.${handler} (${route.method} ${route.path})`);
      const access = accessOf(controller, handler);
      const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '');
      const parameters = [
        ...pathParams.map((name) => ({
          name,
          in: 'path',
          required: true,
          schema: jsonSchema(doc.params?.[name] ?? z.string(), 'input'),
        })),
        ...Object.entries(doc.query ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required: !schema.safeParse(undefined).success,
          schema: jsonSchema(schema, 'input'),
        })),
      ];
      const success =
        doc.response instanceof z.ZodType
          ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(doc.response, 'output') } } }
          : {
              description: doc.response.description,
              content: { [doc.response.mediaType]: { schema: { type: 'string' } } },
            };
      const responses: Record<string, unknown> = { [String(route.status)]: success };
      if (doc.body || parameters.length > 0) responses['400'] = errorResponse('Invalid input; the message says which');
      for (const [status, description] of Object.entries(doc.errors ?? {}))
        responses[status] = errorResponse(description);
      if (!access.open) {
        responses['401'] = errorResponse('No API key, or an unknown one');
        responses['403'] = errorResponse(`The key holds none of the roles: ${access.roles.join(', ')}`);
        responses['429'] = errorResponse("Over the key's rate limit; retry after the Retry-After header's seconds");
      }
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][route.method] = {
        operationId: `${controller.name.replace(/Controller$/, '')}_${handler}`,
        summary: doc.summary,
        ...(doc.description ? { description: doc.description } : {}),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(doc.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } },
              },
            }
          : {}),
        responses,
        security: access.open ? [] : [{ apiKey: [] }],
        'x-roles': access.open ? [] : access.roles,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info,
    // The service's own routes first, in the order its controllers declare them; the platform's after.
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, 'output') },
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`Authorization: Bearer <key>`, or the `X-API-Key` header); see docs/security.md',
        },
      },
    },
  };
}

/**
 * A response schema tied to the TypeScript type the handler returns: it compiles only while the schema's output is
 * that type (every field the schema names exists with the same type, every required field of the type is named),
 * so the document cannot drift from the code. `responseSchema<CandidateResult>()(z.object({...}))`.
 */
export const responseSchema =
  <T>() =>
  <S extends z.ZodType<T>>(schema: S): S =>
    schema;
