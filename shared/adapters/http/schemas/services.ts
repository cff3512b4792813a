import { DEFAULT_JOIN_WINDOW_MINUTES, REMINDER_CHANNELS } from '../../../domain/appointments/appointment';
import type { ServiceInput } from '../../../app/configuration/configure-services';
import type { ServiceRecord } from '../../../app/ports/business-repository';
import { displayText, formatInstant, instant, resourceId } from './common';
import { BusinessParams } from './businesses';
import { jsonBody, jsonContent, OPTIONAL_STAFF, problems, registry, STAFF, z } from './registry';

export const ServiceParams = z.object({ businessId: resourceId, serviceId: resourceId });

const minutes = (min: number, max: number) =>
  z.number().int('must be a whole number of minutes').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const WEEK_MINUTES = 10080;

const ReminderSchema = z
  .object({
    offsetMinutes: minutes(5, 43200).openapi({ description: 'Minutes before the start.' }),
    channels: z
      .array(z.enum(REMINDER_CHANNELS))
      .openapi({
        description:
          '`email` and `sms` send the consumer a message; `event` sends none but publishes `appointment.reminder.due` on the events topic at the due time, for a scheduler that reminds on its own channels (see /api/asyncapi.json).',
      })
      .min(1, 'name at least one channel')
      .refine((channels) => new Set(channels).size === channels.length, 'must not repeat a channel'),
  })
  .openapi('Reminder');

const unique = (values: readonly unknown[]) => new Set(values).size === values.length;

const serviceFields = {
  name: displayText,
  durationMinutes: minutes(5, 720),
  providerIds: z
    .array(resourceId)
    .min(1, 'name at least one provider')
    .max(100, 'at most 100 providers')
    .refine(unique, 'must not repeat a provider'),
  slotIntervalMinutes: minutes(5, 720).optional().openapi({ description: 'Default: durationMinutes.' }),
  bufferBeforeMinutes: minutes(0, WEEK_MINUTES).default(0),
  bufferAfterMinutes: minutes(0, WEEK_MINUTES).default(0),
  minimumNoticeMinutes: minutes(0, WEEK_MINUTES).default(0),
  bookingWindowDays: z
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(730, 'must be at most 730')
    .default(60),
  maxPerDayPerProvider: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .nullable()
    .default(null)
    .openapi({ description: 'Appointments of this service per provider and local day; null = no limit.' }),
  cancellationCutoffMinutes: minutes(0, WEEK_MINUTES).default(0),
  rescheduleCutoffMinutes: minutes(0, WEEK_MINUTES).default(0),
  joinWindowMinutes: minutes(0, 120)
    .default(DEFAULT_JOIN_WINDOW_MINUTES)
    .openapi({ description: 'How early before the start a participant may join.' }),
  reminders: z
    .array(ReminderSchema)
    .max(10, 'at most 10 reminders')
    .refine((reminders) => unique(reminders.map((r) => r.offsetMinutes)), 'must not repeat an offsetMinutes')
    .default([]),
};

export const ServiceBody = registry.register('ServiceInput', z.object(serviceFields));

/** The body as the use case takes it: defaults filled, the slot interval defaulting to the duration. */
export function serviceInput(body: z.infer<typeof ServiceBody>): ServiceInput {
  return { ...body, slotIntervalMinutes: body.slotIntervalMinutes ?? body.durationMinutes };
}

export const ServiceSchema = registry.register(
  'Service',
  z.object({
    id: resourceId,
    ...serviceFields,
    slotIntervalMinutes: minutes(5, 720),
    active: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  }),
);

export const ServiceListSchema = z.object({
  services: z.array(ServiceSchema).openapi({ description: 'Active services; managers also see deactivated ones.' }),
});

export function serviceView(service: ServiceRecord): z.infer<typeof ServiceSchema> {
  const { businessId: _businessId, createdAt, updatedAt, ...fields } = service;
  return { ...fields, createdAt: formatInstant(createdAt), updatedAt: formatInstant(updatedAt) };
}

registry.registerPath({
  method: 'put',
  path: '/businesses/{businessId}/services/{serviceId}',
  tags: ['Office manager'],
  summary: 'Create or replace a service with its booking rules and reminder plan (reactivates it)',
  security: STAFF,
  request: { params: ServiceParams, body: jsonBody(ServiceBody) },
  responses: {
    200: { description: 'Replaced', ...jsonContent(ServiceSchema) },
    201: { description: 'Created', ...jsonContent(ServiceSchema) },
    ...problems(400, 401, 403, 404, 413, 415),
  },
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/services',
  tags: ['Office manager', 'Consumer'],
  summary: 'List services (public)',
  security: OPTIONAL_STAFF,
  request: { params: BusinessParams },
  responses: { 200: { description: 'The services', ...jsonContent(ServiceListSchema) }, ...problems(400, 401, 404) },
});

registry.registerPath({
  method: 'delete',
  path: '/businesses/{businessId}/services/{serviceId}',
  tags: ['Office manager'],
  summary: 'Deactivate a service (no more slots; booked appointments stay)',
  security: STAFF,
  request: { params: ServiceParams },
  responses: { 204: { description: 'Deactivated' }, ...problems(400, 401, 403, 404) },
});
