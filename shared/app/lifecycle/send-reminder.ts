import type { Channel, SkipReason } from '../../domain/appointments/appointment';
import { canText } from '../../domain/lifecycle/plan';
import { reminderMoment, type DeliveryResult, type NotificationChannel } from '../../domain/lifecycle/notifications';
import type { LifecycleDeps } from './lifecycle-deps';
import { ChannelsToRetry, currentVersion, partialResults, sendChannels, settingOf, type SendReport } from './channels';
import { consumerMessageOnce, sendToConsumer } from './messages';
import { recordReminder } from './bookkeeping';

export interface ReminderInput {
  appointmentId: string;
  version: number;
  /** Position in the appointment's `reminders`. */
  index: number;
}

/** One reminder of the plan on its channels (SMS only while the consumer can be texted); the outcome is recorded on the appointment. */
export async function sendReminder(deps: LifecycleDeps, input: ReminderInput): Promise<SendReport> {
  const current = await currentVersion(deps, input.appointmentId, input.version, 'booked');
  const reminder = current?.value.reminders[input.index];
  // An erased consumer gets nothing (erasure skipped the pending reminders already; this covers a race).
  if (!current || !reminder || reminder.status !== 'pending' || current.value.erasedAt !== undefined) return { stale: true };
  const setting = await settingOf(deps, current.value);
  const message = consumerMessageOnce(deps, setting, 'reminder', true);
  const usable = reminder.channels.filter((channel) => channel === 'email' || canText(current.value.consumer));
  const skipped = Object.fromEntries(reminder.channels.filter((c) => !usable.includes(c)).map((c) => [c, 'skipped' as const]));
  let results: Partial<Record<NotificationChannel, DeliveryResult>> = skipped;
  const reasons: Partial<Record<Channel, SkipReason>> = {};
  // A phone that was verified and had consent lost it since: the delivery says so.
  const consumer = current.value.consumer;
  if (skipped.sms && consumer.phone && consumer.phoneVerified === true && !consumer.smsConsent) reasons.sms = 'sms-consent-withdrawn';
  let retry: unknown;
  try {
    results = { ...skipped, ...(await sendChannels(deps, setting, reminderMoment(input.index), usable, (channel, key) => sendToConsumer(deps, setting, channel as Channel, message, 'reminder', key), reasons)) };
  } catch (error) {
    retry = error;
    results = { ...skipped, ...partialResults(error) };
  }
  // Channels that finished are recorded even when another one is to be retried.
  await recordReminder(deps, input.appointmentId, input.version, input.index, results, reasons);
  if (retry instanceof ChannelsToRetry && retry.throttledForMs !== undefined) return { stale: false, results, throttledForMs: retry.throttledForMs };
  if (retry !== undefined) throw retry;
  return { stale: false, results };
}
