import { AcsError, type ChatPort, type IdentityPort, type RoomsPort } from '../ports/acs';
import type { AppointmentStore, OutboxMessage } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import type { ProviderIdentityStore } from '../ports/provider-identity-store';
import { ensureProviderIdentity } from './participant-identity';

export interface HandoverDeps {
  appointments: AppointmentStore;
  businesses: BusinessRepository;
  rooms: RoomsPort;
  chat: ChatPort;
  identity: IdentityPort;
  providerIdentities: ProviderIdentityStore;
}

/**
 * `provider.handover` (written by a move to another provider): the provider the appointment left loses
 * its seat in the room and its membership of the chat thread (its ACS identity is shared across all of
 * its visits, so nothing else would stop it), and the provider it has now joins the thread (the room
 * seat comes with the join). Acts on where the appointment is now, so handovers of a move and of the
 * move back may run in any order; every step is idempotent, and a failure is retried by the outbox.
 */
export function providerHandoverHandlers(deps: HandoverDeps) {
  return {
    'provider.handover': async (message: OutboxMessage) => {
      const fromProviderId = message.payload?.fromProviderId;
      if (typeof fromProviderId !== 'string') throw new Error(`provider.handover ${message.id} names no provider`);
      const found = await deps.appointments.find(message.appointmentId);
      if (!found) return;
      const { roomId, chatThreadId, businessId, providerId } = found.value;
      if (providerId === fromProviderId || (!roomId && !chatThreadId)) return;
      const leaving = await deps.providerIdentities.get(businessId, fromProviderId);
      if (leaving) {
        if (roomId) await ignoreMissing(deps.rooms.removeParticipants(roomId, [leaving]));
        if (chatThreadId) await ignoreMissing(deps.chat.removeParticipant(chatThreadId, leaving));
      }
      if (chatThreadId) {
        const provider = await deps.businesses.getProvider(businessId, providerId);
        const arriving = await ensureProviderIdentity(deps, businessId, providerId);
        await deps.chat.addParticipants(chatThreadId, [
          { userId: arriving, ...(provider ? { displayName: provider.value.displayName } : {}) },
        ]);
      }
    },
  };
}

/** A room or thread that is gone (deleted with a cancel, or expired) has nobody left to remove. */
async function ignoreMissing(call: Promise<void>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof AcsError && error.status === 404)) throw error;
  }
}
