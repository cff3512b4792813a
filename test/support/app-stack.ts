/**
 * The real app on the local host (child process) with the run's Azurite and ACS emulator, plus what
 * e2e tests keep needing: staff tokens from the dev issuer, JSON calls, the dev clock and messages,
 * and a configured clinic.
 */
import { DateTime } from 'luxon';
import { verificationCodeIn } from './phone-verification';
import { rememberSecret } from './log-leaks';
import { mintDevToken } from '../../dev/auth/dev-issuer';
import { startHostProcess, type HostProcess, type HostProcessOptions } from './host-process';

export interface CallOptions {
  /** Staff bearer token. */
  token?: string;
  /** Consumer manage token (X-Appointment-Token). */
  manageToken?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface AppStack {
  host: HostProcess;
  baseUrl: string;
  call<T = Record<string, unknown>>(method: string, path: string, options?: CallOptions): Promise<CallResult<T>>;
  /** A staff token valid at the host's current (possibly virtual) time. */
  staffToken(oid: string, roles?: string[]): Promise<string>;
  now(): Promise<number>;
  /** Virtual clock only: advances and waits for the timers and work it makes due. */
  advance(minutes: number): Promise<number>;
  /** What the ACS emulator was asked to send to one recipient. */
  messages(to: string): Promise<SentMessage[]>;
  stop(): Promise<void>;
}

export interface SentMessage {
  channel: 'email' | 'sms';
  kind: string;
  to: string;
  subject?: string;
  body: string;
  sentAt: string;
  appointmentId?: string;
}

export async function startAppStack(options: HostProcessOptions = {}): Promise<AppStack> {
  const host = await startHostProcess(options);
  const call = async <T>(method: string, path: string, callOptions: CallOptions = {}): Promise<CallResult<T>> => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.token) headers.Authorization = `Bearer ${callOptions.token}`;
    if (callOptions.manageToken) headers['X-Appointment-Token'] = callOptions.manageToken;
    let body: string | undefined;
    if (callOptions.body !== undefined) {
      body = typeof callOptions.body === 'string' ? callOptions.body : JSON.stringify(callOptions.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(`${host.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
    rememberSecretsIn(parsed);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  const now = async () => Date.parse((await call<{ now: string }>('GET', '/dev/clock')).body.now);
  return {
    host,
    baseUrl: host.baseUrl,
    call,
    now,
    staffToken: async (oid, roles = []) => mintDevToken({ oid, roles, nowMs: await now() }),
    advance: async (minutes) => {
      const result = await call<{ now: string }>('POST', '/dev/clock/advance', { body: { minutes } });
      if (result.status !== 200) throw new Error(`advance failed: ${result.status} ${result.text}`);
      return Date.parse(result.body.now);
    },
    messages: async (to) => (await call<{ messages: SentMessage[] }>('GET', `/dev/messages?to=${encodeURIComponent(to)}`)).body.messages,
    stop: () => host.stop(),
  };
}

export interface ClinicSpec {
  businessId: string;
  timeZone?: string;
  managerOid?: string;
  /** Provider ids; each works Mon-Sun 09:00-17:00 in the clinic's zone. */
  providers: string[];
  service?: Record<string, unknown>;
}

/** Creates a business, its providers with schedules, and one service `consult`, as an admin and manager would. */
export async function configureClinic(
  stack: AppStack,
  spec: ClinicSpec,
): Promise<{ managerToken: string; providerTokens: Record<string, string> }> {
  const timeZone = spec.timeZone ?? 'Europe/Berlin';
  const managerOid = spec.managerOid ?? `manager-${spec.businessId}`;
  const admin = await stack.staffToken('admin', ['Scheduling.Admin']);
  const managerToken = await stack.staffToken(managerOid);
  const expectOk = (result: CallResult<unknown>, what: string) => {
    if (result.status >= 300) throw new Error(`${what}: ${result.status} ${result.text}`);
  };
  expectOk(
    await stack.call('PUT', `/businesses/${spec.businessId}`, {
      token: admin,
      body: { name: `Clinic ${spec.businessId}`, timeZone, managers: [managerOid] },
    }),
    'business',
  );
  const hours = [{ start: '09:00', end: '17:00' }];
  const providerTokens: Record<string, string> = {};
  for (const id of spec.providers) {
    expectOk(
      await stack.call('PUT', `/businesses/${spec.businessId}/providers/${id}`, {
        token: managerToken,
        body: { displayName: `Dr ${id}`, email: `${id}@clinic.example`, timeZone, staffObjectId: `oid-${spec.businessId}-${id}` },
      }),
      `provider ${id}`,
    );
    expectOk(
      await stack.call('PUT', `/businesses/${spec.businessId}/providers/${id}/schedule`, {
        token: managerToken,
        body: { weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours } },
      }),
      `schedule ${id}`,
    );
    providerTokens[id] = await stack.staffToken(`oid-${spec.businessId}-${id}`);
  }
  expectOk(
    await stack.call('PUT', `/businesses/${spec.businessId}/services/consult`, {
      token: managerToken,
      body: { name: 'Consultation', durationMinutes: 30, providerIds: spec.providers, ...spec.service },
    }),
    'service',
  );
  return { managerToken, providerTokens };
}

/** An instant at a local wall time some days after the host's now (e.g. 10:00 in three days). */
export async function localTime(stack: AppStack, zone: string, daysAhead: number, time: string): Promise<string> {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.fromMillis(await stack.now(), { zone })
    .plus({ days: daysAhead })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toUTC()
    .toISO({ suppressMilliseconds: true })!;
}

/**
 * Verifies a consumer's phone as a front end does (issue 12: SMS only to verified numbers): asks for a
 * code, reads it from the SMS the emulator accepted, and answers what the booking carries.
 */
export async function verifyPhone(
  stack: AppStack,
  businessId: string,
  phone: string,
  messagesOf: (to: string) => Promise<Array<{ channel: string; kind: string; body: string }>> = stack.messages,
): Promise<{ id: string; code: string }> {
  const result = await stack.call<{ verificationId: string }>('POST', `/businesses/${encodeURIComponent(businessId)}/phone-verifications`, {
    body: { phone },
  });
  if (result.status !== 202) throw new Error(`phone verification failed: ${result.status} ${result.text}`);
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return { id: result.body.verificationId, code: verificationCodeIn(await messagesOf(phone)) };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Tokens handed out in answers are remembered, so the logs suite can tell if a host ever prints them. */
function rememberSecretsIn(value: unknown, depth = 0): void {
  if (depth > 6 || !value || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'string' && /^(manageToken|feedToken|token)$/.test(key)) rememberSecret(item);
    else rememberSecretsIn(item, depth + 1);
  }
}
