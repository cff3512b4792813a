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
 * The delay of the retry timer after `failures` failed attempts, as the extension's RetryInterceptor
 * computes it: firstRetryInterval * backoff^(failures-1), capped by maxRetryInterval. After the last
 * allowed attempt the timer still comes (the SDK gives up only when it fires) but fires at once.
 * `undefined` once the retry timeout has passed: no timer at all.
 */
export function nextRetryDelay(state: RetryState, now: number): number | undefined {
  const { options } = state;
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout > 0 && now >= state.firstAttemptAt + timeout) return undefined;
  if (!mayRetry(state)) return 0;
  const backoff = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(backoff, state.failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 ? Math.min(delay, cap) : delay;
}

/** The SDK schedules another attempt when the retry timer fires only while attempts remain. */
export function mayRetry(state: RetryState): boolean {
  return state.failures < state.options.maxNumberOfAttempts;
}
