import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/adapters/logging/logger';
import type { FunctionInvoker, InputBindingProvider } from '../host/types';
import { planEpisode, type EpisodePlan } from './episode';
import { DurableApiError, handleDurableHttp, type DurableOperations, type ListFilter, type StatusOptions, type StatusPayload } from './http-api';
import { EventType, parseJson, type HistoryEvent, type OrchestrationTriggerValue } from './protocol';
import {
  DurableStore,
  isStatus,
  newInboxKey,
  TERMINAL_STATUSES,
  type InboxMessage,
  type InstanceRecord,
  type StoredMessage,
  type WorkItem,
} from './store';

export interface DurableBackendOptions {
  /** Runs the app's orchestrator and activity functions. */
  invoker: FunctionInvoker;
  /** Table storage (Azurite) connection string. */
  connectionString: string;
  /** Prefix of the backend's table name (`<prefix>Durable`); letters and digits only. */
  tablePrefix: string;
  /** Orchestration time: timers fire when `now()` reaches their due time. */
  clock: { now(): number };
  log: Logger;
  /** Reported to the durable client; default "TestHubName" like a local Functions host. */
  taskHubName?: string;
  /** Loopback port of the durable HTTP API; default: any free port. */
  port?: number;
  /** With a real-time clock, check for due timers this often; omit when the host calls onClockAdvanced(). */
  timerPollMs?: number;
}

/** `GET instances/{id}` as the durable client sees it. */
export type OrchestrationStatus = StatusPayload;

export interface DurableBackend {
  /** Opens the HTTP API and resumes every unfinished instance found in storage. */
  start(): Promise<void>;
  /** Stops taking work and closes the HTTP API; results of activities still running are discarded (they run again after the next start). */
  stop(): Promise<void>;
  /** Fills `df.input.durableClient()` bindings. */
  readonly bindingProvider: InputBindingProvider;
  /** Fires timers that are due on the clock and resolves when the work they caused has settled. */
  onClockAdvanced(): Promise<void>;
  /** Resolves when no episode, activity or timer firing is left to run. */
  drain(): Promise<void>;
  status(instanceId: string, options?: StatusOptions): Promise<OrchestrationStatus | undefined>;
  /** Pending activity runs and timers of an instance (diagnostics and tests). */
  pendingWork(instanceId: string): Promise<WorkItem[]>;
  /** Serves the durable HTTP API; the host may mount it for `/runtime/webhooks/durabletask/...`. */
  handleHttp(request: http.IncomingMessage, response: http.ServerResponse): void;
  /** `http://127.0.0.1:<port>/durabletask/` once started. */
  readonly rpcBaseUrl: string;
}

export function createDurableBackend(options: DurableBackendOptions): DurableBackend {
  return new LocalDurableBackend(options);
}

