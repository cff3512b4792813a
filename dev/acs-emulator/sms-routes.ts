import { randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { badRequest, isString, jsonBody, ServiceError } from './http';
import type { Route } from './route';
import type { EmulatorState, InboundSmsRecord, SmsRecord } from './state';

// @azure/communication-sms 1.1.0
export const SMS_API_VERSION = '2021-03-07';

export const E164 = /^\+[1-9]\d{1,14}$/;
// The opt-out management API (preview): POST /sms/optouts:add|remove|check.
export const SMS_OPT_OUT_API_VERSION = '2024-12-10-preview';
/** Keywords carriers and ACS treat as opting out of, and back into, a sender's messages. */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT']);
const START_WORDS = new Set(['START', 'UNSTOP', 'YES']);

export const optOutKey = (from: string, to: string) => `${from}|${to}`;

/**
 * A phone texted one of the resource's numbers (what ACS relays as Event Grid `SMSReceived`): STOP and
 * its synonyms opt the phone out of that sender, START/UNSTOP back in.
 */
export function receiveSms(state: EmulatorState, input: { from: string; to: string; message: string }): InboundSmsRecord {
  const record: InboundSmsRecord = {
    messageId: `Incoming_${randomUUID()}`,
    from: input.from,
    to: input.to,
    message: input.message,
    receivedAt: state.now(),
  };
  state.inboundSms.push(record);
  const word = input.message.trim().toUpperCase();
  if (STOP_WORDS.has(word)) state.smsOptOuts.add(optOutKey(input.to, input.from));
  if (START_WORDS.has(word)) state.smsOptOuts.delete(optOutKey(input.to, input.from));
  return record;
}
const MAX_MESSAGE_LENGTH = 2048;
/** North American toll-free prefixes; a toll-free sender reaches only the US, Canada and Puerto Rico. */
const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;
const TOLL_FREE_REACH = new Set(['US', 'CA', 'PR']);

/** Why a recipient cannot be sent to from this sender, or undefined when it can. */
function unreachable(from: string, to: string): string | undefined {
  if (!E164.test(to)) return 'Invalid To phone number format.';
  if (TOLL_FREE.test(from)) {
    const country = parsePhoneNumberFromString(to)?.country;
    if (!country || !TOLL_FREE_REACH.has(country)) return 'A toll-free number can send only to the US, Canada and Puerto Rico.';
  }
  return undefined;
}

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
      // A sender the resource does not own (not acquired, or released) is refused as a whole.
      if (!context.state.resource.smsNumbers.includes(body.from)) {
        throw new ServiceError(401, 'Unauthorized', 'The From phone number is not owned by this resource.', 'from');
      }
      if (!isString(body.message) || body.message.length === 0) throw badRequest('BadRequest', 'message is required.', 'message');
      if (body.message.length > MAX_MESSAGE_LENGTH) {
        throw badRequest('BadRequest', `message may be at most ${MAX_MESSAGE_LENGTH} characters.`, 'message');
      }
      const recipients = body.smsRecipients;
      if (!Array.isArray(recipients) || recipients.length === 0)
        throw badRequest('BadRequest', 'smsRecipients must not be empty.', 'smsRecipients');
      const options = (body.smsSendOptions ?? {}) as { enableDeliveryReport?: unknown; tag?: unknown };
      const now = context.state.now();
      const value = recipients.map((recipient: { to?: unknown; repeatabilityRequestId?: unknown }) => {
        const repeatabilityRequestId = isString(recipient.repeatabilityRequestId) ? recipient.repeatabilityRequestId : undefined;
        // A repeated request id answers the first result and sends nothing (the SDK's retry-safety).
        const earlier = repeatabilityRequestId
          ? context.state.sms.find((s) => s.repeatabilityRequestId === repeatabilityRequestId)
          : undefined;
        if (earlier) return result(earlier, 'accepted');
        const to = isString(recipient.to) ? recipient.to : '';
        const refusal = unreachable(body.from as string, to);
        const valid = refusal === undefined;
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
          errorMessage: refusal,
          // Accepted like any other (ACS checks opt-outs on delivery, not on the request), but never delivered.
          ...(valid && context.state.smsOptOuts.has(optOutKey(body.from as string, to)) ? { blockedByOptOut: true } : {}),
        };
        context.state.sms.push(record);
        return result(record, repeatabilityRequestId ? 'accepted' : undefined);
      });
      return { status: 202, body: { value } };
    },
  },
  ...(['add', 'remove', 'check'] as const).map((action): Route => ({
    method: 'POST',
    pattern: new RegExp(`^/sms/optouts:${action}$`),
    apiVersion: SMS_OPT_OUT_API_VERSION,
    auth: 'service',
    handle(context) {
      const body = jsonBody(context.request);
      if (!isString(body.from) || !E164.test(body.from)) throw badRequest('BadRequest', 'Invalid From phone number format.', 'from');
      if (!context.state.resource.smsNumbers.includes(body.from)) {
        throw new ServiceError(401, 'Unauthorized', 'The From phone number is not owned by this resource.', 'from');
      }
      const recipients = body.recipients;
      if (!Array.isArray(recipients) || recipients.length === 0)
        throw badRequest('BadRequest', 'recipients must not be empty.', 'recipients');
      const from = body.from;
      const value = recipients.map((recipient: { to?: unknown }) => {
        const to = isString(recipient.to) ? recipient.to : '';
        if (!E164.test(to)) return { to, httpStatusCode: 400, errorMessage: 'Invalid To phone number format.' };
        const key = optOutKey(from, to);
        if (action === 'add') context.state.smsOptOuts.add(key);
        if (action === 'remove') context.state.smsOptOuts.delete(key);
        return { to, httpStatusCode: 200, ...(action === 'check' ? { isOptedOut: context.state.smsOptOuts.has(key) } : {}) };
      });
      return { status: 200, body: { value } };
    },
  })),
];
