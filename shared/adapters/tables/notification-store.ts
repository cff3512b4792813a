import { RestError, type TableClient } from '@azure/data-tables';
import type { NotificationKey } from '../../domain/lifecycle/notifications';
import type { NotificationRecord, NotificationState, NotificationStore } from '../../app/ports/notification-store';
import { getRow, type Row } from './conditional-writes';
import type { TableClients } from './table-clients';

export const NOTIFICATIONS_TABLE = 'notifications';

/** Partition = appointment (its notifications together), row = version, moment and channel. */
const keysOf = (key: NotificationKey) => ({ partitionKey: key.appointmentId, rowKey: `v${key.version}|${key.moment}|${key.channel}` });

function recordOf(row: Row): NotificationRecord {
  return {
    state: row.state as NotificationState,
    attempts: Number(row.attempts),
    updatedAt: Number(row.updatedAt),
    ...(typeof row.failure === 'string' ? { failure: row.failure } : {}),
  };
}

const isStatus = (error: unknown, status: number) => error instanceof RestError && error.statusCode === status;

export class TableNotificationStore implements NotificationStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(NOTIFICATIONS_TABLE);
  }

  async begin(key: NotificationKey, now: number): Promise<NotificationRecord | undefined> {
    const client = await this.client();
    const keys = keysOf(key);
    for (;;) {
      try {
        await client.createEntity({ ...keys, state: 'sending', attempts: 1, updatedAt: now });
        return undefined;
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
      const row = await this.read(client, key);
      if (!row) continue;
      const earlier = recordOf(row);
      if (earlier.state !== 'sending') return earlier;
      try {
        await client.updateEntity({ ...keys, state: 'sending', attempts: earlier.attempts + 1, updatedAt: now }, 'Replace', {
          etag: row.etag,
        });
        return earlier;
      } catch (error) {
        if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
      }
    }
  }

  async finish(
    key: NotificationKey,
    outcome: { state: 'sent' } | { state: 'failed' | 'skipped'; failure: string },
    now: number,
  ): Promise<void> {
    const client = await this.client();
    const row = await this.read(client, key);
    await client.upsertEntity({ ...keysOf(key), ...outcome, attempts: row ? Number(row.attempts) : 1, updatedAt: now }, 'Replace');
  }

  async get(key: NotificationKey): Promise<NotificationRecord | undefined> {
    const row = await this.read(await this.client(), key);
    return row ? recordOf(row) : undefined;
  }

  private async read(client: TableClient, key: NotificationKey): Promise<Row | undefined> {
    const keys = keysOf(key);
    return getRow(client, keys.partitionKey, keys.rowKey);
  }
}
