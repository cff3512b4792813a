import { ERASED, eraseConsumer, type Appointment } from '../../domain/appointments/appointment';
import { recipientCounter } from '../lifecycle/message-caps';
import { phoneCodeCounter } from '../phone-verification';
import type { AppointmentCredentials } from '../appointments/appointment-access';
import { appointmentUpdate } from '../appointments/appointment-update';
import type { BookingDeps } from '../appointments/book-appointment';
import { changeAppointment } from '../appointments/change-appointment';
import { outboxMessage } from '../appointments/effects';
import { AppError } from '../errors';
import { AcsError, type ChatPort, type IdentityPort } from '../ports/acs';
import type { OutboxMessage } from '../ports/appointment-store';
import type { PersonalDataStore } from '../ports/privacy';
import type { StoredResponse } from '../ports/idempotency-store';
import { ERASED_BOOKING_ANSWER } from './erased-booking';

export interface ErasureDeps extends BookingDeps {
  personalData: PersonalDataStore;
}

/**
 * A manager erases the consumer's personal data from one appointment (docs/privacy.md): the fields
 * are replaced in the same ETag-guarded write as every change, remembered booking answers and phone
 * verifications that carry the consumer are deleted first, copies a move left in other partitions are
 * overwritten, and the chat thread and the consumer's ACS identity are deleted by the outbox
 * (`consumer.erase`, retried until done). Not a new version: the lifecycle goes on and sends nothing
 * more to the consumer (deliveries skipped with `consumer-erased`). Erasing twice answers the same.
 */
export async function eraseAppointmentConsumer(
  deps: ErasureDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
): Promise<Appointment> {
  const erased = await changeAppointment(deps, appointmentId, credentials, undefined, async ({ appointment, role, now }) => {
    if (role !== 'manager') throw new AppError('forbidden', "Only the business's managers can erase a consumer's data.");
    const current = appointment.value;
    if (current.erasedAt !== undefined) return { answer: current };
    await forgetConsumerRows(deps.personalData, current, ERASED_BOOKING_ANSWER);
    // The manage token dies with the data (its hash can match nothing): the consumer's link stops working.
    const value: Appointment = { ...eraseConsumer(current, now), manageTokenHash: '' };
    return { commit: appointmentUpdate(appointment, value, erasureEffects(value, current, now)), result: value };
  });
  // A move to another provider leaves the old partition a tombstone with the full copy: overwritten too.
  const providers = await deps.businesses.listProviders(erased.businessId);
  await deps.personalData.eraseTombstones(
    providers.map((p) => ({ businessId: erased.businessId, providerId: p.id })).filter((l) => l.providerId !== erased.providerId),
    erased,
  );
  return erased;
}

function erasureEffects(erased: Appointment, previous: Appointment, now: number): OutboxMessage[] {
  const effects: OutboxMessage[] = [];
  if (previous.chatThreadId || previous.consumerAcsUserId) {
    effects.push(
      outboxMessage(erased, 'consumer.erase', now, {
        ...(previous.chatThreadId ? { chatThreadId: previous.chatThreadId } : {}),
        ...(previous.consumerAcsUserId ? { userId: previous.consumerAcsUserId } : {}),
      }),
    );
  }
  // The provider's Outlook event names the consumer: rewritten without it (its own row id, since the
  // version's calendar.update may still be pending).
  if (previous.staffCalendarEvent)
    effects.push({ ...outboxMessage(erased, 'calendar.update', now), id: `${erased.id}|${erased.version}|calendar.update|erased` });
  return effects;
}

/**
 * Rows elsewhere that carry the consumer or are named after them: the booking's remembered answer (an
 * erasure overwrites it with `answerReplacement`, so a retry of the booking cannot book again), the
 * phone's verifications and the sending-cap counters of their address and number (those counters are
 * shared with the consumer's other appointments: dropping them early only lifts a cap).
 */
export async function forgetConsumerRows(
  store: PersonalDataStore,
  appointment: Appointment,
  answerReplacement?: StoredResponse,
): Promise<void> {
  const { businessId, consumer } = appointment;
  await store.forgetIdempotentAnswers(businessId, appointment.id, answerReplacement);
  if (consumer.phone) await store.forgetPhoneVerifications(businessId, consumer.phone);
  const counters = consumer.email === ERASED ? [] : [recipientCounter('email', consumer.email)];
  if (consumer.phone) counters.push(recipientCounter('sms', consumer.phone), phoneCodeCounter(consumer.phone));
  await store.forgetCounters(counters);
}

const goneOrUnknown = (error: unknown) => error instanceof AcsError && (error.status === 404 || error.status === 401);

/** Deletes a consumer's ACS identity; one already deleted (404, or 401 as ACS answers for an unknown id) is done. */
export async function deleteConsumerIdentity(identity: IdentityPort, userId: string): Promise<void> {
  await identity.deleteUser(userId).catch((error: unknown) => {
    if (!goneOrUnknown(error)) throw error;
  });
}

/** `consumer.erase`: the thread (with the consumer's messages and display name) and the consumer's identity go. Idempotent. */
export function erasureHandlers(deps: { chat: ChatPort; identity: IdentityPort }) {
  return {
    'consumer.erase': async (message: OutboxMessage) => {
      const { chatThreadId, userId } = message.payload ?? {};
      if (typeof chatThreadId === 'string') await deps.chat.deleteThread(chatThreadId);
      if (typeof userId === 'string') await deleteConsumerIdentity(deps.identity, userId);
    },
  };
}
