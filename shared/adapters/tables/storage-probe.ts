import { SCHEDULING_TABLE } from './scheduling-keys';
import type { TableClients } from './table-clients';

/**
 * Health probe for Table Storage: reads at most one row of the scheduling table. It uses only what
 * the app's role (Storage Table Data Contributor) grants, Create Table on first use and Query
 * Entities; Get Table Service Properties needs tableServices/read, which that role lacks, so in Azure
 * it would report storage down while the app works.
 */
export async function probeTableStorage(tables: TableClients): Promise<void> {
  const client = await tables.table(SCHEDULING_TABLE);
  await client
    .listEntities({ queryOptions: { select: ['PartitionKey'] } })
    .byPage({ maxPageSize: 1 })
    .next();
}
