/**
 * Joining a visit on Azurite and the ACS emulator: the window, roles in the room, one identity per
 * provider and per appointment, the chat thread, token lifetimes, and what cancel / no-show revoke.
 */
import { ChatClient } from '@azure/communication-chat';
import { AzureCommunicationTokenCredential } from '@azure/communication-common';
import fs from 'node:fs';
import { DateTime } from 'luxon';
import { cancelAppointment } from '../../../shared/app/appointments/cancel-appointment';
import { rescheduleAppointment } from '../../../shared/app/appointments/reschedule-appointment';
import { joinRoom } from '../../support/room-join';
import { recordOutcome } from '../../../shared/app/workspace/appointment-outcomes';
import type { AppError } from '../../../shared/app/errors';
import { admin } from '../acs/acs-test-kit';
import { DAY, freshDayStart, freshStart, joinFixture, MIN } from './join-fixture';

const f = joinFixture();
/** Every appointment here is in ACS Rooms mode, so every join answers a room. */
const joinAppointment = joinRoom;
const consumerOf = (manageToken: string) => ({ caller: { kind: 'anonymous' as const }, manageToken });
const staff = (oid: string) => ({ caller: { kind: 'staff' as const, oid, roles: [] as string[] } });

interface AdminRoom {
  id: string;
  participants: Array<{ userId: string; role: string }>;
}
interface AdminThread {
  id: string;
  participants: Array<{ userId: string; displayName: string | null }>;
  messages: Array<{ content: { message: string }; senderId: string | null; type: string }>;
}
interface AdminIdentity {
  id: string;
  tokensRevoked: boolean;
  deleted: boolean;
}

async function room(roomId: string): Promise<AdminRoom | undefined> {
  return (await admin<{ rooms: AdminRoom[] }>(f.emulator.adminUrl, 'GET', '/admin/rooms')).body.rooms.find((r) => r.id === roomId);
}
async function thread(threadId: string): Promise<AdminThread> {
  const found = (await admin<{ chatThreads: AdminThread[] }>(f.emulator.adminUrl, 'GET', '/admin/chat/threads')).body.chatThreads.find(
    (t) => t.id === threadId,
  );
  if (!found) throw new Error(`thread ${threadId} is not in the emulator`);
  return found;
}
async function identity(userId: string): Promise<AdminIdentity> {
  const found = (await admin<{ identities: AdminIdentity[] }>(f.emulator.adminUrl, 'GET', '/admin/identities')).body.identities.find(
    (i) => i.id === userId,
  );
  if (!found) throw new Error(`identity ${userId} is not in the emulator`);
  return found;
}

/** Reads the thread with a user's token, as a front end would: 403 once the user is no longer a member. */
function readThreadAs(token: string, threadId: string) {
  const client = new ChatClient(f.emulator.endpoint, new AzureCommunicationTokenCredential(token), {
    tlsOptions: { ca: fs.readFileSync(f.emulator.caCertPath) },
    retryOptions: { maxRetries: 0 },
  } as ConstructorParameters<typeof ChatClient>[2]);
  return client.getChatThreadClient(threadId).getProperties();
}

beforeAll(() => f.setUp());

/** The join use case as it runs at `instant` (each call its own clock, so concurrent calls do not interfere). */
const joinAt = (instant: number) => ({ ...f.join, clock: { now: () => instant } });

async function at<T>(instant: number, run: () => Promise<T>): Promise<T> {
  const saved = f.clock.current;
  f.clock.current = instant;
  try {
    return await run();
  } finally {
    f.clock.current = saved;
  }
}

