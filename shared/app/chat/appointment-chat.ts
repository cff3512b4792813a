import { AppError } from '../errors';
import type { ChatParticipant, ChatPort } from '../ports/acs';
import type { AppointmentStore } from '../ports/appointment-store';
import { WriteConflictError } from '../ports/versioned';

export interface ChatDeps {
  appointments: AppointmentStore;
  chat: ChatPort;
}

const MAX_ATTEMPTS = 5;

/**
 * The appointment's chat thread (rooms have none): created once by the app's identity, which stays a
 * member to post notices, with the consumer and the provider. The appointment id is the create's
 * idempotency key, so a retry or a lost race returns the same thread instead of a second one.
 */
export async function ensureChatThread(
  deps: ChatDeps,
  appointmentId: string,
  thread: { topic: string; participants: ChatParticipant[] },
): Promise<string> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const found = await deps.appointments.find(appointmentId);
    if (!found) throw new AppError('not-found', 'There is no such appointment.');
    const appointment = found.value;
    if (appointment.chatThreadId) return appointment.chatThreadId;
    const { threadId } = await deps.chat.createThread({ ...thread, idempotencyKey: appointment.id });
    try {
      await deps.appointments.commit({
        businessId: appointment.businessId,
        providerId: appointment.providerId,
        days: [],
        appointment: { value: { ...appointment, chatThreadId: threadId }, etag: found.etag, previousStart: appointment.start },
        outbox: [],
      });
      return threadId;
    } catch (error) {
      if (!(error instanceof WriteConflictError)) throw error;
    }
  }
  throw new AppError('conflict', 'The appointment is being changed by someone else; retry.', { retryAfterSeconds: 1 });
}
