import { jsonContent, registry, z } from './registry';

const HealthSchema = registry.register(
  'Health',
  z.object({
    status: z.enum(['ok', 'degraded']),
    checks: z.record(z.string(), z.enum(['ok', 'failed'])).openapi({ example: { storage: 'ok' } }),
  }),
);

registry.registerPath({
  method: 'get',
  path: '/health',
  tags: ['System'],
  summary: 'Liveness and dependency checks (the result is reused for HEALTH_CACHE_SECONDS; rate-limited like every endpoint)',
  responses: {
    200: { description: 'Every dependency answers', ...jsonContent(HealthSchema) },
    503: { description: 'A dependency is down (plain JSON, not a problem)', ...jsonContent(HealthSchema) },
  },
});

registry.registerPath({
  method: 'get',
  path: '/openapi.json',
  tags: ['System'],
  summary: 'This OpenAPI 3.1 document, generated from the schemas that validate requests',
  responses: {
    200: { description: 'The document', content: { 'application/json': { schema: z.object({ openapi: z.string() }).passthrough() } } },
  },
});

registry.registerPath({
  method: 'get',
  path: '/asyncapi.json',
  tags: ['System'],
  summary: 'The AsyncAPI 3 document of the events published on Service Bus, generated from the schemas every event is checked against',
  responses: {
    200: { description: 'The document', content: { 'application/json': { schema: z.object({ asyncapi: z.string() }).passthrough() } } },
  },
});
