/** The real app, built into dist/, served by the local host as a child process. */
import { freePort } from '../../dev/stack/ports';
import { startHostProcess, type HostProcess } from '../support/host-process';

describe('the app on the local host', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHostProcess();
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('answers GET /api/health with 200 and storage ok', async () => {
    const response = await fetch(`${host.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ status: 'ok', checks: { storage: 'ok' } });
  });

  it('answers an unknown route through its catch-all with a 404 problem naming the path', async () => {
    const response = await fetch(`${host.baseUrl}/no/such/resource`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as { detail: string };
    expect(body).toMatchObject({ type: 'https://errors.virtual-appointments.dev/not-found', status: 404 });
    expect(body.detail).toContain('/api/no/such/resource');
  });
});

describe('the app on the local host with storage down', () => {
  let host: HostProcess;

  beforeAll(async () => {
    // A port nothing listens on: every storage call fails to connect.
    const closed = await freePort();
    const unreachable = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('not-a-real-key').toString('base64')};TableEndpoint=http://127.0.0.1:${closed}/devstoreaccount1`;
    host = await startHostProcess({ env: { TABLE_STORAGE_CONNECTION_STRING: unreachable, AzureWebJobsStorage: unreachable } });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('answers GET /api/health with 503 and storage failed', async () => {
    const response = await fetch(`${host.baseUrl}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'degraded', checks: { storage: 'failed' } });
  });
});
