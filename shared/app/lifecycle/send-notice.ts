import type { Appointment } from '../../domain/appointments/appointment';
import { noticeChannels } from '../../domain/lifecycle/plan';
import type { NotificationChannel, NotificationMoment } from '../../domain/lifecycle/notifications';
import type { ProviderMessageKind } from '../../domain/messages/compose';
import type { NoticeKind } from '../../domain/messages/texts';
import type { LifecycleDeps } from './lifecycle-deps';
import { ChannelsToRetry, currentVersion, sendChannels, settingOf, skipOnce, type SendReport } from './channels';
import { consumerMessageOnce, sendProviderEmail, sendToConsumer } from './messages';

/** The notices sent when the appointment itself changes (reminders are sent by `sendReminder`). */
export type Notice = NoticeKind;

export interface NoticeInput {
  appointmentId: string;
  /** The appointment version the notice is about; nothing is sent if the appointment moved on. */
  version: number;
  notice: Notice;
}

const PROVIDER_KIND: Record<Notice, ProviderMessageKind> = { confirmation: 'booked', reschedule: 'rescheduled', cancellation: 'cancelled' };
const CONSUMER_STATUS: Record<Notice, Appointment['status']> = { confirmation: 'booked', reschedule: 'booked', cancellation: 'cancelled' };

/** Confirmation, reschedule or cancellation notice: the consumer on the notice channels, the provider by email with the calendar file. */
export async function sendNotice(deps: LifecycleDeps, input: NoticeInput): Promise<SendReport> {
  const current = await currentVersion(deps, input.appointmentId, input.version, CONSUMER_STATUS[input.notice]);
  if (!current) return { stale: true };
  const setting = await settingOf(deps, current.value);
  const moment: NotificationMoment = input.notice;
  // A cancelled appointment has nothing left to manage: its notice carries links without a token.
  const consumerMessage = consumerMessageOnce(deps, setting, input.notice, input.notice !== 'cancellation');
  const erased = current.value.erasedAt !== undefined;
  if (erased) {
    // Queued before the erasure: the consumer's copy is dropped (recorded with the reason), the provider's goes.
    for (const channel of noticeChannels(current.value.consumer)) {
      await skipOnce(deps, { appointmentId: input.appointmentId, version: input.version, moment, channel }, 'consumer-erased');
    }
  }
  const channels: NotificationChannel[] = [...(erased ? [] : noticeChannels(current.value.consumer)), 'provider-email'];
  try {
    const results = await sendChannels(deps, setting, moment, channels, (channel, idempotencyKey) =>
      channel === 'provider-email'
        ? sendProviderEmail(deps, setting, PROVIDER_KIND[input.notice], input.notice, idempotencyKey)
        : sendToConsumer(deps, setting, channel, consumerMessage, input.notice, idempotencyKey),
    );
    return { stale: false, results };
  } catch (error) {
    if (error instanceof ChannelsToRetry && error.throttledForMs !== undefined)
      return { stale: false, results: error.results, throttledForMs: error.throttledForMs };
    throw error;
  }
}
