import { extendZodWithOpenApi, OpenAPIRegistry, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';

// `.openapi()` on zod schemas; must run before any schema module builds its schemas.
extendZodWithOpenApi(z);

/**
 * Every HTTP schema registers here, next to its definition, so the served OpenAPI document is
 * generated from the very schemas that validate requests. shared/adapters/http/openapi.ts imports
 * each schema module; a new endpoint adds its module there.
 */
export const registry = new OpenAPIRegistry();

registry.registerComponent('securitySchemes', 'staffBearer', {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'Microsoft Entra ID access token of a staff member (claims `oid`, `roles`).',
});

/** Security requirement of endpoints that need a staff token. */
export const STAFF: Array<Record<string, string[]>> = [{ staffBearer: [] }];
/** Public endpoints that show staff more when a staff token is sent. */
export const OPTIONAL_STAFF: Array<Record<string, string[]>> = [{}, { staffBearer: [] }];

export const ProblemSchema = registry.register(
  'Problem',
  z
    .object({
      type: z.string().openapi({ example: 'https://errors.virtual-appointments.dev/validation' }),
      title: z.string(),
      status: z.number().int(),
      detail: z.string(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    })
    .openapi({ description: 'RFC 9457 problem details (application/problem+json).' }),
);

const problemDescriptions: Record<number, string> = {
  400: 'validation: the request is not valid; `errors` names each bad field',
  401: 'unauthorized: no or invalid credentials',
  403: 'forbidden: no rights on this resource',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited: over a request cap; Retry-After says when to try again',
  503: 'unavailable',
};

/** Problem responses for the given status codes. */
export function problems(...codes: number[]): Record<string, ResponseConfig> {
  return Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: problemDescriptions[code] ?? 'problem',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );
}

export function jsonContent(schema: ZodType) {
  return { content: { 'application/json': { schema } } };
}

export function jsonBody(schema: ZodType) {
  return { required: true, ...jsonContent(schema) };
}

export { z };
