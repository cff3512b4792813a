/** Issue 12 defect 8: /health reaches its dependencies at most once per cache period. */
import { cachedHealthCheck, checkHealth } from '../../../shared/app/health';

describe('cached health check', () => {
  it('probes storage once per period however many probes arrive, concurrent ones included', async () => {
    let calls = 0;
    let now = 1_000_000;
    const check = cachedHealthCheck(
      () => checkHealth({ storage: async () => void (calls += 1) }),
      5000,
      () => now,
    );
    const reports = await Promise.all(Array.from({ length: 50 }, () => check()));
    expect(calls).toBe(1);
    expect(reports.every((r) => r.status === 'ok')).toBe(true);
    now += 4999;
    await check();
    expect(calls).toBe(1);
    now += 1;
    await check();
    expect(calls).toBe(2);
  });

  it('caches a degraded report too (a failing dependency is not hammered either)', async () => {
    let calls = 0;
    const now = 0;
    const check = cachedHealthCheck(
      () =>
        checkHealth({
          storage: async () => {
            calls += 1;
            throw new Error('down');
          },
        }),
      5000,
      () => now,
    );
    expect((await check()).status).toBe('degraded');
    expect((await check()).checks).toEqual({ storage: 'failed' });
    expect(calls).toBe(1);
  });
});