describe('join', () => {
  it('is refused before the window and after the end with opensAt and closedAt, accepted inside it', async () => {
    const start = freshStart();
    const { appointment, manageToken } = await f.book(start);
    const expected = {
      opensAt: new Date(start - 15 * MIN).toISOString().replace('.000', ''),
      closedAt: new Date(start + 30 * MIN).toISOString().replace('.000', ''),
    };
    for (const instant of [start - 15 * MIN - 1000, start + 30 * MIN + 1000, start - DAY]) {
      const refusal = (await joinAppointment(joinAt(instant), appointment.id, consumerOf(manageToken)).catch(
        (e: unknown) => e,
      )) as AppError;
      expect(refusal).toMatchObject({ code: 'join-window-closed', extensions: expected });
    }
    // Nothing was created by a refused join.
    expect((await f.appointments.find(appointment.id))!.value).not.toHaveProperty('consumerAcsUserId');

    for (const instant of [start - 15 * MIN, start + 29 * MIN]) {
      const joined = await joinAppointment(joinAt(instant), appointment.id, consumerOf(manageToken));
      expect(joined).toMatchObject({ role: 'Attendee', endpoint: f.emulator.endpoint });
    }
  });

  it('gives the consumer Attendee and the provider Presenter in the room, one chat thread with exactly both plus the app', async () => {
    const start = freshStart();
    const { appointment, manageToken } = await f.book(start);
    const [consumer, provider] = await Promise.all([
      joinAppointment(joinAt(start - 5 * MIN), appointment.id, consumerOf(manageToken)),
      joinAppointment(joinAt(start - 5 * MIN), appointment.id, staff('oid-amy')),
    ]);
    expect(consumer.role).toBe('Attendee');
    expect(provider.role).toBe('Presenter');
    expect(provider.roomId).toBe(consumer.roomId);
    expect(provider.chatThreadId).toBe(consumer.chatThreadId);
    expect(consumer.acsUserId).not.toBe(provider.acsUserId);

    const inRoom = await room(consumer.roomId);
    expect(inRoom?.participants.sort((a, b) => a.role.localeCompare(b.role))).toEqual([
      { userId: consumer.acsUserId, role: 'Attendee' },
      { userId: provider.acsUserId, role: 'Presenter' },
    ]);

    // The thread's members: the consumer, the provider and the app's own identity (its creator, which posts notices).
    const chat = await thread(consumer.chatThreadId);
    const serviceUser = await f.acs.chat.serviceUserId();
    expect(chat.participants.map((p) => p.userId).sort()).toEqual([consumer.acsUserId, provider.acsUserId, serviceUser].sort());
    expect(
      chat.participants
        .filter((p) => p.userId !== serviceUser)
        .map((p) => p.displayName)
        .sort(),
    ).toEqual(['Dr amy', 'Jane Roe']);

    // What is stored on the appointment matches what was answered.
    const stored = (await f.appointments.find(appointment.id))!.value;
    expect(stored).toMatchObject({ roomId: consumer.roomId, chatThreadId: consumer.chatThreadId, consumerAcsUserId: consumer.acsUserId });
    // The tokens work for the thread.
    await expect(readThreadAs(consumer.token, consumer.chatThreadId)).resolves.toMatchObject({ id: consumer.chatThreadId });
    await expect(readThreadAs(provider.token, provider.chatThreadId)).resolves.toMatchObject({ id: provider.chatThreadId });
  });

  it('reuses one provider identity across appointments, even when first joins race', async () => {
    const starts = [freshStart(), freshStart(), freshStart()];
    const booked = await Promise.all(starts.map((start) => f.book(start, { providerId: 'bob' })));
    const joins = await Promise.all(
      booked.flatMap(({ appointment }, i) =>
        [0, 1].map(() => joinAppointment(joinAt(starts[i]! - 5 * MIN), appointment.id, staff('oid-bob'))),
      ),
    );
    expect(new Set(joins.map((j) => j.acsUserId)).size).toBe(1);
    expect(joins.every((j) => j.role === 'Presenter')).toBe(true);
    // Racing first joins of one appointment's consumer: one identity and one thread.
    const { appointment, manageToken } = booked[0]!;
    const consumers = await Promise.all(
      [0, 1, 2].map(() => joinAppointment(joinAt(starts[0]! - 5 * MIN), appointment.id, consumerOf(manageToken))),
    );
    expect(new Set(consumers.map((c) => c.acsUserId)).size).toBe(1);
    expect(new Set(consumers.map((c) => c.chatThreadId)).size).toBe(1);
    const { body } = await admin<{ chatThreads: AdminThread[] }>(f.emulator.adminUrl, 'GET', '/admin/chat/threads');
    // One thread per appointment, each with bob's one identity.
    expect(body.chatThreads.filter((t) => t.participants.some((p) => p.userId === joins[0]!.acsUserId))).toHaveLength(3);
  });

  it('issues tokens for the rest of the visit, within 60-1440 minutes', async () => {
    const short = freshStart();
    const long = freshDayStart();
    const a = await f.book(short);
    const b = await f.book(long, { serviceId: 'long' });
    const cases = [
      { appointment: a.appointment, token: a.manageToken, now: short - 10 * MIN, minutes: 60 }, // 40 minutes left -> at least 60
      { appointment: b.appointment, token: b.manageToken, now: long + 30 * MIN, minutes: 570 }, // 9.5 hours left
    ];
    for (const c of cases) {
      const issuedAt = Date.now();
      const joined = await joinAppointment(joinAt(c.now), c.appointment.id, consumerOf(c.token));
      // The emulator's clock is real time: compare lifetimes, not instants.
      const lifetime = joined.expiresOn - issuedAt;
      expect(lifetime).toBeGreaterThanOrEqual(c.minutes * MIN - 5000);
      expect(lifetime).toBeLessThanOrEqual(c.minutes * MIN + 5000);
      expect(lifetime).toBeGreaterThanOrEqual(c.appointment.end - c.now - 5000);
    }
  });

  it('lets managers read but not join; strangers are refused', async () => {
    const start = freshStart();
    const { appointment } = await f.book(start);
    await at(start, async () => {
      await expect(joinAppointment(f.join, appointment.id, staff('oid-manager'))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(joinAppointment(f.join, appointment.id, staff('oid-bob'))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(joinAppointment(f.join, appointment.id, consumerOf('not-the-token'))).rejects.toMatchObject({ code: 'unauthorized' });
      await expect(joinAppointment(f.join, appointment.id, { caller: { kind: 'anonymous' } })).rejects.toMatchObject({
        code: 'unauthorized',
      });
    });
  });

  it('cancel locks the consumer out by removal (not by token death): out of the chat thread, no room, no new join; the thread hears of it', async () => {
    const start = freshStart();
    const { appointment, manageToken } = await f.book(start);
    const joined = await joinAppointment(joinAt(start - 5 * MIN), appointment.id, consumerOf(manageToken));
    await f.drainOutbox();
    await at(start - 4 * MIN, () => cancelAppointment(f.booking, appointment.id, staff('oid-amy'), { reason: 'ill' }));
    const outbox = await f.appointments.listOutbox('clinic', 'amy');
    // (lifecycle and event rows are the orchestration's and the topic's business and have no handler here)
    const kinds = outbox
      .filter((m) => m.appointmentId === appointment.id && !m.kind.startsWith('lifecycle.') && m.kind !== 'event.publish')
      .map((m) => m.kind);
    expect(kinds.sort()).toEqual(['access.revoke', 'chat.notice', 'room.delete']);
    await f.drainOutbox();

    // The token is revoked too, but ACS honours it for a while after a revoke: the removal is what locks out.
    expect(await identity(joined.acsUserId)).toMatchObject({ tokensRevoked: true });
    await expect(readThreadAs(joined.token, joined.chatThreadId)).rejects.toMatchObject({ statusCode: 403 });
    expect((await thread(joined.chatThreadId)).participants.map((p) => p.userId)).not.toContain(joined.acsUserId);
    expect(await room(joined.roomId)).toBeUndefined();
    await expect(joinAppointment(joinAt(start - 3 * MIN), appointment.id, consumerOf(manageToken))).rejects.toMatchObject({
      code: 'invalid-state',
    });
    const serviceUser = await f.acs.chat.serviceUserId();
    const notices = (await thread(joined.chatThreadId)).messages.filter((m) => m.senderId === serviceUser && m.type === 'text');
    expect(notices.map((m) => m.content.message)).toEqual(['This appointment has been cancelled.']);
    // A redelivered notice is not posted twice.
    await f.outbox.handlers['chat.notice']!({ ...outbox.find((m) => m.kind === 'chat.notice' && m.appointmentId === appointment.id)! });
    expect((await thread(joined.chatThreadId)).messages.filter((m) => m.senderId === serviceUser && m.type === 'text')).toHaveLength(1);
  });

  it('no-show removes the consumer from the room that stays and from the thread; reschedule posts the new time', async () => {
    const start = freshStart();
    const { appointment, manageToken } = await f.book(start);
    const consumer = await joinAppointment(joinAt(start - 5 * MIN), appointment.id, consumerOf(manageToken));
    const provider = await joinAppointment(joinAt(start - 5 * MIN), appointment.id, staff('oid-amy'));

    const moved = await at(start - 4 * MIN, () =>
      rescheduleAppointment(f.booking, appointment.id, staff('oid-amy'), { start: start + 60 * MIN }),
    );
    await f.drainOutbox();
    const serviceUser = await f.acs.chat.serviceUserId();
    const texts = (await thread(consumer.chatThreadId)).messages
      .filter((m) => m.senderId === serviceUser && m.type === 'text')
      .map((m) => m.content.message);
    // Issue 16: the time as the business's language (English here) writes it, in its zone (UTC).
    const newStart = DateTime.fromMillis(moved.start, { zone: 'UTC' }).setLocale('en').toLocaleString(DateTime.TIME_SIMPLE);
    expect(texts).toEqual([expect.stringContaining(`moved to`)]);
    expect(texts[0]).toContain(`${newStart}-`);

    await at(moved.start + 5 * MIN, () => recordOutcome(f.workspace, appointment.id, staff('oid-amy'), 'no-show'));
    await f.drainOutbox();
    expect(await identity(consumer.acsUserId)).toMatchObject({ tokensRevoked: true });
    expect((await room(consumer.roomId))?.participants).toEqual([{ userId: provider.acsUserId, role: 'Presenter' }]);
    // Out of the thread at once, although the revoked token still works within the revocation delay.
    await expect(readThreadAs(consumer.token, consumer.chatThreadId)).rejects.toMatchObject({ statusCode: 403 });
    await expect(readThreadAs(provider.token, provider.chatThreadId)).resolves.toMatchObject({ id: provider.chatThreadId });
  });
  it('a move to another provider hands room and chat over: the old provider out, the new one in', async () => {
    const start = freshStart();
    const { appointment, manageToken } = await f.book(start);
    const consumer = await joinAppointment(joinAt(start - 5 * MIN), appointment.id, consumerOf(manageToken));
    const amy = await joinAppointment(joinAt(start - 5 * MIN), appointment.id, staff('oid-amy'));

    await at(start - 4 * MIN, () =>
      rescheduleAppointment(f.booking, appointment.id, staff('oid-manager'), { start: start + 60 * MIN, providerId: 'bob' }),
    );
    await f.drainOutbox('amy');
    await f.drainOutbox('bob');

    const serviceUser = await f.acs.chat.serviceUserId();
    const bobId = await f.join.providerIdentities.get('clinic', 'bob');
    expect(bobId).toBeDefined();
    expect((await thread(consumer.chatThreadId)).participants.map((p) => p.userId).sort()).toEqual(
      [consumer.acsUserId, bobId, serviceUser].sort(),
    );
    expect((await room(consumer.roomId))?.participants.map((p) => p.userId)).not.toContain(amy.acsUserId);
    // amy's identity (shared with her other visits) can no longer read this thread; bob joins and can.
    await expect(readThreadAs(amy.token, consumer.chatThreadId)).rejects.toMatchObject({ statusCode: 403 });
    const bob = await joinAppointment(joinAt(start + 55 * MIN), appointment.id, staff('oid-bob'));
    expect(bob).toMatchObject({ role: 'Presenter', roomId: consumer.roomId, chatThreadId: consumer.chatThreadId, acsUserId: bobId });
    await expect(readThreadAs(bob.token, consumer.chatThreadId)).resolves.toMatchObject({ id: consumer.chatThreadId });
    // Moving back hands it back (the handover reads where the appointment is now).
    await at(start + 50 * MIN, () =>
      rescheduleAppointment(f.booking, appointment.id, staff('oid-manager'), { start: start + 120 * MIN, providerId: 'amy' }),
    );
    await f.drainOutbox('bob');
    await f.drainOutbox('amy');
    expect((await thread(consumer.chatThreadId)).participants.map((p) => p.userId).sort()).toEqual(
      [consumer.acsUserId, amy.acsUserId, serviceUser].sort(),
    );
    expect((await room(consumer.roomId))?.participants.map((p) => p.userId)).not.toContain(bobId);
  });
});
