import type { OutboxHandler } from '../outbox/dispatch-outbox';
import type { OutboxKind } from '../ports/appointment-store';
import type { LifecycleEvent, LifecyclePort } from '../ports/lifecycle';

/** Outbox kinds that reach the appointment's orchestration (the port is built per invocation from its durable client). */
export function lifecycleHandlers(lifecycle: LifecyclePort): Partial<Record<OutboxKind, OutboxHandler>> {
  return {
    'lifecycle.start': async (message) => {
      await lifecycle.start(message.appointmentId);
    },
    'lifecycle.event': async (message) => {
      const event = message.payload?.event;
      if (event !== 'rescheduled' && event !== 'cancelled') throw new Error(`outbox message ${message.id} names no lifecycle event`);
      await lifecycle.raise(message.appointmentId, event satisfies LifecycleEvent, { version: message.version });
    },
  };
}
