/** docs/api.md "Headers": allowed origins from CORS_ALLOWED_ORIGINS, preflight answered with the API's headers. */
import { startHostProcess, type HostProcess } from '../support/host-process';

describe('CORS on the local host', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHostProcess({ env: { CORS_ALLOWED_ORIGINS: 'https://app.example, https://admin.example' } });
  });

  afterAll(async () => {
    await host?.stop();
  });

  const preflight = (path: string, origin: string, method: string) =>
    fetch(`${host.baseUrl}${path}`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': 'x-appointment-token, idempotency-key',
      },
    });

  it('answers a preflight from an allowed origin with the methods and headers the API uses', async () => {
    for (const [path, method] of [
      ['/businesses/clinic/appointments', 'POST'],
      ['/appointments/abc/cancel', 'POST'],
      ['/businesses/clinic/services/consult', 'DELETE'],
    ] as const) {
      const response = await preflight(path, 'https://app.example', method);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(response.headers.get('access-control-allow-methods')).toContain(method);
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const header of ['x-appointment-token', 'idempotency-key', 'if-match', 'authorization']) expect(allowed).toContain(header);
    }
  });

  it('gives other origins no CORS headers, and adds them to real answers for allowed ones', async () => {
    const refused = await preflight('/businesses/clinic/appointments', 'https://evil.example', 'POST');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await fetch(`${host.baseUrl}/businesses/clinic/services`, { headers: { Origin: 'https://admin.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(answer.headers.get('vary')).toContain('Origin');
  });
});
