import { createHash } from 'node:crypto';
import { AppError } from './errors';
import type { Clock } from './ports/clock';
import type { IdempotencyStore, StoredResponse } from './ports/idempotency-store';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Longer than any booking takes; a holder that dies frees the key after this. */
export const IDEMPOTENCY_LEASE_MS = 30_000;
const KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/** docs/api.md: keys are 1-255 printable ASCII characters. */
export function validateIdempotencyKey(key: string): string {
  if (!KEY_PATTERN.test(key)) {
    throw AppError.validation([{ path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
  }
  return key;
}

/** "Same body" means equal JSON: the hash is taken over a canonical form (sorted keys). */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface IdempotencyDeps {
  store: IdempotencyStore;
  clock: Clock;
  /** Real time to wait between polls while another request holds the key. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `work` at most once per (scope, key) with an equal request; concurrent holders of the key wait
 * for the first one's result. Only the `remembered` success is kept: failures release the key. Whatever `work`
 * creates must be named from the operation id, never from the key alone: a key comes back after its
 * period (or from someone else), and must not lead to what it named before.
 */
export async function runIdempotent(
  deps: IdempotencyDeps,
  claim: { scope: string; key: string; request: unknown },
  /** Gets the claim's operation id: stable across retries of this request within the replay period, new after it. */
  work: (operationId: string) => Promise<StoredResponse>,
  /** The success status that is remembered (booking: 201; an action such as a bulk cancel: 200). */
  remembered = 201,
): Promise<StoredResponse> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const target = { scope: claim.scope, key: claim.key, requestHash: requestFingerprint(claim.request) };
  // Real elapsed time (not the app clock): this bounds how long this request waits, like a socket timeout.
  const giveUpAt = Date.now() + IDEMPOTENCY_LEASE_MS + 5_000;
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await deps.store.claim(target, deps.clock.now(), IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS);
    if (outcome.kind === 'replay') return outcome.response;
    if (outcome.kind === 'mismatch') {
      throw new AppError('idempotency-conflict', 'This Idempotency-Key was used with a different request body.');
    }
    if (outcome.kind === 'busy') {
      if (Date.now() > giveUpAt) {
        throw new AppError('conflict', 'A request with this Idempotency-Key is still in progress; retry later.', { retryAfterSeconds: 1 });
      }
      await sleep(Math.min(50 * 2 ** attempt, 500));
      continue;
    }
    let response: StoredResponse;
    try {
      response = await work(outcome.operationId);
    } catch (error) {
      await deps.store.release(target, outcome.claimId).catch(() => undefined);
      throw error;
    }
    if (response.status === remembered) {
      await deps.store.complete(target, outcome.claimId, response, deps.clock.now(), IDEMPOTENCY_TTL_MS);
    } else {
      await deps.store.release(target, outcome.claimId);
    }
    return response;
  }
}
