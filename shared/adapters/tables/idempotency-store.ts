import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { RestError } from '@azure/data-tables';
import type { ClaimOutcome, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../app/ports/idempotency-store';
import type { TableClients } from './table-clients';
import { getRow, purgeRowsBefore, type Row } from './conditional-writes';

export const IDEMPOTENCY_TABLE = 'idempotency';

/** One row per (business, key): partition = business, row = SHA-256 of the key (keys may hold any ASCII). */
export class TableIdempotencyStore implements IdempotencyStore {
  constructor(private readonly tables: TableClients) {}

  async claim(claim: IdempotencyClaim, now: number, leaseMs: number, ttlMs: number): Promise<ClaimOutcome> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    const keys = rowKeys(claim);
    for (;;) {
      const claimId = randomUUID();
      const fresh = (operationId: string) => ({
        ...keys,
        state: 'pending',
        claimId,
        operationId,
        requestHash: claim.requestHash,
        leaseUntil: now + leaseMs,
        expiresAt: now + ttlMs,
      });
      const newOperation = fresh(newOperationId());
      try {
        await client.createEntity(newOperation);
        return { kind: 'claimed', claimId, operationId: newOperation.operationId };
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
      const row = await getRow(client, keys.partitionKey, keys.rowKey);
      if (!row) continue; // purged meanwhile: try to insert again
      const taken = takeOver(row, claim.requestHash, now);
      if (taken.kind !== 'take-over') return taken;
      // The expiry only counts from the first claim: a key is never good for more than one period.
      const replacement = taken.operationId ? { ...fresh(taken.operationId), expiresAt: Number(row.expiresAt) } : newOperation;
      try {
        // The ETag makes one taker win.
        await client.updateEntity(replacement, 'Replace', { etag: row.etag });
        return { kind: 'claimed', claimId, operationId: replacement.operationId };
      } catch (error) {
        if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
      }
    }
  }

  async complete(claim: IdempotencyClaim, claimId: string, response: StoredResponse, now: number, ttlMs: number): Promise<void> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    const keys = rowKeys(claim);
    const row = await getRow(client, keys.partitionKey, keys.rowKey);
    if (!row || row.claimId !== claimId) return;
    await client.updateEntity(
      {
        ...keys,
        state: 'done',
        claimId,
        operationId: row.operationId,
        requestHash: claim.requestHash,
        leaseUntil: now,
        expiresAt: now + ttlMs,
        response: JSON.stringify(response),
      },
      'Replace',
      { etag: row.etag },
    );
  }

  async release(claim: IdempotencyClaim, claimId: string): Promise<void> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    const keys = rowKeys(claim);
    const row = await getRow(client, keys.partitionKey, keys.rowKey);
    if (!row || row.claimId !== claimId || row.state !== 'pending') return;
    try {
      // Kept (not deleted) so an equal retry carries on with the same operation: a failure may have come after the work committed.
      await client.updateEntity(
        {
          ...keys,
          state: 'released',
          claimId,
          operationId: row.operationId,
          requestHash: row.requestHash,
          leaseUntil: 0,
          expiresAt: row.expiresAt,
        },
        'Replace',
        { etag: row.etag },
      );
    } catch (error) {
      if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
    }
  }

  async purgeExpired(now: number): Promise<number> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    // Deleted with the listed ETag: a record re-claimed since the listing is not expired any more.
    return purgeRowsBefore(client, 'expiresAt', now);
  }
}

/** Random, so nothing but the record itself leads to the work done under a key. */
function newOperationId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * What a claim finds in an existing record: an expired one is taken over as a new operation; a
 * released one too, except by an equal request, which carries on with its operation (as it does
 * after a holder that died); otherwise a replay, a mismatch or a live holder.
 */
function takeOver(row: Row, requestHash: string, now: number): ClaimOutcome | { kind: 'take-over'; operationId?: string } {
  const sameRequest = row.requestHash === requestHash;
  const operationId = typeof row.operationId === 'string' ? row.operationId : undefined;
  if (Number(row.expiresAt) <= now) return { kind: 'take-over' };
  if (row.state === 'released') return sameRequest && operationId ? { kind: 'take-over', operationId } : { kind: 'take-over' };
  if (!sameRequest) return { kind: 'mismatch' };
  if (row.state === 'done') return { kind: 'replay', response: JSON.parse(String(row.response)) as StoredResponse };
  if (Number(row.leaseUntil) > now) return { kind: 'busy' };
  return operationId ? { kind: 'take-over', operationId } : { kind: 'take-over' };
}

function rowKeys(claim: IdempotencyClaim): { partitionKey: string; rowKey: string } {
  return { partitionKey: claim.scope, rowKey: createHash('sha256').update(claim.key, 'utf8').digest('hex') };
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof RestError && error.statusCode === status;
}
