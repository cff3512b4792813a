import { effectsOf } from '../../../shared/app/appointments/effects';
import { chatNoticeText } from '../../../shared/app/chat/chat-notices';
import { assertJoinWindowOpen, joinTokenMinutes } from '../../../shared/app/join/join-appointment';
import { decodeCursor, encodeCursor, mergePages } from '../../../shared/app/workspace/list-appointments';
import type { Appointment } from '../../../shared/domain/appointments/appointment';

const MIN = 60_000;
const START = Date.parse('2027-03-01T09:00:00Z');

function appointment(overrides: Partial<Appointment> = {}): Appointment {
  return {
    id: 'a1',
    businessId: 'clinic',
    serviceId: 'consult',
    providerId: 'amy',
    start: START,
    end: START + 30 * MIN,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    status: 'booked',
    consumer: { name: 'Jane', email: 'jane@example.com', smsConsent: false },
    createdAt: 0,
    updatedAt: 0,
    version: 1,
    reminders: [],
    manageTokenHash: 'x',
    ...overrides,
  };
}

describe('join token lifetime', () => {
  it('covers the rest of the visit, at least 60 and at most 1440 minutes', () => {
    expect(joinTokenMinutes(START + 30 * MIN, START - 15 * MIN)).toBe(60);
    expect(joinTokenMinutes(START + 600 * MIN, START)).toBe(600);
    expect(joinTokenMinutes(START + 600 * MIN, START + 30_001)).toBe(600); // partial minutes round up
    expect(joinTokenMinutes(START + 2000 * MIN, START)).toBe(1440);
    expect(joinTokenMinutes(START, START)).toBe(60);
  });
});

describe('join window', () => {
  it('is open from start - joinWindowMinutes until the end, both included, and names both bounds when closed', () => {
    const a = appointment();
    expect(() => assertJoinWindowOpen(a, 15, START - 15 * MIN)).not.toThrow();
    expect(() => assertJoinWindowOpen(a, 15, START + 30 * MIN)).not.toThrow();
    for (const now of [START - 15 * MIN - 1, START + 30 * MIN + 1]) {
      expect(() => assertJoinWindowOpen(a, 15, now)).toThrow(
        expect.objectContaining({
          code: 'join-window-closed',
          extensions: { opensAt: '2027-03-01T08:45:00Z', closedAt: '2027-03-01T09:30:00Z' },
        }),
      );
    }
    expect(() => assertJoinWindowOpen(a, 0, START - 1)).toThrow(expect.objectContaining({ code: 'join-window-closed' }));
  });
});

describe('effects of changes on the visit', () => {
  const joined = appointment({ roomId: 'r1', chatThreadId: 't1', consumerAcsUserId: '8:acs:c' });

  it('cancel locks the consumer out of room and chat thread, tells the thread and deletes the room', () => {
    const cancelled = { ...joined, status: 'cancelled' as const, version: 2 };
    const effects = effectsOf({ kind: 'cancelled', appointment: cancelled, previous: joined }, START);
    expect(effects.map((e) => [e.kind, e.payload])).toEqual(
      expect.arrayContaining([
        ['access.revoke', { userId: '8:acs:c', roomId: 'r1', chatThreadId: 't1' }],
        ['chat.notice', { threadId: 't1', notice: 'cancelled' }],
        ['room.delete', { roomId: 'r1' }],
      ]),
    );
    expect(new Set(effects.map((e) => e.id)).size).toBe(effects.length);
    expect(effects.every((e) => e.version === 2)).toBe(true);
  });

  it('no-show revokes only; complete does nothing; a consumer who never joined has nothing to revoke', () => {
    // Every change also publishes its event (test/unit/appointments/appointment-events.test.ts).
    const kinds = (effects: Array<{ kind: string }>) => effects.map((e) => e.kind).filter((kind) => kind !== 'event.publish');
    const after = { ...joined, status: 'no-show' as const, version: 2 };
    expect(kinds(effectsOf({ kind: 'no-show', appointment: after, previous: joined }, START))).toEqual(['access.revoke']);
    expect(
      kinds(effectsOf({ kind: 'completed', appointment: { ...joined, status: 'completed', version: 2 }, previous: joined }, START)),
    ).toEqual([]);
    const never = appointment({ roomId: 'r1' });
    expect(kinds(effectsOf({ kind: 'no-show', appointment: { ...never, status: 'no-show', version: 2 }, previous: never }, START))).toEqual(
      [],
    );
  });

  it('booking asks for the chat thread ahead of the join; a reschedule keeps the thread it has', () => {
    const booked = appointment({});
    expect(effectsOf({ kind: 'booked', appointment: booked }, START - 7 * 24 * 3_600_000).map((e) => e.kind)).toContain('chat.ensure');
    const moved = { ...joined, version: 2 };
    expect(effectsOf({ kind: 'rescheduled', appointment: moved, previous: joined }, START).map((e) => e.kind)).not.toContain('chat.ensure');
  });

  it('reschedule posts the new time to an existing thread only', () => {
    const moved = { ...joined, start: START + 60 * MIN, end: START + 90 * MIN, version: 2 };
    const notice = effectsOf({ kind: 'rescheduled', appointment: moved, previous: joined }, START).find((e) => e.kind === 'chat.notice');
    expect(notice?.payload).toEqual({ threadId: 't1', notice: 'rescheduled', start: START + 60 * MIN, end: START + 90 * MIN });
    const noThread = appointment();
    expect(
      effectsOf({ kind: 'rescheduled', appointment: { ...noThread, version: 2 }, previous: noThread }, START).map((e) => e.kind),
    ).not.toContain('chat.notice');
  });
});

