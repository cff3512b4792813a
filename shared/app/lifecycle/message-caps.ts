import type { Channel, SkipReason } from '../../domain/appointments/appointment';
import { DAY_MS, HOUR_MS } from '../../domain/availability/local-time';
import type { QuotaStore } from '../ports/quota-store';

export interface MessageCapSettings {
  emailPerRecipientPerDay: number;
  smsPerRecipientPerDay: number;
  smsPerBusinessPerHour: number;
}

/** The daily counter of one recipient (an erasure deletes it: docs/privacy.md). */
export const recipientCounter = (channel: Channel, recipient: string) => `${channel}-recipient|${recipient.toLowerCase()}`;

/** Decides whether one consumer message may go out; counts it when it may. */
export interface MessageCaps {
  /** Undefined = send (and it was counted); else why it must not be sent. */
  admit(message: { channel: Channel; recipient: string; businessId: string; now: number }): Promise<SkipReason | undefined>;
}

/**
 * Per-recipient daily caps (email address, phone number) and a per-business hourly SMS cap, on
 * stored counters shared by every instance. The recipient's counter is checked first: a recipient at
 * their cap never uses the business's SMS allowance.
 */
export function messageCaps(quotas: QuotaStore, caps: MessageCapSettings): MessageCaps {
  return {
    async admit({ channel, recipient, businessId, now }) {
      const perRecipient = channel === 'email' ? caps.emailPerRecipientPerDay : caps.smsPerRecipientPerDay;
      if (!(await quotas.take(recipientCounter(channel, recipient), perRecipient, DAY_MS, now))) return 'recipient-daily-cap';
      if (channel === 'sms' && !(await quotas.take(`sms-business|${businessId}`, caps.smsPerBusinessPerHour, HOUR_MS, now)))
        return 'business-hourly-sms-cap';
      return undefined;
    },
  };
}

/** Thrown by a send that a cap refused: recorded as skipped with its reason, never retried. */
export class MessageCapped extends Error {
  constructor(readonly reason: SkipReason) {
    super(`message not sent: ${reason}`);
    this.name = 'MessageCapped';
  }
}
