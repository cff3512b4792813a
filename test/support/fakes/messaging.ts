import { randomUUID } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { AcsError, type EmailPort, type MessageKind, type SmsPort, type SmsResult } from '../../../shared/app/ports/acs';

/** One message as a recipient got it (the shape the ACS emulator's `/admin/messages` answers). */
export interface DeliveredMessage {
  channel: 'email' | 'sms';
  to: string;
  kind?: MessageKind;
  appointmentId?: string;
  subject?: string;
  body: string;
  attachments?: string[];
}

/** Email as the service takes it: the emulator's address check (dev/acs-emulator/email-routes.ts). */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const E164 = /^\+[1-9]\d{1,14}$/;
/** North American toll-free senders reach only the US, Canada and Puerto Rico (as ACS and its emulator). */
const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;
const TOLL_FREE_REACH = new Set(['US', 'CA', 'PR']);

/**
 * In-memory EmailPort and SmsPort of one ACS resource. Pinned to the ACS adapters on the ACS emulator
 * by test/support/contracts/messaging.contract.ts. Tests script failures with `failEmail`/`failSms`
 * (each call takes the next scripted error, if any).
 */
export class FakeMessaging {
  readonly delivered: DeliveredMessage[] = [];
  readonly failEmail: Error[] = [];
  readonly failSms: Error[] = [];
  private readonly operations = new Map<string, string>();

  constructor(private readonly smsFrom = '+18005550100') {}

  sentTo(address: string): DeliveredMessage[] {
    return this.delivered.filter((m) => m.to.toLowerCase() === address.toLowerCase());
  }

  readonly email: EmailPort = {
    send: async (input) => {
      const scripted = this.failEmail.shift();
      if (scripted) throw scripted;
      for (const { address } of input.to) {
        if (!EMAIL.test(address))
          throw new AcsError('email', 'send', 400, 'BadRequest', 'recipients.to[0].address is not a valid email address.', false);
      }
      // A repeated idempotency key is the same operation: answered again, sent once.
      const known = input.idempotencyKey ? this.operations.get(input.idempotencyKey) : undefined;
      if (known) return { operationId: known };
      const operationId = randomUUID();
      if (input.idempotencyKey) this.operations.set(input.idempotencyKey, operationId);
      for (const { address } of input.to) {
        this.delivered.push({
          channel: 'email',
          to: address,
          subject: input.subject,
          body: input.plainText,
          ...(input.label ? { kind: input.label.kind, appointmentId: input.label.appointmentId } : {}),
          ...(input.attachments ? { attachments: input.attachments.map((a) => a.name) } : {}),
        });
      }
      return { operationId };
    },
  };

  readonly sms: SmsPort = {
    send: async (input) => {
      const scripted = this.failSms.shift();
      if (scripted) throw scripted;
      return input.to.map((to): SmsResult => {
        const refusal = this.unreachable(to);
        if (refusal) return { to, successful: false, httpStatusCode: 400, errorMessage: refusal };
        this.delivered.push({
          channel: 'sms',
          to,
          body: input.message,
          ...(input.label ? { kind: input.label.kind, appointmentId: input.label.appointmentId } : {}),
        });
        return { to, successful: true, httpStatusCode: 202, messageId: `Outgoing_${randomUUID()}_noam` };
      });
    },
  };

  private unreachable(to: string): string | undefined {
    if (!E164.test(to)) return 'Invalid To phone number format.';
    if (TOLL_FREE.test(this.smsFrom)) {
      const country = parsePhoneNumberFromString(to)?.country;
      if (!country || !TOLL_FREE_REACH.has(country)) return 'A toll-free number can send only to the US, Canada and Puerto Rico.';
    }
    return undefined;
  }
}