/** Instance ids become partition keys: no / \\ # ? or control characters, at most 256 characters. */
const validInstanceId = (id: string) =>
  id.length > 0 && id.length <= 256 && !/[/\\#?]/.test(id) && ![...id].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
const isTerminal = (instance: InstanceRecord) => TERMINAL_STATUSES.includes(instance.runtimeStatus);
const eventNames = Object.fromEntries(Object.entries(EventType).map(([name, value]) => [value, name]));

class LocalDurableBackend implements DurableBackend, DurableOperations {
  private readonly store: DurableStore;
  private readonly hub: string;
  private server: http.Server | undefined;
  private baseUrl = '';
  private stopped = false;
  private poll: NodeJS.Timeout | undefined;
  /** Per instance: one episode at a time; `again` records a wake-up that came in meanwhile. */
  private readonly pumps = new Map<string, { again: boolean }>();
  private readonly timers = new Map<string, { instanceId: string; rowKey: string; fireAt: number; item: Extract<WorkItem, { kind: 'timer' }> }>();
  private readonly episodes = new Set<Promise<unknown>>();
  private readonly activities = new Set<Promise<unknown>>();

  readonly bindingProvider: InputBindingProvider = {
    bindingType: 'durableClient',
    valueFor: () => this.clientBinding(),
  };

  constructor(private readonly options: DurableBackendOptions) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,55}$/.test(options.tablePrefix)) throw new Error(`tablePrefix must be letters and digits (got "${options.tablePrefix}")`);
    this.store = DurableStore.fromConnectionString(options.connectionString, `${options.tablePrefix}Durable`);
    this.hub = options.taskHubName ?? 'TestHubName';
  }

  get rpcBaseUrl(): string {
    if (!this.baseUrl) throw new Error('The durable backend is not started');
    return `${this.baseUrl}/durabletask/`;
  }

  async start(): Promise<void> {
    await this.store.ensureTable();
    this.stopped = false;
    this.server = http.createServer((request, response) => this.handleHttp(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    // The host keeps the process alive; an abandoned backend (crash tests) must not.
    this.server.unref();
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;

    const [work, withMessages] = await Promise.all([this.store.work(), this.store.instancesWithInbox()]);
    let activities = 0;
    for (const row of work) {
      if (row.item.kind === 'timer') this.armTimer(row.instanceId, row.rowKey, row.item);
      else {
        activities += 1;
        this.runActivity(row.instanceId, row.rowKey, row.item);
      }
    }
    for (const instanceId of withMessages) this.wake(instanceId);
    if (this.options.timerPollMs) {
      this.poll = setInterval(() => this.track(this.episodes, this.fireDueTimers()), this.options.timerPollMs);
      this.poll.unref();
    }
    this.track(this.episodes, this.fireDueTimers());
    this.options.log.info('durable.backend.started', { rpcBaseUrl: this.rpcBaseUrl, resumedActivities: activities, armedTimers: this.timers.size, instancesWithMessages: withMessages.length });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    while (this.episodes.size > 0) await Promise.allSettled([...this.episodes]);
    this.timers.clear();
  }

  async onClockAdvanced(): Promise<void> {
    await this.fireDueTimers();
    await this.drain();
  }

  async drain(): Promise<void> {
    while (this.episodes.size + this.activities.size > 0) await Promise.allSettled([...this.episodes, ...this.activities]);
  }

  handleHttp(request: http.IncomingMessage, response: http.ServerResponse): void {
    void handleDurableHttp(this, request, response);
  }

  async pendingWork(instanceId: string): Promise<WorkItem[]> {
    return (await this.store.work(instanceId)).map((row) => row.item);
  }

  status(instanceId: string, options: StatusOptions = {}): Promise<OrchestrationStatus | undefined> {
    return this.statusPayload(instanceId, options);
  }

  // ---- operations behind the HTTP API -------------------------------------------------------

  async startInstance(name: string, requestedId: string | undefined, input: string | null): Promise<string> {
    const registered = this.options.invoker.registrations().some((r) => r.name === name && Object.values(r.bindings).some((b) => b.type === 'orchestrationTrigger'));
    if (!registered) throw new DurableApiError(400, `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const instanceId = requestedId ?? randomUUID().replace(/-/g, '');
    if (!validInstanceId(instanceId) || instanceId.startsWith('@')) throw new DurableApiError(400, `Invalid instance id "${instanceId}": 1-256 characters, no / \\ # ? or control characters, not starting with @`);
    const existing = await this.store.getInstance(instanceId);
    if (existing && !isTerminal(existing)) throw new DurableApiError(409, `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`);
    const now = this.options.clock.now();
    const instance: InstanceRecord = {
      instanceId,
      name,
      executionId: randomUUID(),
      runtimeStatus: 'Pending',
      input,
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      historyLength: 0,
      nextEventId: 0,
      actionIds: [],
      etag: existing?.etag,
    };
    try {
      await this.store.commit(instanceId, [
        existing ? { op: 'updateInstance', instance } : { op: 'createInstance', instance },
        { op: 'addMessage', key: newInboxKey(), message: { kind: 'start', executionId: instance.executionId } },
      ]);
    } catch (error) {
      if (isStatus(error, 409, 412)) throw new DurableApiError(409, `An Orchestration instance with the id ${instanceId} was created concurrently.`);
      throw error;
    }
    if (existing) this.track(this.episodes, this.collectStaleHistory(instance));
    this.options.log.info('durable.instance.scheduled', { instanceId, orchestrator: name });
    this.wake(instanceId);
    return instanceId;
  }

  async raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<void> {
    await this.sendToRunning(instanceId, { kind: 'event', name: eventName, input });
  }

  async terminate(instanceId: string, reason: string | null): Promise<void> {
    await this.sendToRunning(instanceId, { kind: 'terminate', reason });
  }

  async purge(instanceId: string): Promise<void> {
    const instance = await this.store.getInstance(instanceId);
    if (!instance) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
    if (!isTerminal(instance)) throw new DurableApiError(412, `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${instance.runtimeStatus}`);
    await this.store.deleteRows(instanceId, await this.store.partitionKeys(instanceId));
  }

  async statusPayload(instanceId: string, options: StatusOptions): Promise<StatusPayload | undefined> {
    const instance = await this.store.getInstance(instanceId);
    if (!instance) return undefined;
    const payload = toPayload(instance, options.showInput ?? true);
    if (options.showHistory) {
      const history = await this.store.history(instance);
      payload.historyEvents = history.map(({ event }) => toHistoryView(event, options.showHistoryOutput ?? false));
    }
    return payload;
  }

  async listPayloads(filter: ListFilter): Promise<StatusPayload[]> {
    const instances = await this.store.listInstances();
    return instances
      .filter((i) => !filter.runtimeStatus?.length || filter.runtimeStatus.includes(i.runtimeStatus))
      .filter((i) => filter.createdTimeFrom === undefined || i.createdTime >= filter.createdTimeFrom)
      .filter((i) => filter.createdTimeTo === undefined || i.createdTime <= filter.createdTimeTo)
      .filter((i) => !filter.instanceIdPrefix || i.instanceId.startsWith(filter.instanceIdPrefix))
      .map((i) => toPayload(i, filter.showInput ?? true));
  }

  managementPayload(instanceId: string): Record<string, string> {
    const links = this.managementUrls();
    const id = encodeURIComponent(instanceId);
    const fill = (template: string) => template.replace('INSTANCEID', id);
    return {
      id: instanceId,
      statusQueryGetUri: fill(links.statusQueryGetUri),
      sendEventPostUri: fill(links.sendEventPostUri),
      terminatePostUri: fill(links.terminatePostUri),
      purgeHistoryDeleteUri: fill(links.purgeHistoryDeleteUri),
      restartPostUri: fill(links.restartPostUri),
      suspendPostUri: fill(links.suspendPostUri),
      resumePostUri: fill(links.resumePostUri),
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  private clientBinding() {
    const rpcBaseUrl = this.rpcBaseUrl; // throws before start(): the client would have nowhere to call
    const webhook = `${this.baseUrl}/runtime/webhooks/durabletask`;
    const query = `taskHub=${encodeURIComponent(this.hub)}&connection=Storage`;
    return {
      taskHubName: this.hub,
      creationUrls: {
        createNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?${query}`,
        createAndWaitOnNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
      },
      managementUrls: this.managementUrls(),
      baseUrl: webhook,
      requiredQueryStringParameters: query,
      rpcBaseUrl,
    };
  }

  private managementUrls() {
    const instance = `${this.baseUrl}/runtime/webhooks/durabletask/instances/INSTANCEID`;
    const query = `taskHub=${encodeURIComponent(this.hub)}&connection=Storage`;
    return {
      id: 'INSTANCEID',
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    };
  }

  async checkRunning(instanceId: string): Promise<void> {
    const instance = await this.store.getInstance(instanceId);
    if (!instance) throw new DurableApiError(404, `No instance with ID '${instanceId}' found.`);
    if (isTerminal(instance)) throw new DurableApiError(410, `The instance '${instanceId}' has status ${instance.runtimeStatus}.`);
  }

  private async sendToRunning(instanceId: string, message: InboxMessage): Promise<void> {
    await this.checkRunning(instanceId);
    await this.store.commit(instanceId, [{ op: 'addMessage', key: newInboxKey(), message }]);
    this.wake(instanceId);
  }

  private track<T>(set: Set<Promise<unknown>>, promise: Promise<T>): Promise<T> {
    const tracked = promise.catch((error: unknown) => {
      this.options.log.error('durable.backend.error', { error: error instanceof Error ? error.message : String(error) });
    });
    set.add(tracked);
    void tracked.finally(() => set.delete(tracked));
    return promise;
  }

  private wake(instanceId: string): void {
    if (this.stopped) return;
    const pump = this.pumps.get(instanceId);
    if (pump) {
      pump.again = true;
      return;
    }
    const state = { again: false };
    this.pumps.set(instanceId, state);
    void this.track(
      this.episodes,
      (async () => {
        try {
          do {
            state.again = false;
            await this.processInbox(instanceId);
          } while (state.again && !this.stopped);
        } finally {
          this.pumps.delete(instanceId);
        }
      })(),
    );
  }

  /** Runs episodes until the instance's inbox is empty. */
  private async processInbox(instanceId: string): Promise<void> {
    while (!this.stopped) {
      const [instance, inbox] = await Promise.all([this.store.getInstance(instanceId), this.store.inbox(instanceId)]);
      if (inbox.length === 0) return;
      if (!instance) {
        // Purged while messages were in flight: nothing can receive them.
        await this.store.deleteRows(instanceId, inbox.map((m) => m.key));
        return;
      }
      const message = pickMessage(instance, inbox);
      const [history, work] = await Promise.all([this.store.history(instance), this.store.work(instanceId)]);
      const plan = await planEpisode({ instance, history, message, work, now: this.options.clock.now() }, (trigger: OrchestrationTriggerValue) =>
        this.options.invoker.invoke(instance.name, { trigger }),
      );
      if (this.stopped) return;
      try {
        await this.store.commit(instanceId, plan.writes);
      } catch (error) {
        // Someone changed the instance meanwhile (a start replacing a finished one): replay against fresh state.
        if (isStatus(error, 404, 409, 412)) continue;
        throw error;
      }
      this.afterCommit(instanceId, instance, plan);
    }
  }

  private afterCommit(instanceId: string, before: InstanceRecord, plan: EpisodePlan): void {
    const after = plan.instance;
    for (const warning of plan.warnings) this.options.log.warn('durable.instance.warning', { instanceId, warning });
    if (after.runtimeStatus !== before.runtimeStatus) {
      const level = after.runtimeStatus === 'Failed' ? 'warn' : 'info';
      this.options.log[level]('durable.instance.status', { instanceId, orchestrator: after.name, from: before.runtimeStatus, to: after.runtimeStatus });
    }
    for (const write of plan.writes) if (write.op === 'delete') this.timers.delete(`${instanceId}/${write.rowKey}`);
    if (plan.continuedAsNew) this.track(this.episodes, this.collectStaleHistory(after));
    let timerArmed = false;
    for (const { rowKey, item } of plan.newWork) {
      if (item.kind === 'activity') this.runActivity(instanceId, rowKey, item);
      else {
        this.armTimer(instanceId, rowKey, item);
        timerArmed = true;
      }
    }
    if (timerArmed) this.track(this.episodes, this.fireDueTimers());
  }

  private async collectStaleHistory(instance: InstanceRecord): Promise<void> {
    await this.store.deleteRows(instance.instanceId, await this.store.staleHistoryKeys(instance));
  }

  private armTimer(instanceId: string, rowKey: string, item: Extract<WorkItem, { kind: 'timer' }>): void {
    this.timers.set(`${instanceId}/${rowKey}`, { instanceId, rowKey, fireAt: item.fireAt, item });
  }

  /** Turns each due timer into a TimerFired message; deleting the timer row in the same transaction makes it fire once. */
  private async fireDueTimers(): Promise<void> {
    const now = this.options.clock.now();
    const due = [...this.timers.entries()].filter(([, timer]) => timer.fireAt <= now).sort(([, a], [, b]) => a.fireAt - b.fireAt);
    for (const [key] of due) this.timers.delete(key);
    for (const [key, timer] of due) {
      if (this.stopped) return;
      const { item } = timer;
      try {
        await this.store.commit(timer.instanceId, [
          { op: 'delete', rowKey: timer.rowKey },
          { op: 'addMessage', key: newInboxKey(), message: { kind: 'timerFired', executionId: item.executionId, timerId: item.timerId, fireAt: item.fireAt, retry: item.retry, longTimer: item.longTimer } },
        ]);
      } catch (error) {
        if (isStatus(error, 404)) continue; // cancelled, or the instance ended meanwhile
        this.timers.set(key, timer);
        throw error;
      }
      this.wake(timer.instanceId);
    }
  }

  /**
   * Runs an activity and hands its result to the orchestrator. Deleting the work row in the same
   * transaction that enqueues the result records it once; a crash before that runs it again.
   */
  private runActivity(instanceId: string, rowKey: string, item: Extract<WorkItem, { kind: 'activity' }>): void {
    if (this.stopped) return;
    void this.track(
      this.activities,
      (async () => {
        let message: InboxMessage;
        try {
          const result = await this.options.invoker.invoke(item.name, { trigger: parseJson(item.input) ?? undefined });
          message = { kind: 'taskCompleted', executionId: item.executionId, taskId: item.taskId, result: JSON.stringify(result ?? null) };
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          this.options.log.warn('durable.activity.failed', { instanceId, activity: item.name, taskId: item.taskId, error: text });
          message = {
            kind: 'taskFailed',
            executionId: item.executionId,
            taskId: item.taskId,
            reason: `Activity function '${item.name}' failed: ${text}`,
            details: (error instanceof Error && error.stack) || text,
            retry: item.retry ? { ...item.retry, failures: item.retry.failures + 1 } : undefined,
          };
        }
        if (this.stopped) return;
        try {
          await this.store.commit(instanceId, [
            { op: 'delete', rowKey },
            { op: 'addMessage', key: newInboxKey(), message },
          ]);
        } catch (error) {
          if (isStatus(error, 404)) return; // the instance ended or moved on (continueAsNew, terminate) meanwhile
          throw error;
        }
        this.wake(instanceId);
      })(),
    );
  }
}

/** A new execution starts with its start message; otherwise messages go in arrival order. */
function pickMessage(instance: InstanceRecord, inbox: StoredMessage[]): StoredMessage {
  if (instance.historyLength === 0) {
    const start = inbox.find((m) => m.message.kind === 'start' && m.message.executionId === instance.executionId);
    if (start) return start;
  }
  return inbox[0]!;
}

const wireTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function toPayload(instance: InstanceRecord, showInput: boolean): StatusPayload {
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: showInput ? parseJson(instance.input) : null,
    customStatus: parseJson(instance.customStatus),
    output: parseJson(instance.output),
    createdTime: wireTime(instance.createdTime),
    lastUpdatedTime: wireTime(instance.lastUpdatedTime),
  };
}

/** History as the status API shows it: event type names, results only on request. */
function toHistoryView(event: HistoryEvent, showOutput: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { ...event, EventType: eventNames[event.EventType] ?? event.EventType };
  if (!showOutput) delete view.Result;
  return view;
}
