import { randomUUID } from 'node:crypto';
import { badRequest, isString, jsonBody } from './http';
import type { Route } from './route';
import type { SmsRecord } from './state';

// @azure/communication-sms 1.1.0
export const SMS_API_VERSION = '2021-03-07';

export const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_MESSAGE_LENGTH = 2048;

function messageId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
  return `Outgoing_${stamp}${randomUUID()}_noam`;
}

function result(record: SmsRecord, repeatabilityResult?: 'accepted') {
  return {
    to: record.to,
    ...(record.successful ? { messageId: record.messageId } : {}),
    httpStatusCode: record.httpStatusCode,
    ...(repeatabilityResult ? { repeatabilityResult } : {}),
    successful: record.successful,
    ...(record.errorMessage ? { errorMessage: record.errorMessage } : {}),
  };
}

export const smsRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/sms$/,
    apiVersion: SMS_API_VERSION,
    auth: 'service',
    handle(context) {
      const body = jsonBody(context.request);
      if (!isString(body.from) || !E164.test(body.from)) throw badRequest('BadRequest', 'Invalid From phone number format.', 'from');
      if (!isString(body.message) || body.message.length === 0) throw badRequest('BadRequest', 'message is required.', 'message');
      if (body.message.length > MAX_MESSAGE_LENGTH) {
        throw badRequest('BadRequest', `message may be at most ${MAX_MESSAGE_LENGTH} characters.`, 'message');
      }
      const recipients = body.smsRecipients;
      if (!Array.isArray(recipients) || recipients.length === 0) throw badRequest('BadRequest', 'smsRecipients must not be empty.', 'smsRecipients');
      const options = (body.smsSendOptions ?? {}) as { enableDeliveryReport?: unknown; tag?: unknown };
      const now = context.state.now();
      const value = recipients.map((recipient: { to?: unknown; repeatabilityRequestId?: unknown }) => {
        const repeatabilityRequestId = isString(recipient.repeatabilityRequestId) ? recipient.repeatabilityRequestId : undefined;
        // A repeated request id answers the first result and sends nothing (the SDK's retry-safety).
        const earlier = repeatabilityRequestId ? context.state.sms.find((s) => s.repeatabilityRequestId === repeatabilityRequestId) : undefined;
        if (earlier) return result(earlier, 'accepted');
        const to = isString(recipient.to) ? recipient.to : '';
        const valid = E164.test(to);
        const record: SmsRecord = {
          messageId: messageId(now),
          from: body.from as string,
          to,
          message: body.message as string,
          tag: isString(options.tag) ? options.tag : undefined,
          enableDeliveryReport: options.enableDeliveryReport === true,
          repeatabilityRequestId,
          sentAt: now,
          httpStatusCode: valid ? 202 : 400,
          successful: valid,
          errorMessage: valid ? undefined : 'Invalid To phone number format.',
        };
        context.state.sms.push(record);
        return result(record, repeatabilityRequestId ? 'accepted' : undefined);
      });
      return { status: 202, body: { value } };
    },
  },
];
