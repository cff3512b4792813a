import { RestError, type TableClient } from '@azure/data-tables';
import type { ProviderIdentityStore } from '../../app/ports/provider-identity-store';
import { providerPartition, SCHEDULING_TABLE } from './scheduling-keys';
import type { TableClients } from './table-clients';
import { getRow } from './conditional-writes';

/** One row in the provider's partition of the `scheduling` table. */
const IDENTITY_ROW = 'acs-identity';

export class TableProviderIdentityStore implements ProviderIdentityStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SCHEDULING_TABLE);
  }

  async get(businessId: string, providerId: string): Promise<string | undefined> {
    const row = await getRow(await this.client(), providerPartition(businessId, providerId), IDENTITY_ROW);
    return row?.userId as string | undefined;
  }

  async claim(businessId: string, providerId: string, userId: string): Promise<string> {
    const client = await this.client();
    try {
      // Insert-if-absent: of concurrent claims exactly one lands.
      await client.createEntity({ partitionKey: providerPartition(businessId, providerId), rowKey: IDENTITY_ROW, userId });
      return userId;
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
      const stored = await this.get(businessId, providerId);
      if (!stored) throw new Error(`provider ${providerId} identity row vanished during a claim`);
      return stored;
    }
  }
}
