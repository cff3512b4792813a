/**
 * Booking, cancel and reschedule use cases on the real table adapters (Azurite): the atomic
 * check-and-write, provider choice, idempotency, cutoffs and the outbox rows they leave.
 */
import { TableAppointmentStore } from '../../../shared/adapters/tables/appointment-store';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableIdempotencyStore } from '../../../shared/adapters/tables/idempotency-store';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { authorizeAppointment } from '../../../shared/app/appointments/appointment-access';
import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS } from '../../../shared/app/idempotency';
import { bookAppointment, type BookingDeps, type BookingRequest } from '../../../shared/app/appointments/book-appointment';
import { cancelAppointment } from '../../../shared/app/appointments/cancel-appointment';
import { rescheduleAppointment } from '../../../shared/app/appointments/reschedule-appointment';
import type { ServiceRecord } from '../../../shared/app/ports/business-repository';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { occupiedInterval } from '../../../shared/domain/appointments/appointment';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { seedClinic } from './clinic-seed';

const MIN = 60_000;
// Monday 2027-03-01, 08:00 UTC = 09:00 in Berlin.
const MONDAY_9 = Date.parse('2027-03-01T08:00:00Z');
let now = MONDAY_9 - 7 * 24 * 60 * MIN;

const tables = new TableClients(
  parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
);
const businesses = new TableBusinessRepository(tables);
const calendars = new TableProviderCalendarRepository(tables);
const appointments = new TableAppointmentStore(tables);
const kicked: string[] = [];
const deps: BookingDeps = {
  businesses,
  appointments,
  idempotency: new TableIdempotencyStore(tables),
  clock: { now: () => now },
  kickOutbox: (location) => kicked.push(location.providerId),
};
const present = (appointment: Appointment, manageToken: string) => ({ appointment, manageToken });
type Booked = { appointment: Appointment; manageToken: string };

const service: ServiceRecord = {
  businessId: 'clinic',
  id: 'consult',
  name: 'Consultation',
  durationMinutes: 30,
  providerIds: ['amy', 'bob'],
  slotIntervalMinutes: 15,
  bufferBeforeMinutes: 10,
  bufferAfterMinutes: 10,
  minimumNoticeMinutes: 60,
  bookingWindowDays: 60,
  maxPerDayPerProvider: null,
  cancellationCutoffMinutes: 120,
  rescheduleCutoffMinutes: 120,
  joinWindowMinutes: 15,
  reminders: [{ offsetMinutes: 1440, channels: ['email', 'sms'] }],
  active: true,
  createdAt: 0,
  updatedAt: 0,
};
const consumer = { name: 'Jane', email: 'jane@example.com', phone: '+4930123456', smsConsent: true };
const request = (start: number, extra: Partial<BookingRequest> = {}): BookingRequest => ({
  serviceId: 'consult',
  start,
  consumer,
  ...extra,
});

async function book(start: number, extra: Partial<BookingRequest> = {}, key?: string): Promise<Booked> {
  const result = await bookAppointment(deps, 'clinic', request(start, extra), present, key);
  return result.body as Booked;
}

beforeAll(async () => {
  await seedClinic(businesses, calendars, ['amy', 'bob'], service);
});

function overlaps(a: Appointment, b: Appointment): boolean {
  const x = occupiedInterval(a);
  const y = occupiedInterval(b);
  return x.start < y.end && y.start < x.end;
}

