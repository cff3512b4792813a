import { chatThreadHandlers, chatTopic, ensureChatThread, ensureChatThreadForJoin } from '../../../../shared/app/chat/appointment-chat';
import { chatNoticeHandlers, chatNoticeText, NOTICE_SENDER } from '../../../../shared/app/chat/chat-notices';
import { resolveChatServiceIdentity } from '../../../../shared/app/chat/chat-service-identity';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { AppError } from '../../../../shared/app/errors';
import { accessRevocationHandlers } from '../../../../shared/app/join/access-revocation';
import { joinRoom as joinAppointment } from '../../../support/room-join';
import { providerHandoverHandlers } from '../../../../shared/app/join/provider-handover';
import { AcsError, AcsThrottledError } from '../../../../shared/app/ports/acs';
import { FakeAcs } from '../../../support/fakes/acs';
import { InMemoryServiceIdentityStore } from '../../../support/fakes/identity-stores';
import { ANONYMOUS, MANAGER, STAFF_P1, TUESDAY_10, outcome } from '../world';
import { joinWorld, outboxMessage } from './join-world';

const throttled = (ms: number) => new AcsThrottledError('chat', 'createThread', ms);

describe('the appointment chat thread', () => {
  it('is created once per appointment, keyed by its id; a second call answers the stored thread as not created', async () => {
    const w = await joinWorld();
    const a = await w.book(TUESDAY_10);
    const first = await ensureChatThread(w.joinDeps, a.id, { topic: 'T', participants: [] });
    expect(first.created).toBe(true);
    expect(w.acs.threads.get(first.threadId)!.idempotencyKey).toBe(a.id);
    expect(await ensureChatThread(w.joinDeps, a.id, { topic: 'T', participants: [] })).toEqual({
      threadId: first.threadId,
      created: false,
    });
    expect(await outcome(ensureChatThread(w.joinDeps, 'nope', { topic: 'T', participants: [] }))).toBe('not-found');
    expect(chatTopic(undefined)).toBe('Appointment');
    expect(chatTopic('Checkup')).toBe('Checkup');
  });

  it("a join waits out throttling, then answers 503 with the service's Retry-After in seconds", async () => {
    const w = await joinWorld();
    const a = await w.book(TUESDAY_10);
    w.acs.fail.createThread = [throttled(1)];
    expect((await ensureChatThreadForJoin(w.joinDeps, a.id, { topic: 'T', participants: [] })).created).toBe(true);
    const b = await w.book(TUESDAY_10);
    w.acs.fail.createThread = [throttled(1), throttled(1), throttled(1), throttled(1_500)];
    const error = (await ensureChatThreadForJoin(w.joinDeps, b.id, { topic: 'T', participants: [] }).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('unavailable');
    expect(error.extensions.retryAfterSeconds).toBe(2);
    w.acs.fail.createThread = [new AcsError('chat', 'createThread', 500, 'Internal', 'boom', true)];
    await expect(ensureChatThreadForJoin(w.joinDeps, b.id, { topic: 'T', participants: [] })).rejects.toThrow('boom');
  }, 15_000);

  it('chat.ensure makes the thread ahead for a booked appointment only, named after the service, without members', async () => {
    const w = await joinWorld();
    const a = await w.book(TUESDAY_10);
    const b = await w.book(TUESDAY_10);
    await cancelAppointment(w.deps, b.id, { caller: MANAGER }, {});
    const handlers = chatThreadHandlers({ ...w.joinDeps });
    await handlers['chat.ensure'](outboxMessage('chat.ensure', a.id));
    await handlers['chat.ensure'](outboxMessage('chat.ensure', a.id));
    await handlers['chat.ensure'](outboxMessage('chat.ensure', b.id));
    await handlers['chat.ensure'](outboxMessage('chat.ensure', 'gone'));
    expect(w.acs.threads.size).toBe(1);
    const [thread] = [...w.acs.threads.values()];
    expect(thread!.topic).toBe('Consultation');
    expect(w.acs.threadMembers(thread!.id)).toEqual([await w.acs.chat.serviceUserId()]);
    // the join adds both participants to the thread made ahead
    w.clock.set(TUESDAY_10);
    const joined = await joinAppointment(w.joinDeps, a.id, { caller: ANONYMOUS, manageToken: a.manageToken });
    expect(joined.chatThreadId).toBe(thread!.id);
    expect(w.acs.threadMembers(thread!.id)).toHaveLength(3);
  });
});

describe('chat notices', () => {
  it('words a move in the business zone and a cancel plainly', () => {
    expect(chatNoticeText({ threadId: 't', notice: 'cancelled' }, 'UTC')).toBe('This appointment has been cancelled.');
    expect(chatNoticeText({ threadId: 't', notice: 'rescheduled', start: TUESDAY_10, end: TUESDAY_10 + 1_800_000 }, 'Europe/Berlin')).toBe(
      'This appointment has been moved to Tuesday, March 3, 2026, 10:00 AM-10:30 AM (Europe/Berlin).',
    );
  });

  it('posts a notice once as the app, even when the row is delivered twice; a new notice is posted', async () => {
    const w = await joinWorld();
    const { threadId } = await w.acs.chat.createThread({ topic: 'T', participants: [] });
    const handle = chatNoticeHandlers({ chat: w.acs.chat, businesses: w.businesses })['chat.notice'];
    const moved = outboxMessage('chat.notice', 'a1', { threadId, notice: 'rescheduled', start: TUESDAY_10, end: TUESDAY_10 + 1_800_000 });
    await handle(moved);
    await handle(moved);
    await handle(outboxMessage('chat.notice', 'a1', { threadId, notice: 'cancelled' }));
    const messages = await w.acs.chat.listMessages(threadId);
    expect(messages.map((m) => m.content)).toEqual([
      'This appointment has been moved to Tuesday, March 3, 2026, 10:00 AM-10:30 AM (Europe/Berlin).',
      'This appointment has been cancelled.',
    ]);
    expect(messages.every((m) => m.senderDisplayName === NOTICE_SENDER)).toBe(true);
    expect(NOTICE_SENDER).toBe('Appointments');
  });

  it('refuses a row without a valid payload', async () => {
    const w = await joinWorld();
    const handle = chatNoticeHandlers({ chat: w.acs.chat, businesses: w.businesses })['chat.notice'];
    for (const payload of [
      undefined,
      { notice: 'cancelled' },
      { threadId: 't', notice: 'rescheduled', start: 1 },
      { threadId: 't', notice: 'other' },
    ]) {
      await expect(handle(outboxMessage('chat.notice', 'a1', payload))).rejects.toThrow('has no valid payload');
    }
  });
});

describe("the app's chat identity", () => {
  it('keeps the stored identity while ACS knows it, replaces a lost one, and deletes its own when another process stored first', async () => {
    const acs = new FakeAcs();
    const store = new InMemoryServiceIdentityStore();
    const first = await resolveChatServiceIdentity({ identity: acs.identity, store });
    expect(await resolveChatServiceIdentity({ identity: acs.identity, store })).toBe(first);
    await acs.identity.deleteUser(first);
    const second = await resolveChatServiceIdentity({ identity: acs.identity, store });
    expect(second).not.toBe(first);
    expect((await store.get())!.value).toBe(second);
    // another process stores its identity between our read and our write
    const other = new InMemoryServiceIdentityStore();
    let raced = false;
    const racing = {
      get: () => other.get(),
      save: async (userId: string, etag: string | undefined) => {
        if (!raced) {
          raced = true;
          await other.save(await acs.identity.createUser(), undefined);
        }
        return other.save(userId, etag);
      },
    };
    const winner = await resolveChatServiceIdentity({ identity: acs.identity, store: racing });
    expect((await other.get())!.value).toBe(winner);
    expect([...acs.identities.values()].filter((i) => !i.deleted)).toHaveLength(2); // `second` and the winner
  });

  it('passes on failures other than an unknown identity', async () => {
    const acs = new FakeAcs();
    const store = new InMemoryServiceIdentityStore();
    await resolveChatServiceIdentity({ identity: acs.identity, store });
    acs.fail.issueToken = [new AcsError('identity', 'issueToken', 503, 'Unavailable', 'down', true)];
    await expect(resolveChatServiceIdentity({ identity: acs.identity, store })).rejects.toThrow('down');
    acs.fail.issueToken = [new AcsError('identity', 'issueToken', 404, 'NotFound', 'gone', false)];
    const replaced = await resolveChatServiceIdentity({ identity: acs.identity, store });
    expect((await store.get())!.value).toBe(replaced);
  });
});

describe('handing an appointment to another provider', () => {
  async function moved() {
    const w = await joinWorld();
    const a = await w.book(TUESDAY_10, { providerId: 'p1' });
    w.clock.set(TUESDAY_10);
    const joined = await joinAppointment(w.joinDeps, a.id, { caller: STAFF_P1 });
    // the appointment now belongs to p2 (as a move leaves it)
    const found = (await w.appointments.find(a.id))!;
    const value = { ...found.value, providerId: 'p2', version: found.value.version + 1 };
    await w.appointments.commit({ businessId: 'b1', providerId: 'p2', days: [], appointment: { value }, outbox: [] });
    await w.appointments.savePointer(a.id, { businessId: 'b1', providerId: 'p2' });
    const handle = providerHandoverHandlers(w.joinDeps)['provider.handover'];
    return { ...w, a, joined, handle };
  }

  it('takes the leaving provider out of room and thread and adds the arriving one to the thread', async () => {
    const w = await moved();
    await w.handle(outboxMessage('provider.handover', w.a.id, { fromProviderId: 'p1' }));
    const arriving = await w.providerIdentities.get('b1', 'p2');
    expect(await w.acs.rooms.listParticipants(w.joined.roomId)).toEqual([]);
    const members = w.acs.threadMembers(w.joined.chatThreadId)!;
    expect(members).not.toContain(w.joined.acsUserId);
    expect(members).toContain(arriving);
    // a second delivery changes nothing
    await w.handle(outboxMessage('provider.handover', w.a.id, { fromProviderId: 'p1' }));
    expect(w.acs.threadMembers(w.joined.chatThreadId)).toEqual(members);
  });

  it('does nothing when the appointment is back with that provider, gone, or has no room or thread; a gone room is fine', async () => {
    const w = await moved();
    await w.handle(outboxMessage('provider.handover', w.a.id, { fromProviderId: 'p2' }));
    expect(await w.providerIdentities.get('b1', 'p2')).toBeUndefined();
    await w.handle(outboxMessage('provider.handover', 'gone', { fromProviderId: 'p1' }));
    await expect(w.handle(outboxMessage('provider.handover', w.a.id, {}))).rejects.toThrow('names no provider');
    await w.acs.rooms.deleteRoom(w.joined.roomId);
    await w.handle(outboxMessage('provider.handover', w.a.id, { fromProviderId: 'p1' }));
    expect(w.acs.threadMembers(w.joined.chatThreadId)).not.toContain(w.joined.acsUserId);
    const again = await moved();
    again.acs.fail.removeParticipants = [new AcsError('rooms', 'removeParticipants', 500, 'Internal', 'boom', true)];
    await expect(again.handle(outboxMessage('provider.handover', again.a.id, { fromProviderId: 'p1' }))).rejects.toThrow('boom');
    const bare = await joinWorld();
    const plain = await bare.book(TUESDAY_10, { providerId: 'p2' });
    await providerHandoverHandlers(bare.joinDeps)['provider.handover'](
      outboxMessage('provider.handover', plain.id, { fromProviderId: 'p1' }),
    );
    expect(bare.acs.identities.size).toBe(0);
  });
});

describe("revoking a consumer's access", () => {
  it('removes the consumer from room and thread and revokes their tokens; gone room or thread is fine', async () => {
    const w = await joinWorld();
    const a = await w.book(TUESDAY_10);
    w.clock.set(TUESDAY_10);
    const joined = await joinAppointment(w.joinDeps, a.id, { caller: ANONYMOUS, manageToken: a.manageToken });
    const handle = accessRevocationHandlers(w.joinDeps)['access.revoke'];
    await handle(
      outboxMessage('access.revoke', a.id, { userId: joined.acsUserId, roomId: joined.roomId, chatThreadId: joined.chatThreadId }),
    );
    expect(await w.acs.rooms.listParticipants(joined.roomId)).toEqual([]);
    expect(w.acs.threadMembers(joined.chatThreadId)).not.toContain(joined.acsUserId);
    expect(w.acs.identities.get(joined.acsUserId)!.liveTokens).toBe(0);
    await w.acs.rooms.deleteRoom(joined.roomId);
    await handle(outboxMessage('access.revoke', a.id, { userId: joined.acsUserId, roomId: joined.roomId, chatThreadId: 'no-such-thread' }));
    w.acs.fail.removeParticipant = [new AcsError('chat', 'removeParticipant', 403, 'Forbidden', 'not a member', false)];
    await handle(outboxMessage('access.revoke', a.id, { userId: joined.acsUserId, chatThreadId: joined.chatThreadId }));
    w.acs.fail.removeParticipant = [new AcsError('chat', 'removeParticipant', 500, 'Internal', 'boom', true)];
    await expect(
      handle(outboxMessage('access.revoke', a.id, { userId: joined.acsUserId, chatThreadId: joined.chatThreadId })),
    ).rejects.toThrow('boom');
    w.acs.fail.removeParticipants = [new AcsError('rooms', 'removeParticipants', 500, 'Internal', 'boom', true)];
    await expect(handle(outboxMessage('access.revoke', a.id, { userId: joined.acsUserId, roomId: 'r' }))).rejects.toThrow('boom');
    await expect(handle(outboxMessage('access.revoke', a.id, { roomId: joined.roomId }))).rejects.toThrow('names no user');
  });
});
