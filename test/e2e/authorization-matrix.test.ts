/**
 * The authorization matrix (issue 12): every operation of the served OpenAPI document x every kind of
 * caller -> the expected status, from the one table below. An operation the table lacks fails the test.
 * After every refused call (401/403/404) the stored state is compared with the state before: nothing
 * may have changed. Every answer is also checked for the security headers.
 */
import { TableServiceClient, TableClient } from '@azure/data-tables';
import { SignJWT, importJWK } from 'jose';
import { DateTime } from 'luxon';
import { loadOrCreateDevIssuerKey } from '../../dev/auth/dev-issuer';
import { configureClinic, startAppStack, type AppStack } from '../support/app-stack';
import { testStorageConnectionString, uniqueTablePrefix } from '../support/env';

const CALLERS = [
  'anonymous',
  'expired',
  'wrongIssuer',
  'wrongAudience',
  'wrongSignature',
  'algNone',
  'otherManager',
  'otherProvider',
  'thisProvider',
  'manager',
  'admin',
  'consumer',
  'otherConsumer',
] as const;
type CallerKind = (typeof CALLERS)[number];
type Expected = Record<CallerKind, number>;

/** Forged or broken bearer tokens: all refused before anything is looked up. */
const BAD = { anonymous: 401, expired: 401, wrongIssuer: 401, wrongAudience: 401, wrongSignature: 401, algNone: 401 } as const;
/** Probes and the API document: credentials are not looked at. */
const ANYONE = (status: number): Expected => Object.fromEntries(CALLERS.map((c) => [c, status])) as Expected;
/** Public operations: no credentials needed, but a broken bearer token is a 401 (never silently anonymous). */
const PUBLIC_OPTIONAL_STAFF = (status: number): Expected => ({ ...ANYONE(status), ...BAD, anonymous: status });
/** Configuration of one business: its managers and admins. */
const MANAGERS = (status: number): Expected => ({
  ...BAD,
  otherManager: 403,
  otherProvider: 403,
  thisProvider: 403,
  manager: status,
  admin: status,
  consumer: 401,
  otherConsumer: 401,
});
/** A provider's own calendar data: the provider, its managers, admins. */
const PROVIDER_AND_MANAGERS = (status: number): Expected => ({ ...MANAGERS(status), thisProvider: status });
/** One appointment: its consumer, its provider, its business's managers, admins. */
const APPOINTMENT_PARTIES = (status: number): Expected => ({
  ...BAD,
  otherManager: 403,
  otherProvider: 403,
  thisProvider: status,
  manager: status,
  admin: status,
  consumer: status,
  otherConsumer: 401,
});

