import type { ProviderIdentityStore } from '../../../shared/app/ports/provider-identity-store';
import type { ServiceIdentityStore } from '../../../shared/app/ports/service-identity-store';
import { WriteConflictError, type Versioned } from '../../../shared/app/ports/versioned';
import { nextEtag } from './etags';

/** In-memory ProviderIdentityStore: the first claim wins, later claims answer the stored identity. */
export class InMemoryProviderIdentityStore implements ProviderIdentityStore {
  private readonly identities = new Map<string, string>();

  async get(businessId: string, providerId: string): Promise<string | undefined> {
    return this.identities.get(`${businessId}\n${providerId}`);
  }

  async claim(businessId: string, providerId: string, userId: string): Promise<string> {
    const key = `${businessId}\n${providerId}`;
    const stored = this.identities.get(key);
    if (stored !== undefined) return stored;
    this.identities.set(key, userId);
    return userId;
  }
}

/** In-memory ServiceIdentityStore: insert-if-absent without an etag, replace-if-unchanged with one. */
export class InMemoryServiceIdentityStore implements ServiceIdentityStore {
  private row: Versioned<string> | undefined;

  async get(): Promise<Versioned<string> | undefined> {
    return this.row && { ...this.row };
  }

  async save(userId: string, etag: string | undefined): Promise<void> {
    if (etag === undefined ? this.row !== undefined : this.row?.etag !== etag) throw new WriteConflictError('app/chat-identity');
    this.row = { value: userId, etag: nextEtag() };
  }
}
