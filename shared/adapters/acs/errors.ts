import { AcsError, AcsThrottledError, type AcsService } from '../../app/ports/acs';

/** What the adapters read from a RestError (duck-typed: the SDKs bundle their own copies). */
interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
  response?: { headers: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError';
}

/** `{ error: { code } }` from the parsed details or the raw body (the SMS client parses no error body). */
function serviceCode(error: RestErrorLike): string | undefined {
  const fromDetails = (error.details as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (typeof fromDetails === 'string') return fromDetails;
  try {
    const body = JSON.parse(error.response?.bodyAsText ?? '') as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Used when a 429 names no delay. */
export const DEFAULT_THROTTLE_RETRY_MS = 60_000;

/** Retry-After (seconds or an HTTP date), retry-after-ms or x-ms-retry-after-ms, in ms. */
export function retryAfterMs(headers: { get(name: string): string | undefined } | undefined): number | undefined {
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  const value = headers.get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Thrown by `surfaceThrottling`: not a RestError, so the SDK's retry policy passes it straight up. */
class ThrottledResponse extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`throttled (429), retry after ${retryAfterMs} ms`);
    this.name = 'ThrottledResponse';
  }
}

/**
 * A per-retry pipeline policy that turns a 429 into an immediate error: the SDK would otherwise sleep
 * the whole Retry-After (minutes on the Azure-managed email domain) inside the caller.
 */
export const surfaceThrottling = {
  name: 'surfaceThrottling',
  // Typed by shape: core-rest-pipeline is the SDKs' dependency, not the app's.
  async sendRequest<R, T extends { status: number; headers: { get(name: string): string | undefined } }>(
    request: R,
    next: (request: R) => Promise<T>,
  ): Promise<T> {
    const response = await next(request);
    if (response.status === 429) throw new ThrottledResponse(retryAfterMs(response.headers) ?? DEFAULT_THROTTLE_RETRY_MS);
    return response;
  },
};

export function toAcsError(service: AcsService, operation: string, error: unknown): AcsError {
  if (error instanceof AcsError) return error;
  if (error instanceof ThrottledResponse) return new AcsThrottledError(service, operation, error.retryAfterMs);
  if (isRestError(error)) {
    const status = error.statusCode;
    // Still throttled after the SDK's own retries: say when the service wants to be asked again.
    if (status === 429)
      return new AcsThrottledError(service, operation, retryAfterMs(error.response?.headers) ?? DEFAULT_THROTTLE_RETRY_MS);
    const code = serviceCode(error) ?? error.code ?? (status ? `Http${status}` : 'RequestFailed');
    // No status = no answer (connection refused, reset, TLS): worth trying again later.
    const transient = status === undefined || TRANSIENT_STATUS.has(status);
    return new AcsError(service, operation, status, code, `ACS ${service} ${operation} failed: ${error.message}`, transient);
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new AcsError(service, operation, undefined, 'Aborted', `ACS ${service} ${operation} was aborted.`, false);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AcsError(service, operation, undefined, 'ClientError', `ACS ${service} ${operation} failed: ${message}`, false);
}

/**
 * The SDK pipeline (core-rest-pipeline) already retries, up to `maxRetries`: 429 and 503 that carry
 * Retry-After (after exactly that delay), 408 and 5xx other than 501/505 (exponential backoff), and
 * connection errors. It does not retry a 429 without Retry-After; that one case is retried here.
 */
function sdkLeftUnretried(error: unknown): boolean {
  if (!isRestError(error) || error.statusCode !== 429) return false;
  const headers = error.response?.headers;
  return !headers || ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'].every((name) => !headers.get(name));
}

export interface AcsRetryPolicy {
  /** Attempts for what the SDK leaves unretried (1 = no adapter retry). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one ACS call: adapter retry with jittered exponential backoff, then every failure as an AcsError. */
export async function callAcs<T>(service: AcsService, operation: string, policy: AcsRetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !sdkLeftUnretried(error)) throw toAcsError(service, operation, error);
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}

/** True for the service's "does not exist" answer, which some operations treat as success. */
export function isNotFound(error: unknown): boolean {
  return error instanceof AcsError && error.status === 404;
}
