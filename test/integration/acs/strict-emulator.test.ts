/**
 * The ACS emulator refuses what Azure refuses: one test (or more) per row of the "Where the emulator
 * is as strict as Azure" table in docs/acs-emulator.md, through the real SDKs and the app's adapters.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { EmailClient } from '@azure/communication-email';
import { RoomsClient } from '@azure/communication-rooms';
import { startAcsEmulator, type RunningAcsEmulator } from '../../../dev/acs-emulator/start';
import { AcsError, AcsThrottledError } from '../../../shared/app/ports/acs';
import { adaptersFor, admin, DAY_MS, uniqueEmail, uniquePhone } from './acs-test-kit';

// A private emulator: these tests change its resource settings, move its clock and reset it.
let emulator: RunningAcsEmulator;

beforeAll(async () => {
  emulator = await startAcsEmulator();
});

afterAll(async () => {
  await emulator?.stop();
});

const DEFAULTS = {
  smsNumbers: ['+18005550100'],
  emailDomains: ['appointments.example'],
  emailProfile: 'custom-domain',
  revocationDelayMs: 60_000,
  emailRunningPolls: 1,
};

beforeEach(async () => {
  await admin(emulator.adminUrl, 'POST', '/admin/reset');
  await admin(emulator.adminUrl, 'PATCH', '/admin/resource', DEFAULTS);
});

const resource = (changes: Record<string, unknown>) => admin(emulator.adminUrl, 'PATCH', '/admin/resource', changes);
const advance = (minutes: number) => admin(emulator.adminUrl, 'POST', '/admin/clock', { advanceMinutes: minutes });
const local = (env: Record<string, string> = {}) =>
  adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_CERT_PATH: emulator.caCertPath, ...env });
/** SDK client options without pipeline retries, so each test sees the service's first answer. */
const rawOptions = () =>
  ({ tlsOptions: { ca: fs.readFileSync(emulator.caCertPath) }, retryOptions: { maxRetries: 0 } }) as Record<string, unknown>;

async function failure<T extends Error = AcsError>(promise: Promise<unknown>): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as T;
}

const email = (to = uniqueEmail()) => ({ to: [{ address: to }], subject: 'Visit', plainText: 'See you.' });

describe('SMS as strict as Azure', () => {
  it('refuses a sender the resource does not own with 401, and sends nothing', async () => {
    const error = await failure(local({ ACS_SMS_FROM: '+18005550199' }).sms.send({ to: [uniquePhone()], message: 'Hi' }));
    expect(error).toMatchObject({ service: 'sms', status: 401, transient: false });
    expect((await admin<{ sms: unknown[] }>(emulator.adminUrl, 'GET', '/admin/sms')).body.sms).toEqual([]);
  });

  it('answers each invalid recipient with its own 400 and sends to the others', async () => {
    const good = uniquePhone();
    const results = await local().sms.send({ to: [good, '0151 not e164'], message: 'Hi' });
    expect(results).toEqual([
      expect.objectContaining({ to: good, successful: true, httpStatusCode: 202 }),
      expect.objectContaining({
        to: '0151 not e164',
        successful: false,
        httpStatusCode: 400,
        errorMessage: 'Invalid To phone number format.',
      }),
    ]);
  });

  it('a toll-free sender reaches only the US, Canada and Puerto Rico', async () => {
    const reached = ['+12062001234', '+14162345678', '+17872345678'];
    const unreached = ['+4915112345678', '+18762345678'];
    const results = await local().sms.send({ to: [...reached, ...unreached], message: 'Hi' });
    expect(results.filter((r) => r.successful).map((r) => r.to)).toEqual(reached);
    expect(results.filter((r) => !r.successful)).toEqual(
      unreached.map((to) => expect.objectContaining({ to, httpStatusCode: 400, errorMessage: expect.stringContaining('toll-free') })),
    );
  });
});

