/**
 * Microsoft 365 hybrid over HTTP on the local host with a virtual clock and its own Microsoft Graph
 * emulator (the real Graph client, a managed identity token from the emulator's identity endpoint):
 * Teams meetings in the providers' Outlook calendars through booking, retries after faults, reschedule,
 * a move to another provider, cancel and join; Graph down for an hour; Outlook calendar sync in ACS
 * Rooms mode. The emulator's inspection API is the exact record of the calendars.
 */
import { randomUUID } from 'node:crypto';
import { startGraphEmulator, type RunningGraphEmulatorProcess } from '../../dev/graph-emulator/start';
import { startAppStack, type AppStack } from '../support/app-stack';

const MIN = 60_000;
const TEAMS_LINK = /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/19%3ameeting_[\w-]+%40thread\.v2\/0\?context=/;

interface CalendarEvent {
  id: string;
  subject: string;
  body: string;
  start: string;
  end: string;
  location: string | null;
  isOnlineMeeting: boolean;
  joinUrl: string | null;
  state: 'active' | 'cancelled' | 'deleted';
  cancelComment: string | null;
}
interface Booking {
  appointment: { id: string; start: string; version: number; meetingMode: string };
  manageToken: string;
}
interface GraphRequest {
  method: string;
  path: string;
  status: number;
}

