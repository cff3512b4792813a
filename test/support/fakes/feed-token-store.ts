import type { FeedTokenStore } from '../../../shared/app/ports/feed-token-store';

/** In-memory FeedTokenStore: one hash per provider, replaced on save. */
export class InMemoryFeedTokenStore implements FeedTokenStore {
  private readonly hashes = new Map<string, string>();

  async getHash(businessId: string, providerId: string): Promise<string | undefined> {
    return this.hashes.get(`${businessId}\n${providerId}`);
  }

  async saveHash(businessId: string, providerId: string, hash: string): Promise<void> {
    this.hashes.set(`${businessId}\n${providerId}`, hash);
  }
}
