import type { PhoneVerification, PhoneVerificationStore } from '../../../shared/app/ports/phone-verification-store';
import { WriteConflictError, type Versioned } from '../../../shared/app/ports/versioned';
import { nextEtag, stored } from './etags';

/** In-memory PhoneVerificationStore; pinned to TablePhoneVerificationStore by test/support/contracts/small-stores.contract.ts. */
export class InMemoryPhoneVerificationStore implements PhoneVerificationStore {
  private readonly rows = new Map<string, Versioned<PhoneVerification>>();

  async create(verification: PhoneVerification): Promise<void> {
    const key = keyOf(verification.businessId, verification.id);
    if (this.rows.has(key)) throw new WriteConflictError(key);
    this.rows.set(key, { value: stored(verification), etag: nextEtag() });
  }

  async find(businessId: string, id: string): Promise<Versioned<PhoneVerification> | undefined> {
    const row = this.rows.get(keyOf(businessId, id));
    return row && stored(row);
  }

  async update(verification: Versioned<PhoneVerification>): Promise<void> {
    const key = keyOf(verification.value.businessId, verification.value.id);
    if (this.rows.get(key)?.etag !== verification.etag) throw new WriteConflictError(key);
    this.rows.set(key, { value: stored(verification.value), etag: nextEtag() });
  }

  async purgeExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [key, row] of this.rows) {
      if (row.value.expiresAt <= now) {
        this.rows.delete(key);
        purged += 1;
      }
    }
    return purged;
  }
}

const keyOf = (businessId: string, id: string) => `${businessId}\n${id}`;
