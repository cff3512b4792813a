import type { TableClient } from '@azure/data-tables';
import type { ServiceIdentityStore } from '../../app/ports/service-identity-store';
import type { Versioned } from '../../app/ports/versioned';
import { getVersioned, saveConditional } from './conditional-writes';
import { SCHEDULING_TABLE } from './scheduling-keys';
import type { TableClients } from './table-clients';

/** A singleton row of the `scheduling` table, in a partition of its own (no business or provider partition starts with `app`). */
const APP_PARTITION = 'app';
const CHAT_IDENTITY_ROW = 'chat-identity';

export class TableServiceIdentityStore implements ServiceIdentityStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SCHEDULING_TABLE);
  }

  async get(): Promise<Versioned<string> | undefined> {
    return getVersioned(await this.client(), APP_PARTITION, CHAT_IDENTITY_ROW, (row) => String(row.userId));
  }

  async save(userId: string, etag: string | undefined): Promise<void> {
    await saveConditional(await this.client(), { partitionKey: APP_PARTITION, rowKey: CHAT_IDENTITY_ROW, userId }, etag);
  }
}
