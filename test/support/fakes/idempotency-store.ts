import { randomBytes, randomUUID } from 'node:crypto';
import type { ClaimOutcome, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../../shared/app/ports/idempotency-store';
import { stored } from './etags';

interface Row {
  state: 'pending' | 'done' | 'released';
  claimId: string;
  operationId: string;
  requestHash: string;
  leaseUntil: number;
  expiresAt: number;
  response?: StoredResponse;
}

/** In-memory IdempotencyStore; pinned to TableIdempotencyStore by test/support/contracts/idempotency-store.contract.ts. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly rows = new Map<string, Row>();

  async claim(claim: IdempotencyClaim, now: number, leaseMs: number, ttlMs: number): Promise<ClaimOutcome> {
    const id = keyOf(claim);
    const row = this.rows.get(id);
    const claimId = randomUUID();
    const fresh = (operationId: string, expiresAt: number): Row => ({
      state: 'pending',
      claimId,
      operationId,
      requestHash: claim.requestHash,
      leaseUntil: now + leaseMs,
      expiresAt,
    });
    let taken: Row;
    if (!row || row.expiresAt <= now) {
      taken = fresh(newOperationId(), now + ttlMs);
    } else if (row.state === 'released') {
      // An equal retry carries on with the operation of the released attempt; another body starts anew.
      taken = row.requestHash === claim.requestHash ? fresh(row.operationId, row.expiresAt) : fresh(newOperationId(), now + ttlMs);
    } else if (row.requestHash !== claim.requestHash) {
      return { kind: 'mismatch' };
    } else if (row.state === 'done') {
      return { kind: 'replay', response: stored(row.response!) };
    } else if (row.leaseUntil > now) {
      return { kind: 'busy' };
    } else {
      taken = fresh(row.operationId, row.expiresAt);
    }
    this.rows.set(id, taken);
    return { kind: 'claimed', claimId, operationId: taken.operationId };
  }

  async complete(claim: IdempotencyClaim, claimId: string, response: StoredResponse, now: number, ttlMs: number): Promise<void> {
    const row = this.rows.get(keyOf(claim));
    if (!row || row.claimId !== claimId) return;
    this.rows.set(keyOf(claim), {
      ...row,
      state: 'done',
      requestHash: claim.requestHash,
      leaseUntil: now,
      expiresAt: now + ttlMs,
      response: stored(response),
    });
  }

  async release(claim: IdempotencyClaim, claimId: string): Promise<void> {
    const row = this.rows.get(keyOf(claim));
    if (!row || row.claimId !== claimId || row.state !== 'pending') return;
    this.rows.set(keyOf(claim), { ...row, state: 'released', leaseUntil: 0 });
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [id, row] of this.rows) {
      if (row.expiresAt <= now) {
        this.rows.delete(id);
        purged += 1;
      }
    }
    return purged;
  }
}

const keyOf = (claim: IdempotencyClaim) => `${claim.scope}\n${claim.key}`;

function newOperationId(): string {
  return randomBytes(16).toString('hex');
}
