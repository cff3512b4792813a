import type { Versioned } from './versioned';

/** A one-time code sent to a phone number; only hashes are kept (of the number and of the code). */
export interface PhoneVerification {
  id: string;
  businessId: string;
  phoneHash: string;
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  /** Wrong codes tried so far; at the maximum the verification is dead. */
  failedAttempts: number;
}

export interface PhoneVerificationStore {
  create(verification: PhoneVerification): Promise<void>;
  find(businessId: string, id: string): Promise<Versioned<PhoneVerification> | undefined>;
  /** Replace-if-unchanged; a lost race is a WriteConflictError. */
  update(verification: Versioned<PhoneVerification>): Promise<void>;
  /** Deletes verifications that expired before `now`; answers how many. */
  purgeExpired(now: number): Promise<number>;
}
