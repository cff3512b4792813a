import { AppointmentParams, AppointmentSchema, consumerAuth } from './appointments';
import { jsonBody, jsonContent, problems, registry, STAFF, z } from './registry';

export const SmsConsentBody = registry.register(
  'SmsConsentRequest',
  z
    .object({
      consent: z.literal(false).openapi({
        description:
          'Only `false`: consent given back would need the phone verified again, which only a new booking does (docs/privacy.md).',
      }),
    })
    .strict(),
);

registry.registerPath({
  method: 'post',
  path: '/appointments/{appointmentId}/sms-consent',
  tags: ['Consumer'],
  summary: 'Withdraw SMS consent (idempotent): no more SMS for this appointment, reminders go by email only',
  security: consumerAuth,
  request: { params: AppointmentParams, body: jsonBody(SmsConsentBody) },
  responses: { 200: { description: 'The appointment', ...jsonContent(AppointmentSchema) }, ...problems(400, 401, 403, 404, 413, 415) },
});

registry.registerPath({
  method: 'post',
  path: '/appointments/{appointmentId}/erase',
  tags: ['Office manager'],
  summary: "Erase the consumer's personal data from an appointment (managers; idempotent)",
  security: STAFF,
  request: { params: AppointmentParams },
  responses: { 200: { description: 'The erased appointment', ...jsonContent(AppointmentSchema) }, ...problems(400, 401, 403, 404) },
});
