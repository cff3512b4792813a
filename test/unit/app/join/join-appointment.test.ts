import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { rescheduleAppointment } from '../../../../shared/app/appointments/reschedule-appointment';
import { AppError } from '../../../../shared/app/errors';
import {
  assertJoinWindowOpen,
  JOIN_SCOPES,
  joinTokenMinutes,
  MAX_TOKEN_MINUTES,
  MIN_TOKEN_MINUTES,
} from '../../../../shared/app/join/join-appointment';
import { joinRoom as joinAppointment } from '../../../support/room-join';
import { ensureConsumerIdentity, ensureProviderIdentity } from '../../../../shared/app/join/participant-identity';
import { ensureAppointmentRoom, ROOM_GRACE_MS, roomHandlers, roomValidity } from '../../../../shared/app/rooms/appointment-room';
import type { Caller } from '../../../../shared/app/auth';
import { WriteConflictError } from '../../../../shared/app/ports/versioned';
import { HOUR, MINUTE } from '../../../support/fakes/builders';
import { ANONYMOUS, MANAGER, STAFF_P1, STAFF_P2, TUESDAY_10, outcome } from '../world';
import { joinWorld, outboxMessage } from './join-world';

const OPENS = TUESDAY_10 - 15 * MINUTE; // the service's 15-minute join window
const END = TUESDAY_10 + 30 * MINUTE;

async function booked() {
  const w = await joinWorld();
  const a = await w.book(TUESDAY_10, { providerId: 'p1' });
  const consumer = { caller: ANONYMOUS, manageToken: a.manageToken };
  return { ...w, a, consumer };
}

/** The join's first commit loses a race (a concurrent writer got there first); later commits go through. */
function loseFirstCommit(w: Awaited<ReturnType<typeof booked>>): void {
  const commit = w.appointments.commit.bind(w.appointments);
  let first = true;
  w.joinDeps.appointments = Object.assign(Object.create(w.appointments) as typeof w.appointments, {
    commit: async (c: Parameters<typeof commit>[0]) => {
      if (first) {
        first = false;
        throw new WriteConflictError('raced');
      }
      return commit(c);
    },
  });
}

