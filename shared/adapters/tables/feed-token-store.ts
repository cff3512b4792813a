import type { TableClient } from '@azure/data-tables';
import { getRow } from './conditional-writes';
import type { FeedTokenStore } from '../../app/ports/feed-token-store';
import { providerPartition, SCHEDULING_TABLE } from './scheduling-keys';
import type { TableClients } from './table-clients';

/** One row in the provider's partition of the `scheduling` table. */
const FEED_TOKEN_ROW = 'feed-token';

export class TableFeedTokenStore implements FeedTokenStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SCHEDULING_TABLE);
  }

  async getHash(businessId: string, providerId: string): Promise<string | undefined> {
    const row = await getRow(await this.client(), providerPartition(businessId, providerId), FEED_TOKEN_ROW);
    return row?.hash as string | undefined;
  }

  async saveHash(businessId: string, providerId: string, hash: string, now: number): Promise<void> {
    const client = await this.client();
    await client.upsertEntity(
      { partitionKey: providerPartition(businessId, providerId), rowKey: FEED_TOKEN_ROW, hash, rotatedAt: now },
      'Replace',
    );
  }
}
