/** What the outbox needs from the appointment lifecycle (one Durable Functions orchestration per appointment). */

export type LifecycleEvent = 'rescheduled' | 'cancelled';

export interface LifecyclePort {
  /** Starts the appointment's orchestration (instance id = appointment id). Succeeds when an instance already exists. */
  start(appointmentId: string): Promise<void>;
  /** Tells the orchestration the appointment changed; succeeds when the instance already ended. */
  raise(appointmentId: string, event: LifecycleEvent, data: { version: number }): Promise<void>;
  /**
   * Deletes the orchestration's history (retention, docs/privacy.md): `purged` when it is gone (or never
   * existed); `running` when it had not finished: it is terminated now and purged by a later call.
   */
  purge(appointmentId: string): Promise<'purged' | 'running'>;
}