describe('joining a visit', () => {
  it('lets the consumer in as Attendee and the provider as Presenter, in one room and one chat thread with both', async () => {
    const w = await booked();
    w.clock.set(OPENS);
    const consumer = await joinAppointment(w.joinDeps, w.a.id, w.consumer);
    expect(consumer).toMatchObject({ role: 'Attendee', endpoint: 'https://acs.example/', expiresOn: OPENS + 60 * 60_000 });
    expect(consumer.token).toContain(consumer.acsUserId);
    expect(consumer.token).toContain('voip+chat');
    const provider = await joinAppointment(w.joinDeps, w.a.id, { caller: STAFF_P1 });
    expect(provider).toMatchObject({ role: 'Presenter', roomId: consumer.roomId, chatThreadId: consumer.chatThreadId });
    expect(provider.acsUserId).toBe(await w.providerIdentities.get('b1', 'p1'));
    expect((await w.acs.rooms.listParticipants(consumer.roomId)).map((p) => `${p.userId}=${p.role}`).sort()).toEqual(
      [`${consumer.acsUserId}=Attendee`, `${provider.acsUserId}=Presenter`].sort(),
    );
    expect(w.acs.threadMembers(consumer.chatThreadId)).toEqual(expect.arrayContaining([consumer.acsUserId, provider.acsUserId]));
    expect(w.acs.threads.get(consumer.chatThreadId)!.topic).toBe('Consultation');
    const stored = (await w.appointments.find(w.a.id))!.value;
    expect(stored).toMatchObject({ roomId: consumer.roomId, chatThreadId: consumer.chatThreadId, consumerAcsUserId: consumer.acsUserId });
    // a second join reuses everything
    const again = await joinAppointment(w.joinDeps, w.a.id, w.consumer);
    expect([again.acsUserId, again.roomId, again.chatThreadId]).toEqual([consumer.acsUserId, consumer.roomId, consumer.chatThreadId]);
    expect(w.acs.roomStates.size).toBe(1);
    expect(w.acs.threads.size).toBe(1);
  });

  it('opens at start minus the join window and closes at the end, both inclusive, naming both bounds', async () => {
    const w = await booked();
    for (const [at, expected] of [
      [OPENS - 1, 'join-window-closed'],
      [OPENS, 'ok'],
      [END, 'ok'],
      [END + 1, 'join-window-closed'],
    ] as const) {
      w.clock.set(at);
      expect(await outcome(joinAppointment(w.joinDeps, w.a.id, w.consumer))).toBe(expected);
    }
    w.clock.set(OPENS - 1);
    const early = (await joinAppointment(w.joinDeps, w.a.id, w.consumer).catch((e: unknown) => e)) as AppError;
    expect(early.detail).toBe('The visit cannot be joined yet.');
    expect(early.extensions).toEqual({ opensAt: '2026-03-03T08:45:00Z', closedAt: '2026-03-03T09:30:00Z' });
    expect(() => assertJoinWindowOpen({ start: TUESDAY_10, end: END }, 15, END + 1)).toThrow('The visit has ended.');
  });

  it('has no seat for a manager who is not the provider, nor another provider; a manager who is the provider joins as provider', async () => {
    const w = await booked();
    w.clock.set(TUESDAY_10);
    expect(await outcome(joinAppointment(w.joinDeps, w.a.id, { caller: MANAGER }))).toBe('forbidden');
    expect(await outcome(joinAppointment(w.joinDeps, w.a.id, { caller: STAFF_P2 }))).toBe('forbidden');
    const managerProvider: Caller = { kind: 'staff', oid: 'oid-p1', roles: [] };
    await w.businesses.saveBusiness(
      { ...(await w.businesses.getBusiness('b1'))!.value, managers: ['m1', 'oid-p1'] },
      (await w.businesses.getBusiness('b1'))!.etag,
    );
    expect((await joinAppointment(w.joinDeps, w.a.id, { caller: managerProvider })).role).toBe('Presenter');
    expect(await outcome(joinAppointment(w.joinDeps, w.a.id, { caller: ANONYMOUS, manageToken: 'wrong' }))).toBe('unauthorized');
  });

  it('refuses a cancelled appointment, and never hands out an identity for it', async () => {
    const w = await booked();
    await cancelAppointment(w.deps, w.a.id, { caller: MANAGER }, {});
    w.clock.set(TUESDAY_10);
    expect(await outcome(joinAppointment(w.joinDeps, w.a.id, w.consumer))).toBe('invalid-state');
    expect(await outcome(ensureConsumerIdentity(w.joinDeps, w.a.id))).toBe('invalid-state');
    expect(await ensureAppointmentRoom(w.joinDeps, w.a.id)).toBeUndefined();
    expect(w.acs.identities.size).toBe(0);
  });

  it('revokes the consumer token it just issued when a cancel landed meanwhile', async () => {
    const w = await booked();
    w.clock.set(TUESDAY_10);
    const issue = w.acs.identity.issueToken;
    w.joinDeps.identity = {
      ...w.acs.identity,
      issueToken: async (...args) => {
        const token = await issue(...args);
        await cancelAppointment(w.deps, w.a.id, { caller: MANAGER }, {});
        return token;
      },
    };
    expect(await outcome(joinAppointment(w.joinDeps, w.a.id, w.consumer))).toBe('invalid-state');
    const consumerId = (await w.appointments.find(w.a.id))!.value.consumerAcsUserId!;
    expect(w.acs.identities.get(consumerId)!.liveTokens).toBe(0);
  });

  it('gives tokens for the rest of the visit, at least 60 and at most 1440 minutes', () => {
    expect([MIN_TOKEN_MINUTES, MAX_TOKEN_MINUTES, JOIN_SCOPES]).toEqual([60, 1440, ['voip', 'chat']]);
    expect(joinTokenMinutes(TUESDAY_10 + 90 * MINUTE, TUESDAY_10)).toBe(90);
    expect(joinTokenMinutes(TUESDAY_10 + 90 * MINUTE + 1, TUESDAY_10)).toBe(91);
    expect(joinTokenMinutes(TUESDAY_10 + 30 * MINUTE, TUESDAY_10)).toBe(60);
    expect(joinTokenMinutes(TUESDAY_10 + 30 * HOUR, TUESDAY_10)).toBe(1440);
  });
});

