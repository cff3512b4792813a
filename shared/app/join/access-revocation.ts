import { AcsError, type ChatPort, type IdentityPort, type RoomsPort } from '../ports/acs';
import type { OutboxMessage } from '../ports/appointment-store';

export interface RevocationDeps {
  identity: IdentityPort;
  rooms: RoomsPort;
  chat: ChatPort;
}

const gone = (error: unknown) => error instanceof AcsError && error.status === 404;

/**
 * `access.revoke` (after cancel and no-show): the consumer leaves the room and the chat thread, which
 * locks them out at once. Their tokens are revoked too, but ACS may honour old tokens for up to 15
 * minutes after a revoke, so nothing relies on that. Every step is idempotent; a room or thread that
 * is already gone has nobody to remove.
 */
export function accessRevocationHandlers(deps: RevocationDeps) {
  return {
    'access.revoke': async (message: OutboxMessage) => {
      const { userId, roomId, chatThreadId } = message.payload ?? {};
      if (typeof userId !== 'string') throw new Error(`access.revoke ${message.id} names no user`);
      if (typeof roomId === 'string')
        await deps.rooms.removeParticipants(roomId, [userId]).catch((error: unknown) => {
          if (!gone(error)) throw error;
        });
      // 403: the app's identity is no longer in the thread (it was replaced), so nobody can be removed by it.
      if (typeof chatThreadId === 'string')
        await deps.chat.removeParticipant(chatThreadId, userId).catch((error: unknown) => {
          if (!gone(error) && !(error instanceof AcsError && error.status === 403)) throw error;
        });
      await deps.identity.revokeTokens(userId);
    },
  };
}
