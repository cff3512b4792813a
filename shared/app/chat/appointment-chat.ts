import { AppError, appointmentBusy } from '../errors';
import { AcsThrottledError, type ChatParticipant, type ChatPort } from '../ports/acs';
import type { AppointmentStore, OutboxMessage } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';

export interface ChatDeps {
  appointments: AppointmentStore;
  chat: ChatPort;
}

const MAX_ATTEMPTS = 5;

/**
 * The appointment's chat thread (rooms have none): created once by the app's identity, which stays a
 * member to post notices. The appointment id is the create's idempotency key, so a retry or a lost
 * race returns the same thread instead of a second one. `created` is false when the thread existed
 * (made ahead by the outbox), so its participants may still have to be added.
 */
export async function ensureChatThread(
  deps: ChatDeps,
  appointmentId: string,
  thread: { topic: string; participants: ChatParticipant[] },
): Promise<{ threadId: string; created: boolean }> {
  return retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      if (!found) throw new AppError('not-found', 'There is no such appointment.');
      const appointment = found.value;
      if (appointment.chatThreadId) return { threadId: appointment.chatThreadId, created: false };
      const { threadId } = await deps.chat.createThread({ ...thread, idempotencyKey: appointment.id });
      await deps.appointments.commit(appointmentUpdate(found, { ...appointment, chatThreadId: threadId }));
      return { threadId, created: true };
    },
    { whenExhausted: appointmentBusy },
  );
}

/** How often a join waits out a throttled thread creation (after the SDK's own retries), and how long at most. */
const JOIN_THROTTLE_ATTEMPTS = 4;
const JOIN_THROTTLE_MAX_WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * ensureChatThread for the join, where a thread the outbox has not made yet is created in the request:
 * a 429 (ACS allows 10 creations per user per 10 s) is waited out at its Retry-After plus jitter, so
 * joins that lost the same race do not all come back at the same instant. Still throttled after that:
 * 503 with Retry-After.
 */
export async function ensureChatThreadForJoin(
  deps: ChatDeps,
  appointmentId: string,
  thread: { topic: string; participants: ChatParticipant[] },
): Promise<{ threadId: string; created: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensureChatThread(deps, appointmentId, thread);
    } catch (error) {
      if (!(error instanceof AcsThrottledError)) throw error;
      if (attempt >= JOIN_THROTTLE_ATTEMPTS) {
        throw new AppError('unavailable', 'The visit chat cannot be set up right now; retry shortly.', {
          retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000),
        });
      }
      await sleep(Math.min(JOIN_THROTTLE_MAX_WAIT_MS, error.retryAfterMs) + Math.random() * 1000);
    }
  }
}

/**
 * `chat.ensure` (after booking): the thread is made ahead of the join, by the outbox, because ACS lets
 * one user (the app's identity) create only 10 threads per 10 seconds; a burst of joins then creates
 * none. A throttled create fails the row, which the outbox retries after the service's Retry-After.
 * Participants are added at the join, when their ACS identities exist.
 */
export function chatThreadHandlers(deps: ChatDeps & { businesses: BusinessRepository }) {
  return {
    'chat.ensure': async (message: OutboxMessage) => {
      const found = await deps.appointments.find(message.appointmentId);
      // An erased consumer gets no new thread made ahead (their old one was just deleted).
      if (!found || found.value.status !== 'booked' || found.value.chatThreadId || found.value.erasedAt !== undefined) return;
      const service = await deps.businesses.getService(found.value.businessId, found.value.serviceId);
      await ensureChatThread(deps, message.appointmentId, { topic: chatTopic(service?.value.name), participants: [] });
    },
  };
}

export const chatTopic = (serviceName: string | undefined) => serviceName ?? 'Appointment';
