import type { TableClient } from '@azure/data-tables';
import type { PhoneVerification, PhoneVerificationStore } from '../../app/ports/phone-verification-store';
import type { Versioned } from '../../app/ports/versioned';
import { getVersioned, purgeRowsBefore, saveConditional, type Row } from './conditional-writes';
import type { TableClients } from './table-clients';

export const PHONE_VERIFICATIONS_TABLE = 'phoneverifications';
const TABLE = PHONE_VERIFICATIONS_TABLE;

function fromRow(row: Row): PhoneVerification {
  return {
    id: row.rowKey!,
    businessId: row.partitionKey!,
    phoneHash: String(row.phoneHash),
    codeHash: String(row.codeHash),
    createdAt: Number(row.createdAt),
    expiresAt: Number(row.expiresAt),
    failedAttempts: Number(row.failedAttempts ?? 0),
  };
}

function toRow(v: PhoneVerification) {
  return {
    partitionKey: v.businessId,
    rowKey: v.id,
    phoneHash: v.phoneHash,
    codeHash: v.codeHash,
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    failedAttempts: v.failedAttempts,
  };
}

/** One row per verification in the business's partition. */
export class TablePhoneVerificationStore implements PhoneVerificationStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(TABLE);
  }

  async create(verification: PhoneVerification): Promise<void> {
    await saveConditional(await this.client(), toRow(verification), undefined);
  }

  async find(businessId: string, id: string): Promise<Versioned<PhoneVerification> | undefined> {
    return getVersioned(await this.client(), businessId, id, fromRow);
  }

  async update(verification: Versioned<PhoneVerification>): Promise<void> {
    await saveConditional(await this.client(), toRow(verification.value), verification.etag);
  }

  async purgeExpired(now: number): Promise<number> {
    return purgeRowsBefore(await this.client(), 'expiresAt', now);
  }
}
