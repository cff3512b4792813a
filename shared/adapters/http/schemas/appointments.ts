import { DELIVERY_STATUSES, REMINDER_CHANNELS, SKIP_REASONS, type Appointment } from '../../../domain/appointments/appointment';
import { displayText, email, formatInstant, instant, instantInput, multilineText, phone, plainText, resourceId, timeZone } from './common';

import { BusinessParams } from './businesses';
import { jsonBody, jsonContent, problems, registry, z } from './registry';

export const AppointmentParams = z.object({ appointmentId: resourceId });

const ConsumerInput = z.object({
  name: displayText,
  email,
  phone: phone.optional(),
  timeZone: timeZone.optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or de-DE')
    .optional(),
  smsConsent: z.boolean().default(false),
  phoneVerification: z
    .object({
      id: z.string().regex(/^[a-f0-9]{32}$/, 'must be a verificationId from POST /businesses/{businessId}/phone-verifications'),
      code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code sent by SMS'),
    })
    .optional()
    .openapi({ description: 'The code sent to `phone`: without it the booking gets email only (SMS goes only to verified numbers).' }),
});

export const BookingBody = registry.register(
  'BookingRequest',
  z.object({
    serviceId: resourceId,
    start: instantInput,
    providerId: resourceId.optional(),
    consumer: ConsumerInput,
    notes: multilineText(2000).optional(),
  }),
);

export const CancelBody = z.object({ reason: plainText(500).optional() }).openapi('CancelRequest');

export const RescheduleBody = registry.register('RescheduleRequest', z.object({ start: instantInput, providerId: resourceId.optional() }));

const Reminder = z.object({
  dueAt: instant,
  channels: z.array(z.enum(REMINDER_CHANNELS)),
  status: z.enum(['pending', 'sent', 'failed', 'skipped']),
  deliveries: z.array(
    z.object({
      channel: z.enum(REMINDER_CHANNELS),
      status: z.enum(DELIVERY_STATUSES),
      reason: z.enum(SKIP_REASONS).optional().openapi({ description: 'Why a delivery was skipped.' }),
    }),
  ),
});

export const AppointmentSchema = registry.register(
  'Appointment',
  z.object({
    id: z.string(),
    businessId: z.string(),
    serviceId: z.string(),
    providerId: z.string(),
    start: instant,
    end: instant,
    status: z.enum(['booked', 'cancelled', 'completed', 'no-show']),
    consumer: z.object({
      name: z.string(),
      email: z.string(),
      phone: z.string().optional(),
      timeZone: z.string().optional(),
      locale: z.string().optional(),
      smsConsent: z.boolean(),
      phoneVerified: z
        .boolean()
        .optional()
        .openapi({ description: 'The phone was verified with a code at booking; SMS is sent only then.' }),
    }),
    notes: z.string().optional(),
    cancelReason: z.string().optional(),
    meetingMode: z.enum(['acsRooms', 'teams']).openapi({
      description:
        "Where the visit happens, fixed at booking: an ACS room in the business's app, or a Teams meeting (join answers its link; docs/api.md Microsoft 365).",
    }),
    roomId: z.string().optional(),
    chatThreadId: z.string().optional(),
    createdAt: instant,
    updatedAt: instant,
    version: z.number().int(),
    reminders: z.array(Reminder),
    erasedAt: instant.optional().openapi({
      description: "When a manager erased the consumer's personal data (name, email and notes read `[erased]`, the phone is gone).",
    }),
  }),
);

export const BookingSchema = registry.register(
  'Booking',
  z.object({
    appointment: AppointmentSchema,
    manageToken: z.string().openapi({ description: 'Secret that lets the consumer read, change and join this appointment. Shown once.' }),
    links: z.object({ self: z.string().url(), calendar: z.string().url(), join: z.string().url() }),
  }),
);

