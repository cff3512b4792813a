/**
 * A process running the durable backend dies mid-orchestration; a new one on the same storage
 * resumes every unfinished instance: activities that had not reported run again (at-least-once),
 * completed ones do not, due timers fire, and nothing completes twice in history.
 */
import { FunctionsCoreStandIn } from '../../../dev/host/functions-core-stand-in';
import { RegistryInvoker } from '../../../dev/host/invoker';
import { createDurableBackend, type DurableBackend } from '../../../dev/durable/backend';
import { DurableStore, newInboxKey } from '../../../dev/durable/store';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { callDurableClient, deferred, ManualClock, memoryLogger } from './harness';

const standIn = new FunctionsCoreStandIn(() => undefined);
jest.mock('@azure/functions-core', () => standIn.api, { virtual: true });
type Hold = { input: string; entered: () => void; release: Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { probe } = require('../../fixtures/durable-app/functions/orchestrations.js') as { probe: { sideEffects: string[]; hold?: Hold } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../fixtures/durable-app/functions/client.js');

const invoker = new RegistryInvoker(standIn, () => undefined);
const clock = new ManualClock();
const tablePrefix = uniqueTablePrefix();
const HOUR = 60 * 60 * 1000;

function newBackend(): DurableBackend {
  const backend = createDurableBackend({
    invoker,
    connectionString: testStorageConnectionString(),
    tablePrefix,
    clock,
    log: memoryLogger(),
  });
  invoker.addInputBindingProvider(backend.bindingProvider);
  return backend;
}
const client = (body: Record<string, unknown>) => callDurableClient(invoker, body);
const count = (label: string) => probe.sideEffects.filter((s) => s === label).length;

it('resumes unfinished instances after the process is dropped mid-way', async () => {
  const first = newBackend();
  await first.start();

  // The first process gets as far as running step 2 of the chain, and arms a timer and an event wait.
  const entered = deferred();
  const release = deferred();
  probe.hold = { input: 'r2', entered: entered.resolve, release: release.promise };
  await client({ op: 'start', name: 'chain', instanceId: 'restart-chain', input: { steps: ['r1', 'r2', 'r3'] } });
  await client({
    op: 'start',
    name: 'sleepThenRecord',
    instanceId: 'restart-timer',
    input: { fireAt: new Date(clock.now() + HOUR).toISOString(), label: 'rt' },
  });
  await client({
    op: 'start',
    name: 'approval',
    instanceId: 'restart-approval',
    input: { deadline: new Date(clock.now() + 24 * HOUR).toISOString() },
  });
  await entered.promise;
  expect(count('r1')).toBe(1);
  expect(count('r2')).toBe(0);
  expect((await first.status('restart-timer'))?.runtimeStatus).toBe('Running');

  // Crash: the first backend is dropped without stop(); its step-2 run never reports back.
  probe.hold = undefined;
  const second = newBackend();
  await second.start();
  await second.drain();

  const chain = await second.status('restart-chain', { showHistory: true });
  expect(chain).toMatchObject({ runtimeStatus: 'Completed', output: ['done:r1', 'done:r2', 'done:r3'] });
  expect([count('r1'), count('r2'), count('r3')]).toEqual([1, 1, 1]);

  // The timer is a due time in storage: the second process fires it when the clock gets there.
  clock.advance(HOUR);
  await second.onClockAdvanced();
  expect(await second.status('restart-timer')).toMatchObject({ runtimeStatus: 'Completed', output: 'done:rt' });

  await client({ op: 'raise', instanceId: 'restart-approval', event: 'approval', data: { by: 'after-restart' } });
  await second.drain();
  expect(await second.status('restart-approval')).toMatchObject({
    runtimeStatus: 'Completed',
    output: { approved: true, by: 'after-restart' },
  });

  // The dead process's step-2 run finally ends: its side effect happens (at-least-once), its result is refused.
  release.resolve();
  await first.drain();
  expect(count('r2')).toBe(2);
  const after = await second.status('restart-chain', { showHistory: true });
  const completions = (after!.historyEvents as Array<{ EventType: string; TaskScheduledId?: number }>).filter(
    (e) => e.EventType === 'TaskCompleted',
  );
  expect(completions.map((e) => e.TaskScheduledId)).toEqual([0, 1, 2]);
  expect(after!.historyEvents).toEqual(chain!.historyEvents);

  await first.stop();
  await second.stop();
});

it('resumes with messages that were accepted but not yet replayed', async () => {
  const first = newBackend();
  await first.start();
  await client({
    op: 'start',
    name: 'approval',
    instanceId: 'restart-queued',
    input: { deadline: new Date(clock.now() + HOUR).toISOString() },
  });
  await first.drain();
  await first.stop();
  // The event is accepted (stored in the inbox) and the process dies before replaying it.
  const store = DurableStore.fromConnectionString(testStorageConnectionString(), `${tablePrefix}Durable`);
  await store.commit('restart-queued', [
    { op: 'addMessage', key: newInboxKey(), message: { kind: 'event', name: 'approval', input: '{"by":"queued"}' } },
  ]);

  const second = newBackend();
  await second.start();
  await second.drain();
  expect(await second.status('restart-queued')).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true, by: 'queued' } });
  expect(await store.inbox('restart-queued')).toEqual([]);
  await second.stop();
});
