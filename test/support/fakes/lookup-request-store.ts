import type { LookupRequest, LookupRequestStore } from '../../../shared/app/ports/lookup-request-store';
import { WriteConflictError, type Versioned } from '../../../shared/app/ports/versioned';
import { nextEtag, stored } from './etags';

/** In-memory LookupRequestStore; pinned to TableLookupRequestStore by test/support/contracts/lookup-request-store.contract.ts. */
export class InMemoryLookupRequestStore implements LookupRequestStore {
  private readonly rows = new Map<string, Versioned<LookupRequest>>();

  async add(request: LookupRequest): Promise<void> {
    if (this.rows.has(request.id)) throw new Error(`lookup ${request.id} exists`);
    this.rows.set(request.id, { value: stored(request), etag: nextEtag() });
  }

  async listPending(limit: number): Promise<Array<Versioned<LookupRequest>>> {
    return [...this.rows.values()]
      .sort((a, b) => (a.value.id < b.value.id ? -1 : 1))
      .slice(0, limit)
      .map((row) => ({ value: stored(row.value), etag: row.etag }));
  }

  async update(request: Versioned<LookupRequest>): Promise<void> {
    if (this.rows.get(request.value.id)?.etag !== request.etag) throw new WriteConflictError(`lookup ${request.value.id}`);
    this.rows.set(request.value.id, { value: stored(request.value), etag: nextEtag() });
  }

  async remove(id: string): Promise<void> {
    this.rows.delete(id);
  }
}
