import type { Appointment } from '../../../domain/appointments/appointment';
import type { AppointmentPage } from '../../../app/workspace/list-appointments';
import { AppointmentParams, AppointmentSchema, appointmentView } from './appointments';
import { BusinessParams } from './businesses';
import { formatInstant, listLimit, resourceId, timeZone, windowBound } from './common';
import { ProviderParams } from './providers';
import { jsonContent, problems, registry, STAFF, z } from './registry';

const status = z.enum(['booked', 'cancelled', 'completed', 'no-show']);

export const AppointmentListQuery = z.object({
  from: windowBound.openapi({
    description:
      "Instant with offset, or a date read as local midnight in timeZone (default: the business's zone). Inclusive; bounds the start.",
  }),
  to: windowBound.openapi({ description: 'Exclusive; at most 92 days after from.' }),
  timeZone: timeZone
    .optional()
    .openapi({ description: 'Reads date bounds in this zone and answers instants with its offsets (default: UTC).' }),
  status: status.optional().openapi({ description: 'Only appointments in this status (default: every status).' }),
  limit: listLimit,
  continuationToken: z.string().max(500).optional(),
});

export const BusinessAppointmentListQuery = AppointmentListQuery.extend({ providerId: resourceId.optional() });

export const AppointmentListSchema = registry.register(
  'AppointmentList',
  z.object({ appointments: z.array(AppointmentSchema), nextContinuationToken: z.string().optional() }),
);

/** The appointment with its instants in UTC, or with the offsets of `zone` when the caller asked for one. */
function viewIn(appointment: Appointment, zone: string | undefined): z.infer<typeof AppointmentSchema> {
  const view = appointmentView(appointment);
  if (!zone) return view;
  const at = (instant: number) => formatInstant(instant, zone);
  return {
    ...view,
    start: at(appointment.start),
    end: at(appointment.end),
    createdAt: at(appointment.createdAt),
    updatedAt: at(appointment.updatedAt),
    reminders: appointment.reminders.map((r, i) => ({ ...view.reminders[i]!, dueAt: at(r.dueAt) })),
  };
}

export function appointmentListView(page: AppointmentPage, zone?: string): z.infer<typeof AppointmentListSchema> {
  return {
    appointments: page.appointments.map((a) => viewIn(a, zone)),
    ...(page.nextContinuationToken ? { nextContinuationToken: page.nextContinuationToken } : {}),
  };
}

/** Optional body of complete / no-show: nothing is read from it. */
export const OutcomeBody = z.object({});

export const FeedQuery = z.object({ feedToken: z.string().max(200).optional() });

export const FeedTokenSchema = registry.register(
  'CalendarFeedToken',
  z.object({
    feedToken: z.string().openapi({ description: 'Secret of the feed; shown once (only its hash is stored). A new one replaces the old.' }),
    feedUrl: z.string().url().openapi({ description: 'Subscribable calendar URL with the token.' }),
  }),
);

registry.registerComponent('securitySchemes', 'calendarFeedToken', {
  type: 'apiKey',
  in: 'query',
  name: 'feedToken',
  description: "The provider's calendar feed secret.",
});

const IfMatchHeader = z.object({
  'If-Match': z.string().optional().openapi({ description: 'Quoted appointment version; 412 when it changed.' }),
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/providers/{providerId}/appointments',
  tags: ['Provider'],
  summary: "A provider's appointments starting in [from, to), sorted by start (the provider or a manager)",
  security: STAFF,
  request: { params: ProviderParams, query: AppointmentListQuery },
  responses: { 200: { description: 'One page of appointments', ...jsonContent(AppointmentListSchema) }, ...problems(400, 401, 403, 404) },
});
registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/appointments',
  tags: ['Office manager'],
  summary: "The whole business's appointments starting in [from, to), sorted by start (managers)",
  security: STAFF,
  request: { params: BusinessParams, query: BusinessAppointmentListQuery },
  responses: { 200: { description: 'One page of appointments', ...jsonContent(AppointmentListSchema) }, ...problems(400, 401, 403, 404) },
});
for (const [path, outcome] of [
  ['complete', 'completed'],
  ['no-show', 'no-show'],
] as const) {
  registry.registerPath({
    method: 'post',
    path: `/appointments/{appointmentId}/${path}`,
    tags: ['Provider'],
    summary:
      outcome === 'completed'
        ? 'Mark completed: from booked, any time after the start (the provider or a manager)'
        : 'Mark no-show: from booked or completed, from the start until 7 days after the end (the provider or a manager)',
    security: STAFF,
    request: { params: AppointmentParams, headers: IfMatchHeader },
    responses: {
      200: { description: `The appointment with status ${outcome}`, ...jsonContent(AppointmentSchema) },
      ...problems(400, 401, 403, 404, 409, 412, 413, 415),
    },
  });
}
registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/providers/{providerId}/calendar.ics',
  tags: ['Provider'],
  summary: "Subscribable iCalendar feed of the provider's appointments (last 30 days, next 365); cancelled ones as STATUS:CANCELLED",
  security: [{ calendarFeedToken: [] }, { staffBearer: [] }],
  request: { params: ProviderParams, query: FeedQuery },
  responses: {
    200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } },
    ...problems(400, 401, 403, 404),
  },
});
registry.registerPath({
  method: 'post',
  path: '/businesses/{businessId}/providers/{providerId}/calendar-feed-token',
  tags: ['Provider', 'Office manager'],
  summary: 'Issue a new calendar feed secret (the old one stops working); the provider or a manager',
  security: STAFF,
  request: { params: ProviderParams },
  responses: {
    200: { description: 'The new token and feed URL, shown once', ...jsonContent(FeedTokenSchema) },
    ...problems(400, 401, 403, 404),
  },
});
