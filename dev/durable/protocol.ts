/**
 * The out-of-process protocol between the Durable Functions extension and durable-functions 3.5.x:
 * history events in, actions out. Numbers and field names are the SDK's (pinned by
 * test/integration/durable/orchestrator-contract.test.ts).
 */

/** History event types (DurableTask.Core EventType numbering). */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
} as const;

/** Action types the orchestrator returns. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
} as const;

/**
 * The replay schema the extension announces (`upperSchemaVersionNew` 3, the SDK's V4): one cumulative
 * action list with nested WhenAll/WhenAny, and timers longer than `maximumShortTimerDuration` waited
 * out by the SDK as a LongTimerTask whose sub-timers the backend chains (as the extension does).
 */
export const REPLAY_SCHEMA = 3;
/** The older field, still sent by the extension for SDKs that do not read `upperSchemaVersionNew`. */
export const LEGACY_UPPER_SCHEMA = 1;
/** Azure Storage's longest timer, and the sub-timer length the extension uses beyond it. */
export const MAXIMUM_TIMER_MS = 6 * 24 * 60 * 60 * 1000;
export const LONG_TIMER_INTERVAL_MS = 3 * 24 * 60 * 60 * 1000;

export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsWire;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: Action[];
}

/** What the orchestrator handler returns (OrchestratorState). */
export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
}

/** The orchestrationTrigger value the extension sends (DurableOrchestrationBindingInfo). */
export interface OrchestrationTriggerValue {
  history: HistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

const OUT_OF_PROC_DATA = '\n\n$OutOfProcData$:';

/**
 * An orchestrator that throws makes the SDK throw an error whose message carries the state after
 * a marker. The text before the marker is not the error (3.5.0 puts `false` there); like the
 * extension, take the message from the state's `error`.
 */
export function parseOrchestratorFailure(error: unknown): { message: string; state?: OrchestratorState } {
  const text = error instanceof Error ? error.message : String(error);
  const at = text.indexOf(OUT_OF_PROC_DATA);
  if (at < 0) return { message: text };
  try {
    const state = JSON.parse(text.slice(at + OUT_OF_PROC_DATA.length)) as OrchestratorState;
    return { message: state.error ?? text.slice(0, at), state };
  } catch {
    return { message: text.slice(0, at) };
  }
}

/** Depth-first, in the order the SDK assigns task ids to the atomic tasks behind them. */
export function flattenActions(actions: Action[]): Action[] {
  return actions.flatMap((action) =>
    action.actionType === ActionType.WhenAll || action.actionType === ActionType.WhenAny
      ? flattenActions(action.compoundActions ?? [])
      : [action],
  );
}

/** Whether the SDK gives the task behind this action a sequence number (events are keyed by name). */
export function takesTaskId(action: Action): boolean {
  return action.actionType !== ActionType.WaitForExternalEvent && action.actionType !== ActionType.ContinueAsNew;
}

/**
 * Action inputs are JSON values, except that the SDK JSON-encodes string inputs once more
 * (Utils.processInput); the extension decodes them, and so do we.
 */
export function actionInputToJson(input: unknown): string | null {
  if (input === undefined) return null;
  return typeof input === 'string' ? input : JSON.stringify(input);
}

export function parseJson(text: string | null | undefined): unknown {
  return text === null || text === undefined || text === '' ? null : JSON.parse(text);
}
