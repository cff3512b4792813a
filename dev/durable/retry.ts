import type { RetryOptionsWire } from './protocol';

/** Where an activity with retry options stands; it travels with the work item, the failure and the retry timer. */
export interface RetryState {
  /** The activity to run again. */
  name: string;
  input: string | null;
  options: RetryOptionsWire;
  /** Failed attempts so far. */
  failures: number;
  /** Orchestration time of the first attempt (retryTimeout counts from it). */
  firstAttemptAt: number;
}

/**
 * The delay before the next attempt after `failures` failed ones, as the extension's RetryInterceptor
 * computes it: firstRetryInterval * backoff^(failures-1), capped by maxRetryInterval; 0 once the retry
 * timeout has passed. Like the extension, a timer follows every failure, the last one included: the
 * SDK gives up only when that timer fires.
 */
export function nextRetryDelay(state: RetryState, now: number): number {
  const { options } = state;
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout > 0 && now >= state.firstAttemptAt + timeout) return 0;
  const backoff = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, state.failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
}

/** The SDK schedules another attempt when the retry timer fires only while attempts remain. */
export function mayRetry(state: RetryState): boolean {
  return state.failures < state.options.maxNumberOfAttempts;
}