describe('chat notice text', () => {
  it('names the new local time and its zone, formatted for the language (issue 16: English by default)', () => {
    const moved = { threadId: 't', notice: 'rescheduled' as const, start: START, end: START + 30 * MIN };
    expect(chatNoticeText(moved, 'Europe/Berlin')).toMatch(
      /^This appointment has been moved to Monday, March 1, 2027, 10:00\sAM-10:30\sAM \(Europe\/Berlin\)\.$/u,
    );
    expect(chatNoticeText(moved, 'Europe/Berlin', 'de')).toBe(
      'Dieser Termin wurde verschoben auf Montag, 1. März 2027, 10:00-10:30 (Europe/Berlin).',
    );
    expect(chatNoticeText(moved, 'Europe/Berlin', 'fr')).toBe(
      'Ce rendez-vous a été déplacé au lundi 1 mars 2027, 10:00-10:30 (Europe/Berlin).',
    );
    expect(chatNoticeText(moved, 'Europe/Berlin', 'es')).toBe(
      'Esta cita se ha trasladado al lunes, 1 de marzo de 2027, 10:00-10:30 (Europe/Berlin).',
    );
    expect(chatNoticeText({ threadId: 't', notice: 'cancelled' }, 'UTC', 'es')).toBe('Esta cita ha sido cancelada.');
    expect(chatNoticeText({ threadId: 't', notice: 'cancelled' }, 'UTC')).toBe('This appointment has been cancelled.');
  });
});

describe('appointment list paging', () => {
  it('round-trips its cursor and rejects anything else as a validation error on continuationToken', () => {
    expect(decodeCursor(encodeCursor({ start: START, id: 'abc_1' }))).toEqual({ start: START, id: 'abc_1' });
    for (const bad of [
      '',
      'not-base64!',
      Buffer.from('{"s":"x","i":"a"}').toString('base64url'),
      Buffer.from('{"s":1,"i":"a|b"}').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(
        expect.objectContaining({ code: 'validation', extensions: { errors: [expect.objectContaining({ path: 'continuationToken' })] } }),
      );
    }
  });

  it('merges provider pages by (start, id) and knows whether more follow', () => {
    const at = (id: string, minutes: number) => appointment({ id, start: START + minutes * MIN });
    const amy = { appointments: [at('a', 0), at('c', 30), at('e', 60)], more: true };
    const bob = { appointments: [at('b', 0), at('d', 45)], more: false };
    const first = mergePages([amy, bob], 3);
    expect(first.appointments.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(first.more).toBe(true);
    const all = mergePages([{ ...amy, more: false }, bob], 5);
    expect(all.appointments.map((a) => a.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all.more).toBe(false);
  });
});
