import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { LIFECYCLE_ORCHESTRATION } from '../../shared/adapters/durable/durable-lifecycle';
import type { LifecycleInput } from '../../shared/app/lifecycle/lifecycle-input';
import type { PlanResult } from '../../shared/app/lifecycle/lifecycle-steps';
import type { Notice } from '../../shared/app/lifecycle/notify';
import { PLAN_VERSION, type Moment } from '../../shared/domain/lifecycle/plan';
import { reminderMoment } from '../../shared/domain/lifecycle/notifications';
import { LIFECYCLE_ACTIVITIES as A } from './lifecycle-activity-names';

/**
 * One orchestration per appointment (instance id = appointment id), started from the outbox.
 *
 *   plan:  read the appointment, send the confirmation (or the reschedule notice), plan the moments
 *   wait:  for the next moment: timer vs. 'rescheduled' vs. 'cancelled'
 *          timer       -> run the moment (reminder, room, join window, end), go on with the next
 *          rescheduled -> plan again for the new version (a stale event is ignored)
 *          cancelled   -> send the cancellation notice and end
 *
 * Every step ends with continueAsNew, so history stays one step long. Activities re-read the
 * appointment and do nothing for a version that is no longer current.
 */

/** Transient ACS errors: 5 s, 10 s, 20 s, ... up to 5 minutes apart, 8 attempts in all (about 16 minutes). */
function retryOptions(): df.RetryOptions {
  const options = new df.RetryOptions(5_000, 8);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 5 * 60_000;
  return options;
}

const lifecycle: OrchestrationHandler = function* (context: OrchestrationContext) {
  const state = context.df.getInput<LifecycleInput>();
  if (state.planVersion !== PLAN_VERSION) throw new Error(`lifecycle plan version ${String(state.planVersion)} is not supported by this code (expects ${PLAN_VERSION})`);

  if (state.stage === 'plan') {
    const plan = (yield context.df.callActivity(A.plan, state.appointmentId)) as PlanResult;
    if (plan.status === 'over') return 'over';
    if (plan.status === 'cancelled') {
      yield* notify(context, state, 'cancellation', plan.version);
      return 'cancelled';
    }
    yield* notify(context, state, state.notice, plan.version);
    context.df.continueAsNew({ ...state, stage: 'wait', version: plan.version, moments: plan.moments, next: 0 } satisfies LifecycleInput);
    return undefined;
  }

  const moment = state.moments[state.next];
  if (!moment) return 'ended';
  const timer = context.df.createTimer(new Date(moment.dueAt));
  const rescheduled = context.df.waitForExternalEvent('rescheduled');
  const cancelled = context.df.waitForExternalEvent('cancelled');
  const winner: Task = yield context.df.Task.any([timer, rescheduled, cancelled]);

  if (winner === timer) {
    yield* runMoment(context, state, moment);
    context.df.continueAsNew({ ...state, next: state.next + 1 } satisfies LifecycleInput);
    return undefined;
  }
  timer.cancel();
  const { version } = winner.result as { version: number };
  if (winner === cancelled) {
    yield* notify(context, state, 'cancellation', version);
    return 'cancelled';
  }
  // A reschedule the plan already reflects (it was read after the change) changes nothing.
  const next: LifecycleInput = version > state.version ? { ...state, stage: 'plan', notice: 'reschedule', moments: [], next: 0 } : state;
  context.df.continueAsNew(next);
  return undefined;
};

function* notify(context: OrchestrationContext, state: LifecycleInput, notice: Notice, version: number): Generator<Task, void, unknown> {
  const input = { appointmentId: state.appointmentId, version, notice, ...(state.manageToken ? { manageToken: state.manageToken } : {}) };
  try {
    yield context.df.callActivityWithRetry(A.notice, retryOptions(), input);
  } catch {
    yield context.df.callActivity(A.undelivered, { appointmentId: state.appointmentId, version, moment: notice });
  }
}

function* runMoment(context: OrchestrationContext, state: LifecycleInput, moment: Moment): Generator<Task, void, unknown> {
  const target = { appointmentId: state.appointmentId, version: state.version };
  switch (moment.kind) {
    case 'reminder':
      try {
        yield context.df.callActivityWithRetry(A.reminder, retryOptions(), { ...target, index: moment.index, ...(state.manageToken ? { manageToken: state.manageToken } : {}) });
      } catch {
        yield context.df.callActivity(A.undelivered, { ...target, moment: reminderMoment(moment.index) });
      }
      return;
    case 'room':
    case 'join-window':
      try {
        yield context.df.callActivityWithRetry(A.room, retryOptions(), { ...target, moment: moment.kind });
      } catch {
        // Joining creates a missing room too; the lifecycle goes on.
      }
      return;
    case 'end':
      try {
        yield context.df.callActivityWithRetry(A.complete, retryOptions(), target);
      } catch {
        // Staff can still complete it by hand; the lifecycle goes on.
      }
      return;
  }
}

df.app.orchestration(LIFECYCLE_ORCHESTRATION, lifecycle);
