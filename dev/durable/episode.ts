import { randomUUID } from 'node:crypto';
import {
  ActionType,
  actionInputToJson,
  EventType,
  flattenActions,
  LEGACY_UPPER_SCHEMA,
  LONG_TIMER_INTERVAL_MS,
  MAXIMUM_TIMER_MS,
  parseOrchestratorFailure,
  REPLAY_SCHEMA,
  takesTaskId,
  type Action,
  type HistoryEvent,
  type OrchestrationTriggerValue,
  type OrchestratorState,
} from './protocol';
import { mayRetry, nextRetryDelay } from './retry';
import {
  MAX_TRANSACTION_OPERATIONS,
  newInboxKey,
  TERMINAL_STATUSES,
  workKey,
  type InstanceRecord,
  type StoredHistoryEvent,
  type StoredMessage,
  type StoredWork,
  type WorkItem,
  type Write,
} from './store';

export interface EpisodeInput {
  instance: InstanceRecord;
  history: StoredHistoryEvent[];
  message: StoredMessage;
  /** The instance's pending work rows. */
  work: StoredWork[];
  now: number;
}

export interface EpisodePlan {
  writes: Write[];
  /** Work created by this episode, to run or arm once the writes are committed. */
  newWork: Array<{ rowKey: string; item: WorkItem }>;
  instance: InstanceRecord;
  /** The execution ended by continueAsNew: its history rows are garbage once committed. */
  continuedAsNew: boolean;
  warnings: string[];
}

export type InvokeOrchestrator = (trigger: OrchestrationTriggerValue) => Promise<unknown>;

const UNSUPPORTED: Record<number, string> = {
  [ActionType.CallSubOrchestrator]: 'callSubOrchestrator',
  [ActionType.CallSubOrchestratorWithRetry]: 'callSubOrchestratorWithRetry',
  [ActionType.CallEntity]: 'callEntity',
  [ActionType.SignalEntity]: 'signalEntity',
  [ActionType.CallHttp]: 'callHttp',
};

/** Fixed writes of an episode: instance row, consumed message, OrchestratorStarted, the event, OrchestratorCompleted (+ slack). */
const FIXED_OPERATIONS = 8;

/**
 * One orchestration episode, as the extension runs it: append the message as history, replay the
 * orchestrator, turn its new actions into work, and describe everything as one atomic write.
 * Exactly one message per episode, so task ids are assigned in the same order as the SDK assigns
 * them (retry timers get theirs while the failure is replayed, before any new action).
 */
