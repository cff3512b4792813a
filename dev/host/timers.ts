import type { Logger } from '../../shared/adapters/logging/logger';
import type { HostClock } from './clock';
import { NcrontabSchedule, resolveSchedule } from './ncrontab';
import { retryPolicyFrom, type RetryPolicy } from './retry';
import type { FunctionInvoker, FunctionRegistration } from './types';

interface TimerState {
  name: string;
  schedule: NcrontabSchedule;
  runOnStartup: boolean;
  retry?: RetryPolicy;
  /** The occurrence the timer waits for. */
  next: number;
  /** Status as last recorded, which the runtime hands to the next invocation. */
  last: number;
  lastUpdated: number;
  running?: Promise<void>;
  handle?: NodeJS.Timeout;
}

export interface TimerSchedulerOptions {
  invoker: FunctionInvoker;
  clock: HostClock;
  env: Record<string, string | undefined>;
  log: Logger;
}

// setTimeout's largest delay; longer waits re-arm in steps.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs every timer trigger on its schedule. Real time: a setTimeout to the next occurrence. Virtual
 * time: nothing fires until `runDue()` (the clock advance), which runs each due timer once, with
 * IsPastDue when more than one occurrence was missed, as the runtime does after downtime.
 */
export class TimerScheduler {
  private readonly timers: TimerState[];
  private readonly abort = new AbortController();

  constructor(
    registrations: FunctionRegistration[],
    private readonly options: TimerSchedulerOptions,
  ) {
    const timeZone = options.env.WEBSITE_TIME_ZONE || 'UTC';
    const now = options.clock.now();
    this.timers = registrations.flatMap((registration) => {
      const trigger = Object.values(registration.bindings).find((b) => b.type.toLowerCase() === 'timertrigger');
      if (!trigger) return [];
      const schedule = NcrontabSchedule.parse(resolveSchedule(String(trigger.schedule ?? ''), options.env), timeZone);
      return [
        {
          name: registration.name,
          schedule,
          runOnStartup: trigger.runOnStartup === true,
          retry: retryPolicyFrom(registration.retryOptions),
          next: schedule.next(now),
          last: schedule.previous(now),
          lastUpdated: now,
        },
      ];
    });
  }

  list(): Array<{ name: string; schedule: string; next: string }> {
    return this.timers.map((t) => ({ name: t.name, schedule: t.schedule.expression, next: new Date(t.next).toISOString() }));
  }

  /** Arms every timer (real time) and resolves once the runOnStartup timers have run. */
  async start(): Promise<void> {
    const startup: Array<Promise<void>> = [];
    for (const timer of this.timers) {
      if (timer.runOnStartup) startup.push(this.track(timer, () => this.invoke(timer, false, timer.next)));
      if (this.options.clock.mode === 'real') this.arm(timer);
    }
    await Promise.all(startup);
  }

  /** Fires every timer whose occurrence is due at the clock's current time; resolves when all are done. */
  async runDue(): Promise<void> {
    const now = this.options.clock.now();
    await Promise.all(
      this.timers.map(async (timer) => {
        await timer.running;
        if (timer.next <= now) await this.fire(timer, now);
      }),
    );
  }

  /** Disarms every timer, abandons pending retries and waits for running invocations. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer.handle);
    await Promise.all(this.timers.map((timer) => timer.running));
  }

  private arm(timer: TimerState): void {
    if (this.abort.signal.aborted) return;
    const delay = Math.max(0, Math.min(timer.next - this.options.clock.now(), MAX_TIMEOUT_MS));
    timer.handle = setTimeout(() => {
      const now = this.options.clock.now();
      if (timer.next > now) return this.arm(timer);
      // Like the runtime, one run at a time per timer: the next occurrence is armed once this one ends.
      this.fire(timer, now).finally(() => this.arm(timer));
    }, delay);
    timer.handle.unref();
  }

  private fire(timer: TimerState, now: number): Promise<void> {
    const occurrence = timer.next;
    const isPastDue = timer.schedule.occurrencesBetween(occurrence, now, 1) > 0;
    timer.next = timer.schedule.next(now);
    return this.track(timer, async () => {
      await this.invoke(timer, isPastDue, occurrence);
      timer.last = occurrence;
      timer.lastUpdated = this.options.clock.now();
    });
  }

  private track(timer: TimerState, run: () => Promise<void>): Promise<void> {
    const previous = timer.running ?? Promise.resolve();
    const current = previous.then(run);
    timer.running = current;
    void current.finally(() => {
      if (timer.running === current) timer.running = undefined;
    });
    return current;
  }

  /** One timer run with the registration's retry policy; failures are logged, never thrown. */
  private async invoke(timer: TimerState, isPastDue: boolean, occurrence: number): Promise<void> {
    const trigger = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: new Date(timer.last).toISOString(),
        Next: new Date(occurrence).toISOString(),
        LastUpdated: new Date(timer.lastUpdated).toISOString(),
      },
      IsPastDue: isPastDue,
    };
    const policy = timer.retry;
    for (let retryCount = 0; ; retryCount += 1) {
      try {
        await this.options.invoker.invoke(timer.name, {
          trigger,
          retryContext: policy ? { retryCount, maxRetryCount: policy.maxRetryCount } : undefined,
        });
        return;
      } catch {
        // The invoker has logged the failure; decide only whether to try again.
        const exhausted = !policy || (policy.maxRetryCount !== -1 && retryCount >= policy.maxRetryCount);
        if (exhausted || this.abort.signal.aborted) return;
        const delayMs = policy.delayMs(retryCount + 1);
        this.options.log.warn('timer.retry', { function: timer.name, retry: retryCount + 1, delayMs });
        if (!(await this.sleep(delayMs))) return;
      }
    }
  }

  /** Waits unless the scheduler stops first; false when stopped. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(handle);
        resolve(false);
      };
      const handle = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