/** The table: `METHOD /path` as in the OpenAPI document -> expected status per caller kind. */
const MATRIX: Record<string, Expected> = {
  'GET /health': ANYONE(200),
  'GET /openapi.json': ANYONE(200),
  'GET /asyncapi.json': ANYONE(200),
  'PUT /businesses/{businessId}': { ...MANAGERS(200) },
  'GET /businesses/{businessId}': MANAGERS(200),
  'PUT /businesses/{businessId}/providers/{providerId}': MANAGERS(200),
  'GET /businesses/{businessId}/providers': PUBLIC_OPTIONAL_STAFF(200),
  'DELETE /businesses/{businessId}/providers/{providerId}': MANAGERS(204),
  'PUT /businesses/{businessId}/providers/{providerId}/schedule': MANAGERS(200),
  'GET /businesses/{businessId}/providers/{providerId}/schedule': PROVIDER_AND_MANAGERS(200),
  'PUT /businesses/{businessId}/providers/{providerId}/overrides/{date}': MANAGERS(200),
  'DELETE /businesses/{businessId}/providers/{providerId}/overrides/{date}': MANAGERS(204),
  'GET /businesses/{businessId}/providers/{providerId}/overrides': PROVIDER_AND_MANAGERS(200),
  'PUT /businesses/{businessId}/services/{serviceId}': MANAGERS(200),
  'GET /businesses/{businessId}/services': PUBLIC_OPTIONAL_STAFF(200),
  'DELETE /businesses/{businessId}/services/{serviceId}': MANAGERS(204),
  'GET /businesses/{businessId}/services/{serviceId}/slots': PUBLIC_OPTIONAL_STAFF(200),
  'POST /businesses/{businessId}/phone-verifications': PUBLIC_OPTIONAL_STAFF(202),
  'PUT /businesses/{businessId}/closures/{closureId}': MANAGERS(200),
  'DELETE /businesses/{businessId}/closures/{closureId}': MANAGERS(204),
  'GET /businesses/{businessId}/closures': MANAGERS(200),
  'POST /businesses/{businessId}/closures/{closureId}/cancel-appointments': MANAGERS(200),
  // The same 202 whoever asks about whichever address (docs/api.md "Lost link").
  'POST /businesses/{businessId}/appointments/lookup': PUBLIC_OPTIONAL_STAFF(202),
  'POST /businesses/{businessId}/appointments': PUBLIC_OPTIONAL_STAFF(201),
  'GET /businesses/{businessId}/appointments': MANAGERS(200),
  'GET /businesses/{businessId}/providers/{providerId}/appointments': PROVIDER_AND_MANAGERS(200),
  'GET /businesses/{businessId}/providers/{providerId}/calendar.ics': PROVIDER_AND_MANAGERS(200),
  'POST /businesses/{businessId}/providers/{providerId}/calendar-feed-token': PROVIDER_AND_MANAGERS(200),
  'GET /appointments/{appointmentId}': APPOINTMENT_PARTIES(200),
  'POST /appointments/{appointmentId}/cancel': APPOINTMENT_PARTIES(200),
  'POST /appointments/{appointmentId}/reschedule': APPOINTMENT_PARTIES(200),
  'GET /appointments/{appointmentId}/calendar.ics': APPOINTMENT_PARTIES(200),
  // The video visit is for its two participants only; managers and admins run the business, not the call.
  'POST /appointments/{appointmentId}/join': { ...APPOINTMENT_PARTIES(200), manager: 403, admin: 403 },
  'POST /appointments/{appointmentId}/complete': { ...APPOINTMENT_PARTIES(200), consumer: 403 },
  'POST /appointments/{appointmentId}/no-show': { ...APPOINTMENT_PARTIES(200), consumer: 403 },
  // Consent is the consumer's to withdraw (a manager may record it for them); the provider has no say.
  'POST /appointments/{appointmentId}/sms-consent': { ...APPOINTMENT_PARTIES(200), thisProvider: 403 },
  // Erasure is the business's decision (its managers and admins), not the provider's or the consumer's own.
  'POST /appointments/{appointmentId}/erase': { ...APPOINTMENT_PARTIES(200), thisProvider: 403, consumer: 403 },
};

const B = 'matrix';
const ZONE = 'Europe/Berlin';
const MIN = 60_000;

interface Booking {
  appointment: { id: string };
  manageToken: string;
}

