import type { Versioned } from './versioned';

/**
 * The app's own ACS chat identity, one per deployment: every process and restart must post as the
 * same member of the threads the app created.
 */
export interface ServiceIdentityStore {
  get(): Promise<Versioned<string> | undefined>;
  /** Insert-if-absent without an etag, replace-if-unchanged with one; WriteConflictError when another write came first. */
  save(userId: string, etag: string | undefined): Promise<void>;
}
