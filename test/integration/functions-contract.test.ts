/**
 * Pins the behaviour of @azure/functions that the local host relies on. If an upgrade changes the
 * registration shape or the invocation model, these tests fail before the host misbehaves.
 */
import { FunctionsCoreStandIn } from '../../dev/host/functions-core-stand-in';
import { RegistryInvoker } from '../../dev/host/invoker';

const logs: string[] = [];
const standIn = new FunctionsCoreStandIn((level, category, message) => logs.push(`${level}:${category}:${message}`));
jest.mock('@azure/functions-core', () => standIn.api, { virtual: true });

// Loaded after the mock so the library sees the stand-in as the worker's core API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const functions = require('@azure/functions') as typeof import('@azure/functions');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const df = require('durable-functions') as typeof import('durable-functions');

const invoker = new RegistryInvoker(standIn, (level, category, message) => logs.push(`${level}:${message}`));

functions.app.http('contractHttp', {
  route: 'items/{id}',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: async (request, context) => {
    context.log('handling', request.params.id);
    return {
      status: 201,
      jsonBody: { id: request.params.id, q: request.query.get('q'), body: await request.json() },
      headers: { 'X-Test': '1' },
    };
  },
});
functions.app.timer('contractTimer', {
  schedule: '0 */5 * * * *',
  retry: { strategy: 'fixedDelay', maxRetryCount: 2, delayInterval: 1000 },
  handler: async (timer) => ({ pastDue: timer.isPastDue, next: timer.scheduleStatus?.next }),
});
df.app.orchestration('contractOrchestrator', function* (context) {
  const result: unknown = yield context.df.callActivity('contractActivity', 'x');
  return result;
});
df.app.activity('contractActivity', { handler: (input: unknown) => `done ${String(input)}` });
functions.app.http('contractClient', {
  route: 'start',
  extraInputs: [df.input.durableClient()],
  handler: async () => ({ status: 204 }),
});

describe('@azure/functions contract used by the local host', () => {
  it('hands the programming model to the core API', () => {
    const model = standIn.programmingModel();
    expect(model.name).toBe('@azure/functions');
    expect(model.version).toBe('4.16.5');
  });

  it('registers functions with name, bindings keyed by name, and retry options', () => {
    const byName = Object.fromEntries(standIn.registrations.map((r) => [r.name, r]));
    const http = byName.contractHttp!;
    const [triggerName, trigger] = Object.entries(http.bindings).find(([, b]) => b.type === 'httpTrigger')!;
    expect(triggerName).toMatch(/^httpTrigger/);
    expect(trigger).toMatchObject({ direction: 'in', route: 'items/{id}', methods: ['POST'], authLevel: 'anonymous' });
    expect(http.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });

    const timer = byName.contractTimer!;
    expect(Object.values(timer.bindings)).toContainEqual(expect.objectContaining({ type: 'timerTrigger', schedule: '0 */5 * * * *' }));
    expect(timer.retryOptions).toMatchObject({ retryStrategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 1 } });

    expect(Object.values(byName.contractOrchestrator!.bindings)).toContainEqual(
      expect.objectContaining({ type: 'orchestrationTrigger', direction: 'in' }),
    );
    expect(Object.values(byName.contractActivity!.bindings)).toContainEqual(
      expect.objectContaining({ type: 'activityTrigger', direction: 'in' }),
    );
    expect(Object.values(byName.contractClient!.bindings)).toContainEqual(
      expect.objectContaining({ type: 'durableClient', direction: 'in' }),
    );
  });

  it('builds an HttpRequest from worker http data and returns the response as worker http data', async () => {
    const response = (await invoker.invoke('contractHttp', {
      trigger: {
        method: 'POST',
        url: 'http://localhost:7071/api/items/42?q=hello',
        headers: { 'content-type': 'application/json' },
        query: { q: 'hello' },
        params: { id: '42' },
        body: { bytes: Buffer.from(JSON.stringify({ a: 1 })) },
      },
    })) as { statusCode: string; headers: Record<string, string>; body: { bytes: Uint8Array } };
    expect(response.statusCode).toBe('201');
    expect(response.headers['x-test']).toBe('1');
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(Buffer.from(response.body.bytes).toString())).toEqual({ id: '42', q: 'hello', body: { a: 1 } });
    expect(logs.some((line) => line.includes('handling 42'))).toBe(true);
  });

  it('passes timer data camel-cased and returns plain values', async () => {
    const result = await invoker.invoke('contractTimer', {
      trigger: { Schedule: { AdjustForDST: true }, ScheduleStatus: { Last: 'a', Next: 'b', LastUpdated: 'c' }, IsPastDue: true },
    });
    expect(result).toEqual({ pastDue: true, next: 'b' });
  });

  it('runs an activity with its input through the invocation model', async () => {
    await expect(invoker.invoke('contractActivity', { trigger: 'abc' })).resolves.toBe('done abc');
  });

  it('constructs HttpRequest and HttpResponse from the public classes', async () => {
    const request = new functions.HttpRequest({ method: 'PUT', url: 'http://h/api/x?y=1', headers: { a: 'b' }, body: { string: 'hi' } });
    expect(request.query.get('y')).toBe('1');
    expect(await request.text()).toBe('hi');
    const response = new functions.HttpResponse({ status: 418, jsonBody: { tea: true } });
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ tea: true });
  });
});

describe('return values through the invocation model', () => {
  it('keeps a string return value a string, even when it looks like JSON', async () => {
    df.app.activity('contractStringActivity', { handler: () => '42' });
    await expect(invoker.invoke('contractStringActivity', { trigger: null })).resolves.toBe('42');
  });
});
