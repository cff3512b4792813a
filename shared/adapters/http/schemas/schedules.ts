import type { ScheduleRecord } from '../../../app/ports/provider-calendar-repository';
import { dayIntervals, formatInstant, instant, timeZone } from './common';
import { ProviderParams } from './providers';
import { jsonBody, jsonContent, problems, registry, STAFF, z } from './registry';

// Strict: a misspelt day ("monday") must be an error, not a silently closed day.
const WeeklyHoursSchema = z
  .strictObject({
    mon: dayIntervals.optional(),
    tue: dayIntervals.optional(),
    wed: dayIntervals.optional(),
    thu: dayIntervals.optional(),
    fri: dayIntervals.optional(),
    sat: dayIntervals.optional(),
    sun: dayIntervals.optional(),
  })
  .openapi('WeeklyHours', { description: 'A missing day is closed. Intervals use HH:mm; 24:00 ends at midnight.' });

export const ScheduleBody = registry.register(
  'ScheduleInput',
  z.object({
    timeZone: timeZone.optional().openapi({ description: "Default: the provider's zone." }),
    weekly: WeeklyHoursSchema,
  }),
);

export const ScheduleSchema = registry.register(
  'Schedule',
  z.object({ providerId: z.string(), timeZone: z.string(), weekly: WeeklyHoursSchema, updatedAt: instant }),
);

export function scheduleView(schedule: ScheduleRecord): z.infer<typeof ScheduleSchema> {
  return {
    providerId: schedule.providerId,
    timeZone: schedule.timeZone,
    weekly: schedule.weekly,
    updatedAt: formatInstant(schedule.updatedAt),
  };
}

registry.registerPath({
  method: 'put',
  path: '/businesses/{businessId}/providers/{providerId}/schedule',
  tags: ['Office manager'],
  summary: "Set a provider's weekly hours",
  security: STAFF,
  request: { params: ProviderParams, body: jsonBody(ScheduleBody) },
  responses: {
    200: { description: 'Replaced', ...jsonContent(ScheduleSchema) },
    201: { description: 'Created', ...jsonContent(ScheduleSchema) },
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/providers/{providerId}/schedule',
  tags: ['Office manager', 'Provider'],
  summary: "Read a provider's weekly hours (managers and the provider)",
  security: STAFF,
  request: { params: ProviderParams },
  responses: { 200: { description: 'The schedule', ...jsonContent(ScheduleSchema) }, ...problems(400, 401, 403, 404) },
});
