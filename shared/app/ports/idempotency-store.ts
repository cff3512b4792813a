/** A remembered successful answer (docs/api.md: the booking's 201, a closure bulk cancel's 200), kept 24 hours. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type ClaimOutcome =
  /**
   * This caller holds the key until it completes or releases it (or the lease runs out). `operationId`
   * names the work: the same for every retry of the same request within the replay period (after a
   * holder died or a failure), new once the record expired or another body took the key over.
   */
  | { kind: 'claimed'; claimId: string; operationId: string }
  /** The key already has a result for the same request. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used with another request body. */
  | { kind: 'mismatch' }
  /** Another caller holds the key right now. */
  | { kind: 'busy' };

export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

/** Idempotency keys, claimed by insert-if-absent before the work and completed with its result. */
export interface IdempotencyStore {
  claim(claim: IdempotencyClaim, now: number, leaseMs: number, ttlMs: number): Promise<ClaimOutcome>;
  /** Stores the result; a claim that was taken over meanwhile is left alone. */
  complete(claim: IdempotencyClaim, claimId: string, response: StoredResponse, now: number, ttlMs: number): Promise<void>;
  /** Forgets a failed attempt so a retry runs again (an equal retry keeps the operation id). */
  release(claim: IdempotencyClaim, claimId: string): Promise<void>;
  /** Deletes expired records; answers how many. */
  purgeExpired(now: number): Promise<number>;
}