describe('authorization matrix', () => {
  let stack: AppStack;
  let prefix: string;
  const tokens = {} as Record<Exclude<CallerKind, 'anonymous' | 'consumer' | 'otherConsumer'>, string>;
  let day1: DateTime;
  /** Appointments of provider amy: A (joinable, in the future), B (bob's, another consumer), started ones, fresh ones. */
  let appointmentA: Booking;
  let appointmentB: Booking;
  const started: Booking[] = [];
  let nextFreeSlot = 0;
  let stable = '';

  const book = async (start: DateTime, providerId: string): Promise<Booking> => {
    const result = await stack.call<Booking>('POST', `/businesses/${B}/appointments`, {
      body: {
        serviceId: 'consult',
        providerId,
        start: start.toUTC().toISO(),
        consumer: { name: 'Matrix Consumer', email: `matrix-${process.pid}@example.com` },
      },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    return result.body;
  };
  /** A free future start of amy's on day 2, never used twice. */
  const freeStart = () => {
    const n = nextFreeSlot++;
    return day1
      .plus({ days: 1 + Math.floor(n / 48) })
      .set({ hour: 9, minute: 0 })
      .plus({ minutes: 10 * (n % 48) });
  };
  let phones = 0;

  beforeAll(async () => {
    prefix = uniqueTablePrefix();
    stack = await startAppStack({
      clockMode: 'virtual',
      env: {
        TABLE_NAME_PREFIX: prefix,
        RATE_LIMIT_PER_SECOND: '100000',
        RATE_LIMIT_BURST: '100000',
        PHONE_CODES_PER_CLIENT_PER_HOUR: '100000',
        LOOKUPS_PER_CLIENT_PER_HOUR: '100000',
      },
    });
    const service = {
      durationMinutes: 10,
      slotIntervalMinutes: 10,
      minimumNoticeMinutes: 0,
      cancellationCutoffMinutes: 0,
      rescheduleCutoffMinutes: 0,
      joinWindowMinutes: 60,
      reminders: [],
    };
    await configureClinic(stack, { businessId: B, providers: ['amy', 'bob'], service });
    await configureClinic(stack, { businessId: 'rival', providers: ['zed'], service });
    const now0 = await stack.now();
    const key = await loadOrCreateDevIssuerKey();
    const admin = ['Scheduling.Admin'];
    let now = now0;
    const sign = async (claims: { iss?: string; aud?: string; iat?: number; exp?: number }) =>
      new SignJWT({ oid: 'admin-forged', roles: admin })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(claims.iss ?? (process.env.AUTH_ISSUER || 'urn:virtual-appointments:dev-issuer'))
        .setAudience(claims.aud ?? 'api://virtual-appointments')
        .setIssuedAt(claims.iat ?? Math.floor(now / 1000))
        .setExpirationTime(claims.exp ?? Math.floor(now / 1000) + 3600)
        .sign(await importJWK(key.privateJwk, 'RS256'));

    // Day 1 (local): six appointments of amy's that will have started, then A (joinable) and B (bob's).
    day1 = DateTime.fromMillis(now0, { zone: ZONE }).plus({ days: 1 }).startOf('day');
    // Seven: three allowed completes and three allowed no-shows use one each; the last is the refused calls' target.
    for (let i = 0; i < 7; i += 1) started.push(await book(day1.set({ hour: 11, minute: 20 }).plus({ minutes: 10 * i }), 'amy'));
    appointmentA = await book(day1.set({ hour: 13 }), 'amy');
    appointmentB = await book(day1.set({ hour: 13 }), 'bob');
    // An override that the PUT case replaces (200) and the DELETE case removes.
    const overrideDate = day1.plus({ days: 20 }).toISODate()!;
    const seeded = await stack.call('PUT', `/businesses/${B}/providers/amy/overrides/${overrideDate}`, {
      token: await stack.staffToken(`manager-${B}`),
      body: { intervals: [] },
    });
    expect(seeded.status).toBe(201);
    // A closure (on a day without appointments) that the PUT case replaces, the bulk cancel uses and the DELETE case removes.
    const closure = await stack.call('PUT', `/businesses/${B}/closures/matrix-closure`, {
      token: await stack.staffToken(`manager-${B}`),
      body: { from: day1.plus({ days: 25 }).toISODate(), to: day1.plus({ days: 25 }).toISODate() },
    });
    expect(closure.status).toBe(201);
    // To 12:29: the started ones have begun (not yet auto-completed), A's join window (60 min) is open.
    const target = day1.set({ hour: 12, minute: 29 }).toMillis();
    await stack.advance(Math.floor((target - (await stack.now())) / MIN));
    // Tokens are minted at the (virtual) time they are used.
    now = await stack.now();
    // Every forged token claims the admin role: a check that let it through would show as a 2xx.
    const valid = await stack.staffToken('admin-forged', admin);
    const [head, payload, signature] = valid.split('.');
    const unsignedHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    Object.assign(tokens, {
      expired: await sign({ iat: Math.floor(now / 1000) - 7200, exp: Math.floor(now / 1000) - 3600 }),
      wrongIssuer: await sign({ iss: 'https://login.example/attacker' }),
      wrongAudience: await sign({ aud: 'api://someone-else' }),
      wrongSignature: `${head}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
      algNone: `${unsignedHeader}.${payload}.`,
      otherManager: await stack.staffToken('manager-rival'),
      otherProvider: await stack.staffToken(`oid-${B}-bob`),
      thisProvider: await stack.staffToken(`oid-${B}-amy`),
      manager: await stack.staffToken(`manager-${B}`),
      admin: await stack.staffToken('someone-in-admin-role', admin),
    });
    stable = await stableSnapshot();
    // The comparison sees the rows that matter: the business's configuration and its appointments.
    expect(stable).toContain(`"managers"`);
    expect(stable.split('\n').filter((row) => row.includes(appointmentA.appointment.id)).length).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything the app stored, minus bookkeeping that any request may touch (counters) and the durable task hub. */
  async function snapshot(): Promise<string> {
    const connection = testStorageConnectionString();
    const service = TableServiceClient.fromConnectionString(connection, { allowInsecureConnection: true });
    const rows: string[] = [];
    for await (const table of service.listTables()) {
      const name = table.name!;
      if (!name.startsWith(prefix) || /quotas|durable|hub|instances|history/i.test(name.slice(prefix.length))) continue;
      const client = TableClient.fromConnectionString(connection, name, { allowInsecureConnection: true });
      for await (const entity of client.listEntities()) {
        const { etag: _etag, timestamp: _timestamp, ...rest } = entity as Record<string, unknown>;
        rows.push(`${name}|${JSON.stringify(rest, Object.keys(rest).sort())}`);
      }
    }
    return rows.sort().join('\n');
  }

  /**
   * The stored state once background work has settled: no outbox row left to run (effects such as the
   * chat thread made ahead may wait out ACS's rate limit) and no change for 1.2 s. The quiet period is
   * for the lifecycle of a fresh booking, whose first notice the durable scheduler may take over a second
   * to send on a loaded machine (CI on two cores once saw it land after two equal snapshots 150 ms apart).
   */
  async function stableSnapshot(): Promise<string> {
    const QUIET_SNAPSHOTS = 8;
    let previous = await snapshot();
    let quiet = 0;
    for (let i = 0; i < 600; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      const current = await snapshot();
      quiet = current === previous && !current.includes('"rowKey":"outbox|') ? quiet + 1 : 0;
      if (quiet >= QUIET_SNAPSHOTS) return current;
      previous = current;
    }
    throw new Error('the stored state never settled');
  }

  /** The request of one operation for one caller; `consumer` is the target appointment's own token. */
  async function requestFor(
    operation: string,
    caller: CallerKind,
    allowed: boolean,
  ): Promise<{ method: string; path: string; body?: unknown; token?: string; manageToken?: string }> {
    const [method, template] = operation.split(' ') as [string, string];
    let appointment: Booking | undefined;
    if (template.startsWith('/appointments/')) {
      // Allowed changes each get an appointment of their own, so one caller's success does not change another's case.
      if (/complete|no-show/.test(template)) appointment = allowed ? started.shift()! : started[started.length - 1]!;
      else if (allowed && /cancel|reschedule|sms-consent|erase/.test(template)) appointment = await book(freeStart(), 'amy');
      else appointment = appointmentA;
    }
    const path = template
      .replace('{businessId}', B)
      .replace('{providerId}', 'amy')
      .replace('{serviceId}', 'consult')
      .replace('{date}', day1.plus({ days: 20 }).toISODate()!)
      .replace('{closureId}', 'matrix-closure')
      .replace('{appointmentId}', appointment?.appointment.id ?? 'none');
    const hours = [{ start: '09:00', end: '17:00' }];
    const bodies: Record<string, () => unknown> = {
      'PUT /businesses/{businessId}': () => ({ name: `Clinic ${B}`, timeZone: ZONE, managers: [`manager-${B}`] }),
      'PUT /businesses/{businessId}/providers/{providerId}': () => ({
        displayName: 'Dr amy',
        email: 'amy@clinic.example',
        timeZone: ZONE,
        staffObjectId: `oid-${B}-amy`,
      }),
      'PUT /businesses/{businessId}/providers/{providerId}/schedule': () => ({
        weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours },
      }),
      'PUT /businesses/{businessId}/providers/{providerId}/overrides/{date}': () => ({ intervals: [] }),
      'PUT /businesses/{businessId}/services/{serviceId}': () => ({
        name: 'Consultation',
        durationMinutes: 10,
        slotIntervalMinutes: 10,
        providerIds: ['amy', 'bob'],
        minimumNoticeMinutes: 0,
        cancellationCutoffMinutes: 0,
        rescheduleCutoffMinutes: 0,
        joinWindowMinutes: 60,
        reminders: [],
      }),
      'POST /businesses/{businessId}/phone-verifications': () => ({
        phone: `+1415${String(200 + (process.pid % 800))}${String((phones += 1)).padStart(4, '0')}`,
      }),
      'POST /businesses/{businessId}/appointments': () => ({
        serviceId: 'consult',
        providerId: 'amy',
        start: freeStart().toUTC().toISO(),
        consumer: { name: 'Matrix', email: 'm@example.com' },
      }),
      'POST /appointments/{appointmentId}/reschedule': () => ({ start: freeStart().toUTC().toISO() }),
      'POST /appointments/{appointmentId}/cancel': () => ({ reason: 'matrix' }),
      'PUT /businesses/{businessId}/closures/{closureId}': () => ({
        from: day1.plus({ days: 25 }).toISODate(),
        to: day1.plus({ days: 25 }).toISODate(),
        reason: 'matrix',
      }),
      'POST /businesses/{businessId}/closures/{closureId}/cancel-appointments': () => ({ reason: 'matrix' }),
      'POST /businesses/{businessId}/appointments/lookup': () => ({ email: `matrix-${process.pid}@example.com` }),
      'POST /appointments/{appointmentId}/sms-consent': () => ({ consent: false }),
    };
    const query = template.endsWith('/slots')
      ? `?from=${encodeURIComponent(day1.plus({ days: 2 }).toUTC().toISO()!)}&to=${encodeURIComponent(day1.plus({ days: 3 }).toUTC().toISO()!)}`
      : template.endsWith('/overrides') || template.endsWith('/closures')
        ? `?from=${day1.toISODate()}&to=${day1.plus({ days: 30 }).toISODate()}`
        : template.endsWith('/appointments') && method === 'GET'
          ? `?from=${encodeURIComponent(day1.toUTC().toISO()!)}&to=${encodeURIComponent(day1.plus({ days: 5 }).toUTC().toISO()!)}`
          : '';
    const credentials =
      caller === 'anonymous'
        ? {}
        : caller === 'consumer'
          ? appointment
            ? { manageToken: appointment.manageToken }
            : { manageToken: appointmentA.manageToken }
          : caller === 'otherConsumer'
            ? { manageToken: appointmentB.manageToken }
            : { token: tokens[caller] };
    return { method, path: path + query, ...(operation in bodies ? { body: bodies[operation]!() } : {}), ...credentials };
  }

  it('lists every operation of the OpenAPI document, and nothing else', async () => {
    const doc = (await stack.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body;
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.length).toBeGreaterThan(25);
    expect(Object.keys(MATRIX).sort()).toEqual(documented.sort());
  });

  it('answers each caller kind as the table says; a refused call changes nothing', async () => {
    const doc = (await stack.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body;
    const operations = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      // Deactivations last: they would take amy or the service away from the cases after them.
      .sort((a, b) => Number(a.startsWith('DELETE')) - Number(b.startsWith('DELETE')) || a.localeCompare(b));
    const mismatches: string[] = [];
    for (const operation of operations) {
      const expected = MATRIX[operation];
      if (!expected) {
        mismatches.push(`${operation}: not in the table`);
        continue;
      }
      for (const caller of CALLERS) {
        const want = expected[caller];
        const refused = want === 401 || want === 403 || want === 404;
        const { method, path, body, token, manageToken } = await requestFor(operation, caller, !refused);
        // Fixtures an allowed call needs (a fresh appointment) are made first; then the state must settle.
        if (!refused) stable = '';
        const before = refused ? stable || (stable = await stableSnapshot()) : '';
        const answer = await stack.call(method, path, {
          ...(body !== undefined ? { body } : {}),
          ...(token ? { token } : {}),
          ...(manageToken ? { manageToken } : {}),
        });
        if (answer.status !== want)
          mismatches.push(
            `${operation} as ${caller}: ${answer.status}, expected ${want} ${answer.status >= 400 ? answer.text.slice(0, 160) : ''}`,
          );
        if (refused && (await snapshot()) !== before) mismatches.push(`${operation} as ${caller}: refused, but the stored state changed`);
        // Issue 12 defect 9, over the wire on every operation: nosniff always; nothing stored by caches but the API documents.
        if (answer.headers.get('x-content-type-options') !== 'nosniff') mismatches.push(`${operation} as ${caller}: no nosniff`);
        if (operation !== 'GET /openapi.json' && operation !== 'GET /asyncapi.json' && answer.headers.get('cache-control') !== 'no-store')
          mismatches.push(`${operation} as ${caller}: Cache-Control ${answer.headers.get('cache-control')}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 240_000); // ~45 operations x 13 callers, each refused call compared with a settled snapshot: a minute alone, more under a full run
});
