/**
 * Pins the orchestrator protocol of durable-functions 3.5.x that dev/durable relies on: the trigger
 * value (history in), the returned state (cumulative actions out, schema version, action type
 * numbers, field names), how task ids are numbered (retries included) and how failures come back.
 * An SDK upgrade that changes any of it fails here first.
 */
import { FunctionsCoreStandIn } from '../../../dev/host/functions-core-stand-in';
import { RegistryInvoker } from '../../../dev/host/invoker';
import {
  ActionType,
  EventType,
  LEGACY_UPPER_SCHEMA,
  parseOrchestratorFailure,
  REPLAY_SCHEMA,
  type HistoryEvent,
} from '../../../dev/durable/protocol';

const standIn = new FunctionsCoreStandIn(() => undefined);
jest.mock('@azure/functions-core', () => standIn.api, { virtual: true });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const df = require('durable-functions') as typeof import('durable-functions');
const invoker = new RegistryInvoker(standIn, () => undefined);

const T0 = Date.parse('2030-01-07T09:00:00Z');
const DEADLINE = new Date(T0 + 60_000);

df.app.orchestration('contractFlow', function* (context) {
  const first: unknown = yield context.df.callActivity('a', 'x');
  const retry = new df.RetryOptions(500, 3);
  retry.backoffCoefficient = 2;
  const second: unknown = yield context.df.callActivityWithRetry('b', retry, { n: 1 });
  context.df.setCustomStatus({ first, second });
  const timer = context.df.createTimer(DEADLINE);
  const go = context.df.waitForExternalEvent('go');
  const winner: unknown = yield context.df.Task.any([timer, go]);
  if (winner === go) timer.cancel();
  context.df.continueAsNew({ go: go.result });
  return undefined;
});
df.app.orchestration('contractFails', function* (context) {
  yield context.df.callActivity('a', 1);
  throw new Error('boom');
});

