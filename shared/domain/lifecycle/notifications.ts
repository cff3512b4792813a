import type { Channel, PlannedReminder, ReminderChannel, SkipReason } from '../appointments/appointment';
import type { NoticeKind } from '../messages/texts';

/** Who a notification goes to and how: the consumer by email or SMS, the provider by email. */
export type NotificationChannel = Channel | 'provider-email';

/** Why a notification is sent; reminders are told apart by their index in the appointment's plan. */
export type NotificationMoment = NoticeKind | `reminder-${number}`;

/** Identifies one message for ever: the same key is never sent twice (ACS may see it again only after a crash). */
export interface NotificationKey {
  appointmentId: string;
  /** The appointment version the message is about (a reschedule gives new keys). */
  version: number;
  moment: NotificationMoment;
  channel: NotificationChannel;
}

/** `<appointmentId>|v<version>|<moment>|<channel>`: usable as a table row key and as an ACS idempotency key. */
export function notificationKeyText(key: NotificationKey): string {
  return `${key.appointmentId}|v${key.version}|${key.moment}|${key.channel}`;
}

export function reminderMoment(index: number): NotificationMoment {
  return `reminder-${index}`;
}

export type DeliveryResult = 'sent' | 'failed' | 'skipped';

/**
 * A reminder after its channels were tried: `sent` when every channel it kept was sent, `failed` when
 * any channel finally failed. A channel that could not be used (no valid phone any more) is skipped.
 */
export function settleReminder(
  reminder: PlannedReminder,
  results: Partial<Record<ReminderChannel, DeliveryResult>>,
  /** Why a channel was skipped (a cap), kept on its delivery. */
  reasons: Partial<Record<ReminderChannel, SkipReason>> = {},
): PlannedReminder {
  const deliveries = reminder.deliveries.map((delivery) => {
    const status = results[delivery.channel] ?? delivery.status;
    const reason = status === 'skipped' ? (reasons[delivery.channel] ?? delivery.reason) : undefined;
    return { channel: delivery.channel, status, ...(reason ? { reason } : {}) };
  });
  const statuses = deliveries.map((d) => d.status);
  const status = statuses.includes('failed')
    ? 'failed'
    : statuses.includes('pending')
      ? 'pending'
      : statuses.includes('sent')
        ? 'sent'
        : 'skipped';
  return { ...reminder, status, deliveries };
}