export async function planEpisode(input: EpisodeInput, invoke: InvokeOrchestrator): Promise<EpisodePlan> {
  const { instance, message: stored, now } = input;
  const message = stored.message;
  const plan: EpisodePlan = { writes: [{ op: 'delete', rowKey: stored.key }], newWork: [], instance, continuedAsNew: false, warnings: [] };
  const stale = 'executionId' in message && message.executionId !== instance.executionId;
  if (TERMINAL_STATUSES.includes(instance.runtimeStatus) || stale) return plan;

  const next: InstanceRecord = { ...instance, lastUpdatedTime: now, actionIds: [...instance.actionIds] };
  const stamp = new Date(now).toISOString();
  const event = (type: number, fields: Record<string, unknown> = {}, eventId = -1): HistoryEvent => ({
    EventType: type,
    EventId: eventId,
    IsPlayed: false,
    Timestamp: stamp,
    ...fields,
  });
  const events: StoredHistoryEvent[] = [];
  const work: Array<{ rowKey: string; item: WorkItem }> = [];
  const dropAllWork = () => input.work.map((row) => ({ op: 'delete', rowKey: row.rowKey }) as const);

  if (message.kind === 'terminate') {
    events.push({ event: event(EventType.ExecutionTerminated, { Input: message.reason }) });
    next.runtimeStatus = 'Terminated';
    next.output = JSON.stringify(message.reason ?? '');
    return finish(plan, next, events, work, dropAllWork());
  }

  events.push({ event: event(EventType.OrchestratorStarted) });
  switch (message.kind) {
    case 'start':
      events.push({ event: event(EventType.ExecutionStarted, { Name: instance.name, Input: instance.input, Version: '' }) });
      break;
    case 'event':
      events.push({ event: event(EventType.EventRaised, { Name: message.name, Input: message.input }), inboxKey: stored.key });
      break;
    case 'taskCompleted':
      events.push({ event: event(EventType.TaskCompleted, { TaskScheduledId: message.taskId, Result: message.result }) });
      break;
    case 'taskFailed': {
      events.push({
        event: event(EventType.TaskFailed, { TaskScheduledId: message.taskId, Reason: message.reason, Details: message.details }),
      });
      if (message.retry) {
        const retry = message.retry;
        const delay = nextRetryDelay(retry, now);
        if (delay !== undefined) {
          const timerId = next.nextEventId++;
          const fireAt = now + delay;
          events.push({ event: event(EventType.TimerCreated, { FireAt: new Date(fireAt).toISOString() }, timerId) });
          work.push({
            rowKey: workKey(next.executionId, timerId),
            item: { kind: 'timer', executionId: next.executionId, timerId, fireAt, retry },
          });
        } else {
          // Same as Azure: durable-functions 3.x then waits forever (azure-functions-durable-js#629).
          plan.warnings.push(
            `retry timeout of "${retry.name}" has passed: no further attempt, and the orchestrator keeps waiting (as in Azure)`,
          );
        }
      }
      break;
    }
    case 'timerFired': {
      events.push({ event: event(EventType.TimerFired, { TimerId: message.timerId, FireAt: new Date(message.fireAt).toISOString() }) });
      // A sub-timer of a long timer: the SDK takes the next sub-timer's id while this one replays.
      const long = message.longTimer;
      if (long && long.finalFireAt > now) {
        const timerId = next.nextEventId++;
        const fireAt = subTimerFireAt(long.finalFireAt, now);
        events.push({ event: event(EventType.TimerCreated, { FireAt: new Date(fireAt).toISOString() }, timerId) });
        work.push({
          rowKey: workKey(next.executionId, timerId),
          item: { kind: 'timer', executionId: next.executionId, timerId, fireAt, longTimer: long },
        });
      }
      const retry = message.retry;
      if (retry && mayRetry(retry)) {
        const taskId = next.nextEventId++;
        events.push({ event: event(EventType.TaskScheduled, { Name: retry.name, Input: retry.input }, taskId) });
        work.push({
          rowKey: workKey(next.executionId, taskId),
          item: { kind: 'activity', executionId: next.executionId, taskId, name: retry.name, input: retry.input, retry },
        });
      }
      break;
    }
  }

  const trigger: OrchestrationTriggerValue = {
    history: [...input.history, ...events].map((stored) => stored.event),
    input: instance.input === null ? undefined : JSON.parse(instance.input),
    instanceId: instance.instanceId,
    isReplaying: input.history.length > 0,
    parentInstanceId: '',
    upperSchemaVersion: LEGACY_UPPER_SCHEMA,
    upperSchemaVersionNew: REPLAY_SCHEMA,
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: '6.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };

  let state: OrchestratorState | undefined;
  let failure: string | undefined;
  try {
    state = (await invoke(trigger)) as OrchestratorState;
    if (state?.schemaVersion !== REPLAY_SCHEMA)
      failure = `the orchestrator answered with replay schema ${String(state?.schemaVersion)}, expected ${REPLAY_SCHEMA}: durable-functions changed its protocol`;
  } catch (error) {
    const parsed = parseOrchestratorFailure(error);
    failure = parsed.message;
    state = parsed.state;
  }
  if (state?.customStatus !== undefined) next.customStatus = JSON.stringify(state.customStatus);

  const deletes: Write[] = [];
  const actions = flattenActions(state?.actions?.[0] ?? []);
  if (!failure && state) {
    for (const [index, action] of actions.entries()) {
      if (index < instance.actionIds.length) {
        const taskId = instance.actionIds[index]!;
        const mismatch = nonDeterminism(action, taskId, input.history);
        if (mismatch) {
          failure = mismatch;
          break;
        }
        if (action.actionType === ActionType.CreateTimer && action.isCanceled) {
          // A long timer's current sub-timer has its own id; the action carries the first one's.
          for (const row of input.work) {
            const item = row.item;
            if (item.kind === 'timer' && (item.timerId === taskId || item.longTimer?.firstTimerId === taskId))
              deletes.push({ op: 'delete', rowKey: row.rowKey });
          }
        }
        continue;
      }
      const unsupported = UNSUPPORTED[action.actionType];
      if (unsupported) {
        failure = `${unsupported} is not supported by the local durable backend (see docs/durable-backend.md)`;
        break;
      }
      const taskId = takesTaskId(action) ? next.nextEventId++ : -1;
      next.actionIds.push(taskId);
      if (!state.isDone) schedule(action, taskId, next, now, events, work, event);
    }
  }

  if (failure) {
    next.runtimeStatus = 'Failed';
    next.output = JSON.stringify(`Orchestrator function '${instance.name}' failed: ${failure}`);
    events.push({ event: event(EventType.ExecutionCompleted, { OrchestrationStatus: 'Failed', Result: failure }) });
    return finish(plan, next, events, [], dropAllWork());
  }
  if (state!.isDone) {
    const continueAsNew = actions.findLast((action) => action.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return continueAsNewPlan(plan, next, [...input.history, ...events], actions, continueAsNew, dropAllWork());
    next.runtimeStatus = 'Completed';
    next.output = JSON.stringify(state!.output ?? null);
    events.push({ event: event(EventType.ExecutionCompleted, { OrchestrationStatus: 'Completed', Result: next.output }) });
    return finish(plan, next, events, [], dropAllWork());
  }
  next.runtimeStatus = 'Running';
  events.push({ event: event(EventType.OrchestratorCompleted) });
  const planned = finish(plan, next, events, work, deletes);
  if (planned.writes.length > MAX_TRANSACTION_OPERATIONS) {
    const tooMany = `one episode scheduled ${work.length} tasks; the local durable backend commits an episode in one table transaction, so at most ${(MAX_TRANSACTION_OPERATIONS - FIXED_OPERATIONS) / 2} new tasks per episode`;
    next.runtimeStatus = 'Failed';
    next.output = JSON.stringify(`Orchestrator function '${instance.name}' failed: ${tooMany}`);
    return finish({ ...plan, writes: [plan.writes[0]!] }, next, events.slice(0, 2), [], dropAllWork());
  }
  return planned;
}

function schedule(
  action: Action,
  taskId: number,
  next: InstanceRecord,
  now: number,
  events: StoredHistoryEvent[],
  work: Array<{ rowKey: string; item: WorkItem }>,
  event: (type: number, fields?: Record<string, unknown>, eventId?: number) => HistoryEvent,
): void {
  const rowKey = workKey(next.executionId, taskId);
  if (action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry) {
    const name = action.functionName ?? '';
    const input = actionInputToJson(action.input);
    const retry =
      action.actionType === ActionType.CallActivityWithRetry && action.retryOptions
        ? { name, input, options: action.retryOptions, failures: 0, firstAttemptAt: now }
        : undefined;
    events.push({ event: event(EventType.TaskScheduled, { Name: name, Input: input }, taskId) });
    work.push({ rowKey, item: { kind: 'activity', executionId: next.executionId, taskId, name, input, retry } });
  } else if (action.actionType === ActionType.CreateTimer) {
    const finalFireAt = Date.parse(action.fireAt ?? '');
    // Beyond Azure Storage's maximum the SDK (schema V3+) waits in sub-timers; the backend chains them.
    const long = finalFireAt - now > MAXIMUM_TIMER_MS ? { firstTimerId: taskId, finalFireAt } : undefined;
    const fireAt = long ? subTimerFireAt(finalFireAt, now) : finalFireAt;
    events.push({ event: event(EventType.TimerCreated, { FireAt: new Date(fireAt).toISOString() }, taskId) });
    if (!action.isCanceled)
      work.push({
        rowKey,
        item: { kind: 'timer', executionId: next.executionId, timerId: taskId, fireAt, ...(long ? { longTimer: long } : {}) },
      });
  }
}

/** The next sub-timer of a long timer, as the SDK's LongTimerTask computes it. */
function subTimerFireAt(finalFireAt: number, now: number): number {
  return finalFireAt - now > MAXIMUM_TIMER_MS ? now + LONG_TIMER_INTERVAL_MS : finalFireAt;
}

/**
 * The extension replays the orchestrator against its history and fails the instance when an action
 * no longer matches what history recorded for its task id (DurableTask.Core's
 * NonDeterministicOrchestrationException): another kind, or another activity name.
 */
function nonDeterminism(action: Action, taskId: number, history: StoredHistoryEvent[]): string | undefined {
  const wanted = takesTaskId(action);
  if (!wanted && taskId < 0) return undefined;
  const recorded =
    taskId < 0
      ? undefined
      : history.find(
          (stored) =>
            stored.event.EventId === taskId &&
            (stored.event.EventType === EventType.TaskScheduled || stored.event.EventType === EventType.TimerCreated),
        )?.event;
  const describe = (a: Action) => (a.functionName ? `${a.actionType}:${a.functionName}` : String(a.actionType));
  const fail = (what: string) =>
    `Non-Deterministic workflow detected: ${what} (action ${describe(action)} at task id ${taskId}); a change to the orchestrator's steps breaks instances that already ran them`;
  if (!wanted || !recorded) return fail('history has no matching scheduled task');
  const isActivity = action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry;
  if (isActivity && (recorded.EventType !== EventType.TaskScheduled || recorded.Name !== action.functionName))
    return fail(`history recorded ${recorded.EventType === EventType.TaskScheduled ? `activity ${String(recorded.Name)}` : 'a timer'}`);
  if (action.actionType === ActionType.CreateTimer && recorded.EventType !== EventType.TimerCreated)
    return fail(`history recorded activity ${String(recorded.Name)}`);
  return undefined;
}

/**
 * continueAsNew: a fresh execution (new id, empty history) of the same instance. Pending work of the
 * old execution is dropped, and so is every external event it received but never consumed: the
 * extension continues an out-of-process orchestration with `preserveUnprocessedEvents` false
 * (OutOfProcOrchestrationShim.cs). Events still waiting in the inbox reach the new execution.
 */
function continueAsNewPlan(
  plan: EpisodePlan,
  next: InstanceRecord,
  history: StoredHistoryEvent[],
  actions: Action[],
  action: Action,
  dropWork: Write[],
): EpisodePlan {
  const executionId = randomUUID();
  const renewed: InstanceRecord = {
    ...next,
    executionId,
    runtimeStatus: 'ContinuedAsNew',
    input: actionInputToJson(action.input),
    output: null,
    historyLength: 0,
    nextEventId: 0,
    actionIds: [],
  };
  const dropped = unconsumedEvents(history, actions);
  const warnings =
    dropped.length > 0
      ? [
          `continueAsNew dropped ${dropped.length} external event(s) the orchestrator never consumed (${[...new Set(dropped.map((e) => String(e.event.Name)))].join(', ')}), as the extension does`,
        ]
      : [];
  const writes: Write[] = [
    plan.writes[0]!,
    { op: 'updateInstance', instance: renewed },
    ...dropWork,
    { op: 'addMessage', key: newInboxKey(), message: { kind: 'start', executionId } },
  ];
  return { ...plan, writes, instance: renewed, continuedAsNew: true, warnings: [...plan.warnings, ...warnings] };
}

/** Per event name, the SDK hands events to waiters one for one; the surplus (latest ones) was never consumed. */
function unconsumedEvents(history: StoredHistoryEvent[], actions: Action[]): StoredHistoryEvent[] {
  const waiters = new Map<string, number>();
  for (const action of actions) {
    if (action.actionType === ActionType.WaitForExternalEvent)
      waiters.set(action.externalEventName ?? '', (waiters.get(action.externalEventName ?? '') ?? 0) + 1);
  }
  const byName = new Map<string, StoredHistoryEvent[]>();
  for (const stored of history.filter((e) => e.event.EventType === EventType.EventRaised))
    byName.set(String(stored.event.Name), [...(byName.get(String(stored.event.Name)) ?? []), stored]);
  return [...byName].flatMap(([name, list]) => list.slice(Math.min(list.length, waiters.get(name) ?? 0)));
}

function finish(
  plan: EpisodePlan,
  next: InstanceRecord,
  events: StoredHistoryEvent[],
  work: Array<{ rowKey: string; item: WorkItem }>,
  deletes: Write[],
): EpisodePlan {
  const writes: Write[] = [
    ...plan.writes,
    ...events.map(
      (stored, i) =>
        ({
          op: 'addHistory',
          executionId: next.executionId,
          index: next.historyLength + i,
          event: stored.event,
          inboxKey: stored.inboxKey,
        }) as const,
    ),
    ...work.map(({ rowKey, item }) => ({ op: 'addWork', rowKey, item }) as const),
    ...deletes,
  ];
  const instance = { ...next, historyLength: next.historyLength + events.length };
  writes.push({ op: 'updateInstance', instance });
  return { ...plan, writes, newWork: work, instance };
}
