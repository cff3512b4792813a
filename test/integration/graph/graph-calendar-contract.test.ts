import { readFileSync } from 'node:fs';
import { StaffCalendarError } from '../../../shared/app/ports/staff-calendar';
import { staffCalendarContract } from '../../support/contracts/staff-calendar.contract';
import { calendarFor, calendarOf, globalGraphEmulator, graphAdmin, newMailbox } from './graph-test-kit';

/**
 * The Graph adapter on the real, unmodified client (pinned below) against the emulator's endpoints,
 * authenticated by the managed identity credential: what the app relies on, and what it must survive.
 */
const PINNED_CLIENT_VERSION = '3.0.7';
const emulator = globalGraphEmulator();
const calendar = calendarFor(emulator);
const start = Date.parse('2031-03-04T09:00:00Z');
const end = start + 30 * 60_000;
const teamsEvent = (transactionId: string) => ({
  subject: 'Consultation',
  bodyText: 'Booked online',
  start,
  end,
  teamsMeeting: true,
  transactionId,
});

interface RequestLog {
  requests: Array<{ method: string; path: string; status: number; sdkVersion: string | null }>;
}
const requestsTo = async (mailbox: string) =>
  (await graphAdmin<RequestLog>(emulator.adminUrl, 'GET', '/admin/requests')).body.requests.filter((r) => r.path.includes(mailbox));

// The same suite pins InMemoryStaffCalendar (test/support/fakes/staff-calendar.ts) in test/unit/contracts/fakes.test.ts.
describe('the Graph calendar adapter keeps the staff calendar contract (Graph emulator)', () => {
  staffCalendarContract(async () => ({
    calendar,
    newMailbox: () => newMailbox(emulator.adminUrl),
    events: async (mailbox) =>
      (await calendarOf(emulator.adminUrl, mailbox)).events.map((e) => ({
        id: e.id,
        start: Date.parse(e.start),
        end: Date.parse(e.end),
        state: e.state === 'active' ? ('active' as const) : ('cancelled' as const),
        ...(e.joinUrl ? { joinUrl: e.joinUrl } : {}),
        ...(e.location ? { location: e.location } : {}),
        ...(e.cancelComment ? { cancelComment: e.cancelComment } : {}),
      })),
  }));
});

