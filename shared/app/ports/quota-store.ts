/**
 * Counters over fixed time windows, shared by every instance (stored), for caps on messages and on
 * verification codes. `counter` names what is counted; adapters never store it in clear.
 */
export interface QuotaStore {
  /**
   * Counts one use of `counter` in the window holding `now` when fewer than `limit` were counted there,
   * and answers true; answers false (counting nothing) when the window is full.
   */
  take(counter: string, limit: number, windowMs: number, now: number): Promise<boolean>;
  /** Deletes the counters of windows that ended before `now`; answers how many. */
  purgeExpired(now: number): Promise<number>;
}
