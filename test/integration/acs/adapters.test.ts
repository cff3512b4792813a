import fs from 'node:fs';
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import { AcsError } from '../../../shared/app/ports/acs';
import { adaptersFor, admin, DAY_MS, EMAIL_SENDER, globalEmulator, SMS_FROM, uniqueEmail, uniquePhone } from './acs-test-kit';

// Every adapter operation through the real SDKs, over HTTPS, against the run's ACS emulator.
const emulator = globalEmulator();
const acs = adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_CERT_PATH: emulator.caCertPath });

async function acsError(promise: Promise<unknown>): Promise<AcsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AcsError);
  return error as AcsError;
}

describe('ACS identity adapter', () => {
  it('creates users and issues tokens with the asked scopes and lifetime', async () => {
    const userId = await acs.identity.createUser();
    expect(userId).toMatch(/^8:acs:[0-9a-f-]+_[0-9a-f-]+$/);
    const before = Date.now();
    const token = await acs.identity.issueToken(userId, ['voip', 'chat'], 60);
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1]!, 'base64url').toString()) as { acsScope: string; skypeid: string };
    expect(claims.acsScope).toBe('voip,chat');
    expect(`8:${claims.skypeid}`).toBe(userId);
    expect(token.expiresOn).toBeGreaterThanOrEqual(before + 59 * 60_000);
    expect(token.expiresOn).toBeLessThanOrEqual(Date.now() + 60 * 60_000 + 1000);
  });

  it.each([59, 1441])('rejects a token lifetime of %i minutes with the service error', async (minutes) => {
    const userId = await acs.identity.createUser();
    const error = await acsError(acs.identity.issueToken(userId, ['voip'], minutes));
    expect(error).toMatchObject({ service: 'identity', operation: 'issueToken', status: 400, code: 'ValidationError', transient: false });
  });

  it('accepts both ends of the lifetime range', async () => {
    const userId = await acs.identity.createUser();
    await expect(acs.identity.issueToken(userId, ['chat'], 60)).resolves.toHaveProperty('token');
    await expect(acs.identity.issueToken(userId, ['chat'], 1440)).resolves.toHaveProperty('token');
  });

  it('revoked tokens keep working until the revocation spreads (as in Azure); a deleted user gets no new token (401)', async () => {
    const userId = await acs.identity.createUser();
    const { token } = await acs.identity.issueToken(userId, ['chat'], 60);
    const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), {
      tlsOptions: { ca: fs.readFileSync(emulator.caCertPath) },
    });
    await expect(chat.createChatThread({ topic: 'before revoke' })).resolves.toHaveProperty('chatThread.id');
    await acs.identity.revokeTokens(userId);
    // Within the resource's revocation delay (60 s here; Azure: up to 15 minutes) the token still works,
    // which is why nothing in the app relies on revocation (strict-emulator.test.ts pins the end of it).
    await expect(chat.createChatThread({ topic: 'just after revoke' })).resolves.toHaveProperty('chatThread.id');

    await acs.identity.deleteUser(userId);
    const error = await acsError(acs.identity.issueToken(userId, ['chat'], 60));
    expect(error).toMatchObject({ status: 401, transient: false });
  });
});