describe('Graph client contract (emulator)', () => {
  it('runs the client version the emulator was checked against, and the client says so in SdkVersion', async () => {
    const installed = (
      JSON.parse(readFileSync(require.resolve('@microsoft/microsoft-graph-client/package.json'), 'utf8')) as { version: string }
    ).version;
    expect(installed).toBe(PINNED_CLIENT_VERSION);
    const mailbox = await newMailbox(emulator.adminUrl);
    await calendar.createEvent(mailbox, teamsEvent('pin-1'));
    const [request] = await requestsTo(mailbox);
    expect(request).toMatchObject({ method: 'POST', path: `/v1.0/users/${mailbox}/events`, status: 201 });
    expect(request!.sdkVersion).toContain(`graph-js/${PINNED_CLIENT_VERSION}`);
  });

  it('creates a Teams meeting with a join URL in Teams format, in the provider calendar', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const created = await calendar.createEvent(mailbox, teamsEvent('teams-1'));
    expect(created.id).toMatch(/^AAMkAG/);
    expect(created.joinUrl).toMatch(
      /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/19%3ameeting_[\w-]+%40thread\.v2\/0\?context=%7b%22Tid%22%3a%22[0-9a-f-]{36}%22%2c%22Oid%22%3a%22[0-9a-f-]{36}%22%7d$/,
    );
    const { events } = await calendarOf(emulator.adminUrl, mailbox);
    expect(events).toEqual([
      expect.objectContaining({
        id: created.id,
        subject: 'Consultation',
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        joinUrl: created.joinUrl,
        state: 'active',
      }),
    ]);
  });

  it('a plain event carries the given location and no join URL', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const created = await calendar.createEvent(mailbox, {
      ...teamsEvent('plain-1'),
      teamsMeeting: false,
      location: 'https://app.example/join/abc',
    });
    expect(created.joinUrl).toBeUndefined();
    const { events } = await calendarOf(emulator.adminUrl, mailbox);
    expect(events[0]).toMatchObject({ isOnlineMeeting: false, joinUrl: null, location: 'https://app.example/join/abc' });
  });

  it('a create retried with the same transactionId makes one event and answers it', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const first = await calendar.createEvent(mailbox, teamsEvent('retry-1'));
    const again = await calendar.createEvent(mailbox, teamsEvent('retry-1'));
    expect(again).toEqual(first);
    expect((await calendarOf(emulator.adminUrl, mailbox)).events).toHaveLength(1);
  });

  it('updates start and end; an update of an event that is gone answers false', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const created = await calendar.createEvent(mailbox, teamsEvent('update-1'));
    const later = start + 86_400_000;
    await expect(
      calendar.updateEvent(mailbox, created.id, { subject: 'Consultation', bodyText: 'Moved', start: later, end: later + 1_800_000 }),
    ).resolves.toBe(true);
    const { events } = await calendarOf(emulator.adminUrl, mailbox);
    expect(events[0]).toMatchObject({ start: new Date(later).toISOString(), body: 'Moved', joinUrl: created.joinUrl });
    await calendar.cancelEvent(mailbox, created.id, 'gone');
    await expect(calendar.updateEvent(mailbox, created.id, { subject: 'x', bodyText: 'x', start, end })).resolves.toBe(false);
  });

  it('cancels with the comment; cancelling again (404) counts as done', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const created = await calendar.createEvent(mailbox, teamsEvent('cancel-1'));
    await calendar.cancelEvent(mailbox, created.id, 'Cancelled by the consumer: feeling better');
    await expect(calendar.cancelEvent(mailbox, created.id, 'again')).resolves.toBeUndefined();
    const { events } = await calendarOf(emulator.adminUrl, mailbox);
    expect(events[0]).toMatchObject({ state: 'cancelled', cancelComment: 'Cancelled by the consumer: feeling better' });
    const statuses = (await requestsTo(mailbox)).filter((r) => r.path.endsWith('/cancel')).map((r) => r.status);
    expect(statuses).toEqual([202, 404]);
  });

  it('throttling (429) and unavailability (503) fail at once with Retry-After, for the outbox to retry', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    await graphAdmin(emulator.adminUrl, 'POST', '/admin/faults', { path: mailbox, method: 'POST', status: 429, retryAfterSeconds: 7 });
    const throttled = await calendar.createEvent(mailbox, teamsEvent('fault-1')).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(StaffCalendarError);
    expect(throttled).toMatchObject({ status: 429, code: 'ApplicationThrottled', retryAfterMs: 7000 });
    await graphAdmin(emulator.adminUrl, 'POST', '/admin/faults', { path: mailbox, method: 'POST', status: 503 });
    await expect(calendar.createEvent(mailbox, teamsEvent('fault-1'))).rejects.toMatchObject({ status: 503, retryAfterMs: undefined });
    // No retries inside the client: one request per call.
    expect((await requestsTo(mailbox)).map((r) => r.status)).toEqual([429, 503]);
    await calendar.createEvent(mailbox, teamsEvent('fault-1'));
    expect((await calendarOf(emulator.adminUrl, mailbox)).events).toHaveLength(1);
  });

  it('an answer slower than the outbound deadline fails without an answer', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const impatient = calendarFor(emulator, 200);
    await graphAdmin(emulator.adminUrl, 'POST', '/admin/faults', { path: mailbox, latencyMs: 1000 });
    await expect(impatient.createEvent(mailbox, teamsEvent('slow-1'))).rejects.toMatchObject({ status: undefined });
  });

  it('a user outside the application access policy is 403; an unknown user is 404 ErrorInvalidUser', async () => {
    const outside = await newMailbox(emulator.adminUrl, false);
    await expect(calendar.createEvent(outside, teamsEvent('policy-1'))).rejects.toMatchObject({ status: 403, code: 'ErrorAccessDenied' });
    await expect(calendar.createEvent('00000000-0000-4000-8000-000000000000', teamsEvent('policy-2'))).rejects.toMatchObject({
      status: 404,
      code: 'ErrorInvalidUser',
    });
  });
});

describe('Graph emulator, raw HTTP', () => {
  it('rejects a request without a bearer token with 401 in Graph error shape', async () => {
    const mailbox = await newMailbox(emulator.adminUrl);
    const { Agent } = await import('undici');
    const response = await fetch(`${emulator.baseUrl}/users/${mailbox}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'client-request-id': 'abc' },
      body: JSON.stringify({ subject: 'x' }),
      dispatcher: new Agent({ connect: { ca: readFileSync(emulator.caCertPath) } }),
    } as RequestInit);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string; innerError: Record<string, string> } };
    expect(body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    expect(body.error.innerError['client-request-id']).toBe('abc');
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
