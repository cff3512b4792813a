import type { Channel, ReminderChannel, SkipReason } from '../../domain/appointments/appointment';
import { canText } from '../../domain/lifecycle/plan';
import { reminderMoment, type DeliveryResult } from '../../domain/lifecycle/notifications';
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

/**
 * One reminder of the plan on its channels (SMS only while the consumer can be texted); the outcome is
 * recorded on the appointment. The `event` channel sends nothing: recording it as sent is what
 * publishes `appointment.reminder.due`, through the outbox in that same commit (bookkeeping.ts).
 */
export async function sendReminder(deps: LifecycleDeps, input: ReminderInput): Promise<SendReport> {
  const current = await currentVersion(deps, input.appointmentId, input.version, 'booked');
  const reminder = current?.value.reminders[input.index];
  // An erased consumer gets nothing (erasure skipped the pending reminders already; this covers a race).
  if (!current || !reminder || reminder.status !== 'pending' || current.value.erasedAt !== undefined) return { stale: true };
  const setting = await settingOf(deps, current.value);
  const message = consumerMessageOnce(deps, setting, 'reminder', true);
  const messageChannels = reminder.channels.filter((channel): channel is Channel => channel !== 'event');
  const usable = messageChannels.filter((channel) => channel === 'email' || canText(current.value.consumer));
  const settled: Partial<Record<ReminderChannel, DeliveryResult>> = {
    ...Object.fromEntries(messageChannels.filter((c) => !usable.includes(c)).map((c) => [c, 'skipped' as const])),
    ...(reminder.channels.includes('event') ? { event: 'sent' as const } : {}),
  };
  let results: Partial<Record<ReminderChannel, DeliveryResult>> = settled;
  const reasons: Partial<Record<Channel, SkipReason>> = {};
  // A phone that was verified and had consent lost it since: the delivery says so.
  const consumer = current.value.consumer;
  if (settled.sms === 'skipped' && consumer.phone && consumer.phoneVerified === true && !consumer.smsConsent)
    reasons.sms = 'sms-consent-withdrawn';
  let retry: unknown;
  try {
    results = {
      ...settled,
      ...(await sendChannels(
        deps,
        setting,
        reminderMoment(input.index),
        usable,
        (channel, key) => sendToConsumer(deps, setting, channel as Channel, message, 'reminder', key),
        reasons,
      )),
    };
  } catch (error) {
    retry = error;
    results = { ...settled, ...partialResults(error) };
  }
  // Channels that finished are recorded even when another one is to be retried.
  await recordReminder(deps, input.appointmentId, input.version, input.index, results, reasons);
  if (retry instanceof ChannelsToRetry && retry.throttledForMs !== undefined)
    return { stale: false, results, throttledForMs: retry.throttledForMs };
  if (retry !== undefined) throw retry;
  return { stale: false, results };
}