describe('booking on Table Storage', () => {
  it('never double-books: 50 concurrent requests for overlapping times of one provider', async () => {
    const starts = Array.from({ length: 50 }, (_, i) => MONDAY_9 + 24 * 60 * MIN + (i % 10) * 15 * MIN);
    const outcomes = await Promise.allSettled(starts.map((start) => book(start, { providerId: 'amy' })));
    const booked = outcomes.filter((o): o is PromiseFulfilledResult<Booked> => o.status === 'fulfilled').map((o) => o.value.appointment);
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code);
    expect(booked.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(['slot-unavailable']));
    for (const a of booked) for (const b of booked) if (a !== b) expect(overlaps(a, b)).toBe(false);
    // What is stored agrees with what was answered.
    const stored = await appointments.listByProvider('clinic', 'amy', MONDAY_9, MONDAY_9 + 2 * 24 * 60 * MIN);
    expect(stored.map((a) => a.id).sort()).toEqual(booked.map((a) => a.id).sort());
  });

  it('chooses the free provider with the fewest bookings that day, ties to the smallest id', async () => {
    const day = MONDAY_9 + 2 * 24 * 60 * MIN; // Wednesday
    const first = await book(day);
    expect(first.appointment.providerId).toBe('amy');
    const second = await book(day); // amy is busy now
    expect(second.appointment.providerId).toBe('bob');
    const third = await book(day + 120 * MIN); // both free, one booking each: tie -> amy
    expect(third.appointment.providerId).toBe('amy');
    const fourth = await book(day + 240 * MIN); // amy has two, bob one
    expect(fourth.appointment.providerId).toBe('bob');
    await expect(book(day)).rejects.toMatchObject({ code: 'slot-unavailable' });
  });

  it('refuses times that are not offered: outside hours, misaligned, inside notice, unknown service or provider', async () => {
    const day = MONDAY_9 + 3 * 24 * 60 * MIN;
    await expect(book(day - 60 * MIN)).rejects.toMatchObject({ code: 'slot-unavailable' });
    await expect(book(day + 7 * MIN)).rejects.toMatchObject({ code: 'slot-unavailable' });
    await expect(book(now + 30 * MIN)).rejects.toMatchObject({ code: 'slot-unavailable' });
    await expect(book(day, { serviceId: 'nope' })).rejects.toMatchObject({ code: 'validation' });
    await expect(book(day, { providerId: 'zoe' })).rejects.toMatchObject({ code: 'validation' });
    await expect(bookAppointment(deps, 'no-such-business', request(day), present)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('creates exactly one appointment for concurrent retries with one Idempotency-Key', async () => {
    const start = MONDAY_9 + 4 * 24 * 60 * MIN;
    const results = await Promise.all(Array.from({ length: 8 }, () => book(start, {}, 'retry-key-1')));
    expect(new Set(results.map((r) => r.appointment.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.manageToken)).size).toBe(1);
    const again = await book(start, {}, 'retry-key-1');
    expect(again.manageToken).toBe(results[0]!.manageToken);
    await expect(book(start + 60 * MIN, {}, 'retry-key-1')).rejects.toMatchObject({ code: 'idempotency-conflict' });
    const onDay = await appointments.listByProvider('clinic', results[0]!.appointment.providerId, start - MIN, start + MIN);
    expect(onDay).toHaveLength(1);
  });

  it('a key reused after its replay period books anew: it never hands over or re-tokens the first appointment', async () => {
    const start = MONDAY_9;
    const first = await book(start, { providerId: 'amy' }, 'order-1001');
    const saved = now;
    try {
      now += IDEMPOTENCY_TTL_MS + MIN;
      const stranger = { name: 'Mallory', email: 'mallory@example.com', phone: '+4930999999', smsConsent: false };
      // Same key, the same slot: the slot is taken, so 409, and nothing of the first booking comes back.
      await expect(book(start, { providerId: 'amy', consumer: stranger }, 'order-1001')).rejects.toMatchObject({
        code: 'slot-unavailable',
      });
      // Same key, another time: a new appointment of its own.
      const second = await book(start + 60 * MIN, { providerId: 'amy', consumer: stranger }, 'order-1001');
      expect(second.appointment.id).not.toBe(first.appointment.id);
      expect(second.appointment.consumer.name).toBe('Mallory');
      // Even the identical request books anew once the period is over (the slot is taken: 409).
      now += IDEMPOTENCY_TTL_MS + MIN;
      await expect(book(start, { providerId: 'amy' }, 'order-1001')).rejects.toMatchObject({ code: 'slot-unavailable' });
    } finally {
      now = saved;
    }
    // The first consumer's token still works and the appointment is unchanged.
    const mine = await authorizeAppointment(deps, first.appointment.id, { caller: { kind: 'anonymous' }, manageToken: first.manageToken });
    expect(mine.appointment.value).toMatchObject({ consumer, version: 1 });
  });

  it('a retry of a booking whose process died after the commit finds its appointment (no second booking)', async () => {
    const start = MONDAY_9 + 17 * 24 * 60 * MIN;
    const store = new TableIdempotencyStore(tables);
    // The first attempt commits, then dies before it records its answer.
    const dying = {
      ...deps,
      idempotency: Object.assign(Object.create(store) as TableIdempotencyStore, {
        complete: () => Promise.reject(new Error('process died')),
      }),
    };
    await expect(bookAppointment(dying, 'clinic', request(start, { providerId: 'bob' }), present, 'crash-key')).rejects.toThrow(
      'process died',
    );
    const saved = now;
    try {
      now += IDEMPOTENCY_LEASE_MS + 1;
      const retry = (await bookAppointment(deps, 'clinic', request(start, { providerId: 'bob' }), present, 'crash-key')).body as Booked;
      const onDay = await appointments.listByProvider('clinic', 'bob', start - MIN, start + MIN);
      expect(onDay.map((a) => a.id)).toEqual([retry.appointment.id]);
      const replay = (await bookAppointment(deps, 'clinic', request(start, { providerId: 'bob' }), present, 'crash-key')).body as Booked;
      expect(replay.manageToken).toBe(retry.manageToken);
    } finally {
      now = saved;
    }
  });

  it('plans reminders on the consumer channels and writes a room outbox row in the same step', async () => {
    const start = MONDAY_9 + 7 * 24 * 60 * MIN;
    const { appointment } = await book(start, { consumer: { ...consumer, smsConsent: false } });
    expect(appointment.reminders).toEqual([
      { dueAt: start - 1440 * MIN, channels: ['email'], status: 'pending', deliveries: [{ channel: 'email', status: 'pending' }] },
    ]);
    const outbox = await appointments.listOutbox('clinic', appointment.providerId);
    expect(outbox).toContainEqual(expect.objectContaining({ kind: 'room.ensure', appointmentId: appointment.id, version: 1 }));
    expect(kicked).toContain(appointment.providerId);
  });

  it('cancel frees the slot, is idempotent, and respects the cutoff for consumers only', async () => {
    const start = MONDAY_9 + 8 * 24 * 60 * MIN;
    const { appointment, manageToken } = await book(start, { providerId: 'bob' });
    await expect(book(start, { providerId: 'bob' })).rejects.toMatchObject({ code: 'slot-unavailable' });
    const asConsumer = { caller: { kind: 'anonymous' as const }, manageToken };
    const cancelled = await cancelAppointment(deps, appointment.id, asConsumer, { reason: 'sick' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'sick', version: 2 });
    expect(await cancelAppointment(deps, appointment.id, asConsumer, {})).toMatchObject({ status: 'cancelled', version: 2 });
    expect((await book(start, { providerId: 'bob' })).appointment.providerId).toBe('bob');

    const late = await book(start + 120 * MIN, { providerId: 'bob' });
    const saved = now;
    now = late.appointment.start - 60 * MIN;
    try {
      await expect(
        cancelAppointment(deps, late.appointment.id, { caller: { kind: 'anonymous' }, manageToken: late.manageToken }, {}),
      ).rejects.toMatchObject({ code: 'too-late' });
      const byStaff = await cancelAppointment(deps, late.appointment.id, { caller: { kind: 'staff', oid: 'oid-bob', roles: [] } }, {});
      expect(byStaff.status).toBe('cancelled');
    } finally {
      now = saved;
    }
  });

  it('reschedule moves the appointment, frees the old time and honours If-Match', async () => {
    const start = MONDAY_9 + 9 * 24 * 60 * MIN;
    const { appointment, manageToken } = await book(start, { providerId: 'amy' });
    const credentials = { caller: { kind: 'anonymous' as const }, manageToken };
    await expect(
      rescheduleAppointment(deps, appointment.id, credentials, { start: start + 60 * MIN, ifMatch: '"7"' }),
    ).rejects.toMatchObject({ code: 'version-mismatch' });
    // Moving by 15 minutes overlaps its own old time: allowed, because the old time is released in the same step.
    const moved = await rescheduleAppointment(deps, appointment.id, credentials, { start: start + 15 * MIN, ifMatch: '"1"' });
    expect(moved).toMatchObject({ start: start + 15 * MIN, end: start + 45 * MIN, version: 2, providerId: 'amy' });
    // 10:00 would touch the moved one's buffers (09:05-09:55 padded); 10:15 is free, then taken.
    await expect(book(start + 60 * MIN, { providerId: 'amy' })).rejects.toMatchObject({ code: 'slot-unavailable' });
    const other = await book(start + 75 * MIN, { providerId: 'amy' });
    expect(other.appointment.providerId).toBe('amy');
    await expect(rescheduleAppointment(deps, appointment.id, credentials, { start: start + 75 * MIN })).rejects.toMatchObject({
      code: 'slot-unavailable',
    });
    // The old 09:00 time was released by the move: it can be booked again.
    await expect(book(start - 0, { providerId: 'amy' })).rejects.toMatchObject({ code: 'slot-unavailable' });
    await cancelAppointment(deps, appointment.id, credentials, {});
    await expect(rescheduleAppointment(deps, appointment.id, credentials, { start })).rejects.toMatchObject({ code: 'invalid-state' });
  });

  it('accepts a manage token for its own appointment only, and staff by role', async () => {
    const a = await book(MONDAY_9 + 10 * 24 * 60 * MIN, { providerId: 'amy' });
    const b = await book(MONDAY_9 + 10 * 24 * 60 * MIN, { providerId: 'bob' });
    await expect(
      authorizeAppointment(deps, a.appointment.id, { caller: { kind: 'anonymous' }, manageToken: b.manageToken }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(
      authorizeAppointment(deps, 'unknown', { caller: { kind: 'anonymous' }, manageToken: b.manageToken }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(authorizeAppointment(deps, a.appointment.id, { caller: { kind: 'anonymous' } })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(
      authorizeAppointment(deps, a.appointment.id, { caller: { kind: 'staff', oid: 'oid-bob', roles: [] } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(authorizeAppointment(deps, 'unknown', { caller: { kind: 'staff', oid: 'oid-bob', roles: [] } })).rejects.toMatchObject({
      code: 'not-found',
    });
    expect((await authorizeAppointment(deps, a.appointment.id, { caller: { kind: 'staff', oid: 'oid-amy', roles: [] } })).role).toBe(
      'provider',
    );
    expect((await authorizeAppointment(deps, a.appointment.id, { caller: { kind: 'staff', oid: 'manager', roles: [] } })).role).toBe(
      'manager',
    );
    expect((await authorizeAppointment(deps, a.appointment.id, { caller: { kind: 'anonymous' }, manageToken: a.manageToken })).role).toBe(
      'consumer',
    );
  });
});

describe('reschedule to another provider', () => {
  it('takes the new provider time, then releases the old time and copy', async () => {
    const start = MONDAY_9 + 11 * 24 * 60 * MIN;
    const { appointment, manageToken } = await book(start, { providerId: 'amy' });
    const credentials = { caller: { kind: 'anonymous' as const }, manageToken };
    const moved = await rescheduleAppointment(deps, appointment.id, credentials, { start: start + 60 * MIN, providerId: 'bob' });
    expect(moved).toMatchObject({ providerId: 'bob', start: start + 60 * MIN, version: 2 });
    expect((await appointments.find(appointment.id))?.value).toMatchObject({ providerId: 'bob', version: 2 });
    expect(await appointments.listByProvider('clinic', 'amy', start - MIN, start + MIN)).toEqual([]);
    expect((await appointments.listByProvider('clinic', 'bob', start, start + 2 * 60 * MIN)).map((a) => a.id)).toEqual([appointment.id]);
    // amy's old time is free again, bob's new time is taken.
    expect((await book(start, { providerId: 'amy' })).appointment.providerId).toBe('amy');
    await expect(book(start + 60 * MIN, { providerId: 'bob' })).rejects.toMatchObject({ code: 'slot-unavailable' });
    // The consumer token keeps working and the appointment can be cancelled where it now lives.
    expect((await cancelAppointment(deps, appointment.id, credentials, {})).status).toBe('cancelled');
    expect((await book(start + 60 * MIN, { providerId: 'bob' })).appointment.providerId).toBe('bob');
  });

  it('refuses a provider that does not offer the time or does not give the service', async () => {
    const start = MONDAY_9 + 14 * 24 * 60 * MIN;
    const { appointment, manageToken } = await book(start, { providerId: 'amy' });
    await book(start + 60 * MIN, { providerId: 'bob' });
    const credentials = { caller: { kind: 'anonymous' as const }, manageToken };
    await expect(
      rescheduleAppointment(deps, appointment.id, credentials, { start: start + 60 * MIN, providerId: 'bob' }),
    ).rejects.toMatchObject({ code: 'slot-unavailable' });
    await expect(rescheduleAppointment(deps, appointment.id, credentials, { start, providerId: 'zoe' })).rejects.toMatchObject({
      code: 'validation',
    });
    expect((await appointments.find(appointment.id))?.value).toMatchObject({ providerId: 'amy', version: 1 });
  });

  it('undoes the move when the old copy changed before it was released', async () => {
    const start = MONDAY_9 + 15 * 24 * 60 * MIN;
    const { appointment } = await book(start, { providerId: 'amy' });
    // Simulate the race: the new copy and its release message exist, then the old copy changes first.
    const { releaseMovedAppointment } = await import('../../../shared/app/appointments/move-to-provider');
    const { outboxMessage } = await import('../../../shared/app/appointments/effects');
    const { readProviderTime, dayRowChanges } = await import('../../../shared/app/appointments/provider-time');
    const bob = (await businesses.getProvider('clinic', 'bob'))!.value;
    const copy = { ...appointment, providerId: 'bob', version: 2 };
    const time = await readProviderTime(appointments, bob, [occupiedInterval(copy)]);
    await appointments.commit({
      businessId: 'clinic',
      providerId: 'bob',
      days: dayRowChanges(time, { add: copy }),
      appointment: { value: copy },
      outbox: [],
    });
    const old = (await appointments.find(appointment.id))!;
    await appointments.commit({
      businessId: 'clinic',
      providerId: 'amy',
      days: [],
      appointment: { value: { ...old.value, version: 2, notes: 'changed' }, etag: old.etag },
      outbox: [],
    });
    const release = outboxMessage(copy, 'appointment.release', now, { fromProviderId: 'amy', previousVersion: 1 });
    expect(await releaseMovedAppointment(deps, release)).toBe('reverted');
    expect((await appointments.find(appointment.id))?.value).toMatchObject({ providerId: 'amy', notes: 'changed' });
    expect(await appointments.listByProvider('clinic', 'bob', start - MIN, start + MIN)).toEqual([]);
    expect((await book(start, { providerId: 'bob' })).appointment.providerId).toBe('bob');
  });
});

describe('reschedule back and forth between providers', () => {
  const eventsOf = async (providerId: string, appointmentId: string) =>
    (await appointments.listOutbox('clinic', providerId))
      .filter((m) => m.appointmentId === appointmentId && (m.kind === 'event.publish' || m.kind === 'lifecycle.event'))
      .map((m) => `${m.kind}:${m.version}:${String((m.payload?.event as { type?: string } | undefined)?.type ?? m.payload?.event)}`);

  it('moves back to a provider the appointment had before', async () => {
    const start = MONDAY_9 + 18 * 24 * 60 * MIN;
    const { appointment, manageToken } = await book(start, { providerId: 'amy' });
    const credentials = { caller: { kind: 'anonymous' as const }, manageToken };
    await rescheduleAppointment(deps, appointment.id, credentials, { start: start + 60 * MIN, providerId: 'bob' });
    const back = await rescheduleAppointment(deps, appointment.id, credentials, { start: start + 120 * MIN, providerId: 'amy' });
    expect(back).toMatchObject({ providerId: 'amy', start: start + 120 * MIN, version: 3 });
    expect((await appointments.find(appointment.id))?.value).toMatchObject({ providerId: 'amy', version: 3 });
    expect((await appointments.listByProvider('clinic', 'amy', start - MIN, start + 3 * 60 * MIN)).map((a) => a.id)).toEqual([
      appointment.id,
    ]);
    expect(await appointments.listByProvider('clinic', 'bob', start - MIN, start + 3 * 60 * MIN)).toEqual([]);
    // And once more to bob, whose retired copy is in the way just the same.
    expect(await rescheduleAppointment(deps, appointment.id, credentials, { start, providerId: 'bob' })).toMatchObject({
      providerId: 'bob',
      version: 4,
    });
    // Each real move announced itself once: rescheduled events for versions 2, 3 and 4.
    const announced = [...(await eventsOf('amy', appointment.id)), ...(await eventsOf('bob', appointment.id))].sort();
    expect(announced.filter((e) => e.startsWith('event.publish') && e.endsWith('appointment.rescheduled'))).toEqual([
      'event.publish:2:appointment.rescheduled',
      'event.publish:3:appointment.rescheduled',
      'event.publish:4:appointment.rescheduled',
    ]);
  });

  it('a move undone because the old copy changed meanwhile announces nothing', async () => {
    const start = MONDAY_9 + 21 * 24 * 60 * MIN;
    const { appointment, manageToken } = await book(start, { providerId: 'amy' });
    // Right after the new copy is written in bob's partition, someone changes the old copy in amy's.
    const racing: BookingDeps = {
      ...deps,
      appointments: Object.assign(Object.create(appointments) as TableAppointmentStore, {
        commit: async (commit: Parameters<TableAppointmentStore['commit']>[0]) => {
          await appointments.commit(commit);
          if (commit.providerId === 'bob' && commit.appointment.value.id === appointment.id && !commit.appointment.etag) {
            const old = (await appointments.findAt({ businessId: 'clinic', providerId: 'amy' }, appointment.id))!;
            await appointments.commit({
              businessId: 'clinic',
              providerId: 'amy',
              days: [],
              appointment: { value: { ...old.value, version: 2, notes: 'changed' }, etag: old.etag },
              outbox: [],
            });
          }
        },
      }),
    };
    const credentials = { caller: { kind: 'anonymous' as const }, manageToken };
    await expect(
      rescheduleAppointment(racing, appointment.id, credentials, { start: start + 60 * MIN, providerId: 'bob' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await appointments.find(appointment.id))?.value).toMatchObject({ providerId: 'amy', notes: 'changed' });
    // Neither partition holds a rescheduled event or a lifecycle event for the move that did not happen.
    expect(
      [...(await eventsOf('amy', appointment.id)), ...(await eventsOf('bob', appointment.id))].filter(
        (e) => !e.endsWith('appointment.booked'),
      ),
    ).toEqual([]);
    // bob's time is free again.
    expect((await book(start + 60 * MIN, { providerId: 'bob' })).appointment.providerId).toBe('bob');
  });
});

describe('outbox retries', () => {
  it('keeps a failing message with a growing delay and runs it again once due', async () => {
    const { dispatchPartition, outboxRetryDelay } = await import('../../../shared/app/outbox/dispatch-outbox');
    const start = MONDAY_9 + 16 * 24 * 60 * MIN;
    const { appointment } = await book(start, { providerId: 'bob' });
    let calls = 0;
    let failing = true;
    const errors: number[] = [];
    const outbox = {
      appointments,
      clock: deps.clock,
      handlers: {
        'room.ensure': async (message: { appointmentId: string }) => {
          if (message.appointmentId !== appointment.id) return; // rows of earlier tests in this partition
          calls += 1;
          if (failing) throw new Error('ACS is down');
        },
      },
      onError: (message: { attempts?: number }) => errors.push(message.attempts ?? 0),
    };
    const pending = () =>
      appointments
        .listOutbox('clinic', 'bob')
        .then((rows) => rows.filter((r) => r.appointmentId === appointment.id && r.kind === 'room.ensure'));
    await dispatchPartition(outbox, { businessId: 'clinic', providerId: 'bob' });
    expect(calls).toBe(1);
    expect((await pending())[0]).toMatchObject({ attempts: 1, retryAt: now + outboxRetryDelay(1) });
    // Not due yet: not tried again.
    await dispatchPartition(outbox, { businessId: 'clinic', providerId: 'bob' });
    expect(calls).toBe(1);
    const saved = now;
    try {
      now += outboxRetryDelay(1);
      await dispatchPartition(outbox, { businessId: 'clinic', providerId: 'bob' });
      expect(calls).toBe(2);
      expect((await pending())[0]).toMatchObject({ attempts: 2, retryAt: now + outboxRetryDelay(2) });
      failing = false;
      now += outboxRetryDelay(2);
      await dispatchPartition(outbox, { businessId: 'clinic', providerId: 'bob' });
      expect(calls).toBe(3);
      expect(await pending()).toEqual([]);
      expect(errors).toEqual([1, 2]);
      expect(outboxRetryDelay(30)).toBe(15 * 60_000);
    } finally {
      now = saved;
    }
  });
});
