import type { AppointmentLocation, AppointmentStore, OutboxKind, OutboxMessage } from '../ports/appointment-store';

/** Carries out one outbox message; must be idempotent (a message can be delivered more than once). */
export type OutboxHandler = (message: OutboxMessage) => Promise<void>;

export interface OutboxDeps {
  appointments: AppointmentStore;
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  onError: (message: OutboxMessage, error: unknown) => void;
}

/**
 * Turns one provider partition's outbox rows into their effects, oldest first, deleting each row only
 * after its effect succeeded (at-least-once). A failing row stays for the next sweep.
 */
export async function dispatchPartition(deps: OutboxDeps, location: AppointmentLocation): Promise<{ done: number; failed: number }> {
  const messages = await deps.appointments.listOutbox(location.businessId, location.providerId);
  let done = 0;
  let failed = 0;
  for (const message of messages) {
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
      deps.onError(message, error);
    }
  }
  return { done, failed };
}

/** Visits every partition marked as having outbox rows; clears a mark once its partition is empty. */
export async function sweepOutbox(deps: OutboxDeps): Promise<{ partitions: number; done: number; failed: number }> {
  const dirty = await deps.appointments.listDirtyPartitions();
  let done = 0;
  let failed = 0;
  for (const partition of dirty) {
    const result = await dispatchPartition(deps, partition);
    done += result.done;
    failed += result.failed;
    // The mark is removed only if nobody marked the partition again since it was listed.
    if (result.failed === 0) await deps.appointments.clearDirtyPartition(partition, partition.marker);
  }
  return { partitions: dirty.length, done, failed };
}
