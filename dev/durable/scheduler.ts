import type { Logger } from '../../shared/adapters/logging/logger';
import type { FunctionInvoker } from '../host/types';
import { planEpisode, type EpisodePlan } from './episode';
import { parseJson, type OrchestrationTriggerValue } from './protocol';
import {
  isStatus,
  newInboxKey,
  type DurableStore,
  type InboxMessage,
  type InstanceRecord,
  type StoredMessage,
  type WorkItem,
} from './store';

export interface SchedulerOptions {
  invoker: FunctionInvoker;
  clock: { now(): number };
  log: Logger;
  /** With a real-time clock, check for due timers this often; omit when the host calls onClockAdvanced(). */
  timerPollMs?: number;
}

/** What a start found in storage and took up again. */
export interface ResumeSummary {
  resumedActivities: number;
  armedTimers: number;
  instancesWithMessages: number;
}

type TimerItem = Extract<WorkItem, { kind: 'timer' }>;
type ActivityItem = Extract<WorkItem, { kind: 'activity' }>;

/**
 * The worker side of the local durable backend: one inbox pump per instance running orchestrator
 * episodes, the activities they schedule and the durable timers they arm. The client side (HTTP API,
 * client binding, start/raise/terminate/purge) only writes inbox messages and calls wake().
 */
export class DurableScheduler {
  private stopped = false;
  private poll: NodeJS.Timeout | undefined;
  /** Per instance: one episode at a time; `again` records a wake-up that came in meanwhile. */
  private readonly pumps = new Map<string, { again: boolean }>();
  private readonly timers = new Map<string, { instanceId: string; rowKey: string; fireAt: number; item: TimerItem }>();
  private readonly episodes = new Set<Promise<unknown>>();
  private readonly activities = new Set<Promise<unknown>>();

  constructor(
    private readonly store: DurableStore,
    private readonly options: SchedulerOptions,
  ) {}

  /** Accepts work again (wake-ups before this are dropped after a stop). */
  open(): void {
    this.stopped = false;
  }

  /** Takes up what storage holds: runs pending activities again, arms timers, processes waiting inboxes. */
  async resume(): Promise<ResumeSummary> {
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
    return { resumedActivities: activities, armedTimers: this.timers.size, instancesWithMessages: withMessages.length };
  }

  /** Stops taking work at once; resolves when running episodes have settled. Activity results still out are discarded. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    return (async () => {
      while (this.episodes.size > 0) await Promise.allSettled([...this.episodes]);
      this.timers.clear();
    })();
  }

  /** Fires timers that are due on the clock and resolves when the work they caused has settled. */
  async onClockAdvanced(): Promise<void> {
    await this.fireDueTimers();
    await this.drain();
  }

  /** Resolves when no episode, activity or timer firing is left to run. */
  async drain(): Promise<void> {
    while (this.episodes.size + this.activities.size > 0) await Promise.allSettled([...this.episodes, ...this.activities]);
  }

  /** Deletes the history rows of an instance's earlier executions, in the background. */
  collectStaleHistoryLater(instance: InstanceRecord): void {
    this.track(this.episodes, this.collectStaleHistory(instance));
  }

  /** Makes sure the instance's inbox gets processed (one pump per instance). */
  wake(instanceId: string): void {
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

  private track<T>(set: Set<Promise<unknown>>, promise: Promise<T>): Promise<T> {
    const tracked = promise.catch((error: unknown) => {
      this.options.log.error('durable.backend.error', { error: error instanceof Error ? error.message : String(error) });
    });
    set.add(tracked);
    void tracked.finally(() => set.delete(tracked));
    return promise;
  }

  /** Runs episodes until the instance's inbox is empty. */
  private async processInbox(instanceId: string): Promise<void> {
    while (!this.stopped) {
      const [instance, inbox] = await Promise.all([this.store.getInstance(instanceId), this.store.inbox(instanceId)]);
      if (inbox.length === 0) return;
      if (!instance) {
        // Purged while messages were in flight: nothing can receive them.
        await this.store.deleteRows(
          instanceId,
          inbox.map((m) => m.key),
        );
        return;
      }
      const message = pickMessage(instance, inbox);
      const [history, work] = await Promise.all([this.store.history(instance), this.store.work(instanceId)]);
      const plan = await planEpisode(
        { instance, history, message, work, now: this.options.clock.now() },
        (trigger: OrchestrationTriggerValue) => this.options.invoker.invoke(instance.name, { trigger }),
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
      this.options.log[level]('durable.instance.status', {
        instanceId,
        orchestrator: after.name,
        from: before.runtimeStatus,
        to: after.runtimeStatus,
      });
    }
    for (const write of plan.writes) if (write.op === 'delete') this.timers.delete(`${instanceId}/${write.rowKey}`);
    if (plan.continuedAsNew) this.collectStaleHistoryLater(after);
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

  private armTimer(instanceId: string, rowKey: string, item: TimerItem): void {
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
          {
            op: 'addMessage',
            key: newInboxKey(),
            message: {
              kind: 'timerFired',
              executionId: item.executionId,
              timerId: item.timerId,
              fireAt: item.fireAt,
              retry: item.retry,
              longTimer: item.longTimer,
            },
          },
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
  private runActivity(instanceId: string, rowKey: string, item: ActivityItem): void {
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
