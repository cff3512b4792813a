import { WriteConflictError } from './ports/versioned';

export interface RetryOnConflictOptions<T> {
  /**
   * What the caller gets once every attempt lost its race: throw the error to report, or return a
   * fallback answer. Default: the last WriteConflictError is thrown.
   */
  whenExhausted?: (lastConflict: WriteConflictError) => T;
  /** Waits between attempts (after attempt `n` lost), e.g. a jittered backoff; default: none. */
  pause?: (attempt: number) => Promise<void>;
}

/**
 * Runs an ETag-guarded read-modify-write until it does not lose a race: `attempt` (numbered from 1)
 * reads, decides and writes; a WriteConflictError starts it again from its read, at most `attempts`
 * times in all. Any other error ends it at once.
 */
export async function retryOnConflict<T>(
  attempts: number,
  attempt: (n: number) => Promise<T>,
  options: RetryOnConflictOptions<T> = {},
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof WriteConflictError)) throw error;
      if (n >= attempts) {
        if (options.whenExhausted) return options.whenExhausted(error);
        throw error;
      }
    }
    await options.pause?.(n);
  }
}