describe('SMS opt-outs (STOP) as in Azure', () => {
  const stop = (from: string, message = 'STOP') =>
    admin(emulator.adminUrl, 'POST', '/admin/sms/inbound', { from, to: '+18005550100', message });
  const sent = async () =>
    (
      await admin<{ sms: Array<{ to: string; successful: boolean; deliveryStatus: string | null; deliveryStatusDetails?: string }> }>(
        emulator.adminUrl,
        'GET',
        '/admin/sms',
      )
    ).body.sms;

  it('accepts an SMS to a number that texted STOP (202) but never delivers it: the delivery report says "Sender blocked for given recipient."', async () => {
    const phone = uniquePhone();
    expect((await stop(phone, ' stop ')).status).toBe(201);
    const [result] = await local().sms.send({ to: [phone], message: 'Reminder' });
    expect(result).toMatchObject({ to: phone, successful: true, httpStatusCode: 202 });
    expect(await sent()).toEqual([
      expect.objectContaining({
        to: phone,
        successful: true,
        deliveryStatus: 'Failed',
        deliveryStatusDetails: 'Sender blocked for given recipient.',
      }),
    ]);
    // Not among the messages delivered to the phone.
    expect(
      (await admin<{ messages: unknown[] }>(emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(phone)}`)).body.messages,
    ).toEqual([]);
  });

  it('lists a number that texted STOP on the opt-out API (optouts:check), and START takes it off again', async () => {
    const phone = uniquePhone();
    const other = uniquePhone();
    const optOuts = local().smsOptOuts;
    await expect(optOuts.isOptedOut(phone)).resolves.toBe(false);
    await stop(phone);
    await expect(optOuts.isOptedOut(phone)).resolves.toBe(true);
    await expect(optOuts.isOptedOut(other)).resolves.toBe(false);
    await stop(phone, 'START');
    await expect(optOuts.isOptedOut(phone)).resolves.toBe(false);
    expect(
      (await admin<{ inbound: Array<{ from: string; message: string }> }>(emulator.adminUrl, 'GET', '/admin/sms/inbound')).body.inbound.map(
        (m) => m.message,
      ),
    ).toEqual(['STOP', 'START']);
  });

  it('answers the opt-out API only for a sender the resource owns (401), with its own api-version', async () => {
    const optOuts = local({ ACS_SMS_FROM: '+18005550199' }).smsOptOuts;
    const error = await failure(optOuts.isOptedOut(uniquePhone()));
    expect(error).toMatchObject({ service: 'sms', status: 401, transient: false });
    // The adapter does not ask again in this process (the app reported it once): no list to ask.
    await expect(optOuts.isOptedOut(uniquePhone())).resolves.toBeUndefined();
  });
});

describe('chat thread deletion as in Azure', () => {
  it('deletes a thread with its messages (204); the thread is gone for every member and a second delete changes nothing', async () => {
    const acs = local();
    const member = await acs.identity.createUser();
    const { threadId } = await acs.chat.createThread({ topic: 'Visit', participants: [{ userId: member, displayName: 'Erin' }] });
    await acs.chat.sendMessage(threadId, { content: 'My number is +13125550100' });
    await acs.chat.deleteThread(threadId);
    expect(
      (await admin<{ chatThreads: Array<{ id: string }> }>(emulator.adminUrl, 'GET', '/admin/chat/threads')).body.chatThreads.map(
        (t) => t.id,
      ),
    ).not.toContain(threadId);
    await expect(acs.chat.listMessages(threadId)).rejects.toMatchObject({ service: 'chat', status: 404 });
    await expect(acs.chat.deleteThread(threadId)).resolves.toBeUndefined();
  });
});

describe('email as strict as Azure', () => {
  it('refuses a sender whose domain is not linked to the resource', async () => {
    const error = await failure(local({ ACS_EMAIL_SENDER: 'no-reply@elsewhere.example' }).email.send(email()));
    expect(error).toMatchObject({ service: 'email', code: 'DomainNotLinked', transient: false });
  });

  it('azure-managed: the 6th send in a minute is 429 with Retry-After, surfaced at once as AcsThrottledError; a minute later sends again', async () => {
    await resource({ emailProfile: 'azure-managed', emailRunningPolls: 0 });
    const acs = local();
    for (let i = 0; i < 5; i++) await acs.email.send(email());
    const started = Date.now();
    const throttled = await failure<AcsThrottledError>(acs.email.send(email()));
    // Not slept through: the SDK would otherwise wait the whole Retry-After (up to a minute) inside the call.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(throttled).toBeInstanceOf(AcsThrottledError);
    expect(throttled).toMatchObject({ service: 'email', status: 429, transient: true });
    expect(throttled.retryAfterMs).toBeGreaterThan(0);
    expect(throttled.retryAfterMs).toBeLessThanOrEqual(60_000);
    await advance(1);
    await expect(acs.email.send(email())).resolves.toHaveProperty('operationId');
  });

  it('azure-managed: 10 sends an hour, then 429 until the hour is over', async () => {
    await resource({ emailProfile: 'azure-managed', emailRunningPolls: 0 });
    const acs = local();
    for (let i = 0; i < 10; i++) {
      if (i === 5) await advance(1.01);
      await acs.email.send(email());
    }
    await advance(1.01);
    const throttled = await failure<AcsThrottledError>(acs.email.send(email()));
    expect(throttled.retryAfterMs).toBeGreaterThan(50 * 60_000);
    await advance(60);
    await expect(acs.email.send(email())).resolves.toHaveProperty('operationId');
  });

  it('azure-managed: the 11th status poll in a minute is 429', async () => {
    await resource({ emailProfile: 'azure-managed', emailRunningPolls: 50 });
    const client = new EmailClient(emulator.connectionString, rawOptions());
    // beginSend polls once itself: 9 more are allowed in the minute.
    const poller = await client.beginSend({
      senderAddress: 'no-reply@appointments.example',
      content: { subject: 'Visit', plainText: 'x' },
      recipients: { to: [{ address: uniqueEmail() }] },
    });
    for (let i = 0; i < 9; i++) await poller.poll();
    expect(poller.getOperationState().status).toBe('running');
    await expect(poller.poll()).rejects.toMatchObject({ statusCode: 429 });
  });

  it('custom-domain (what npm start uses) allows more than 5 sends a minute', async () => {
    await resource({ emailRunningPolls: 0 });
    const acs = local();
    for (let i = 0; i < 8; i++) await acs.email.send(email());
    expect((await admin<{ emails: unknown[] }>(emulator.adminUrl, 'GET', '/admin/emails')).body.emails).toHaveLength(8);
  });

  it('reports Running with retry-after before the send ends, and the SDK waits for it', async () => {
    await resource({ emailRunningPolls: 2 });
    const client = new EmailClient(emulator.connectionString, rawOptions());
    const poller = await client.beginSend(
      {
        senderAddress: 'no-reply@appointments.example',
        content: { subject: 'Visit', plainText: 'x' },
        recipients: { to: [{ address: uniqueEmail() }] },
      },
      { updateIntervalInMs: 10 },
    );
    // beginSend's own first poll answered Running; so does the next one, with retry-after: 1.
    expect(poller.getOperationState().status).toBe('running');
    const started = Date.now();
    await poller.pollUntilDone();
    expect(poller.getOperationState().status).toBe('succeeded');
    // The poller honoured retry-after (1 s) instead of its 10 ms interval.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a send can be made to end Failed, which the adapter reports as a final error and the inspection leaves out', async () => {
    await admin(emulator.adminUrl, 'POST', '/admin/emails/failures', { code: 'RecipientMailboxFull', message: 'Mailbox full.' });
    const to = uniqueEmail();
    const error = await failure(local().email.send(email(to)));
    expect(error).toMatchObject({ service: 'email', code: 'RecipientMailboxFull', transient: false });
    expect(
      (await admin<{ messages: unknown[] }>(emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(to)}`)).body.messages,
    ).toEqual([]);
    await expect(local().email.send(email())).resolves.toHaveProperty('operationId');
  });

  it('refuses more than 50 recipients, an attachment type ACS does not accept, and a message over 10 MB', async () => {
    const acs = local();
    const many = Array.from({ length: 51 }, () => ({ address: uniqueEmail() }));
    await expect(acs.email.send({ ...email(), to: many })).rejects.toMatchObject({ status: 400, transient: false });
    const exe = { name: 'setup.exe', contentType: 'application/octet-stream', content: Buffer.from('MZ') };
    await expect(acs.email.send({ ...email(), attachments: [exe] })).rejects.toMatchObject({ status: 400, code: 'InvalidAttachmentType' });
    const ics = { name: 'appointment.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR') };
    await expect(acs.email.send({ ...email(), attachments: [ics] })).resolves.toHaveProperty('operationId');
    const huge = { name: 'scan.pdf', contentType: 'application/pdf', content: Buffer.alloc(8 * 1024 * 1024) };
    await expect(acs.email.send({ ...email(), attachments: [huge] })).rejects.toMatchObject({ status: 413, transient: false });
  });
});

