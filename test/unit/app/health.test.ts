import { cachedHealthCheck, checkHealth } from '../../../shared/app/health';

describe('health checks', () => {
  it('marks a probe that answers too late as failed, and the others as they are', async () => {
    const report = await checkHealth(
      {
        fast: async () => undefined,
        slow: () => new Promise((resolve) => setTimeout(resolve, 200)),
        broken: async () => Promise.reject(new Error('down')),
      },
      50,
    );
    expect(report).toEqual({ status: 'degraded', checks: { fast: 'ok', slow: 'failed', broken: 'failed' } });
    expect(await checkHealth({ a: async () => undefined, b: async () => undefined }, 50)).toEqual({
      status: 'ok',
      checks: { a: 'ok', b: 'ok' },
    });
    expect(await checkHealth({}, 50)).toEqual({ status: 'ok', checks: {} });
  });

  it('does not keep a check that threw: the next call runs it again', async () => {
    let calls = 0;
    const check = cachedHealthCheck(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('bug');
        return { status: 'ok', checks: {} };
      },
      5000,
      () => 0,
    );
    await expect(check()).rejects.toThrow('bug');
    expect(await check()).toEqual({ status: 'ok', checks: {} });
    expect(await check()).toEqual({ status: 'ok', checks: {} });
    expect(calls).toBe(2);
  });
});
