import { AcsError, type IdentityPort, type RoomsPort } from '../ports/acs';
import type { OutboxMessage } from '../ports/appointment-store';

export interface RevocationDeps {
  identity: IdentityPort;
  rooms: RoomsPort;
}

/**
 * `access.revoke` (after cancel and no-show): the consumer's tokens stop working and the consumer
 * leaves the room. Both steps are idempotent; a room that is already deleted has nobody to remove.
 */
export function accessRevocationHandlers(deps: RevocationDeps) {
  return {
    'access.revoke': async (message: OutboxMessage) => {
      const { userId, roomId } = message.payload ?? {};
      if (typeof userId !== 'string') throw new Error(`access.revoke ${message.id} names no user`);
      await deps.identity.revokeTokens(userId);
      if (typeof roomId !== 'string') return;
      try {
        await deps.rooms.removeParticipants(roomId, [userId]);
      } catch (error) {
        if (!(error instanceof AcsError && error.status === 404)) throw error;
      }
    },
  };
}
