import * as df from 'durable-functions';
import type { OrchestrationContext, RetryOptions, Task } from 'durable-functions';
import type { completeIfStillBooked, planLifecycle, prepareRoom } from '../../shared/app/lifecycle/lifecycle-steps';
import type { recordUndelivered } from '../../shared/app/lifecycle/bookkeeping';
import type { sendNotice } from '../../shared/app/lifecycle/send-notice';
import type { sendReminder } from '../../shared/app/lifecycle/send-reminder';

/** Names of the lifecycle's activities, shared by the orchestration and the registrations. */
export const LIFECYCLE_ACTIVITIES = {
  plan: 'lifecyclePlan',
  notice: 'lifecycleNotice',
  reminder: 'lifecycleReminder',
  undelivered: 'lifecycleUndelivered',
  room: 'lifecycleRoom',
  complete: 'lifecycleComplete',
} as const;

/** The use case behind each activity: its input and result types are the activity's contract. */
interface LifecycleActivityUseCases {
  plan: typeof planLifecycle;
  notice: typeof sendNotice;
  reminder: typeof sendReminder;
  undelivered: typeof recordUndelivered;
  room: typeof prepareRoom;
  complete: typeof completeIfStillBooked;
}

export type LifecycleActivity = keyof typeof LIFECYCLE_ACTIVITIES;
/** What the orchestration passes to an activity (the use case's second parameter, after its deps). */
export type ActivityInput<K extends LifecycleActivity> = Parameters<LifecycleActivityUseCases[K]>[1];
export type ActivityResult<K extends LifecycleActivity> = Awaited<ReturnType<LifecycleActivityUseCases[K]>>;

/** Registers an activity under its name; the handler's input and result are checked against the map. */
export function registerLifecycleActivity<K extends LifecycleActivity>(
  activity: K,
  handler: (input: ActivityInput<K>) => Promise<ActivityResult<K>>,
): void {
  df.app.activity(LIFECYCLE_ACTIVITIES[activity], { handler: (input: unknown) => handler(input as ActivityInput<K>) });
}

/**
 * Calls an activity from the orchestration with an input of its type and answers its result; with
 * `retry`, through callActivityWithRetry. Yields exactly the one task the direct call would.
 */
export function* callLifecycleActivity<K extends LifecycleActivity>(
  context: OrchestrationContext,
  activity: K,
  input: ActivityInput<K>,
  retry?: RetryOptions,
): Generator<Task, ActivityResult<K>, unknown> {
  const name = LIFECYCLE_ACTIVITIES[activity];
  const task = retry ? context.df.callActivityWithRetry(name, retry, input) : context.df.callActivity(name, input);
  return (yield task) as ActivityResult<K>;
}
