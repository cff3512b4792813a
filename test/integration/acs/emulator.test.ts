import fs from 'node:fs';
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { devMessagesRoute } from '../../../dev/acs-emulator/dev-messages-route';
import { startAcsEmulator, type RunningAcsEmulator } from '../../../dev/acs-emulator/start';
import { AppError } from '../../../shared/app/errors';
import { AcsError } from '../../../shared/app/ports/acs';
import { adaptersFor, admin, DAY_MS, uniqueEmail, uniquePhone } from './acs-test-kit';

// A private emulator: these tests inject faults, move its clock and reset it.
let emulator: RunningAcsEmulator;
let startMs: number;

beforeAll(async () => {
  const started = Date.now();
  emulator = await startAcsEmulator({ acceptEntraTokens: true });
  startMs = Date.now() - started;
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(async () => {
  await admin(emulator.adminUrl, 'POST', '/admin/reset');
});

const local = () => adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_CERT_PATH: emulator.caCertPath });

async function failure(promise: Promise<unknown>): Promise<AcsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AcsError);
  return error as AcsError;
}

async function faults() {
  return (await admin<{ faults: Array<{ remaining: number }> }>(emulator.adminUrl, 'GET', '/admin/faults')).body.faults;
}

describe('ACS emulator process', () => {
  it('starts as its own process with a health endpoint and reports its start-up time', async () => {
    process.stdout.write(`ACS emulator start-up: ${startMs} ms\n`);
    expect(emulator.pid).not.toBe(process.pid);
    await expect(admin(emulator.adminUrl, 'GET', '/health')).resolves.toEqual({ status: 200, body: { status: 'ok' } });
    expect(fs.readFileSync(emulator.caCertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('is trusted only through the configured CA: without it TLS verification fails', async () => {
    const untrusted = adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString });
    const error = await failure(untrusted.identity.createUser());
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/self[- ]signed/i);
  });
});

describe('ACS emulator authentication', () => {
  it('answers 401 Denied to a request signed with the wrong access key', async () => {
    const wrongKey = Buffer.alloc(32, 7).toString('base64');
    const forged = adaptersFor({
      ACS_CONNECTION_STRING: emulator.connectionString.replace(/accesskey=.*/, `accesskey=${wrongKey}`),
      ACS_CA_CERT_PATH: emulator.caCertPath,
    });
    const error = await failure(forged.sms.send({ to: [uniquePhone()], message: 'hi' }));
    expect(error).toMatchObject({ service: 'sms', status: 401, code: 'Denied', transient: false });
    expect((await admin<{ sms: unknown[] }>(emulator.adminUrl, 'GET', '/admin/sms')).body.sms).toEqual([]);
  });

  it('answers 401 to an unsigned request, in the service error shape', async () => {
    // Raw HTTPS without the SDK: trust the emulator's certificate for this one request.
    const { request } = await import('node:https');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${emulator.endpoint}identities?api-version=2023-10-01`,
        { method: 'POST', ca: fs.readFileSync(emulator.caCertPath) },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'Denied', message: expect.stringContaining('Denied by the resource provider') },
    });
  });

  it('accepts Entra bearer tokens for the ACS audience when configured to, and refuses other audiences', async () => {
    const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
    const credential = (aud: string): TokenCredential => ({
      getToken: async (): Promise<AccessToken> => ({
        token: jwt({ aud, exp: Math.floor(Date.now() / 1000) + 3600 }),
        expiresOnTimestamp: Date.now() + 3600_000,
      }),
    });
    const env = { ACS_ENDPOINT: emulator.endpoint, ACS_CA_CERT_PATH: emulator.caCertPath };
    await expect(adaptersFor(env, () => credential('https://communication.azure.com')).identity.createUser()).resolves.toMatch(/^8:acs:/);
    const error = await failure(adaptersFor(env, () => credential('https://storage.azure.com')).identity.createUser());
    expect(error).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
  });

  it('refuses an expired user token', async () => {
    const acs = local();
    const user = await acs.identity.createUser();
    const { token } = await acs.identity.issueToken(user, ['chat'], 60);
    const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), {
      tlsOptions: { ca: fs.readFileSync(emulator.caCertPath) },
    });
    await expect(chat.createChatThread({ topic: 'while valid' })).resolves.toHaveProperty('chatThread.id');
    await admin(emulator.adminUrl, 'POST', '/admin/clock', { advanceMinutes: 61 });
    await expect(chat.createChatThread({ topic: 'after expiry' })).rejects.toMatchObject({
      statusCode: 401,
      details: { error: { code: 'Unauthorized', message: 'The access token has expired.' } },
    });
  });
});

describe('ACS emulator faults and the adapters retries', () => {
  it('a 429 with Retry-After is retried by the SDK and then succeeds', async () => {
    await admin(emulator.adminUrl, 'POST', '/admin/faults', {
      path: '^/rooms$',
      method: 'POST',
      status: 429,
      retryAfterSeconds: 0,
      count: 2,
    });
    const room = await local().rooms.createRoom({ validFrom: Date.now(), validUntil: Date.now() + DAY_MS });
    expect(await faults()).toEqual([]);
    expect((await admin<{ rooms: Array<{ id: string }> }>(emulator.adminUrl, 'GET', '/admin/rooms')).body.rooms.map((r) => r.id)).toEqual([
      room.id,
    ]);
  });

  it('a 429 without Retry-After (which the SDK does not retry) is retried by the adapter', async () => {
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '^/identities$', status: 429, count: 2 });
    await expect(local().identity.createUser()).resolves.toMatch(/^8:acs:/);
    expect(await faults()).toEqual([]);
  });

  it('a persistent 500 surfaces as a transient AcsError after the configured retries', async () => {
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '^/emails:send$', status: 500, count: 10 });
    const error = await failure(local().email.send({ to: [{ address: uniqueEmail() }], subject: 's', plainText: 'b' }));
    expect(error).toMatchObject({ service: 'email', operation: 'send', status: 500, code: 'InternalServerError', transient: true });
    // ACS_MAX_RETRIES=3: one try and three retries consumed four of the ten faulty answers.
    expect(await faults()).toEqual([expect.objectContaining({ remaining: 6 })]);
  });

  it('a 503 on a chat call is retried, and latency only delays', async () => {
    const acs = local();
    const consumer = await acs.identity.createUser();
    const { threadId } = await acs.chat.createThread({ topic: 'faults', participants: [{ userId: consumer }] });
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '/messages$', method: 'POST', status: 503, retryAfterSeconds: 0 });
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '/messages$', method: 'GET', latencyMs: 50 });
    await acs.chat.sendMessage(threadId, { content: 'after a 503' });
    await expect(acs.chat.listMessages(threadId)).resolves.toEqual([expect.objectContaining({ content: 'after a 503' })]);
    expect(await faults()).toEqual([]);
  });

  it('refuses a fault without an effect', async () => {
    const answer = await admin<{ error: { code: string } }>(emulator.adminUrl, 'POST', '/admin/faults', { path: '/sms' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BadRequest');
  });
});

describe('ACS emulator inspection and /dev/messages', () => {
  it('lists what was sent, and forgets everything on reset', async () => {
    const acs = local();
    const phone = uniquePhone();
    const email = uniqueEmail();
    await acs.identity.createUser();
    await acs.sms.send({ to: [phone], message: 'Cancelled.', label: { kind: 'cancellation', appointmentId: 'apt-9' } });
    await acs.email.send({
      to: [{ address: email }],
      subject: 'Moved',
      plainText: 'New time: 11:00.',
      label: { kind: 'reschedule', appointmentId: 'apt-9' },
    });

    const state = (await admin<Record<string, unknown[]>>(emulator.adminUrl, 'GET', '/admin/state')).body;
    expect(state.identities).toHaveLength(1);
    expect(state.sms).toHaveLength(1);
    expect(state.emails).toHaveLength(1);

    const route = devMessagesRoute(emulator.adminUrl);
    expect(route).toMatchObject({ method: 'GET', path: 'dev/messages' });
    const bySms = await route.handle({ query: new URLSearchParams({ to: phone }), body: undefined, headers: {} });
    expect(bySms).toEqual({
      status: 200,
      body: {
        messages: [
          { channel: 'sms', kind: 'cancellation', to: phone, body: 'Cancelled.', sentAt: expect.any(String), appointmentId: 'apt-9' },
        ],
      },
    });
    const byEmail = await route.handle({ query: new URLSearchParams({ to: email }), body: undefined, headers: {} });
    expect(byEmail.body).toEqual({
      messages: [
        {
          channel: 'email',
          kind: 'reschedule',
          to: email,
          subject: 'Moved',
          body: 'New time: 11:00.',
          sentAt: expect.any(String),
          appointmentId: 'apt-9',
        },
      ],
    });
    await expect(route.handle({ query: new URLSearchParams(), body: undefined, headers: {} })).rejects.toBeInstanceOf(AppError);

    await admin(emulator.adminUrl, 'POST', '/admin/reset');
    const empty = (await admin<Record<string, unknown[]>>(emulator.adminUrl, 'GET', '/admin/state')).body;
    expect(empty).toEqual({ identities: [], rooms: [], sms: [], emails: [], chatThreads: [] });
  });
});
