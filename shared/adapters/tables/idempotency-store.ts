import { randomUUID, createHash } from 'node:crypto';
import { odata, RestError, type TableClient } from '@azure/data-tables';
import type { ClaimOutcome, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../app/ports/idempotency-store';
import type { TableClients } from './table-clients';
import { type Row } from './conditional-writes';

export const IDEMPOTENCY_TABLE = 'idempotency';

/** One row per (business, key): partition = business, row = SHA-256 of the key (keys may hold any ASCII). */
export class TableIdempotencyStore implements IdempotencyStore {
  constructor(private readonly tables: TableClients) {}

  async claim(claim: IdempotencyClaim, now: number, leaseMs: number, ttlMs: number): Promise<ClaimOutcome> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    const keys = rowKeys(claim);
    for (;;) {
      const claimId = randomUUID();
      const fresh = { ...keys, state: 'pending', claimId, requestHash: claim.requestHash, leaseUntil: now + leaseMs, expiresAt: now + ttlMs };
      try {
        await client.createEntity(fresh);
        return { kind: 'claimed', claimId };
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
      const row = await getRow(client, keys.partitionKey, keys.rowKey);
      if (!row) continue; // released meanwhile: try to insert again
      const expired = Number(row.expiresAt) <= now;
      const abandoned = row.state === 'pending' && Number(row.leaseUntil) <= now;
      if (!expired && row.requestHash !== claim.requestHash) return { kind: 'mismatch' };
      if (!expired && row.state === 'done') return { kind: 'replay', response: JSON.parse(String(row.response)) as StoredResponse };
      if (!expired && !abandoned) return { kind: 'busy' };
      try {
        // Take over an expired record or the claim of a holder that died; the ETag makes one taker win.
        await client.updateEntity(fresh, 'Replace', { etag: row.etag });
        return { kind: 'claimed', claimId };
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
      { ...keys, state: 'done', claimId, requestHash: claim.requestHash, leaseUntil: now, expiresAt: now + ttlMs, response: JSON.stringify(response) },
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
      await client.deleteEntity(keys.partitionKey, keys.rowKey, { etag: row.etag });
    } catch (error) {
      if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
    }
  }

  async purgeExpired(now: number): Promise<number> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    let purged = 0;
    const expired = client.listEntities({ queryOptions: { filter: odata`expiresAt le ${now}`, select: ['PartitionKey', 'RowKey'] } });
    // Delete with the listed ETag: a record re-claimed since the listing is not expired any more.
    for await (const row of expired) {
      try {
        await client.deleteEntity(row.partitionKey!, row.rowKey!, { etag: row.etag });
        purged += 1;
      } catch (error) {
        if (!isStatus(error, 404) && !isStatus(error, 412)) throw error;
      }
    }
    return purged;
  }
}

function rowKeys(claim: IdempotencyClaim): { partitionKey: string; rowKey: string } {
  return { partitionKey: claim.scope, rowKey: createHash('sha256').update(claim.key, 'utf8').digest('hex') };
}

async function getRow(client: TableClient, partitionKey: string, rowKey: string): Promise<Row | undefined> {
  try {
    return await client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
  } catch (error) {
    if (isStatus(error, 404)) return undefined;
    throw error;
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof RestError && error.statusCode === status;
}
