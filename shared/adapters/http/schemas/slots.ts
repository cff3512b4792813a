import type { SlotSearchResult } from '../../../app/search-slots';
import { formatInstant, instant, resourceId, timeZone, windowBound } from './common';
import { ServiceParams } from './services';
import { jsonContent, problems, registry, z } from './registry';

export const SlotQuerySchema = z.object({
  from: windowBound.openapi({
    description: 'Earliest slot start (inclusive): an instant with offset, or a date read as local midnight in timeZone.',
  }),
  to: windowBound.openapi({ description: 'Latest slot start (exclusive); at most 62 days after from.' }),
  timeZone: timeZone.optional().openapi({
    description: "Zone for dates in from/to and for the offsets of the answer; default: the business's zone for dates, UTC for answers.",
  }),
  providerId: resourceId.optional(),
});

export const SlotListSchema = registry.register(
  'SlotList',
  z.object({
    timeZone: z.string(),
    slots: z.array(
      z.object({
        start: instant,
        end: instant,
        providerIds: z.array(z.string()).openapi({ description: 'Every provider free at this time.' }),
      }),
    ),
  }),
);

/** Instants in UTC unless the caller asked for a zone. */
export function slotListView(result: SlotSearchResult, requestedZone: string | undefined): z.infer<typeof SlotListSchema> {
  const zone = requestedZone ?? 'utc';
  return {
    timeZone: result.timeZone,
    slots: result.slots.map((slot) => ({
      start: formatInstant(slot.start, zone),
      end: formatInstant(slot.end, zone),
      providerIds: slot.providerIds,
    })),
  };
}

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/services/{serviceId}/slots',
  tags: ['Consumer'],
  summary: 'Free slots of a service, sorted, one entry per start time',
  request: { params: ServiceParams, query: SlotQuerySchema },
  responses: { 200: { description: 'The slots', ...jsonContent(SlotListSchema) }, ...problems(400, 404) },
});
