/** Office-manager configuration and slot search over HTTP, on the real app served by the local host. */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { generateKeyPair, SignJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, devJwksRoute, mintDevToken } from '../../dev/auth/dev-issuer';
import { startHostProcess, type HostProcess } from '../support/host-process';

type Json = Record<string, unknown>;
type SlotList = { timeZone: string; slots: Array<{ start: string; end: string; providerIds: string[] }> };
type Problem = { errors?: Array<{ path: string }> };

describe('configuration API and slot search on the local host', () => {
  let host: HostProcess;
  let jwksServer: http.Server;
  let dir: string;
  const tokens: Record<'admin' | 'manager' | 'otherManager' | 'expired' | 'forged', string> = {} as never;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-issuer-'));
    const keyFile = path.join(dir, 'key.json');
    // The dev issuer's JWKS, served from here so the test does not depend on how the host is wired.
    const route = devJwksRoute(keyFile);
    jwksServer = http.createServer(async (_req, res) => {
      const answer = await route.handle({ query: new URLSearchParams(), body: undefined, headers: {} });
      res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/api/dev/jwks`;

    const mint = (oid: string, extra: Partial<Parameters<typeof mintDevToken>[0]> = {}) =>
      mintDevToken({ oid, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, keyFile, ...extra });
    tokens.admin = await mint('admin-1', { roles: ['Scheduling.Admin'] });
    tokens.manager = await mint('manager-1');
    tokens.otherManager = await mint('manager-2');
    tokens.expired = await mint('manager-1', { nowMs: Date.now() - 3 * 3600_000, ttlSeconds: 3600 });
    const { privateKey } = await generateKeyPair('RS256');
    tokens.forged = await new SignJWT({ oid: 'admin-1', roles: ['Scheduling.Admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);

    host = await startHostProcess({
      env: { AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE, AUTH_JWKS_URL: jwksUrl, DEV_ISSUER_KEY_FILE: keyFile },
    });
  });

  afterAll(async () => {
    await host?.stop();
    await new Promise((resolve) => jwksServer?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function call<T = Json>(
    method: string,
    url: string,
    options: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined || options.raw !== undefined) {
      body = options.raw ?? JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${host.baseUrl}${url}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : undefined) as T };
  }

  const business = { name: 'Downtown Clinic', timeZone: 'Europe/Berlin', managers: ['manager-1'], contactEmail: 'desk@example.com' };
  const drA = { displayName: 'Dr A', email: 'a@example.com', phone: '+49 30 1234567', timeZone: 'Europe/Berlin', staffObjectId: 'oid-a' };
  const drB = { ...drA, displayName: 'Dr B', email: 'b@example.com', staffObjectId: 'oid-b' };
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  // A week ahead in Berlin, so minimum notice and booking window never interfere.
  const day0 = DateTime.now().setZone('Europe/Berlin').plus({ days: 7 }).startOf('day');
  const date = (offset: number) => day0.plus({ days: offset }).toISODate()!;

  /** What a manager can read back: used to prove that refused requests changed nothing. */
  async function storedState() {
    const [b, providers, services, schedule, overrides] = await Promise.all([
      call('GET', '/businesses/clinic', { token: tokens.admin }),
      call('GET', '/businesses/clinic/providers', { token: tokens.admin }),
      call('GET', '/businesses/clinic/services', { token: tokens.admin }),
      call('GET', '/businesses/clinic/providers/dr-a/schedule', { token: tokens.admin }),
      call('GET', `/businesses/clinic/providers/dr-a/overrides?from=${date(0)}&to=${date(30)}`, { token: tokens.admin }),
    ]);
    expect([b, providers, services, schedule, overrides].map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    return { b: b.body, providers: providers.body, services: services.body, schedule: schedule.body, overrides: overrides.body };
  }

  it('lets an admin and a manager configure a business, then consumers read slots', async () => {
    expect((await call('PUT', '/businesses/clinic', { token: tokens.admin, body: business })).status).toBe(201);
    const replaced = await call('PUT', '/businesses/clinic', { token: tokens.manager, body: business });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: 'clinic', ...business });
    expect(
      (await call('PUT', '/businesses/other-clinic', { token: tokens.admin, body: { ...business, managers: ['manager-2'] } })).status,
    ).toBe(201);

    const provider = await call('PUT', '/businesses/clinic/providers/dr-a', { token: tokens.manager, body: drA });
    expect(provider).toMatchObject({ status: 201, body: { id: 'dr-a', phone: '+49301234567', active: true } });
    expect((await call('PUT', '/businesses/clinic/providers/dr-b', { token: tokens.manager, body: drB })).status).toBe(201);

    const weekly = Object.fromEntries(weekdays.map((d) => [d, [{ start: '09:00', end: '10:30' }]]));
    const schedule = await call('PUT', '/businesses/clinic/providers/dr-a/schedule', { token: tokens.manager, body: { weekly } });
    expect(schedule).toMatchObject({ status: 201, body: { providerId: 'dr-a', timeZone: 'Europe/Berlin', weekly } });
    expect((await call('PUT', '/businesses/clinic/providers/dr-a/schedule', { token: tokens.manager, body: { weekly } })).status).toBe(200);
    const dayOff = await call('PUT', `/businesses/clinic/providers/dr-a/overrides/${date(1)}`, {
      token: tokens.manager,
      body: { intervals: [] },
    });
    expect(dayOff).toMatchObject({ status: 201, body: { date: date(1), intervals: [] } });

    const service = await call('PUT', '/businesses/clinic/services/consult', {
      token: tokens.manager,
      body: {
        name: 'Consultation',
        durationMinutes: 30,
        providerIds: ['dr-a', 'dr-b'],
        reminders: [{ offsetMinutes: 1440, channels: ['email'] }],
      },
    });
    expect(service.status).toBe(201);
    expect(service.body).toMatchObject({
      id: 'consult',
      slotIntervalMinutes: 30,
      bufferBeforeMinutes: 0,
      bookingWindowDays: 60,
      maxPerDayPerProvider: null,
      joinWindowMinutes: 15,
      active: true,
    });
    expect(service.body.createdAt).toMatch(/Z$/);

    // Dates in the business zone; answers in UTC. dr-b has no hours, dr-a is off on day 1.
    const slots = await call<SlotList>('GET', `/businesses/clinic/services/consult/slots?from=${date(0)}&to=${date(2)}`);
    expect(slots.status).toBe(200);
    const local = (offset: number, time: string) => DateTime.fromISO(`${date(offset)}T${time}`, { zone: 'Europe/Berlin' });
    expect(slots.body).toEqual({
      timeZone: 'Europe/Berlin',
      slots: ['09:00', '09:30', '10:00'].map((time) => ({
        start: local(0, time).toUTC().toISO({ suppressMilliseconds: true }),
        end: local(0, time).plus({ minutes: 30 }).toUTC().toISO({ suppressMilliseconds: true }),
        providerIds: ['dr-a'],
      })),
    });
    const inZone = await call<SlotList>(
      'GET',
      `/businesses/clinic/services/consult/slots?from=${date(0)}&to=${date(1)}&timeZone=Europe/Berlin&providerId=dr-a`,
    );
    expect(inZone.body.slots[0]!.start).toBe(local(0, '09:00').toISO({ suppressMilliseconds: true }));
    expect(inZone.body.slots[0]!.start).toMatch(/T09:00:00\+0[12]:00$/);
  });

  it('shows anonymous callers the public fields of active providers only', async () => {
    expect((await call('DELETE', '/businesses/clinic/providers/dr-b', { token: tokens.manager })).status).toBe(204);
    const anonymous = await call('GET', '/businesses/clinic/providers');
    expect(anonymous).toMatchObject({ status: 200 });
    expect(anonymous.body).toEqual({ providers: [{ id: 'dr-a', displayName: 'Dr A', timeZone: 'Europe/Berlin' }] });
    const staff = await call<{ providers: Json[] }>('GET', '/businesses/clinic/providers', { token: tokens.manager });
    expect(staff.body.providers.map((p) => [p.id, p.active, p.email])).toEqual([
      ['dr-a', true, 'a@example.com'],
      ['dr-b', false, 'b@example.com'],
    ]);
    expect((await call<{ services: Json[] }>('GET', '/businesses/clinic/services')).body.services.map((s) => s.id)).toEqual(['consult']);
  });

  it('answers 401 for missing, invalid, expired or forged tokens, even for an unknown business, and changes nothing', async () => {
    const before = await storedState();
    const attempts: Array<[string, string, string | undefined]> = [
      ['PUT', '/businesses/clinic', undefined],
      ['PUT', '/businesses/clinic', 'abc.def.ghi'],
      ['PUT', '/businesses/clinic', tokens.expired],
      ['PUT', '/businesses/clinic', tokens.forged],
      ['GET', '/businesses/no-such-business', undefined],
      ['PUT', '/businesses/no-such-business/services/x', tokens.expired],
      ['PUT', '/businesses/bad%20id', undefined],
      ['DELETE', '/businesses/clinic/providers/dr-a', tokens.forged],
      ['GET', '/businesses/clinic/providers', 'abc.def.ghi'],
    ];
    for (const [method, url, token] of attempts) {
      const response = await call(method, url, { token, body: method === 'PUT' ? { ...business, name: 'Hijacked' } : undefined });
      expect({ method, url, status: response.status, type: response.type }).toEqual({
        method,
        url,
        status: 401,
        type: 'application/problem+json',
      });
    }
    expect(await storedState()).toEqual(before);
  });

  it('answers 403 to a manager of another business and to a non-admin creating one, naming nobody', async () => {
    const before = await storedState();
    const attempts: Array<[string, string, unknown]> = [
      ['PUT', '/businesses/clinic', { ...business, managers: ['manager-2'] }],
      ['GET', '/businesses/clinic', undefined],
      ['PUT', '/businesses/clinic/providers/dr-c', drA],
      ['DELETE', '/businesses/clinic/providers/dr-a', undefined],
      ['PUT', '/businesses/clinic/providers/dr-a/schedule', { weekly: {} }],
      ['DELETE', `/businesses/clinic/providers/dr-a/overrides/${date(1)}`, undefined],
      ['PUT', '/businesses/clinic/services/consult', { name: 'x', durationMinutes: 30, providerIds: ['dr-a'] }],
      ['GET', `/businesses/clinic/providers/dr-a/overrides?from=${date(0)}&to=${date(5)}`, undefined],
      ['PUT', '/businesses/brand-new', business],
    ];
    for (const [method, url, body] of attempts) {
      const response = await call(method, url, { token: tokens.otherManager, body });
      expect({ method, url, status: response.status }).toEqual({ method, url, status: 403 });
      expect(JSON.stringify(response.body)).not.toMatch(/manager-1|oid-a|a@example\.com/);
    }
    expect((await call('GET', '/businesses/brand-new', { token: tokens.admin })).status).toBe(404);
    expect(await storedState()).toEqual(before);
  });

  it('answers 400 naming each bad field, for bodies, ids, dates, zones and windows, and changes nothing', async () => {
    const before = await storedState();
    const m = { token: tokens.manager };
    const cases: Array<[string, string, { body?: unknown; raw?: string }, string[]]> = [
      [
        'PUT',
        '/businesses/clinic',
        { body: { name: '', timeZone: 'Mars/Olympus', managers: 'manager-1' } },
        ['managers', 'name', 'timeZone'],
      ],
      ['PUT', '/businesses/clinic/providers/dr-a', { body: { ...drA, email: 'not-mail', phone: '123' } }, ['email', 'phone']],
      [
        'PUT',
        '/businesses/clinic/providers/dr-a/schedule',
        {
          body: {
            weekly: {
              mon: [
                { start: '09:00', end: '12:00' },
                { start: '11:00', end: '13:00' },
              ],
              tue: [{ start: '10:00', end: '09:00' }],
            },
          },
        },
        ['weekly.mon.1', 'weekly.tue.0.end'],
      ],
      ['PUT', '/businesses/clinic/providers/dr-a/schedule', { body: { timeZone: '+02:00', weekly: {} } }, ['timeZone']],
      ['PUT', '/businesses/clinic/providers/dr-a/overrides/2025-02-30', { body: { intervals: [] } }, ['date']],
      ['PUT', '/businesses/clinic/providers/dr-a/overrides/tomorrow', { body: { intervals: [] } }, ['date']],
      [
        'PUT',
        '/businesses/clinic/services/consult',
        {
          body: {
            name: 'Consultation',
            durationMinutes: 30,
            providerIds: ['dr-a'],
            bookingWindowDays: 731,
            joinWindowMinutes: 121,
            maxPerDayPerProvider: 0,
            reminders: Array.from({ length: 11 }, (_, i) => ({ offsetMinutes: 60 + i, channels: ['email'] })),
          },
        },
        ['bookingWindowDays', 'joinWindowMinutes', 'maxPerDayPerProvider', 'reminders'],
      ],
      [
        'PUT',
        '/businesses/clinic/services/consult',
        { body: { name: 'C', durationMinutes: 30, providerIds: ['ghost'] } },
        ['providerIds.0'],
      ],
      ['PUT', '/businesses/-clinic', { body: business }, ['businessId']],
      ['PUT', `/businesses/clinic/providers/${'x'.repeat(65)}`, { body: drA }, ['providerId']],
      ['PUT', '/businesses/clinic', { raw: '{"name": ' }, ['']],
      ['GET', '/businesses/clinic/services/consult/slots?to=2030-01-01', {}, ['from']],
      ['GET', `/businesses/clinic/services/consult/slots?from=${date(0)}&to=${date(63)}`, {}, ['to']],
      [
        'GET',
        `/businesses/clinic/services/consult/slots?from=${date(0)}T09:00:00&to=${date(1)}&timeZone=Nowhere`,
        {},
        ['from', 'timeZone'],
      ],
      ['GET', `/businesses/clinic/providers/dr-a/overrides?from=${date(0)}&to=${date(100)}`, {}, ['to']],
    ];
    for (const [method, url, options, fields] of cases) {
      const response = await call<Problem>(method, url, { ...m, ...options });
      const paths = (response.body?.errors ?? []).map((e) => e.path).sort();
      expect({ method, url, status: response.status, type: response.type, paths }).toEqual({
        method,
        url,
        status: 400,
        type: 'application/problem+json',
        paths: fields,
      });
    }
    const wrongType = await call('PUT', '/businesses/clinic', { ...m, raw: 'name=x', contentType: 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(await storedState()).toEqual(before);
  });

  it('answers 404 after authorization for unknown businesses, providers and services', async () => {
    expect((await call('GET', '/businesses/nope', { token: tokens.admin })).status).toBe(404);
    expect((await call('PUT', '/businesses/clinic/providers/nope/schedule', { token: tokens.manager, body: { weekly: {} } })).status).toBe(
      404,
    );
    expect((await call('DELETE', '/businesses/clinic/services/nope', { token: tokens.manager })).status).toBe(404);
    expect((await call('GET', `/businesses/clinic/services/nope/slots?from=${date(0)}&to=${date(1)}`)).status).toBe(404);
    expect((await call('DELETE', '/businesses/clinic/services/consult', { token: tokens.manager })).status).toBe(204);
    expect((await call('GET', `/businesses/clinic/services/consult/slots?from=${date(0)}&to=${date(1)}`)).status).toBe(404);
  });

  it('serves an OpenAPI 3.1 document of the endpoints', async () => {
    const doc = await call<{ openapi: string; paths: Json }>('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health', '/businesses/{businessId}/services/{serviceId}/slots']));
  });
});
