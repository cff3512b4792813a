import { createHash } from 'node:crypto';
import { RestError, type TableClient } from '@azure/data-tables';
import type { SmsOptOutStore } from '../../app/ports/privacy';
import { getRow } from './conditional-writes';
import type { TableClients } from './table-clients';

export const SMS_OPT_OUTS_TABLE = 'smsoptouts';

/** Partition = business, row = SHA-256 of business and number: the number itself is never stored. */
const keysOf = (businessId: string, phone: string) => ({
  partitionKey: businessId,
  rowKey: createHash('sha256').update(`sms-opt-out|${businessId}|${phone}`, 'utf8').digest('hex'),
});

export class TableSmsOptOutStore implements SmsOptOutStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SMS_OPT_OUTS_TABLE);
  }

  async isOptedOut(businessId: string, phone: string): Promise<boolean> {
    const keys = keysOf(businessId, phone);
    return (await getRow(await this.client(), keys.partitionKey, keys.rowKey)) !== undefined;
  }

  async record(businessId: string, phone: string, now: number): Promise<void> {
    try {
      await (await this.client()).createEntity({ ...keysOf(businessId, phone), recordedAt: now });
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 409)) throw error;
    }
  }

  async remove(businessId: string, phone: string): Promise<void> {
    const keys = keysOf(businessId, phone);
    try {
      await (await this.client()).deleteEntity(keys.partitionKey, keys.rowKey);
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }
}
