import { createHash } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { QuotaStore } from '../../app/ports/quota-store';
import { retryOnConflict } from '../../app/retry-on-conflict';
import { getVersioned, purgeRowsBefore, saveConditional } from './conditional-writes';
import type { TableClients } from './table-clients';

export const QUOTAS_TABLE = 'quotas';
const MAX_ATTEMPTS = 8;

/**
 * One row per (counter, window): partition = SHA-256 of the counter (counters hold phone numbers and
 * email addresses, which are never stored in clear), row = the window's start. Optimistic concurrency
 * on the row's ETag, so concurrent instances never count past the limit.
 */
export class TableQuotaStore implements QuotaStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(QUOTAS_TABLE);
  }

  async take(counter: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const client = await this.client();
    const partitionKey = createHash('sha256').update(counter, 'utf8').digest('hex');
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const rowKey = String(windowStart).padStart(15, '0');
    return retryOnConflict(
      MAX_ATTEMPTS,
      async () => {
        const row = await getVersioned(client, partitionKey, rowKey, (r) => Number(r.count ?? 0));
        const count = row?.value ?? 0;
        if (count >= limit) return false;
        await saveConditional(client, { partitionKey, rowKey, count: count + 1, windowEndsAt: windowStart + windowMs }, row?.etag);
        return true;
      },
      // Under heavy contention for one counter: refuse rather than risk counting past the cap.
      { whenExhausted: () => false },
    );
  }

  async purgeExpired(now: number): Promise<number> {
    return purgeRowsBefore(await this.client(), 'windowEndsAt', now);
  }
}
