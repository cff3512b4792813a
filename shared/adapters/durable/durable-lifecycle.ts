import type { DurableClient } from 'durable-functions';
import { lifecycleStartInput } from '../../app/lifecycle/lifecycle-input';
import type { LifecyclePort } from '../../app/ports/lifecycle';

const TERMINAL = new Set(['Completed', 'Failed', 'Terminated']);

/** The orchestrator's registered name (functions/durable/appointment-lifecycle.ts). */
export const LIFECYCLE_ORCHESTRATION = 'appointmentLifecycle';

/**
 * The lifecycle port over one invocation's durable client, e.g. `() => df.getClient(context)`. The client
 * is asked for only when a lifecycle message is dispatched, so a missing binding fails that message (it
 * stays in the outbox) and never the request that wrote it.
 */
export function durableLifecycle(getClient: () => DurableClient): LifecyclePort {
  let cached: DurableClient | undefined;
  const client = () => (cached ??= getClient());
  const exists = async (instanceId: string) => {
    try {
      await client().getStatus(instanceId);
      return true;
    } catch (error) {
      // durable-functions 3.x throws on 404 (no instance); any other failure is real.
      if (error instanceof Error && /\b404\b/.test(error.message)) return false;
      throw error;
    }
  };
  return {
    async start(appointmentId) {
      // An outbox row may be delivered twice, and a finished instance id would be started again.
      if (await exists(appointmentId)) return;
      try {
        await client().startNew(LIFECYCLE_ORCHESTRATION, { instanceId: appointmentId, input: lifecycleStartInput(appointmentId) });
      } catch (error) {
        if (await exists(appointmentId)) return;
        throw error;
      }
    },
    async raise(appointmentId, event, data) {
      // 410 (instance finished) is success for the client; 404 (not started yet) throws and the row is retried.
      await client().raiseEvent(appointmentId, event, data);
    },
    async purge(appointmentId) {
      let status: Awaited<ReturnType<DurableClient['getStatus']>>;
      try {
        status = await client().getStatus(appointmentId);
      } catch (error) {
        if (error instanceof Error && /\b404\b/.test(error.message)) return 'purged';
        throw error;
      }
      // Durable Functions purges only instances in a terminal state.
      if (!TERMINAL.has(String(status.runtimeStatus))) {
        await client().terminate(appointmentId, 'retention period over');
        return 'running';
      }
      await client().purgeInstanceHistory(appointmentId);
      return 'purged';
    },
  };
}
