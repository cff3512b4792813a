import type { OverrideRecord } from '../../../app/ports/provider-calendar-repository';
import { dayIntervals, listLimit, localDate, resourceId, windowBound } from './common';
import { ProviderParams } from './providers';
import { jsonBody, jsonContent, problems, registry, STAFF, z } from './registry';

export const OverrideParams = z.object({ businessId: resourceId, providerId: resourceId, date: localDate });

export const OverrideBody = registry.register(
  'OverrideInput',
  z.object({ intervals: dayIntervals.openapi({ description: '`[]` = day off.' }) }),
);

export const OverrideSchema = registry.register('Override', z.object({ date: localDate, intervals: dayIntervals }));

export const OverrideListQuery = z.object({
  from: windowBound.openapi({ description: 'Instant with offset, or a date read as midnight in the schedule zone. Inclusive.' }),
  to: windowBound.openapi({ description: 'Exclusive; at most 92 days after from.' }),
  limit: listLimit,
  continuationToken: z.string().max(200).optional(),
});

export const OverrideListSchema = z.object({
  overrides: z.array(OverrideSchema),
  nextContinuationToken: z.string().optional(),
});

export function overrideView(override: OverrideRecord): z.infer<typeof OverrideSchema> {
  return { date: override.date, intervals: override.intervals };
}

registry.registerPath({
  method: 'put',
  path: '/businesses/{businessId}/providers/{providerId}/overrides/{date}',
  tags: ['Office manager'],
  summary: "Replace a provider's hours on one local date",
  security: STAFF,
  request: { params: OverrideParams, body: jsonBody(OverrideBody) },
  responses: {
    200: { description: 'Replaced', ...jsonContent(OverrideSchema) },
    201: { description: 'Created', ...jsonContent(OverrideSchema) },
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

registry.registerPath({
  method: 'delete',
  path: '/businesses/{businessId}/providers/{providerId}/overrides/{date}',
  tags: ['Office manager'],
  summary: 'Remove an override (the weekly hours apply again); idempotent',
  security: STAFF,
  request: { params: OverrideParams },
  responses: { 204: { description: 'Removed' }, ...problems(400, 401, 403, 404) },
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/providers/{providerId}/overrides',
  tags: ['Office manager', 'Provider'],
  summary: 'List overrides whose day starts in [from, to) (managers and the provider)',
  security: STAFF,
  request: { params: ProviderParams, query: OverrideListQuery },
  responses: { 200: { description: 'The overrides, by date', ...jsonContent(OverrideListSchema) }, ...problems(400, 401, 403, 404) },
});
