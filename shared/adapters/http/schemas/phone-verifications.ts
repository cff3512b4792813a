import { formatInstant, phone } from './common';
import { BusinessParams } from './businesses';
import { jsonBody, jsonContent, problems, registry, z } from './registry';

export const PhoneVerificationBody = registry.register('PhoneVerificationRequest', z.object({ phone }));

export const PhoneVerificationSchema = registry.register(
  'PhoneVerification',
  z.object({
    verificationId: z.string().openapi({ description: 'Send it with the code as `consumer.phoneVerification.id` when booking.' }),
    expiresAt: z.string().openapi({ format: 'date-time' }),
  }),
);

export function phoneVerificationView(result: { verificationId: string; expiresAt: number }): z.infer<typeof PhoneVerificationSchema> {
  return { verificationId: result.verificationId, expiresAt: formatInstant(result.expiresAt) };
}

registry.registerPath({
  method: 'post',
  path: '/businesses/{businessId}/phone-verifications',
  tags: ['Consumer'],
  summary: 'Send a 6-digit code by SMS to a phone number the consumer wants texts on (valid 10 minutes, 5 tries)',
  description:
    'SMS notices and reminders go only to a number verified this way: book with `consumer.phoneVerification: { id, code }` next to `smsConsent: true`. ' +
    'Capped per number per day and per client address per hour (429 with Retry-After over a cap).',
  request: { params: BusinessParams, body: jsonBody(PhoneVerificationBody) },
  responses: {
    202: { description: 'The code was sent', ...jsonContent(PhoneVerificationSchema) },
    ...problems(400, 404, 413, 415, 429, 503),
  },
});
