import type { Appointment } from '../../../domain/appointments/appointment';
import type { ClosureRecord } from '../../../app/ports/business-repository';
import type { ClosureCancelResult } from '../../../app/configuration/configure-closures';
import { formatInstant, instant, localDate, plainText, resourceId } from './common';
import { BusinessParams } from './businesses';
import { jsonBody, jsonContent, problems, registry, STAFF, z } from './registry';

export const ClosureParams = z.object({ businessId: resourceId, closureId: resourceId });

export const ClosureBody = registry.register(
  'ClosureInput',
  z.object({
    from: localDate.openapi({ description: "First closed day (local date in the business's zone)." }),
    to: localDate.openapi({ description: 'Last closed day, inclusive; not before `from`, at most 366 days counting both.' }),
    reason: plainText(200).optional(),
  }),
);

export const ClosureSchema = registry.register(
  'Closure',
  z.object({ id: resourceId, from: localDate, to: localDate, reason: z.string().optional(), createdAt: instant, updatedAt: instant }),
);

const ClosureAppointmentSchema = z.object({ id: z.string(), start: instant, end: instant, providerId: z.string() });

export const ClosurePutSchema = registry.register(
  'ClosureWithBookings',
  ClosureSchema.extend({
    bookedAppointments: z
      .array(ClosureAppointmentSchema)
      .openapi({ description: 'Booked appointments that reach into the closed days, by start: cancel them with cancel-appointments.' }),
  }),
);

export const ClosureListQuery = z.object({
  from: localDate.openapi({ description: 'Inclusive.' }),
  to: localDate.openapi({ description: 'Exclusive; at most 731 days after from.' }),
});

export const ClosureListSchema = z.object({ closures: z.array(ClosureSchema) });

export const ClosureCancelBody = registry.register(
  'ClosureCancelInput',
  z.object({
    reason: plainText(500)
      .refine((value) => value.trim().length > 0, 'must not be empty')
      .openapi({ description: "Stored as each appointment's cancel reason." }),
  }),
);

export const ClosureCancelSchema = registry.register(
  'ClosureCancelResult',
  z.object({
    cancelled: z
      .array(ClosureAppointmentSchema)
      .openapi({ description: 'Cancelled by this request (a retry without Idempotency-Key finds none left).' }),
    refused: z
      .array(ClosureAppointmentSchema.extend({ problem: z.string() }))
      .openapi({ description: 'Still booked: the problem code of the cancel (e.g. `conflict`: retry).' }),
  }),
);

const IdempotencyHeader = z.object({
  'Idempotency-Key': z.string().optional().openapi({
    description: '1-255 printable ASCII characters; a retry with the same key and body returns the first answer for 24 hours.',
  }),
});

export function closureView(closure: ClosureRecord): z.infer<typeof ClosureSchema> {
  return {
    id: closure.id,
    from: closure.from,
    to: closure.to,
    ...(closure.reason ? { reason: closure.reason } : {}),
    createdAt: formatInstant(closure.createdAt),
    updatedAt: formatInstant(closure.updatedAt),
  };
}

function closureAppointmentView(appointment: Appointment): z.infer<typeof ClosureAppointmentSchema> {
  return {
    id: appointment.id,
    start: formatInstant(appointment.start),
    end: formatInstant(appointment.end),
    providerId: appointment.providerId,
  };
}

export function closurePutView(closure: ClosureRecord, booked: Appointment[]): z.infer<typeof ClosurePutSchema> {
  return { ...closureView(closure), bookedAppointments: booked.map(closureAppointmentView) };
}

export function closureCancelView(result: ClosureCancelResult): z.infer<typeof ClosureCancelSchema> {
  return {
    cancelled: result.cancelled.map(closureAppointmentView),
    refused: result.refused.map((r) => ({ ...closureAppointmentView(r.appointment), problem: r.problem })),
  };
}

registry.registerPath({
  method: 'put',
  path: '/businesses/{businessId}/closures/{closureId}',
  tags: ['Office manager'],
  summary: 'Create or replace a closure: no provider offers slots on its days; the answer lists the bookings on them',
  security: STAFF,
  request: { params: ClosureParams, body: jsonBody(ClosureBody) },
  responses: {
    200: { description: 'Replaced', ...jsonContent(ClosurePutSchema) },
    201: { description: 'Created', ...jsonContent(ClosurePutSchema) },
    ...problems(400, 401, 403, 404, 409, 413, 415),
  },
});

registry.registerPath({
  method: 'delete',
  path: '/businesses/{businessId}/closures/{closureId}',
  tags: ['Office manager'],
  summary: 'Remove a closure (its days offer slots again); idempotent',
  security: STAFF,
  request: { params: ClosureParams },
  responses: { 204: { description: 'Removed' }, ...problems(400, 401, 403, 404) },
});

registry.registerPath({
  method: 'get',
  path: '/businesses/{businessId}/closures',
  tags: ['Office manager'],
  summary: 'List the closures that share a day with [from, to)',
  security: STAFF,
  request: { params: BusinessParams, query: ClosureListQuery },
  responses: { 200: { description: 'The closures, by first day', ...jsonContent(ClosureListSchema) }, ...problems(400, 401, 403, 404) },
});

registry.registerPath({
  method: 'post',
  path: '/businesses/{businessId}/closures/{closureId}/cancel-appointments',
  tags: ['Office manager'],
  summary: 'Cancel every booked appointment on the closed days (each with its cancellation notice); a retry cancels nothing twice',
  security: STAFF,
  request: { params: ClosureParams, headers: IdempotencyHeader, body: jsonBody(ClosureCancelBody) },
  responses: {
    200: { description: 'What this request cancelled', ...jsonContent(ClosureCancelSchema) },
    ...problems(400, 401, 403, 404, 409, 413, 415, 422),
  },
});
