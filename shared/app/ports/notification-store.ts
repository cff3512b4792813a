import type { NotificationKey } from '../../domain/lifecycle/notifications';

/** `sending` = recorded before the send and not known to have finished (a crash may lie between). */
/** `skipped` = not sent on purpose (the channel cannot reach this consumer); `failure` says why. */
export type NotificationState = 'sending' | 'sent' | 'failed' | 'skipped';

export interface NotificationRecord {
  state: NotificationState;
  /** Send attempts started, this one included. */
  attempts: number;
  updatedAt: number;
  /** Why it failed or was skipped (error code or reason, never message content or addresses). */
  failure?: string;
}

/**
 * One record per notification key, written before and after each send, so a retried or replayed
 * activity can tell "sent" from "never sent" and "maybe sent" (the crash window).
 */
export interface NotificationStore {
  /**
   * Records the start of an attempt and answers what came before: undefined for the first attempt,
   * else the earlier record (`sending`: a previous attempt never recorded its end). A `sent` or
   * `failed` record is left unchanged.
   */
  begin(key: NotificationKey, now: number): Promise<NotificationRecord | undefined>;
  finish(key: NotificationKey, outcome: { state: 'sent' } | { state: 'failed' | 'skipped'; failure: string }, now: number): Promise<void>;
  get(key: NotificationKey): Promise<NotificationRecord | undefined>;
}
