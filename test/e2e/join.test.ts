/**
 * Joining the visit and the provider's workspace over HTTP on the local host with a virtual clock and
 * the ACS emulator: join window, roles, identity reuse, chat members, token lifetime, revocation on
 * cancel, outcomes, lists, and the calendar feed.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import ical from 'node-ical';
import { DEV_AUDIENCE, DEV_ISSUER, devJwksRoute, mintDevToken } from '../../dev/auth/dev-issuer';
import { startHostProcess, type HostProcess } from '../support/host-process';

type Json = Record<string, unknown>;
interface Appointment {
  id: string;
  start: string;
  end: string;
  status: string;
  providerId: string;
  version: number;
}
interface Join {
  acsUserId: string;
  token: string;
  expiresOn: string;
  roomId: string;
  role: string;
  endpoint: string;
  chatThreadId: string;
}
interface Booking {
  appointment: Appointment;
  manageToken: string;
}
interface List {
  appointments: Appointment[];
  nextContinuationToken?: string;
}

const MIN = 60_000;

describe('join and the provider workspace on the local host', () => {
  let host: HostProcess;
  let jwksServer: http.Server;
  let dir: string;
  const tokens: Record<'admin' | 'manager' | 'amy' | 'bob', string> = {} as never;
  const adminUrl = process.env.TEST_ACS_ADMIN_URL!;

  async function call<T = Json>(
    method: string,
    url: string,
    options: { token?: string; manageToken?: string; body?: unknown; ifMatch?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.manageToken) headers['X-Appointment-Token'] = options.manageToken;
    if (options.ifMatch) headers['If-Match'] = options.ifMatch;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url.startsWith('http') ? url : `${host.baseUrl}${url}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, type, text, body: (type.includes('json') && text ? JSON.parse(text) : undefined) as T };
  }
  const emulator = async <T>(pathname: string) => (await (await fetch(`${adminUrl}${pathname}`)).json()) as T;
  const virtualNow = async () => Date.parse((await call<{ now: string }>('GET', '/dev/clock')).body.now);
  async function advanceTo(instant: number) {
    const minutes = Math.ceil((instant - (await virtualNow())) / MIN);
    if (minutes > 0) expect((await call('POST', '/dev/clock/advance', { body: { minutes } })).status).toBe(200);
  }

  let S: number; // start of the main visit: a whole hour a day ahead (virtual time)
  const iso = (instant: number) => new Date(instant).toISOString().replace('.000', '');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-join-'));
    const keyFile = path.join(dir, 'key.json');
    const route = devJwksRoute(keyFile);
    jwksServer = http.createServer(async (_req, res) => {
      const answer = await route.handle({ query: new URLSearchParams(), body: undefined, headers: {} });
      res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/api/dev/jwks`;
    // Valid for a week of real time: the virtual clock runs ahead of it.
    const mint = (oid: string, roles: string[] = []) =>
      mintDevToken({ oid, roles, issuer: DEV_ISSUER, audience: DEV_AUDIENCE, keyFile, ttlSeconds: 7 * 86_400 });
    tokens.admin = await mint('admin-1', ['Scheduling.Admin']);
    tokens.manager = await mint('manager-1');
    tokens.amy = await mint('oid-amy');
    tokens.bob = await mint('oid-bob');
    host = await startHostProcess({
      clockMode: 'virtual',
      env: { AUTH_ISSUER: DEV_ISSUER, AUTH_AUDIENCE: DEV_AUDIENCE, AUTH_JWKS_URL: jwksUrl },
    });

    const put = async (url: string, body: unknown) => expect((await call('PUT', url, { token: tokens.admin, body })).status).toBe(201);
    await put('/businesses/clinic', { name: 'Clinic', timeZone: 'UTC', managers: ['manager-1'] });
    const allDay = [{ start: '00:00', end: '24:00' }];
    for (const id of ['amy', 'bob']) {
      await put(`/businesses/clinic/providers/${id}`, {
        displayName: `Dr ${id}`,
        email: `${id}@example.com`,
        timeZone: 'UTC',
        staffObjectId: `oid-${id}`,
      });
      await put(`/businesses/clinic/providers/${id}/schedule`, {
        weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay])),
      });
    }
    await put('/businesses/clinic/services/consult', {
      name: 'Consultation',
      durationMinutes: 30,
      providerIds: ['amy', 'bob'],
      joinWindowMinutes: 15,
    });
    await put('/businesses/clinic/services/early', {
      name: 'Early door',
      durationMinutes: 30,
      providerIds: ['amy'],
      joinWindowMinutes: 120,
    });
    S = Math.ceil((await virtualNow()) / (60 * MIN)) * 60 * MIN + 24 * 60 * MIN;
  });

  afterAll(async () => {
    await host?.stop();
    await new Promise((resolve) => jwksServer?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const book = async (serviceId: string, start: number, providerId: string, email: string) => {
    const answer = await call<Booking>('POST', '/businesses/clinic/appointments', {
      body: { serviceId, start: iso(start), providerId, consumer: { name: 'Jane Roe', email } },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };

  it('runs a visit from booking to feed', async () => {
    const a = await book('consult', S, 'amy', 'a@example.com');
    const b = await book('early', S + 60 * MIN, 'amy', 'b@example.com'); // its window opens an hour earlier
    const c = await book('consult', S, 'bob', 'c@example.com');

    // Before the window: 409 with both bounds, nothing created.
    const early = await call('POST', `/appointments/${a.appointment.id}/join`, { manageToken: a.manageToken });
    expect(early.status).toBe(409);
    expect(early.type).toContain('application/problem+json');
    expect(early.body).toMatchObject({
      type: 'https://errors.virtual-appointments.dev/join-window-closed',
      opensAt: iso(S - 15 * MIN),
      closedAt: iso(S + 30 * MIN),
    });

    await advanceTo(S - 10 * MIN);
    const consumer = await call<Join>('POST', `/appointments/${a.appointment.id}/join?token=${encodeURIComponent(a.manageToken)}`);
    expect(consumer.status).toBe(200);
    expect(consumer.body).toMatchObject({ role: 'Attendee', endpoint: expect.stringMatching(/^https:\/\//) });
    // Lifetime: the emulator's clock is real time, the app's is virtual, so compare durations.
    const lifetime = Date.parse(consumer.body.expiresOn) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * MIN);
    expect(lifetime).toBeLessThanOrEqual(1440 * MIN);
    expect(lifetime).toBeGreaterThanOrEqual(S + 30 * MIN - (await virtualNow()) - MIN);

    const provider = await call<Join>('POST', `/appointments/${a.appointment.id}/join`, { token: tokens.amy });
    expect(provider.status).toBe(200);
    expect(provider.body).toMatchObject({ role: 'Presenter', roomId: consumer.body.roomId, chatThreadId: consumer.body.chatThreadId });
    const otherVisit = await call<Join>('POST', `/appointments/${b.appointment.id}/join`, { token: tokens.amy });
    expect(otherVisit.status).toBe(200);
    expect(otherVisit.body.acsUserId).toBe(provider.body.acsUserId);
    expect(otherVisit.body.roomId).not.toBe(provider.body.roomId);

    const { rooms } = await emulator<{ rooms: Array<{ id: string; participants: Array<{ userId: string; role: string }> }> }>(
      '/admin/rooms',
    );
    expect(rooms.find((r) => r.id === consumer.body.roomId)?.participants.sort((x, y) => x.role.localeCompare(y.role))).toEqual([
      { userId: consumer.body.acsUserId, role: 'Attendee' },
      { userId: provider.body.acsUserId, role: 'Presenter' },
    ]);
    // The thread holds the consumer, the provider, and the app's own identity that created it (and posts notices).
    const { chatThreads } = await emulator<{
      chatThreads: Array<{ id: string; createdBy: string; participants: Array<{ userId: string }> }>;
    }>('/admin/chat/threads');
    const thread = chatThreads.find((t) => t.id === consumer.body.chatThreadId)!;
    expect(thread.participants.map((p) => p.userId).sort()).toEqual(
      [consumer.body.acsUserId, provider.body.acsUserId, thread.createdBy].sort(),
    );
    expect([consumer.body.acsUserId, provider.body.acsUserId]).not.toContain(thread.createdBy);

    // Managers read but do not join; another provider neither.
    expect((await call('POST', `/appointments/${a.appointment.id}/join`, { token: tokens.manager })).status).toBe(403);
    expect((await call('POST', `/appointments/${a.appointment.id}/join`, { token: tokens.bob })).status).toBe(403);
    expect((await call('POST', `/appointments/${a.appointment.id}/join`)).status).toBe(401);

    // Outcomes: the consumer may not, and not before the start.
    expect((await call('POST', `/appointments/${a.appointment.id}/complete`, { manageToken: a.manageToken })).status).toBe(403);
    expect((await call('POST', `/appointments/${a.appointment.id}/complete`, { token: tokens.amy })).body).toMatchObject({
      type: expect.stringContaining('too-early'),
    });

    // Cancel locks out the consumer who joined: out of the chat thread at once, room deleted, no new join
    // (tokens are revoked too, but ACS may honour them for a while, so that is not the lock-out).
    const bConsumer = await call<Join>('POST', `/appointments/${b.appointment.id}/join`, { manageToken: b.manageToken });
    expect(bConsumer.status).toBe(200);
    expect((await call('POST', `/appointments/${b.appointment.id}/cancel`, { manageToken: b.manageToken })).status).toBe(200);
    await advanceTo((await virtualNow()) + MIN); // the outbox sweep runs and is waited for
    const { identities } = await emulator<{ identities: Array<{ id: string; tokensRevoked: boolean }> }>('/admin/identities');
    expect(identities.find((i) => i.id === bConsumer.body.acsUserId)?.tokensRevoked).toBe(true);
    expect(identities.find((i) => i.id === provider.body.acsUserId)?.tokensRevoked).toBe(false);
    expect((await emulator<{ rooms: Array<{ id: string }> }>('/admin/rooms')).rooms.map((r) => r.id)).not.toContain(bConsumer.body.roomId);
    const bThread = (
      await emulator<{ chatThreads: Array<{ id: string; participants: Array<{ userId: string }> }> }>('/admin/chat/threads')
    ).chatThreads.find((t) => t.id === bConsumer.body.chatThreadId)!;
    expect(bThread.participants.map((p) => p.userId)).not.toContain(bConsumer.body.acsUserId);
    expect((await call('POST', `/appointments/${b.appointment.id}/join`, { manageToken: b.manageToken })).status).toBe(409);

    await advanceTo(S + 5 * MIN);
    const completed = await call<Appointment>('POST', `/appointments/${a.appointment.id}/complete`, {
      token: tokens.amy,
      ifMatch: `"${a.appointment.version}"`,
    });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    expect((await call('POST', `/appointments/${a.appointment.id}/complete`, { token: tokens.manager })).status).toBe(409);

    // After the end: closed, with both bounds.
    await advanceTo(S + 31 * MIN);
    const late = await call('POST', `/appointments/${c.appointment.id}/join`, { manageToken: c.manageToken });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ opensAt: iso(S - 15 * MIN), closedAt: iso(S + 30 * MIN) });

    // Lists.
    const window = `from=${encodeURIComponent(iso(S - 60 * MIN))}&to=${encodeURIComponent(iso(S + 24 * 60 * MIN))}`;
    const amyList = await call<List>('GET', `/businesses/clinic/providers/amy/appointments?${window}`, { token: tokens.amy });
    expect(amyList.status).toBe(200);
    expect(amyList.body.appointments.map((x) => [x.id, x.status])).toEqual([
      [a.appointment.id, 'completed'],
      [b.appointment.id, 'cancelled'],
    ]);
    const onlyCancelled = await call<List>('GET', `/businesses/clinic/providers/amy/appointments?${window}&status=cancelled`, {
      token: tokens.manager,
    });
    expect(onlyCancelled.body.appointments.map((x) => x.id)).toEqual([b.appointment.id]);
    expect((await call('GET', `/businesses/clinic/providers/amy/appointments?${window}`, { token: tokens.bob })).status).toBe(403);
    expect((await call('GET', `/businesses/clinic/providers/amy/appointments?${window}&limit=501`, { token: tokens.amy })).status).toBe(
      400,
    );

    const seen: string[] = [];
    let next: string | undefined;
    do {
      const page = await call<List>(
        'GET',
        `/businesses/clinic/appointments?${window}&limit=1${next ? `&continuationToken=${encodeURIComponent(next)}` : ''}`,
        { token: tokens.manager },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.appointments.map((x) => x.id));
      next = page.body.nextContinuationToken;
    } while (next);
    expect(seen.sort()).toEqual([a.appointment.id, b.appointment.id, c.appointment.id].sort());
    const bobs = await call<List>('GET', `/businesses/clinic/appointments?${window}&providerId=bob`, { token: tokens.manager });
    expect(bobs.body.appointments.map((x) => x.id)).toEqual([c.appointment.id]);
    expect((await call('GET', `/businesses/clinic/appointments?${window}`, { token: tokens.amy })).status).toBe(403);

    // The calendar feed: valid iCalendar, and it follows a reschedule.
    const d = await book('consult', S + 24 * 60 * MIN, 'amy', 'd@example.com');
    const rotated = await call<{ feedToken: string; feedUrl: string }>('POST', '/businesses/clinic/providers/amy/calendar-feed-token', {
      token: tokens.manager,
    });
    expect(rotated.status).toBe(200);
    const feed = async () => {
      const answer = await call('GET', rotated.body.feedUrl);
      expect(answer.status).toBe(200);
      expect(answer.type).toContain('text/calendar');
      return Object.values(ical.sync.parseICS(answer.text)).filter((x) => x?.type === 'VEVENT') as unknown as Array<{
        uid: string;
        start: Date;
        sequence: string;
        status: string;
      }>;
    };
    const before = await feed();
    expect(before.map((e) => e.uid).sort()).toEqual([a, b, d].map((x) => `${x.appointment.id}@virtual-appointments`).sort());
    const moved = await call<Appointment>('POST', `/appointments/${d.appointment.id}/reschedule`, {
      token: tokens.manager,
      body: { start: iso(S + 25 * 60 * MIN) },
    });
    expect(moved.status).toBe(200);
    const after = (await feed()).find((e) => e.uid === `${d.appointment.id}@virtual-appointments`)!;
    expect(after.start.toISOString()).toBe(new Date(S + 25 * 60 * MIN).toISOString());
    expect(Number(after.sequence)).toBe(moved.body.version);
    expect((await call('GET', rotated.body.feedUrl.replace(/feedToken=[^&]+/, 'feedToken=wrong'))).status).toBe(401);

    // Every new endpoint is in the served OpenAPI document.
    const doc = await call<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/appointments/{appointmentId}/join', '/businesses/{businessId}/providers/{providerId}/calendar.ics']),
    );
  });
});