describe('identity as strict as Azure', () => {
  it('answers 401 for an id the resource does not know (another resource, deleted)', async () => {
    const acs = local();
    await expect(
      acs.identity.issueToken('8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000001', ['chat'], 60),
    ).rejects.toMatchObject({ status: 401 });
    const userId = await acs.identity.createUser();
    await acs.identity.deleteUser(userId);
    await expect(acs.identity.issueToken(userId, ['chat'], 60)).rejects.toMatchObject({ status: 401, transient: false });
  });

  it('revoked tokens work until the configured delay has passed', async () => {
    await resource({ revocationDelayMs: 5 * 60_000 });
    const acs = local();
    const userId = await acs.identity.createUser();
    const { token } = await acs.identity.issueToken(userId, ['chat'], 60);
    const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), rawOptions());
    await acs.identity.revokeTokens(userId);
    await expect(chat.createChatThread({ topic: 'within the delay' })).resolves.toHaveProperty('chatThread.id');
    await advance(5);
    await expect(chat.createChatThread({ topic: 'after it' })).rejects.toMatchObject({ statusCode: 401 });
  });

  it('keeps the resource id, its identities and their tokens across a restart with a state file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acs-state-'));
    const stateFile = path.join(dir, 'resource.json');
    const first = await startAcsEmulator({ stateFile });
    let userId: string;
    let token: string;
    try {
      const acs = adaptersFor({ ACS_CONNECTION_STRING: first.connectionString, ACS_CA_CERT_PATH: first.caCertPath });
      userId = await acs.identity.createUser();
      token = (await acs.identity.issueToken(userId, ['chat'], 60)).token;
    } finally {
      await first.stop();
    }
    const second = await startAcsEmulator({ stateFile });
    try {
      const acs = adaptersFor({ ACS_CONNECTION_STRING: second.connectionString, ACS_CA_CERT_PATH: second.caCertPath });
      await expect(acs.identity.issueToken(userId, ['chat'], 60)).resolves.toHaveProperty('token');
      const chat = new ChatClient(second.endpoint, new AzureCommunicationTokenCredential(token), {
        tlsOptions: { ca: fs.readFileSync(second.caCertPath) },
      } as Record<string, unknown>);
      await expect(chat.createChatThread({ topic: 'after restart' })).resolves.toHaveProperty('chatThread.id');
      // A new user belongs to the same resource.
      expect((await acs.identity.createUser()).split('_')[0]).toBe(userId.split('_')[0]);
    } finally {
      await second.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chat as strict as Azure', () => {
  async function chatUser() {
    const acs = local();
    const userId = await acs.identity.createUser();
    const { token } = await acs.identity.issueToken(userId, ['chat'], 60);
    return new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), rawOptions());
  }

  it('lets one user create 10 threads per 10 seconds; the 11th is 429 with Retry-After', async () => {
    const chat = await chatUser();
    for (let i = 0; i < 10; i++) await chat.createChatThread({ topic: `t${i}` });
    const refused = await failure<Error & { statusCode?: number; response?: { headers: { get(n: string): string | undefined } } }>(
      chat.createChatThread({ topic: 't10' }),
    );
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.response?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not affected; the first may create again once 10 seconds have passed.
    await expect((await chatUser()).createChatThread({ topic: 'other user' })).resolves.toHaveProperty('chatThread.id');
    await advance(10 / 60);
    await expect(chat.createChatThread({ topic: 'later' })).resolves.toHaveProperty('chatThread.id');
  });

  it('accepts a message of 28 KB and refuses a longer one', async () => {
    const chat = await chatUser();
    const { chatThread } = await chat.createChatThread({ topic: 'sizes' });
    const thread = chat.getChatThreadClient(chatThread!.id);
    await expect(thread.sendMessage({ content: 'x'.repeat(28 * 1024) })).resolves.toHaveProperty('id');
    await expect(thread.sendMessage({ content: 'x'.repeat(28 * 1024 + 1) })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('a removed participant is refused at once (403), with a token that still works', async () => {
    const acs = local();
    const member = await acs.identity.createUser();
    const { threadId } = await acs.chat.createThread({ topic: 'removal', participants: [{ userId: member }] });
    const { token } = await acs.identity.issueToken(member, ['chat'], 60);
    const asMember = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), rawOptions()).getChatThreadClient(
      threadId,
    );
    await expect(asMember.getProperties()).resolves.toHaveProperty('id', threadId);
    await acs.chat.removeParticipant(threadId, member);
    await expect(asMember.getProperties()).rejects.toMatchObject({ statusCode: 403 });
    await expect(acs.chat.removeParticipant(threadId, member)).resolves.toBeUndefined();
  });
});