let eventId = 0;
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const ev = (type: number, offsetMs: number, fields: Record<string, unknown> = {}): HistoryEvent => ({
  EventType: type,
  EventId: -1,
  IsPlayed: false,
  Timestamp: at(offsetMs),
  ...fields,
});
const episode = (offsetMs: number, ...events: HistoryEvent[]) => [ev(EventType.OrchestratorStarted, offsetMs), ...events];
const trigger = (history: HistoryEvent[], input: unknown) => ({
  history,
  input,
  instanceId: 'contract-1',
  isReplaying: false,
  parentInstanceId: '',
  upperSchemaVersion: LEGACY_UPPER_SCHEMA,
  upperSchemaVersionNew: REPLAY_SCHEMA,
  longRunningTimerIntervalDuration: '3.00:00:00',
  maximumShortTimerDuration: '6.00:00:00',
  defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked field by field below
const run = (name: string, history: HistoryEvent[]) => invoker.invoke(name, { trigger: trigger(history, { start: true }) }) as Promise<any>;

describe('durable-functions orchestrator protocol used by the local durable backend', () => {
  it('keeps the history event and action type numbers', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdkEvents = require('durable-functions/lib/src/history/HistoryEventType').HistoryEventType;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdkActions = require('durable-functions/lib/src/actions/ActionType').ActionType;
    for (const [name, value] of Object.entries(EventType)) expect(sdkEvents[name]).toBe(value);
    for (const [name, value] of Object.entries(ActionType)) expect(sdkActions[name]).toBe(value);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('durable-functions/package.json').version).toBe('3.5.0');
  });

  it('drives an orchestration step by step: cumulative actions, task ids, retry numbering, cancel, continueAsNew', async () => {
    eventId = 0;
    const history: HistoryEvent[] = episode(0, ev(EventType.ExecutionStarted, 0, { Name: 'contractFlow', Input: '{"start":true}' }));

    let state = await run('contractFlow', history);
    expect(state).toEqual({ isDone: false, actions: [[{ actionType: 0, functionName: 'a', input: '"x"' }]], schemaVersion: REPLAY_SCHEMA });

    // Task 0 completes: the retryable activity is the next action, with its options on the wire.
    history.push(
      ev(EventType.TaskScheduled, 0, { EventId: eventId++, Name: 'a' }),
      ...episode(10, ev(EventType.TaskCompleted, 10, { TaskScheduledId: 0, Result: '"rx"' })),
    );
    state = await run('contractFlow', history);
    expect(state.actions).toHaveLength(1);
    expect(state.actions[0]).toEqual([
      { actionType: 0, functionName: 'a', input: '"x"' },
      {
        actionType: 1,
        functionName: 'b',
        input: { n: 1 },
        retryOptions: { firstRetryIntervalInMilliseconds: 500, maxNumberOfAttempts: 3, backoffCoefficient: 2 },
      },
    ]);

    // Attempt 1 (task 1) fails: the SDK expects the retry timer as task 2 and the next attempt as task 3.
    history.push(...episode(20, ev(EventType.TaskFailed, 20, { TaskScheduledId: 1, Reason: 'nope', Details: 'stack' })));
    state = await run('contractFlow', history);
    expect(state.isDone).toBe(false);
    expect(state.actions[0]).toHaveLength(2);
    history.push(...episode(520, ev(EventType.TimerFired, 520, { TimerId: 2, FireAt: at(520) })));
    history.push(...episode(530, ev(EventType.TaskCompleted, 530, { TaskScheduledId: 3, Result: '{"ok":true}' })));
    state = await run('contractFlow', history);
    expect(state.customStatus).toEqual({ first: 'rx', second: { ok: true } });
    const whenAny = state.actions[0][2];
    expect(whenAny).toEqual({
      actionType: 11,
      compoundActions: [
        { actionType: 5, fireAt: DEADLINE.toISOString(), isCanceled: false },
        { actionType: 6, externalEventName: 'go', reason: 'ExternalEvent' },
      ],
    });

    // The event wins (the timer is task 4): the timer action turns cancelled and continueAsNew ends the episode.
    history.push(...episode(600, ev(EventType.EventRaised, 600, { Name: 'go', Input: '{"who":"me"}' })));
    state = await run('contractFlow', history);
    expect(state.isDone).toBe(true);
    expect(state.actions[0][2].compoundActions[0].isCanceled).toBe(true);
    expect(state.actions[0][3]).toEqual({ actionType: 4, input: { go: { who: 'me' } } });
  });

  it('takes the retry timer id from the failure, before the ids of tasks scheduled later', async () => {
    // Task 1 fails with no TimerFired yet: a timer with id 2 would be the retry timer, so completing "task 2" as a
    // TaskCompleted must not resume the orchestration.
    const history = [
      ...episode(0, ev(EventType.ExecutionStarted, 0, { Name: 'contractFlow' })),
      ...episode(10, ev(EventType.TaskCompleted, 10, { TaskScheduledId: 0, Result: '"rx"' })),
      ...episode(20, ev(EventType.TaskFailed, 20, { TaskScheduledId: 1, Reason: 'nope', Details: 'stack' })),
      ...episode(30, ev(EventType.TaskCompleted, 30, { TaskScheduledId: 2, Result: '"wrong"' })),
    ];
    const state = await run('contractFlow', history);
    expect(state.customStatus).toBeUndefined();
    expect(state.actions[0]).toHaveLength(2);
  });

  it('reports an orchestrator exception as an error whose message carries the state', async () => {
    const history = [
      ...episode(0, ev(EventType.ExecutionStarted, 0, { Name: 'contractFails' })),
      ...episode(10, ev(EventType.TaskCompleted, 10, { TaskScheduledId: 0, Result: 'null' })),
    ];
    const error = await run('contractFails', history).then(
      () => undefined,
      (e: unknown) => e,
    );
    const parsed = parseOrchestratorFailure(error);
    expect(parsed.message).toBe('boom');
    expect(parsed.state).toMatchObject({ isDone: false, error: 'boom', schemaVersion: REPLAY_SCHEMA });
  });

  it('fails loudly when the history has no OrchestratorStarted event', async () => {
    await expect(run('contractFlow', [ev(EventType.ExecutionStarted, 0, { Name: 'contractFlow' })])).rejects.toThrow(/OrchestratorStarted/);
  });
});