describe('ACS rooms adapter', () => {
  it('creates, reads, updates, lists and deletes a room', async () => {
    const validFrom = Date.now() + 60_000;
    const room = await acs.rooms.createRoom({ validFrom, validUntil: validFrom + DAY_MS });
    expect(room.id).toMatch(/^\d{17}$/);
    expect(room.validFrom).toBe(validFrom);
    expect(room.validUntil).toBe(validFrom + DAY_MS);

    await expect(acs.rooms.getRoom(room.id)).resolves.toEqual(room);
    const updated = await acs.rooms.updateRoom(room.id, { validFrom, validUntil: validFrom + 2 * DAY_MS });
    expect(updated).toEqual({ ...room, validUntil: validFrom + 2 * DAY_MS });
    expect((await acs.rooms.listRooms()).map((r) => r.id)).toContain(room.id);

    await acs.rooms.deleteRoom(room.id);
    await expect(acs.rooms.getRoom(room.id)).resolves.toBeUndefined();
    // Deleting what is gone is fine (a retried cleanup).
    await expect(acs.rooms.deleteRoom(room.id)).resolves.toBeUndefined();
  });

  it('manages participants in every role the app uses', async () => {
    const [provider, consumer, observer] = await Promise.all([
      acs.identity.createUser(),
      acs.identity.createUser(),
      acs.identity.createUser(),
    ]);
    const room = await acs.rooms.createRoom({
      validFrom: Date.now(),
      validUntil: Date.now() + DAY_MS,
      participants: [{ userId: provider, role: 'Presenter' }],
    });
    await acs.rooms.upsertParticipants(room.id, [
      { userId: consumer, role: 'Attendee' },
      { userId: observer, role: 'Consumer' },
    ]);
    const byUser = (list: Array<{ userId: string; role: string }>) => Object.fromEntries(list.map((p) => [p.userId, p.role]));
    expect(byUser(await acs.rooms.listParticipants(room.id))).toEqual({
      [provider]: 'Presenter',
      [consumer]: 'Attendee',
      [observer]: 'Consumer',
    });

    await acs.rooms.upsertParticipants(room.id, [{ userId: consumer, role: 'Presenter' }]);
    await acs.rooms.removeParticipants(room.id, [observer]);
    expect(byUser(await acs.rooms.listParticipants(room.id))).toEqual({ [provider]: 'Presenter', [consumer]: 'Presenter' });
  });

  it('accepts a validity of exactly 180 days and rejects one beyond it with the service error', async () => {
    const validFrom = Date.now() + 60_000;
    await expect(acs.rooms.createRoom({ validFrom, validUntil: validFrom + 180 * DAY_MS })).resolves.toHaveProperty('id');
    const error = await acsError(acs.rooms.createRoom({ validFrom, validUntil: validFrom + 180 * DAY_MS + 1000 }));
    expect(error).toMatchObject({ service: 'rooms', status: 400, code: 'BadRequest', transient: false });

    const room = await acs.rooms.createRoom({ validFrom, validUntil: validFrom + DAY_MS });
    await expect(acs.rooms.updateRoom(room.id, { validFrom, validUntil: validFrom + 181 * DAY_MS })).rejects.toMatchObject({ status: 400 });
  });

  it('rejects participants that are not identities of the resource', async () => {
    const error = await acsError(
      acs.rooms.createRoom({
        validFrom: Date.now(),
        validUntil: Date.now() + DAY_MS,
        participants: [{ userId: '8:acs:unknown_user', role: 'Attendee' }],
      }),
    );
    expect(error).toMatchObject({ status: 400 });
  });
});

describe('ACS SMS adapter', () => {
  it('sends with tag and delivery-report flag, one result per recipient', async () => {
    const good = uniquePhone();
    const results = await acs.sms.send({
      to: [good, '555-not-e164'],
      message: 'Your visit is tomorrow at 10:00.',
      label: { kind: 'reminder', appointmentId: 'apt-sms-1' },
      deliveryReport: true,
    });
    expect(results).toEqual([
      expect.objectContaining({ to: good, successful: true, httpStatusCode: 202, messageId: expect.any(String) }),
      expect.objectContaining({
        to: '555-not-e164',
        successful: false,
        httpStatusCode: 400,
        errorMessage: 'Invalid To phone number format.',
      }),
    ]);

    const { body } = await admin<{ sms: Array<{ to: string; from: string; tag: string; enableDeliveryReport: boolean; message: string }> }>(
      emulator.adminUrl,
      'GET',
      '/admin/sms',
    );
    expect(body.sms.find((s) => s.to === good)).toMatchObject({
      from: SMS_FROM,
      tag: 'reminder:apt-sms-1',
      enableDeliveryReport: true,
      message: 'Your visit is tomorrow at 10:00.',
    });
    const messages = await admin<{ messages: unknown[] }>(emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(good)}`);
    expect(messages.body.messages).toEqual([
      {
        channel: 'sms',
        kind: 'reminder',
        to: good,
        body: 'Your visit is tomorrow at 10:00.',
        sentAt: expect.any(String),
        appointmentId: 'apt-sms-1',
      },
    ]);
  });
});

describe('ACS email adapter', () => {
  it('sends with the label headers and an attachment, polling to Succeeded', async () => {
    const to = uniqueEmail();
    const { operationId } = await acs.email.send({
      to: [{ address: to, displayName: 'Ada' }],
      subject: 'Your appointment is booked',
      plainText: 'See you on Monday.',
      html: '<p>See you on Monday.</p>',
      attachments: [{ name: 'invite.ics', contentType: 'text/calendar', content: Buffer.from('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n') }],
      label: { kind: 'confirmation', appointmentId: 'apt-mail-1' },
    });
    const { body } = await admin<{ emails: Array<Record<string, unknown>> }>(emulator.adminUrl, 'GET', '/admin/emails');
    expect(body.emails.find((e) => e.operationId === operationId)).toMatchObject({
      senderAddress: EMAIL_SENDER,
      to: [to],
      subject: 'Your appointment is booked',
      headers: { 'X-Appointment-Id': 'apt-mail-1', 'X-Message-Kind': 'confirmation' },
      attachments: [{ name: 'invite.ics', contentType: 'text/calendar', bytes: 32 }],
    });
    const messages = await admin<{ messages: unknown[] }>(
      emulator.adminUrl,
      'GET',
      `/admin/messages?to=${encodeURIComponent(to.toUpperCase())}`,
    );
    expect(messages.body.messages).toEqual([
      {
        channel: 'email',
        kind: 'confirmation',
        to,
        subject: 'Your appointment is booked',
        body: 'See you on Monday.',
        sentAt: expect.any(String),
        appointmentId: 'apt-mail-1',
      },
    ]);
  });

  it('sends once for a repeated idempotency key', async () => {
    const to = uniqueEmail();
    const input = { to: [{ address: to }], subject: 'Reminder', plainText: 'Soon.', idempotencyKey: `reminder:${to}:1` };
    const first = await acs.email.send(input);
    const second = await acs.email.send(input);
    expect(second.operationId).toBe(first.operationId);
    const messages = await admin<{ messages: unknown[] }>(emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(to)}`);
    expect(messages.body.messages).toHaveLength(1);
  });

  it('rejects an invalid recipient with the service error', async () => {
    const error = await acsError(acs.email.send({ to: [{ address: 'not-an-address' }], subject: 'x', plainText: 'y' }));
    expect(error).toMatchObject({ service: 'email', status: 400, code: 'BadRequest', transient: false });
  });
});

