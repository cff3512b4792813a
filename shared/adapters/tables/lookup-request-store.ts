import { odata, RestError, type TableClient } from '@azure/data-tables';
import type { LookupRequest, LookupRequestStore } from '../../app/ports/lookup-request-store';
import { WriteConflictError, type Versioned } from '../../app/ports/versioned';
import type { Row } from './conditional-writes';
import type { TableClients } from './table-clients';

const LOOKUPS_TABLE = 'lookups';
const PENDING = 'pending';

/** Pending lost-link lookups in the `lookups` table: one partition, row key = id (ids sort by creation). */
export class TableLookupRequestStore implements LookupRequestStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(LOOKUPS_TABLE);
  }

  async add(request: LookupRequest): Promise<void> {
    await (await this.client()).createEntity(entityOf(request));
  }

  async listPending(limit: number): Promise<Array<Versioned<LookupRequest>>> {
    const found: Array<Versioned<LookupRequest>> = [];
    const rows = (await this.client()).listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${PENDING}` },
    });
    for await (const row of rows) {
      if (found.length === limit) break;
      found.push({ value: requestFromRow(row), etag: row.etag });
    }
    return found;
  }

  async update(request: Versioned<LookupRequest>): Promise<void> {
    try {
      await (await this.client()).updateEntity(entityOf(request.value), 'Replace', { etag: request.etag });
    } catch (error) {
      if (error instanceof RestError && (error.statusCode === 412 || error.statusCode === 404))
        throw new WriteConflictError(`lookup ${request.value.id}`);
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await (await this.client()).deleteEntity(PENDING, id);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }
}

function entityOf(request: LookupRequest) {
  return {
    partitionKey: PENDING,
    rowKey: request.id,
    businessId: request.businessId,
    emailHash: request.emailHash,
    createdAt: request.createdAt,
    claimedUntil: request.claimedUntil ?? 0,
  };
}

function requestFromRow(row: Row): LookupRequest {
  const claimedUntil = Number(row.claimedUntil ?? 0);
  return {
    id: row.rowKey as string,
    businessId: row.businessId as string,
    emailHash: row.emailHash as string,
    createdAt: Number(row.createdAt),
    ...(claimedUntil > 0 ? { claimedUntil } : {}),
  };
}
