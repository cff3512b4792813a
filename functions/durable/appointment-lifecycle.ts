import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { LIFECYCLE_ORCHESTRATION } from '../../shared/adapters/durable/durable-lifecycle';
import {
  afterExecution,
  isLifecycleInputV1,
  nextLifecycleStep,
  upgradeLifecycleInputV1,
  type LifecycleInput,
  type LifecycleInputV1,
} from '../../shared/app/lifecycle/lifecycle-input';
import type { SendReport } from '../../shared/app/lifecycle/channels';
import type { Notice } from '../../shared/app/lifecycle/send-notice';
import { PLAN_VERSION, type Moment } from '../../shared/domain/lifecycle/plan';
import { reminderMoment } from '../../shared/domain/lifecycle/notifications';
import { callLifecycleActivity } from './lifecycle-activities';

/**
 * One orchestration per appointment (instance id = appointment id), started from the outbox. Each
 * execution:
 *
 *   read:   the appointment as it is now (an activity), and plan from it (nextLifecycleStep)
 *   notice: a version the consumer has not heard of gets its confirmation or reschedule notice; a
 *           cancelled appointment its cancellation notice, and the orchestration ends
 *   wait:   once, for the next moment's timer or for a 'rescheduled' / 'cancelled' event
 *           timer -> run the moment (reminder, room, join window, end)
 *   then continueAsNew, and the next execution reads again.
 *
 * Events only wake the orchestration up; the change itself is committed before its event is raised,
 * so the next read sees it. An event that arrives while an activity runs, or that continueAsNew drops
 * (as Azure does), loses nothing. Notices are recorded once per (version, notice) by the notification
 * store, whichever execution gets there (at least once: a crash between ACS accepting a message and
 * its record sends it again); activities do nothing for a version that is no longer current.
 */

/** Transient ACS errors: 5 s, 10 s, 20 s, ... up to 5 minutes apart, 8 attempts in all (about 16 minutes). */
function retryOptions(): df.RetryOptions {
  const options = new df.RetryOptions(5_000, 8);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 5 * 60_000;
  return options;
}

const lifecycle: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<LifecycleInput | LifecycleInputV1>();
  if (isLifecycleInputV1(input) && input.stage === 'wait') return yield* waitAsVersion1(context, input);
  const { resumeAt, ...state } = isLifecycleInputV1(input) ? upgradeLifecycleInputV1(input) : input;
  if (state.planVersion !== PLAN_VERSION)
    throw new Error(`lifecycle plan version ${String(state.planVersion)} is not supported by this code (expects ${PLAN_VERSION})`);
  if (resumeAt !== undefined && resumeAt > context.df.currentUtcDateTime.getTime()) {
    // Throttled by ACS: this execution's one wait is the service's Retry-After (a change still wakes it).
    yield* waitUntil(context, resumeAt);
    context.df.continueAsNew(state);
    return undefined;
  }
  /** Ends this execution so the next one sends what ACS throttled, after its Retry-After. */
  const resumeLater = (next: LifecycleInput, report: SendReport | undefined): undefined => {
    context.df.continueAsNew({ ...next, resumeAt: context.df.currentUtcDateTime.getTime() + throttledFor(report)! });
    return undefined;
  };

  const read = yield* callLifecycleActivity(context, 'plan', state.appointmentId);
  const step = nextLifecycleStep(state, read);
  if ('end' in step) {
    if (step.end === 'cancelled') {
      const report = yield* notify(context, state, step.notice, step.version);
      if (throttledFor(report)) return resumeLater(state, report);
    }
    return step.end;
  }

  let announced = state.announced;
  if (step.notice) {
    // A stale notice (the appointment moved on meanwhile) sent nothing: the next execution announces the newer version.
    const report = yield* notify(context, state, step.notice, step.version);
    if (throttledFor(report)) return resumeLater(afterExecution(state, announced, step.version, undefined), report);
    if (!report.stale) announced = step.version;
  }
  const moment = step.moment;
  if (!moment) return 'ended';

  if (yield* waitUntil(context, moment.dueAt)) {
    const report = yield* runMoment(context, state, step.version, moment);
    // A throttled reminder is not done: the next execution runs it again once the Retry-After has passed.
    if (throttledFor(report)) return resumeLater(afterExecution(state, announced, step.version, undefined), report);
    context.df.continueAsNew(afterExecution(state, announced, step.version, moment));
  } else {
    context.df.continueAsNew(afterExecution(state, announced, step.version, undefined));
  }
  return undefined;
};

