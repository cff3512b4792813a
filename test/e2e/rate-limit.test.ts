/** docs/api.md "Limits and rate limits": 429 rate-limited with Retry-After per client address, /health included (issue 12). */
import { startHostProcess, type HostProcess } from '../support/host-process';

describe('rate limits on the local host', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHostProcess({ env: { RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '3' } });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('answers 429 problem+json with Retry-After once an address used its burst', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${host.baseUrl}/businesses/nobody/services`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 3)).toEqual([404, 404, 404]); // an unknown business: answered, and counted
    expect(statuses[3]).toBe(429);
    expect(limited!.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ type: 'https://errors.virtual-appointments.dev/rate-limited', status: 429 });
  });

  it('limits the health probe like every other endpoint', async () => {
    // The same address as above, whose burst is used up (3 at 0.5/s): a probe flood is refused too.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${host.baseUrl}/health`);
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(3);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
  });
});
