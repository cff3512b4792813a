import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../shared/adapters/logging/logger';
import type { FunctionInvoker, InputBindingProvider } from '../host/types';
import {
  DurableApiError,
  handleDurableHttp,
  type DurableOperations,
  type ListFilter,
  type StatusOptions,
  type StatusPayload,
} from './http-api';
import { EventType, parseJson, type HistoryEvent } from './protocol';
import { DurableScheduler } from './scheduler';
import { DurableStore, isStatus, newInboxKey, TERMINAL_STATUSES, type InboxMessage, type InstanceRecord, type WorkItem } from './store';

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
  id.length > 0 &&
  id.length <= 256 &&
  !/[/\\#?]/.test(id) &&
  ![...id].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
const isTerminal = (instance: InstanceRecord) => TERMINAL_STATUSES.includes(instance.runtimeStatus);
const eventNames = Object.fromEntries(Object.entries(EventType).map(([name, value]) => [value, name]));

/**
 * The client side of the local durable backend: the durable HTTP API and client binding, starting,
 * raising, terminating and purging instances, status payloads. Running the instances (episodes,
 * activities, timers) is the scheduler's job (scheduler.ts); this side writes inbox messages and wakes it.
 */
class LocalDurableBackend implements DurableBackend, DurableOperations {
  private readonly store: DurableStore;
  private readonly scheduler: DurableScheduler;
  private readonly hub: string;
  private server: http.Server | undefined;
  private baseUrl = '';

  readonly bindingProvider: InputBindingProvider = {
    bindingType: 'durableClient',
    valueFor: () => this.clientBinding(),
  };

  constructor(private readonly options: DurableBackendOptions) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,55}$/.test(options.tablePrefix))
      throw new Error(`tablePrefix must be letters and digits (got "${options.tablePrefix}")`);
    this.store = DurableStore.fromConnectionString(options.connectionString, `${options.tablePrefix}Durable`);
    this.hub = options.taskHubName ?? 'TestHubName';
    this.scheduler = new DurableScheduler(this.store, {
      invoker: options.invoker,
      clock: options.clock,
      log: options.log,
      ...(options.timerPollMs ? { timerPollMs: options.timerPollMs } : {}),
    });
  }

  get rpcBaseUrl(): string {
    if (!this.baseUrl) throw new Error('The durable backend is not started');
    return `${this.baseUrl}/durabletask/`;
  }

  async start(): Promise<void> {
    await this.store.ensureTable();
    this.scheduler.open();
    this.server = http.createServer((request, response) => this.handleHttp(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    // The host keeps the process alive; an abandoned backend (crash tests) must not.
    this.server.unref();
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    const resumed = await this.scheduler.resume();
    this.options.log.info('durable.backend.started', { rpcBaseUrl: this.rpcBaseUrl, ...resumed });
  }

  async stop(): Promise<void> {
    const settled = this.scheduler.stop();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await settled;
  }

  onClockAdvanced(): Promise<void> {
    return this.scheduler.onClockAdvanced();
  }

  drain(): Promise<void> {
    return this.scheduler.drain();
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
    const registered = this.options.invoker
      .registrations()
      .some((r) => r.name === name && Object.values(r.bindings).some((b) => b.type === 'orchestrationTrigger'));
    if (!registered)
      throw new DurableApiError(400, `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    const instanceId = requestedId ?? randomUUID().replace(/-/g, '');
    if (!validInstanceId(instanceId) || instanceId.startsWith('@'))
      throw new DurableApiError(
        400,
        `Invalid instance id "${instanceId}": 1-256 characters, no / \\ # ? or control characters, not starting with @`,
      );
    const existing = await this.store.getInstance(instanceId);
    if (existing && !isTerminal(existing))
      throw new DurableApiError(409, `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`);
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
      if (isStatus(error, 409, 412))
        throw new DurableApiError(409, `An Orchestration instance with the id ${instanceId} was created concurrently.`);
      throw error;
    }
    if (existing) this.scheduler.collectStaleHistoryLater(instance);
    this.options.log.info('durable.instance.scheduled', { instanceId, orchestrator: name });
    this.scheduler.wake(instanceId);
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
    if (!isTerminal(instance))
      throw new DurableApiError(
        412,
        `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${instance.runtimeStatus}`,
      );
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
    this.scheduler.wake(instanceId);
  }
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