/** The appointment as docs/api.md shows it: UTC instants, no stored secrets. */
export function appointmentView(appointment: Appointment): z.infer<typeof AppointmentSchema> {
  return {
    id: appointment.id,
    businessId: appointment.businessId,
    serviceId: appointment.serviceId,
    providerId: appointment.providerId,
    start: formatInstant(appointment.start),
    end: formatInstant(appointment.end),
    status: appointment.status,
    consumer: appointment.consumer,
    ...(appointment.notes !== undefined ? { notes: appointment.notes } : {}),
    ...(appointment.cancelReason !== undefined ? { cancelReason: appointment.cancelReason } : {}),
    meetingMode: appointment.meetingMode ?? 'acsRooms',
    ...(appointment.roomId !== undefined ? { roomId: appointment.roomId } : {}),
    ...(appointment.chatThreadId !== undefined ? { chatThreadId: appointment.chatThreadId } : {}),
    createdAt: formatInstant(appointment.createdAt),
    updatedAt: formatInstant(appointment.updatedAt),
    version: appointment.version,
    reminders: appointment.reminders.map((r) => ({
      dueAt: formatInstant(r.dueAt),
      channels: r.channels,
      status: r.status,
      deliveries: r.deliveries,
    })),
    ...(appointment.erasedAt !== undefined ? { erasedAt: formatInstant(appointment.erasedAt) } : {}),
  };
}

export const consumerAuth: Array<Record<string, string[]>> = [{ appointmentToken: [] }, { appointmentTokenQuery: [] }, { staffBearer: [] }];
registry.registerComponent('securitySchemes', 'appointmentToken', {
  type: 'apiKey',
  in: 'header',
  name: 'X-Appointment-Token',
  description: 'The manageToken returned by booking.',
});
registry.registerComponent('securitySchemes', 'appointmentTokenQuery', {
  type: 'apiKey',
  in: 'query',
  name: 'token',
  description: 'The manageToken, for links in messages.',
});

const IdempotencyHeader = z.object({
  'Idempotency-Key': z.string().optional().openapi({
    description:
      '1-255 printable ASCII characters; a retry with the same key and body returns the first result for 24 hours. After that (or after a failure with another body) the key books anew: it never leads to an earlier booking.',
  }),
});
const IfMatchHeader = z.object({
  'If-Match': z.string().optional().openapi({ description: 'Quoted appointment version; 412 when it changed.' }),
});

registry.registerPath({
  method: 'post',
  path: '/businesses/{businessId}/appointments',
  tags: ['Consumer'],
  summary: 'Book an appointment',
  request: { params: BusinessParams, headers: IdempotencyHeader, body: jsonBody(BookingBody) },
  responses: { 201: { description: 'Booked', ...jsonContent(BookingSchema) }, ...problems(400, 404, 409, 413, 415, 422) },
});
registry.registerPath({
  method: 'get',
  path: '/appointments/{appointmentId}',
  tags: ['Consumer'],
  summary: 'Read an appointment (its consumer, its provider or a manager)',
  security: consumerAuth,
  request: { params: AppointmentParams },
  responses: { 200: { description: 'The appointment', ...jsonContent(AppointmentSchema) }, ...problems(400, 401, 403, 404) },
});
registry.registerPath({
  method: 'post',
  path: '/appointments/{appointmentId}/cancel',
  tags: ['Consumer'],
  summary: 'Cancel (idempotent); consumers only before the cancellation cutoff',
  security: consumerAuth,
  request: { params: AppointmentParams, headers: IfMatchHeader, body: { required: false, ...jsonContent(CancelBody) } },
  responses: {
    200: { description: 'The cancelled appointment', ...jsonContent(AppointmentSchema) },
    ...problems(400, 401, 403, 404, 409, 412, 413, 415),
  },
});
registry.registerPath({
  method: 'post',
  path: '/appointments/{appointmentId}/reschedule',
  tags: ['Consumer'],
  summary: 'Move to another offered start; consumers only before the reschedule cutoff',
  security: consumerAuth,
  request: { params: AppointmentParams, headers: IfMatchHeader, body: jsonBody(RescheduleBody) },
  responses: {
    200: { description: 'The moved appointment', ...jsonContent(AppointmentSchema) },
    ...problems(400, 401, 403, 404, 409, 412, 413, 415),
  },
});
registry.registerPath({
  method: 'get',
  path: '/appointments/{appointmentId}/calendar.ics',
  tags: ['Consumer'],
  summary: 'The appointment as an iCalendar event (stable UID, SEQUENCE = version, METHOD:CANCEL once cancelled)',
  security: consumerAuth,
  request: { params: AppointmentParams },
  responses: {
    200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } },
    ...problems(400, 401, 403, 404),
  },
});