describe('rooms as strict as Azure', () => {
  it('refuses a validity update with only one bound', async () => {
    const rooms = new RoomsClient(emulator.connectionString, rawOptions());
    const validFrom = new Date(Date.now() + 60_000);
    const room = await rooms.createRoom({ validFrom, validUntil: new Date(validFrom.getTime() + DAY_MS) });
    await expect(rooms.updateRoom(room.id, { validUntil: new Date(validFrom.getTime() + 2 * DAY_MS) })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(rooms.updateRoom(room.id, { validFrom, validUntil: new Date(validFrom.getTime() + 2 * DAY_MS) })).resolves.toHaveProperty(
      'id',
      room.id,
    );
  });

  it('a create repeated with the same Repeatability-Request-ID (a retry after a lost answer) makes one room', async () => {
    // Sends each create twice, as a retry after a lost response does, and returns the second answer.
    const sendTwice = {
      name: 'sendTwice',
      async sendRequest<R, T>(request: R, next: (request: R) => Promise<T>): Promise<T> {
        await next(request);
        return next(request);
      },
    };
    const rooms = new RoomsClient(emulator.connectionString, {
      ...rawOptions(),
      additionalPolicies: [{ policy: sendTwice, position: 'perCall' }],
    });
    const room = await rooms.createRoom({ validFrom: new Date(), validUntil: new Date(Date.now() + DAY_MS) });
    const all = (await admin<{ rooms: Array<{ id: string }> }>(emulator.adminUrl, 'GET', '/admin/rooms')).body.rooms;
    expect(all.map((r) => r.id)).toEqual([room.id]);
  });

  it('a room expires after its validity', async () => {
    const acs = local();
    const room = await acs.rooms.createRoom({ validFrom: Date.now(), validUntil: Date.now() + DAY_MS });
    await advance(24 * 60 + 1);
    await expect(acs.rooms.getRoom(room.id)).resolves.toBeUndefined();
    expect((await acs.rooms.listRooms()).map((r) => r.id)).not.toContain(room.id);
  });
});
