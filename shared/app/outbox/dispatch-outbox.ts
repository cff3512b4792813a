import type { AppointmentLocation, AppointmentStore, OutboxKind, OutboxMessage } from '../ports/appointment-store';
import { AcsThrottledError } from '../ports/acs';
import { StaffCalendarError } from '../ports/staff-calendar';
import type { Clock } from '../ports/clock';

/** Carries out one outbox message; must be idempotent (a message can be delivered more than once). */
export type OutboxHandler = (message: OutboxMessage) => Promise<void>;

export interface OutboxDeps {
  appointments: AppointmentStore;
  clock: Clock;
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  onError: (message: OutboxMessage, error: unknown) => void;
  /** Partitions one sweep works on at once (default 8). */
  sweepConcurrency?: number;
}

const FIRST_RETRY_MS = 15_000;
const MAX_RETRY_MS = 15 * 60_000;

/** A failing row waits 15 s, 30 s, 1 min, ... at most 15 min before its next attempt, and is never dropped. */
export function outboxRetryDelay(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Turns one provider partition's outbox rows into their effects, oldest first, deleting each row only
 * after its effect succeeded (at-least-once). A failing row is kept with its attempt count and tried
 * again after a growing delay, so a lasting failure is neither lost nor retried in a tight loop.
 */
export async function dispatchPartition(deps: OutboxDeps, location: AppointmentLocation): Promise<{ done: number; failed: number }> {
  const messages = await deps.appointments.listOutbox(location.businessId, location.providerId);
  const now = deps.clock.now();
  let done = 0;
  let failed = 0;
  for (const message of messages) {
    if (message.retryAt !== undefined && message.retryAt > now) {
      failed += 1; // still pending: keeps the partition marked
      continue;
    }
    const handler = deps.handlers[message.kind];
    if (!handler) {
      // Written by a newer version of the app: leave it for the instance that knows it.
      failed += 1;
      continue;
    }
    try {
      await handler(message);
      await deps.appointments.deleteOutbox(message);
      done += 1;
    } catch (error) {
      failed += 1;
      const attempts = (message.attempts ?? 0) + 1;
      deps.onError({ ...message, attempts }, error);
      // A throttled service said when to come back (ACS chat: 10 thread creations per 10 s; Graph's Retry-After): not sooner.
      const asked =
        error instanceof AcsThrottledError ? error.retryAfterMs : error instanceof StaffCalendarError ? (error.retryAfterMs ?? 0) : 0;
      await deps.appointments.deferOutbox({ ...message, attempts, retryAt: now + Math.max(outboxRetryDelay(attempts), asked) });
    }
  }
  return { done, failed };
}

/**
 * Visits every partition marked as having outbox rows, several at once (a slow partition holds one
 * lane, not the sweep); clears a mark once its partition is empty. Rows of one partition stay in order.
 */
export async function sweepOutbox(deps: OutboxDeps): Promise<{ partitions: number; done: number; failed: number }> {
  const dirty = await deps.appointments.listDirtyPartitions();
  let done = 0;
  let failed = 0;
  let storageError: { error: unknown } | undefined;
  await forEachConcurrently(dirty, deps.sweepConcurrency ?? 8, async (partition) => {
    try {
      const result = await dispatchPartition(deps, partition);
      done += result.done;
      failed += result.failed;
      // The mark is removed only if nobody marked the partition again since it was listed.
      if (result.failed === 0) await deps.appointments.clearDirtyPartition(partition, partition.marker);
    } catch (error) {
      // Storage failed for this partition: its mark stays for the next sweep; the others go on.
      storageError ??= { error };
    }
  });
  if (storageError) throw storageError.error;
  return { partitions: dirty.length, done, failed };
}

/** Runs `work` for every item with at most `limit` running at a time. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