describe('the appointment room', () => {
  it('is valid from the join window (or now, if later) until an hour after the end', () => {
    expect(ROOM_GRACE_MS).toBe(HOUR);
    expect(roomValidity({ start: TUESDAY_10, end: END }, 15, TUESDAY_10 - HOUR)).toEqual({ validFrom: OPENS, validUntil: END + HOUR });
    expect(roomValidity({ start: TUESDAY_10, end: END }, 15, TUESDAY_10)).toEqual({ validFrom: TUESDAY_10, validUntil: END + HOUR });
  });

  it('is created once, follows a reschedule, and is made anew when ACS lost it', async () => {
    const w = await booked();
    const roomId = (await ensureAppointmentRoom(w.joinDeps, w.a.id))!;
    expect(await w.acs.rooms.getRoom(roomId)).toMatchObject({ validFrom: OPENS, validUntil: END + HOUR });
    expect(await ensureAppointmentRoom(w.joinDeps, w.a.id)).toBe(roomId);
    await rescheduleAppointment(w.deps, w.a.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR });
    expect(await ensureAppointmentRoom(w.joinDeps, w.a.id)).toBe(roomId);
    expect((await w.acs.rooms.getRoom(roomId))!.validUntil).toBe(END + 2 * HOUR);
    await w.acs.rooms.deleteRoom(roomId);
    const fresh = await ensureAppointmentRoom(w.joinDeps, w.a.id);
    expect(fresh).not.toBe(roomId);
    expect((await w.appointments.find(w.a.id))!.value.roomId).toBe(fresh);
  });

  it("deletes the room it made when its commit lost a race, then uses the winner's", async () => {
    const w = await booked();
    loseFirstCommit(w);
    const roomId = await ensureAppointmentRoom(w.joinDeps, w.a.id);
    expect([...w.acs.roomStates.keys()]).toEqual([roomId]);
  });

  it('handles room.ensure and room.delete outbox rows', async () => {
    const w = await booked();
    const handlers = roomHandlers(w.joinDeps);
    await handlers['room.ensure'](outboxMessage('room.ensure', w.a.id));
    const roomId = (await w.appointments.find(w.a.id))!.value.roomId!;
    expect(await w.acs.rooms.getRoom(roomId)).toBeDefined();
    await handlers['room.delete'](outboxMessage('room.delete', w.a.id, { roomId: 42 }));
    expect(await w.acs.rooms.getRoom(roomId)).toBeDefined();
    await handlers['room.delete'](outboxMessage('room.delete', w.a.id, { roomId }));
    expect(await w.acs.rooms.getRoom(roomId)).toBeUndefined();
  });
});

describe('participant identities', () => {
  it('keeps one identity per provider; a claim lost to a concurrent join deletes its own', async () => {
    const w = await joinWorld();
    const first = await ensureProviderIdentity(w.joinDeps, 'b1', 'p1');
    expect(await ensureProviderIdentity(w.joinDeps, 'b1', 'p1')).toBe(first);
    // a concurrent join claimed between our read and our claim
    const racing = {
      ...w.joinDeps,
      providerIdentities: { get: async () => undefined, claim: (b: string, p: string, u: string) => w.providerIdentities.claim(b, p, u) },
    };
    expect(await ensureProviderIdentity(racing, 'b1', 'p1')).toBe(first);
    const live = [...w.acs.identities.values()].filter((i) => !i.deleted);
    expect(live).toHaveLength(1);
  });

  it('stores the consumer identity on the appointment once; a lost commit deletes the identity it made', async () => {
    const w = await booked();
    loseFirstCommit(w);
    const id = await ensureConsumerIdentity(w.joinDeps, w.a.id);
    expect(await ensureConsumerIdentity(w.joinDeps, w.a.id)).toBe(id);
    expect([...w.acs.identities.entries()].filter(([, i]) => !i.deleted).map(([k]) => k)).toEqual([id]);
    expect(w.acs.identities.size).toBe(2);
  });
});