describe('ACS chat adapter', () => {
  it('creates a thread as the app identity, adds members, sends and lists messages', async () => {
    const consumer = await acs.identity.createUser();
    const provider = await acs.identity.createUser();
    const { threadId } = await acs.chat.createThread({
      topic: 'Visit apt-chat-1',
      participants: [{ userId: consumer, displayName: 'Ada' }],
    });
    expect(threadId).toMatch(/^19:.+@thread\.v2$/);
    await acs.chat.addParticipants(threadId, [{ userId: provider, displayName: 'Dr. Lee' }]);
    await acs.chat.sendMessage(threadId, { content: 'Your visit starts in 15 minutes.', senderDisplayName: 'Clinic' });
    await acs.chat.sendMessage(threadId, { content: 'The provider has joined.' });

    const service = await acs.chat.serviceUserId();
    const messages = await acs.chat.listMessages(threadId);
    expect(messages.map((m) => [m.content, m.senderId])).toEqual([
      ['Your visit starts in 15 minutes.', service],
      ['The provider has joined.', service],
    ]);
    expect(messages[0]!.senderDisplayName).toBe('Clinic');

    // A member reads the thread with their own token.
    const { token } = await acs.identity.issueToken(provider, ['chat'], 60);
    const asProvider = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), {
      tlsOptions: { ca: fs.readFileSync(emulator.caCertPath) },
    }).getChatThreadClient(threadId);
    const seen: string[] = [];
    for await (const message of asProvider.listMessages()) if (message.type === 'text') seen.push(message.content!.message!);
    expect(seen).toEqual(['The provider has joined.', 'Your visit starts in 15 minutes.']);
  });

  it('removes a member, who then gets 403 on the thread; removing a non-member succeeds too', async () => {
    const member = await acs.identity.createUser();
    const stranger = await acs.identity.createUser();
    const { threadId } = await acs.chat.createThread({ topic: 'Visit apt-chat-3', participants: [{ userId: member }] });
    const { token } = await acs.identity.issueToken(member, ['chat'], 60);
    const asMember = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), {
      tlsOptions: { ca: fs.readFileSync(emulator.caCertPath) },
      retryOptions: { maxRetries: 0 },
    } as ConstructorParameters<typeof ChatClient>[2]).getChatThreadClient(threadId);
    await expect(asMember.getProperties()).resolves.toMatchObject({ id: threadId });
    await acs.chat.removeParticipant(threadId, member);
    await acs.chat.removeParticipant(threadId, member);
    await acs.chat.removeParticipant(threadId, stranger);
    await expect(asMember.getProperties()).rejects.toMatchObject({ statusCode: 403 });
  });

  it('returns the same thread for a repeated idempotency key', async () => {
    const consumer = await acs.identity.createUser();
    const input = { topic: 'Visit apt-chat-2', participants: [{ userId: consumer }], idempotencyKey: 'thread:apt-chat-2' };
    const first = await acs.chat.createThread(input);
    await expect(acs.chat.createThread(input)).resolves.toEqual(first);
  });

  it('refuses members that are not identities of the resource', async () => {
    const error = await acsError(acs.chat.createThread({ topic: 'bad', participants: [{ userId: '8:acs:nobody_here' }] }));
    expect(error).toMatchObject({ code: 'InvalidParticipants' });
  });
});
