/**
 * The local durable backend end to end: the fixture app's real orchestrators and activities, driven
 * through the real durable-functions client, with state in Azurite and time on a manual clock.
 */
import { TableClient } from '@azure/data-tables';
import { FunctionsCoreStandIn } from '../../../dev/host/functions-core-stand-in';
import { RegistryInvoker } from '../../../dev/host/invoker';
import { createDurableBackend, type DurableBackend } from '../../../dev/durable/backend';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { callDurableClient, DAY, ManualClock, memoryLogger } from './harness';

const standIn = new FunctionsCoreStandIn(() => undefined);
jest.mock('@azure/functions-core', () => standIn.api, { virtual: true });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { probe } = require('../../fixtures/durable-app/functions/orchestrations.js') as {
  probe: { sideEffects: string[]; attempts: Record<string, number>; variant?: string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../fixtures/durable-app/functions/client.js');

const invoker = new RegistryInvoker(standIn, () => undefined);
const clock = new ManualClock();
const log = memoryLogger();
const tablePrefix = uniqueTablePrefix();
let backend: DurableBackend;

beforeAll(async () => {
  backend = createDurableBackend({ invoker, connectionString: testStorageConnectionString(), tablePrefix, clock, log });
  invoker.addInputBindingProvider(backend.bindingProvider);
  await backend.start();
});
afterAll(() => backend.stop());

const client = (body: Record<string, unknown>) => callDurableClient(invoker, body);
async function start(name: string, instanceId: string, input: unknown): Promise<void> {
  const response = await client({ op: 'start', name, instanceId, input });
  expect(response).toEqual({ status: 200, body: { id: instanceId } });
  await backend.drain();
}
async function advance(milliseconds: number): Promise<void> {
  clock.advance(milliseconds);
  await backend.onClockAdvanced();
}
const status = async (instanceId: string) => (await backend.status(instanceId))!;

describe('local durable backend', () => {
  it('runs an activity chain and reports output, custom status and history through the client', async () => {
    await start('chain', 'chain-1', { steps: ['a', 'b', 'c'] });

    const response = await client({ op: 'status', instanceId: 'chain-1' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'chain',
      instanceId: 'chain-1',
      runtimeStatus: 'Completed',
      input: { steps: ['a', 'b', 'c'] },
      output: ['done:a', 'done:b', 'done:c'],
      customStatus: { step: 'c' },
    });
    // The HTTP API answers `historyEvents` (durable-functions 3.5 reads `history`, azure-functions-durable-js#620).
    const withHistory = await fetch(`${backend.rpcBaseUrl}instances/chain-1?showHistory=true`).then(
      (r) => r.json() as Promise<{ historyEvents: Array<{ EventType: string }> }>,
    );
    const types = withHistory.historyEvents.map((e) => e.EventType);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(3);
    expect(types.filter((t) => t === 'TaskCompleted')).toHaveLength(3);
    expect(types.at(-1)).toBe('ExecutionCompleted');
    expect(probe.sideEffects.filter((s) => ['a', 'b', 'c'].includes(s))).toEqual(['a', 'b', 'c']);
    expect(await backend.pendingWork('chain-1')).toEqual([]);
  });

  it('runs Task.all fan-out', async () => {
    await start('fanOut', 'fan-1', { labels: ['f1', 'f2', 'f3', 'f4'] });
    expect(await status('fan-1')).toMatchObject({ runtimeStatus: 'Completed', output: ['done:f1', 'done:f2', 'done:f3', 'done:f4'] });
  });

  it('fires a timer only once the clock reaches its due time', async () => {
    const fireAt = clock.now() + 60_000;
    await start('sleepThenRecord', 'sleep-1', { fireAt: new Date(fireAt).toISOString(), label: 'woke' });
    expect(await backend.pendingWork('sleep-1')).toEqual([expect.objectContaining({ kind: 'timer', fireAt })]);

    await advance(59_999);
    expect((await status('sleep-1')).runtimeStatus).toBe('Running');
    expect(probe.sideEffects).not.toContain('woke');

    await advance(1);
    expect(await status('sleep-1')).toMatchObject({ runtimeStatus: 'Completed', output: 'done:woke' });
  });

  it('waits out a timer 200 days ahead in 3-day sub-timers, one due time in storage at a time (Azure Storage: 6 days at most)', async () => {
    const begin = clock.now();
    const fireAt = begin + 200 * DAY;
    await start('sleepThenRecord', 'long-1', { fireAt: new Date(fireAt).toISOString(), label: 'months-later' });
    expect(await backend.pendingWork('long-1')).toEqual([expect.objectContaining({ kind: 'timer', fireAt: begin + 3 * DAY })]);
    await advance(3 * DAY);
    expect(await backend.pendingWork('long-1')).toEqual([expect.objectContaining({ kind: 'timer', fireAt: begin + 6 * DAY })]);

    await advance(193 * DAY); // the sub-timer fires late; the rest (4 days) is within the maximum: the final timer
    expect(await backend.pendingWork('long-1')).toEqual([expect.objectContaining({ kind: 'timer', fireAt })]);
    expect((await status('long-1')).runtimeStatus).toBe('Running');
    await advance(4 * DAY);
    expect(await status('long-1')).toMatchObject({ runtimeStatus: 'Completed', output: 'done:months-later' });
  });

  it('cancels a long timer through its current sub-timer', async () => {
    await start('approval', 'approval-long', { deadline: new Date(clock.now() + 30 * DAY).toISOString() });
    await advance(3 * DAY);
    expect(await backend.pendingWork('approval-long')).toHaveLength(1);
    await client({ op: 'raise', instanceId: 'approval-long', event: 'approval', data: { by: 'late' } });
    await backend.drain();
    expect(await status('approval-long')).toMatchObject({ runtimeStatus: 'Completed', output: { approved: true, by: 'late' } });
    expect(await backend.pendingWork('approval-long')).toEqual([]);
  });

  it('lets an external event beat a timer in Task.any and cancels the timer', async () => {
    await start('approval', 'approval-1', { deadline: new Date(clock.now() + DAY).toISOString() });
    expect(await status('approval-1')).toMatchObject({ runtimeStatus: 'Running', customStatus: { stage: 'waiting' } });

    expect((await client({ op: 'raise', instanceId: 'approval-1', event: 'approval', data: { by: 'provider-7' } })).status).toBe(202);
    await backend.drain();
    expect(await status('approval-1')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { approved: true, by: 'provider-7' },
      customStatus: { stage: 'approved' },
    });
    expect(await backend.pendingWork('approval-1')).toEqual([]);
  });

  it('lets the timer win when no event comes', async () => {
    await start('approval', 'approval-2', { deadline: new Date(clock.now() + DAY).toISOString() });
    await advance(DAY);
    expect(await status('approval-2')).toMatchObject({
      runtimeStatus: 'Completed',
      output: { approved: false },
      customStatus: { stage: 'expired' },
    });
    // Raising an event to a finished instance answers 410, which the durable client treats as done.
    expect((await client({ op: 'raise', instanceId: 'approval-2', event: 'approval', data: {} })).status).toBe(202);
    const gone = await fetch(`${backend.rpcBaseUrl}instances/approval-2/raiseEvent/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(gone.status).toBe(410);
  });

  it('buffers an event raised before the orchestrator waits for it', async () => {
    await start('accumulate', 'buffer-1', { total: 0, target: 5, delayMs: 1000, generation: 1 });
    await client({ op: 'raise', instanceId: 'buffer-1', event: 'add', data: 5 });
    await backend.drain();
    expect((await status('buffer-1')).runtimeStatus).toBe('Running');
    await advance(1000);
    expect(await status('buffer-1')).toMatchObject({ runtimeStatus: 'Completed', output: { total: 5, generation: 1 } });
  });

  it('continues as new with a fresh, small history and drops the events the execution never consumed (as the extension does)', async () => {
    await start('accumulate', 'acc-1', { total: 0, target: 3, delayMs: 1000, generation: 1 });
    for (let i = 0; i < 3; i += 1) await client({ op: 'raise', instanceId: 'acc-1', event: 'add', data: 1 });
    await backend.drain();

    await advance(1000); // generation 1 consumes one event and continues as new: the other two are gone
    await advance(1000);
    expect(await backend.status('acc-1')).toMatchObject({ runtimeStatus: 'Running', input: { total: 1, generation: 2 } });
    expect(log.records).toContainEqual(
      expect.objectContaining({
        event: 'durable.instance.warning',
        fields: { instanceId: 'acc-1', warning: expect.stringContaining('dropped 2 external event(s)') },
      }),
    );

    await client({ op: 'raise', instanceId: 'acc-1', event: 'add', data: 1 });
    await backend.drain();
    await advance(1000);
    await client({ op: 'raise', instanceId: 'acc-1', event: 'add', data: 1 });
    await backend.drain();
    const final = await backend.status('acc-1', { showHistory: true });
    expect(final).toMatchObject({ runtimeStatus: 'Completed', output: { total: 3, generation: 3 } });
    // Only the last execution's history remains: one timer, one event, no trace of earlier generations.
    const history = final!.historyEvents as Array<{ EventType: string }>;
    expect(history.filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
    expect(history.length).toBeLessThan(15);
    const rows = TableClient.fromConnectionString(testStorageConnectionString(), `${tablePrefix}Durable`, {
      allowInsecureConnection: true,
    }).listEntities({
      queryOptions: { filter: "PartitionKey eq 'acc-1'" },
    });
    const keys: string[] = [];
    for await (const row of rows) keys.push(row.rowKey!);
    expect(keys.filter((k) => k.startsWith('history-'))).toHaveLength(history.length);
    expect(keys.filter((k) => k.startsWith('inbox-') || k.startsWith('work-'))).toEqual([]);
  });

  it('fails an instance whose orchestrator no longer replays its history (non-determinism)', async () => {
    await start('shifty', 'shifty-1', { fireAt: new Date(clock.now() + 1000).toISOString() });
    probe.variant = 'activity-first';
    try {
      await advance(1000);
    } finally {
      probe.variant = undefined;
    }
    const failed = await status('shifty-1');
    expect(failed.runtimeStatus).toBe('Failed');
    expect(failed.output).toMatch(/Non-Deterministic workflow detected/);
    expect(probe.sideEffects).not.toContain('shifted');
  });

  it('retries an activity per its retry options on the clock: failing twice then succeeding runs 3 times', async () => {
    await start('retrying', 'retry-ok', { key: 'ok', failTimes: 2, maxAttempts: 3 });
    expect(probe.attempts.ok).toBe(1);
    await advance(999);
    expect(probe.attempts.ok).toBe(1);
    await advance(1); // first retry after 1000 ms
    expect(probe.attempts.ok).toBe(2);
    await advance(1999);
    expect(probe.attempts.ok).toBe(2);
    await advance(1); // backoff 2: second retry after 2000 ms
    expect(await status('retry-ok')).toMatchObject({ runtimeStatus: 'Completed', output: { key: 'ok', attempts: 3 } });
    expect(probe.attempts.ok).toBe(3);
  });

  it('fails the orchestration after maxNumberOfAttempts of an activity that always fails', async () => {
    await start('retrying', 'retry-never', { key: 'never', failTimes: 99, maxAttempts: 3 });
    await advance(1000);
    await advance(2000);
    expect(probe.attempts.never).toBe(3);
    // After the last attempt the extension's retry timer fires at once: no further interval is waited.
    const failed = await status('retry-never');
    expect(failed.runtimeStatus).toBe('Failed');
    expect(failed.output).toEqual(expect.stringContaining("Activity function 'flaky' failed: flaky failure 3"));
    expect(probe.attempts.never).toBe(3);
  });

  it('marks an orchestrator that throws as Failed with its message', async () => {
    await start('throws', 'throws-1', null);
    expect(await status('throws-1')).toMatchObject({
      runtimeStatus: 'Failed',
      output: "Orchestrator function 'throws' failed: orchestrator gave up",
    });
  });

  it('terminates a running instance and drops its pending timer', async () => {
    await start('approval', 'term-1', { deadline: new Date(clock.now() + 30 * DAY).toISOString() });
    expect(await backend.pendingWork('term-1')).toHaveLength(1);
    const notJson = await fetch(`${backend.rpcBaseUrl}instances/term-1/raiseEvent/approval`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(notJson.status).toBe(400);
    expect((await client({ op: 'terminate', instanceId: 'term-1', reason: 'cancelled by test' })).status).toBe(202);
    await backend.drain();
    expect(await status('term-1')).toMatchObject({ runtimeStatus: 'Terminated', output: 'cancelled by test' });
    expect(await backend.pendingWork('term-1')).toEqual([]);
    await advance(31 * DAY);
    expect((await status('term-1')).runtimeStatus).toBe('Terminated');
  });

  it('refuses to start an instance id that is still running, and restarts a finished one', async () => {
    await start('approval', 'dup-1', { deadline: new Date(clock.now() + DAY).toISOString() });
    const duplicate = await client({ op: 'start', name: 'approval', instanceId: 'dup-1', input: {} });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toMatch(/409/);

    await client({ op: 'terminate', instanceId: 'dup-1', reason: 'x' });
    await backend.drain();
    await start('chain', 'dup-1', { steps: ['again'] });
    expect(await status('dup-1')).toMatchObject({ name: 'chain', runtimeStatus: 'Completed', output: ['done:again'] });
  });

  it('answers unknown orchestrators, unknown instances and purge like the extension', async () => {
    const unknown = await client({ op: 'start', name: 'noSuchOrchestrator', instanceId: 'x-1' });
    expect(unknown.body.error).toMatch(/400/);
    const reserved = await fetch(`${backend.rpcBaseUrl}orchestrators/chain/@entity`, { method: 'POST', body: '{}' });
    expect(reserved.status).toBe(400);
    const badJson = await fetch(`${backend.rpcBaseUrl}orchestrators/chain/bad-json`, { method: 'POST', body: '{not json' });
    expect(badJson.status).toBe(400);
    expect(await backend.status('bad-json')).toBeUndefined();
    const missing = await client({ op: 'status', instanceId: 'never-started' });
    expect(missing.body.error).toMatch(/404/);

    expect((await client({ op: 'purge', instanceId: 'chain-1' })).body).toEqual({ instancesDeleted: 1 });
    expect(await backend.status('chain-1')).toBeUndefined();
    const list = await client({ op: 'list' });
    expect((list.body as Array<{ instanceId: string }>).map((s) => s.instanceId)).toEqual(expect.arrayContaining(['fan-1', 'sleep-1']));
  });

  it('logs no event payloads', () => {
    const text = JSON.stringify(log.records);
    expect(text).not.toContain('provider-7');
    expect(log.records.some((r) => r.event === 'durable.instance.status')).toBe(true);
  });
});
