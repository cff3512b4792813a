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
  summary: 'Liveness and dependency checks',
  responses: {
    200: { description: 'Every dependency answers', ...jsonContent(HealthSchema) },
    503: { description: 'A dependency is down (plain JSON, not a problem)', ...jsonContent(HealthSchema) },
  },
});