describe('Teams meetings and Outlook calendars through Microsoft Graph', () => {
  let graph: RunningGraphEmulatorProcess;
  let stack: AppStack;
  const oid = { amy: randomUUID(), bob: randomUUID(), cy: randomUUID() };
  /** A provider's staff token valid at the host's (virtual) now. */
  const tokenOf = (id: keyof typeof oid) => stack.staffToken(oid[id]);
  let nextSlot: number;

  const graphAdmin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${graph.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  /** Through the app's dev route, as a developer would look. */
  const calendar = async (mailbox: string) =>
    (await stack.call<{ events: CalendarEvent[] }>('GET', `/dev/calendars/${mailbox}`)).body.events;
  const requestsFor = async (mailbox: string) =>
    (await graphAdmin<{ requests: GraphRequest[] }>('GET', '/admin/requests')).requests.filter((r) => r.path.includes(mailbox));
  /**
   * Outbox rows run in the background after the answer (kicked at once, best effort): wait (real time) until
   * the calendar shows what is expected. The outbox sweep timer is the guarantee behind the kick, so after
   * a few seconds the virtual clock is moved a minute now and then to let it run, as time would pass.
   */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
    const began = Date.now();
    let sweptAt = began;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() - began > timeoutMs) throw new Error(`${what}: still ${JSON.stringify(value)}`);
      if (Date.now() - sweptAt > 3000) {
        sweptAt = Date.now();
        await stack.advance(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const active = (events: CalendarEvent[]) => events.filter((e) => e.state === 'active');

  const iso = (instant: number) => new Date(instant).toISOString();
  const book = async (businessId: string, providerId: string, start: number, email = `${randomUUID().slice(0, 8)}@example.com`) => {
    const answer = await stack.call<Booking>('POST', `/businesses/${businessId}/appointments`, {
      body: { serviceId: 'consult', start: iso(start), providerId, consumer: { name: 'Kim Lee', email } },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  /** A fresh slot each time, a few hours apart, starting a day after the host's now (UTC, all-day schedules). */
  const slot = () => (nextSlot += 4 * 60 * MIN);

  beforeAll(async () => {
    graph = await startGraphEmulator({ mailboxes: [oid.amy, oid.bob, oid.cy] });
    stack = await startAppStack({
      clockMode: 'virtual',
      env: {
        GRAPH_BASE_URL: graph.baseUrl,
        GRAPH_CA_CERT_PATH: graph.caCertPath,
        GRAPH_EMULATOR_ADMIN_URL: graph.adminUrl,
        IDENTITY_ENDPOINT: graph.identityEndpoint,
        IDENTITY_HEADER: graph.identityHeader,
        // A create slower than this has no answer; the outbox retries it (the emulator made the event meanwhile).
        OUTBOUND_TIMEOUT_MS: '1000',
      },
    });
    const admin = await stack.staffToken('admin', ['Scheduling.Admin']);
    const put = async (path: string, body: unknown, expected = [200, 201]) => {
      const result = await stack.call('PUT', path, { token: admin, body });
      if (!expected.includes(result.status)) throw new Error(`PUT ${path}: ${result.status} ${result.text}`);
      return result;
    };
    const allDay = [{ start: '00:00', end: '24:00' }];
    const week = { weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay])) };
    for (const [businessId, providers] of [
      ['teams', ['amy', 'bob']],
      ['synced', ['cy']],
    ] as const) {
      await put(`/businesses/${businessId}`, { name: `Clinic ${businessId}`, timeZone: 'UTC', managers: [] });
      for (const id of providers) {
        await put(`/businesses/${businessId}/providers/${id}`, {
          displayName: `Dr ${id}`,
          email: `${id}@clinic.example`,
          timeZone: 'UTC',
          staffObjectId: oid[id],
        });
        await put(`/businesses/${businessId}/providers/${id}/schedule`, week);
      }
      await put(`/businesses/${businessId}/services/consult`, {
        name: 'Consultation',
        durationMinutes: 30,
        providerIds: providers,
        joinWindowMinutes: 15,
        reminders: [{ offsetMinutes: 60, channels: ['email'] }],
      });
    }
    await put('/businesses/teams', { name: 'Clinic teams', timeZone: 'UTC', managers: [], meetingMode: 'teams' });
    await put('/businesses/synced', { name: 'Clinic synced', timeZone: 'UTC', managers: [], outlookCalendarSync: true });
    nextSlot = Math.ceil((await stack.now()) / (60 * MIN)) * 60 * MIN + 24 * 60 * MIN;
  });

  afterAll(async () => {
    await stack?.stop();
    await graph?.stop();
  });

  afterEach(async () => {
    await graphAdmin('DELETE', '/admin/faults');
  });

  it('a Teams business refuses providers Graph cannot address, and says which', async () => {
    const admin = await stack.staffToken('admin', ['Scheduling.Admin']);
    const provider = await stack.call('PUT', '/businesses/teams/providers/dan', {
      token: admin,
      body: { displayName: 'Dr dan', email: 'dan@clinic.example', timeZone: 'UTC', staffObjectId: 'oid-dan' },
    });
    expect(provider.status).toBe(400);
    expect(JSON.stringify(provider.body)).toContain('staffObjectId');
    await stack.call('PUT', '/businesses/plain', { token: admin, body: { name: 'Plain', timeZone: 'UTC', managers: [] } });
    expect(
      (
        await stack.call('PUT', '/businesses/plain/providers/dan', {
          token: admin,
          body: { displayName: 'Dr dan', email: 'dan@clinic.example', timeZone: 'UTC', staffObjectId: 'oid-dan' },
        })
      ).status,
    ).toBe(201);
    const toTeams = await stack.call('PUT', '/businesses/plain', {
      token: admin,
      body: { name: 'Plain', timeZone: 'UTC', managers: [], meetingMode: 'teams' },
    });
    expect(toTeams.status).toBe(400);
    expect(JSON.stringify(toTeams.body)).toContain('dan');
    expect((await stack.call<{ meetingMode: string }>('GET', '/businesses/plain', { token: admin })).body.meetingMode).toBe('acsRooms');
  });

  it('a booking puts one Teams event with a join link in the provider calendar; reschedule updates it; cancel cancels it with the reason', async () => {
    const start = slot();
    const { appointment, manageToken } = await book('teams', 'amy', start);
    // The appointment says where the visit happens, so a front end knows which join to show.
    expect(appointment.meetingMode).toBe('teams');
    const [event] = await eventually(
      async () => active(await calendar(oid.amy)),
      (e) => e.length === 1,
      'the event',
    );
    expect(event).toMatchObject({
      subject: 'Consultation: Kim Lee',
      start: iso(start),
      end: iso(start + 30 * MIN),
      isOnlineMeeting: true,
      joinUrl: expect.stringMatching(TEAMS_LINK),
    });

    const later = start + 60 * MIN;
    expect(
      (await stack.call('POST', `/appointments/${appointment.id}/reschedule`, { manageToken, body: { start: iso(later) } })).status,
    ).toBe(200);
    const [moved] = await eventually(
      async () => active(await calendar(oid.amy)),
      (e) => e[0]?.start === iso(later),
      'the new time',
    );
    expect(moved).toMatchObject({ id: event!.id, end: iso(later + 30 * MIN), joinUrl: event!.joinUrl });

    expect(
      (await stack.call('POST', `/appointments/${appointment.id}/cancel`, { manageToken, body: { reason: 'Feeling better' } })).status,
    ).toBe(200);
    const [cancelled] = await eventually(
      () => calendar(oid.amy),
      (e) => e.find((x) => x.id === event!.id)?.state === 'cancelled',
      'the cancel',
    );
    expect(cancelled).toMatchObject({ id: event!.id, cancelComment: 'Cancelled: Feeling better' });
    expect((await calendar(oid.amy)).filter((e) => e.id !== event!.id && e.subject === event!.subject && e.start === iso(later))).toEqual(
      [],
    );
  });

  it('a move to another provider cancels the event in the old calendar and makes one in the new; join follows', async () => {
    const start = slot();
    const { appointment, manageToken } = await book('teams', 'amy', start);
    const [first] = await eventually(
      async () => (await calendar(oid.amy)).filter((e) => e.start === iso(start)),
      (e) => e.length === 1,
      'the event',
    );
    expect(
      (
        await stack.call('POST', `/appointments/${appointment.id}/reschedule`, {
          manageToken,
          body: { start: iso(start), providerId: 'bob' },
        })
      ).status,
    ).toBe(200);
    const [inBob] = await eventually(
      async () => active(await calendar(oid.bob)).filter((e) => e.start === iso(start)),
      (e) => e.length === 1,
      "bob's event",
    );
    await eventually(
      () => calendar(oid.amy),
      (e) => e.find((x) => x.id === first!.id)?.state === 'cancelled',
      "amy's event cancelled",
    );
    expect(inBob!.joinUrl).toMatch(TEAMS_LINK);
    expect(inBob!.joinUrl).not.toBe(first!.joinUrl);
    await stack.advance((start - 10 * MIN - (await stack.now())) / MIN);
    const bob = await stack.call<{ teamsMeetingLink: string }>('POST', `/appointments/${appointment.id}/join`, {
      token: await tokenOf('bob'),
    });
    expect(bob.status).toBe(200);
    expect(bob.body).toEqual({ meetingMode: 'teams', teamsMeetingLink: inBob!.joinUrl });
    expect((await stack.call('POST', `/appointments/${appointment.id}/join`, { token: await tokenOf('amy') })).status).toBe(403);
  });

  it('join answers the link and a calling token to the consumer, the link to the provider, and refuses outside the window', async () => {
    const start = slot();
    const { appointment, manageToken } = await book('teams', 'amy', start);
    const [event] = await eventually(
      async () => active(await calendar(oid.amy)).filter((e) => e.start === iso(start)),
      (e) => e.length === 1,
      'the event',
    );
    const early = await stack.call('POST', `/appointments/${appointment.id}/join`, { manageToken });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ opensAt: iso(start - 15 * MIN).replace('.000', '') });

    await stack.advance((start - 10 * MIN - (await stack.now())) / MIN);
    const consumer = await stack.call<Record<string, string>>('POST', `/appointments/${appointment.id}/join`, { manageToken });
    expect(consumer.status).toBe(200);
    expect(consumer.body).toEqual({
      meetingMode: 'teams',
      teamsMeetingLink: event!.joinUrl,
      acsUserId: expect.stringMatching(/^8:acs:/),
      token: expect.any(String),
      expiresOn: expect.any(String),
      endpoint: expect.stringMatching(/^https:\/\//),
    });
    // No room and no chat thread in Teams mode: the answer names none, and the token is for calling only.
    const scopes = JSON.parse(Buffer.from(consumer.body.token!.split('.')[1]!, 'base64url').toString()) as {
      scp?: number;
      acsScope?: string;
    };
    expect(scopes.acsScope).toBe('voip');
    const provider = await stack.call('POST', `/appointments/${appointment.id}/join`, { token: await tokenOf('amy') });
    expect(provider.body).toEqual({ meetingMode: 'teams', teamsMeetingLink: event!.joinUrl });

    await stack.advance((start + 31 * MIN - (await stack.now())) / MIN);
    expect((await stack.call('POST', `/appointments/${appointment.id}/join`, { manageToken })).status).toBe(409);
  });

  it('a create whose answer was lost is retried by the outbox with the same transactionId: one event', async () => {
    const start = slot();
    // The emulator makes the event after 1.5 s; the app gave up after 1 s and retries later.
    await graphAdmin('POST', '/admin/faults', { path: `/users/${oid.amy}/events$`, method: 'POST', latencyMs: 1500 });
    const creates = async () => (await requestsFor(oid.amy)).filter((x) => x.method === 'POST' && x.path.endsWith('/events'));
    const before = (await creates()).length;
    const { appointment, manageToken } = await book('teams', 'amy', start);
    await eventually(creates, (r) => r.length > before, 'the first create', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stack.advance(1); // past the first retry delay (15 s)
    const events = await eventually(
      async () => active(await calendar(oid.amy)).filter((e) => e.start === iso(start)),
      (e) => e.length >= 1,
      'the event',
    );
    await stack.advance(2);
    expect(active(await calendar(oid.amy)).filter((e) => e.start === iso(start))).toHaveLength(1);
    // Two creates reached Graph (the slow one and its retry), both answered with the one event.
    expect((await creates()).slice(before).map((r) => r.status)).toEqual([201, 201]);
    await stack.advance((start - 10 * MIN - (await stack.now())) / MIN);
    const joined = await stack.call<{ teamsMeetingLink: string }>('POST', `/appointments/${appointment.id}/join`, { manageToken });
    expect(joined.body.teamsMeetingLink).toBe(events[0]!.joinUrl);
  });

  it('429 with Retry-After and 503 are retried by the outbox, no sooner than asked', async () => {
    const start = slot();
    await graphAdmin('POST', '/admin/faults', { path: `/users/${oid.bob}/events$`, method: 'POST', status: 429, retryAfterSeconds: 300 });
    await graphAdmin('POST', '/admin/faults', { path: `/users/${oid.bob}/events$`, method: 'POST', status: 503 });
    await book('teams', 'bob', start);
    await eventually(
      () => requestsFor(oid.bob),
      (r) => r.some((x) => x.status === 429),
      'the throttled create',
    );
    await stack.advance(4); // Retry-After is 5 minutes: not yet
    expect((await requestsFor(oid.bob)).filter((r) => r.status === 503)).toEqual([]);
    await stack.advance(2); // the 503
    await eventually(
      () => requestsFor(oid.bob),
      (r) => r.some((x) => x.status === 503),
      'the create after Retry-After',
    );
    await stack.advance(1);
    await eventually(
      async () => active(await calendar(oid.bob)).filter((e) => e.start === iso(start)),
      (e) => e.length === 1,
      'the event after the 503',
    );
  });

  it('Graph down for an hour delays the calendar, not the booking, the reminder or the join', async () => {
    const hour = 60 * MIN;
    const start = Math.ceil((await stack.now()) / hour) * hour + 3 * hour;
    const email = `down-${randomUUID().slice(0, 8)}@example.com`;
    await graphAdmin('POST', '/admin/faults', { path: `/users/${oid.amy}/`, status: 503, count: 100_000 });
    const began = Date.now();
    const { appointment, manageToken } = await book('teams', 'amy', start, email);
    expect(Date.now() - began).toBeLessThan(5000);
    for (let i = 0; i < 10; i++) await stack.advance(6);
    expect(active(await calendar(oid.amy)).filter((e) => e.start === iso(start))).toEqual([]);
    // The consumer heard about the booking during the outage; only the calendar waits.
    expect((await stack.messages(email)).map((m) => m.kind)).toContain('confirmation');
    expect((await requestsFor(oid.amy)).filter((r) => r.status === 503).length).toBeGreaterThan(3);
    await graphAdmin('DELETE', '/admin/faults');
    await stack.advance(16); // the longest outbox backoff is 15 minutes
    const [event] = await eventually(
      async () => active(await calendar(oid.amy)).filter((e) => e.start === iso(start)),
      (e) => e.length === 1,
      'the event after the outage',
    );
    await stack.advance((start - 50 * MIN - (await stack.now())) / MIN);
    const reminders = await eventually(
      () => stack.messages(email),
      (m) => m.some((x) => x.kind === 'reminder'),
      'the reminder',
    );
    expect(reminders.map((m) => m.kind)).toEqual(expect.arrayContaining(['confirmation', 'reminder']));
    await stack.advance(45);
    const joined = await stack.call<{ teamsMeetingLink: string }>('POST', `/appointments/${appointment.id}/join`, { manageToken });
    expect(joined.status).toBe(200);
    expect(joined.body.teamsMeetingLink).toBe(event!.joinUrl);
  });

  it('before the Teams meeting exists, join answers 503 with Retry-After', async () => {
    const start = slot();
    await graphAdmin('POST', '/admin/faults', { path: `/users/${oid.bob}/`, status: 503, count: 100_000 });
    const { appointment, manageToken } = await book('teams', 'bob', start);
    await stack.advance((start - 10 * MIN - (await stack.now())) / MIN);
    const join = await stack.call('POST', `/appointments/${appointment.id}/join`, { manageToken });
    expect(join.status).toBe(503);
    expect(join.headers.get('retry-after')).toBe('30');
    expect(join.headers.get('content-type')).toContain('application/problem+json');
  });

  it('with outlookCalendarSync in ACS Rooms mode the event carries the business app join link, not a Teams link', async () => {
    const start = slot();
    const { appointment } = await book('synced', 'cy', start);
    expect(appointment.meetingMode).toBe('acsRooms');
    const [event] = await eventually(
      async () => active(await calendar(oid.cy)).filter((e) => e.start === iso(start)),
      (e) => e.length === 1,
      'the synced event',
    );
    const link = `${stack.baseUrl}/appointments/${appointment.id}/join`;
    expect(event).toMatchObject({ isOnlineMeeting: false, joinUrl: null, location: link });
    expect(event!.body).toContain(link);
  });
});