/** The execution's one wait: until `at`, or until a change wakes it up. True when the time came. */
function* waitUntil(context: OrchestrationContext, at: number): Generator<Task, boolean, unknown> {
  const timer = context.df.createTimer(new Date(at));
  const rescheduled = context.df.waitForExternalEvent('rescheduled');
  const cancelled = context.df.waitForExternalEvent('cancelled');
  const winner = (yield context.df.Task.any([timer, rescheduled, cancelled])) as Task;
  if (winner !== timer) timer.cancel();
  return winner === timer;
}

function throttledFor(report: SendReport | undefined): number | undefined {
  return report && !report.stale ? report.throttledForMs : undefined;
}

/**
 * An instance that version 1 left waiting replays that wait with the same actions (so its history
 * still matches), then continues as new in the current shape.
 */
function* waitAsVersion1(context: OrchestrationContext, old: LifecycleInputV1): Generator<Task, string | undefined, unknown> {
  const state = upgradeLifecycleInputV1(old);
  const moment = old.moments[old.next];
  if (!moment) return 'ended';
  const timer = context.df.createTimer(new Date(moment.dueAt));
  const rescheduled = context.df.waitForExternalEvent('rescheduled');
  const cancelled = context.df.waitForExternalEvent('cancelled');
  const winner = (yield context.df.Task.any([timer, rescheduled, cancelled])) as Task;
  if (winner === timer) {
    const report = yield* runMoment(context, state, old.version, moment);
    const throttled = throttledFor(report);
    if (throttled)
      context.df.continueAsNew({
        ...afterExecution(state, state.announced, old.version, undefined),
        resumeAt: context.df.currentUtcDateTime.getTime() + throttled,
      });
    else context.df.continueAsNew(afterExecution(state, state.announced, old.version, moment));
    return undefined;
  }
  timer.cancel();
  if (winner === cancelled) {
    yield* notify(context, state, 'cancellation', (winner.result as { version: number }).version);
    return 'cancelled';
  }
  context.df.continueAsNew(state);
  return undefined;
}

function* notify(
  context: OrchestrationContext,
  state: LifecycleInput,
  notice: Notice,
  version: number,
): Generator<Task, SendReport, unknown> {
  const input = { appointmentId: state.appointmentId, version, notice };
  try {
    return yield* callLifecycleActivity(context, 'notice', input, retryOptions());
  } catch {
    yield* callLifecycleActivity(context, 'undelivered', { appointmentId: state.appointmentId, version, moment: notice });
    return { stale: false, results: {} };
  }
}

/** Runs one moment; a reminder answers what it sent (throttled channels included). */
function* runMoment(
  context: OrchestrationContext,
  state: LifecycleInput,
  version: number,
  moment: Moment,
): Generator<Task, SendReport | undefined, unknown> {
  const target = { appointmentId: state.appointmentId, version };
  switch (moment.kind) {
    case 'reminder':
      try {
        return yield* callLifecycleActivity(context, 'reminder', { ...target, index: moment.index }, retryOptions());
      } catch {
        yield* callLifecycleActivity(context, 'undelivered', { ...target, moment: reminderMoment(moment.index) });
      }
      return undefined;
    case 'room':
    case 'join-window':
      try {
        yield* callLifecycleActivity(context, 'room', { ...target, moment: moment.kind }, retryOptions());
      } catch {
        // Joining creates a missing room too; the lifecycle goes on.
      }
      return undefined;
    case 'end':
      try {
        yield* callLifecycleActivity(context, 'complete', target, retryOptions());
      } catch {
        // Staff can still complete it by hand; the lifecycle goes on.
      }
      return undefined;
  }
}

df.app.orchestration(LIFECYCLE_ORCHESTRATION, lifecycle);
