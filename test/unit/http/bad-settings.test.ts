import { HttpRequest, InvocationContext } from '@azure/functions';

/**
 * The app start hook fails the host on a bad setting; should a request still meet one (settings are
 * read lazily), it is answered with problem+json and logged by name, never with a bare 500.
 */
describe('a request that meets a bad setting', () => {
  const saved = { ...process.env };
  let endpointModule: typeof import('../../../shared/adapters/http/endpoint') | undefined;
  // Loaded in beforeAll, not in the test, so mutation testing sees the module-level code as static (docs/testing.md).
  beforeAll(() => {
    process.env = { TABLE_NAME_PREFIX: 'has-dash', MAX_BODY_BYTES: 'lots' };
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh settings cache for this environment
      endpointModule = require('../../../shared/adapters/http/endpoint') as typeof import('../../../shared/adapters/http/endpoint');
    });
  });
  afterAll(() => {
    process.env = { ...saved };
  });

  it('gets a 500 problem+json and the log names every bad setting without its value', async () => {
    const logged: unknown[][] = [];
    let handled = false;
    const handler = endpointModule!.endpoint(async () => {
      handled = true;
      return { status: 200 };
    });
    const invocation = new InvocationContext({
      functionName: 'probe',
      invocationId: 'i-1',
      logHandler: (level, ...args) => logged.push([level, ...args]),
    });
    const response = await handler(new HttpRequest({ method: 'GET', url: 'https://app.example/api/probe' }), invocation);

    expect(handled).toBe(false);
    expect(response.status).toBe(500);
    expect((response.headers as Record<string, string>)['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(String(response.body))).toMatchObject({ status: 500, type: expect.stringMatching(/internal$/) });
    const text = JSON.stringify(logged);
    expect(text).toContain('settings.invalid');
    for (const name of ['TABLE_STORAGE_CONNECTION_STRING', 'TABLE_NAME_PREFIX', 'MAX_BODY_BYTES']) expect(text).toContain(name);
    expect(text).not.toContain('lots');
  });
});
