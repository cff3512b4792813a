/**
 * A function's retry policy as `@azure/functions` registers it (`retryOptions`: retryStrategy,
 * maxRetryCount, delayInterval / minimumInterval / maximumInterval as `{ seconds }`), applied the way
 * the runtime applies it to timer triggers.
 */
export interface RetryPolicy {
  /** -1 retries forever, as in the runtime. */
  maxRetryCount: number;
  /** Delay before retry number `retry` (1-based), in ms. */
  delayMs(retry: number): number;
}

const seconds = (value: unknown): number => {
  const s = (value as { seconds?: number | string } | undefined)?.seconds;
  return Number(s ?? 0) * 1000;
};

export function retryPolicyFrom(options: Record<string, unknown> | undefined): RetryPolicy | undefined {
  if (!options) return undefined;
  const maxRetryCount = Number(options.maxRetryCount ?? 0);
  if (!Number.isInteger(maxRetryCount) || maxRetryCount === 0 || maxRetryCount < -1) return undefined;
  const strategy = String(options.retryStrategy ?? options.strategy ?? '').toLowerCase();
  if (strategy === 'fixeddelay') {
    const delay = seconds(options.delayInterval);
    return { maxRetryCount, delayMs: () => delay };
  }
  if (strategy === 'exponentialbackoff') {
    const minimum = seconds(options.minimumInterval);
    const maximum = seconds(options.maximumInterval);
    // Doubles from the minimum and stops at the maximum (the runtime adds jitter; local runs stay repeatable).
    return { maxRetryCount, delayMs: (retry) => Math.min(maximum, minimum * 2 ** (retry - 1)) };
  }
  throw new Error(`Unknown retry strategy "${String(options.retryStrategy)}"`);
}
