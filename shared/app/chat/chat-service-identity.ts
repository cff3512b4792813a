import { AcsError, type IdentityPort } from '../ports/acs';
import type { ServiceIdentityStore } from '../ports/service-identity-store';
import { retryOnConflict } from '../retry-on-conflict';

export interface ServiceIdentityDeps {
  identity: IdentityPort;
  store: ServiceIdentityStore;
}

// Racing processes settle in two rounds (one wins, the others read its row); more means something keeps rewriting it.
const MAX_ATTEMPTS = 3;

/**
 * The app's chat identity: the stored one while ACS still knows it, otherwise a new one stored in its
 * place (first use, or an ACS emulator that lost its memory while the table kept the row). Of
 * processes that race to store one, the first write wins and the others delete what they created.
 */
export async function resolveChatServiceIdentity(deps: ServiceIdentityDeps): Promise<string> {
  return retryOnConflict(MAX_ATTEMPTS, async () => {
    const stored = await deps.store.get();
    if (stored && (await exists(deps.identity, stored.value))) return stored.value;
    const created = await deps.identity.createUser();
    try {
      await deps.store.save(created, stored?.etag);
      return created;
    } catch (error) {
      // Another process stored its identity first: that one is the app's, ours would only be litter.
      await deps.identity.deleteUser(created);
      throw error;
    }
  });
}

/**
 * ACS answers 401 when asked for a token of an identity it does not know (deleted, or of another
 * resource); 404 is treated alike. The service's keys are checked on the same call, but a wrong key
 * fails creating the new identity as well, so it cannot be mistaken for a lost identity for long.
 */
async function exists(identity: IdentityPort, userId: string): Promise<boolean> {
  try {
    await identity.issueToken(userId, ['chat'], 60);
    return true;
  } catch (error) {
    if (error instanceof AcsError && (error.status === 401 || error.status === 404)) return false;
    throw error;
  }
}
