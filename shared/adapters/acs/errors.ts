import { AcsError, type AcsService } from '../../app/ports/acs';

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

export function toAcsError(service: AcsService, operation: string, error: unknown): AcsError {
  if (error instanceof AcsError) return error;
  if (isRestError(error)) {
    const status = error.statusCode;
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
