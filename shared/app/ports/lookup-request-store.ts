import type { Versioned } from './versioned';

/**
 * A lost-link lookup waiting to be carried out after its 202 answer. It holds the SHA-256 of the
 * address, never the address: the email goes to the address stored on the matching appointments.
 */
export interface LookupRequest {
  id: string;
  businessId: string;
  /** SHA-256 (hex) of the trimmed, lower-cased address. */
  emailHash: string;
  createdAt: number;
  /** While a worker carries it out (a lease): others leave it alone until then. */
  claimedUntil?: number;
}

/** Pending lookups (a queue-like table): added by the request, removed once carried out. */
export interface LookupRequestStore {
  add(request: LookupRequest): Promise<void>;
  /** At most `limit` pending requests, oldest first. */
  listPending(limit: number): Promise<Array<Versioned<LookupRequest>>>;
  /** Replaces the version read (`etag`); throws WriteConflictError when another worker changed or removed it meanwhile. */
  update(request: Versioned<LookupRequest>): Promise<void>;
  /** Idempotent. */
  remove(id: string): Promise<void>;
}
