import type { AppointmentStore, OutboxMessage } from '../../../shared/app/ports/appointment-store';
import type { OverrideRecord, ScheduleRecord } from '../../../shared/app/ports/provider-calendar-repository';
import { WriteConflictError } from '../../../shared/app/ports/versioned';
import type { BusyAppointment } from '../../../shared/domain/availability/types';
import { appointment, DAY, HOUR, MONDAY } from '../fakes/builders';

/** The store under test, and how its partition gets a schedule and overrides (the calendar repository's writes). */
export interface AppointmentStoreSubject {
  store: AppointmentStore;
  saveSchedule(record: ScheduleRecord): Promise<void>;
  saveOverride(record: OverrideRecord): Promise<void>;
}

const busy = (id: string, start: number): BusyAppointment => ({
  appointmentId: id,
  serviceId: 's1',
  start,
  end: start + HOUR / 2,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
});
const outbox = (id: string, createdAt: number, extra: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id,
  kind: 'lifecycle.start',
  appointmentId: 'a1',
  businessId: 'b1',
  providerId: 'p1',
  version: 1,
  createdAt,
  ...extra,
});
const DATES = { localDates: { from: '2026-03-01', to: '2026-03-05' }, utcDates: { from: '2026-03-01', to: '2026-03-05' } };

/**
 * What every AppointmentStore does; runs against the in-memory fake and TableAppointmentStore on Azurite.
 * Each test uses its own business id, so the real table needs no clean-up between tests.
 */
export function appointmentStoreContract(make: () => AppointmentStoreSubject): void {
  let subject: AppointmentStoreSubject;
  let store: AppointmentStore;
  let n = 0;
  let b = '';
  const at = (providerId = 'p1') => ({ businessId: b, providerId });
  const appt = (id: string, start: number, extra: Parameters<typeof appointment>[2] = {}) =>
    appointment(id, start, { businessId: b, ...extra });
  beforeEach(() => {
    subject = make();
    store = subject.store;
    n += 1;
    b = `b${n}${Math.floor(Math.random() * 1e6)}`;
  });

  it('commits day rows, appointment and outbox together, and reads them back by pointer, partition and time', async () => {
    const a1 = appt('a1', MONDAY + 10 * HOUR);
    await subject.saveSchedule({
      businessId: b,
      providerId: 'p1',
      timeZone: 'Europe/Berlin',
      weekly: { mon: [{ start: '09:00', end: '17:00' }] },
      updatedAt: 1,
    });
    await subject.saveOverride({ businessId: b, providerId: 'p1', date: '2026-03-03', intervals: [], updatedAt: 1 });
    await subject.saveOverride({ businessId: b, providerId: 'p1', date: '2026-03-09', intervals: [], updatedAt: 1 });
    await store.savePointer('a1', at());
    await store.commit({
      ...at(),
      days: [{ date: '2026-03-02', busy: [busy('a1', a1.start)] }],
      appointment: { value: a1 },
      outbox: [outbox(`a1|1|x`, 5, { businessId: b })],
    });

    expect((await store.find('a1'))?.value).toEqual(a1);
    expect((await store.findAt(at(), 'a1'))?.value).toEqual(a1);
    expect(await store.findAt(at('p2'), 'a1')).toBeUndefined();
    expect(await store.find('nope')).toBeUndefined();
    expect(await store.listByProvider(b, 'p1', a1.start, a1.start + 1)).toEqual([a1]);
    expect(await store.listByProvider(b, 'p1', a1.start + 1, a1.start + DAY)).toEqual([]);

    const state = await store.readBookingState(b, 'p1', DATES);
    expect(state.schedule?.weekly).toEqual({ mon: [{ start: '09:00', end: '17:00' }] });
    expect(state.overrides.map((o) => o.date)).toEqual(['2026-03-03']);
    expect(state.days).toEqual([{ date: '2026-03-02', busy: [busy('a1', a1.start)], etag: expect.any(String) }]);
    expect(await store.listOutbox(b, 'p1')).toEqual([outbox('a1|1|x', 5, { businessId: b })]);
  });

  it('fails the whole commit, as WriteConflictError, when a day row changed or appeared since it was read', async () => {
    await store.commit({
      ...at(),
      days: [{ date: '2026-03-02', busy: [busy('a1', MONDAY)] }],
      appointment: { value: appt('a1', MONDAY) },
      outbox: [],
    });
    const [day] = (await store.readBookingState(b, 'p1', DATES)).days;
    await store.commit({
      ...at(),
      days: [{ ...day!, busy: [...day!.busy, busy('a2', MONDAY + HOUR)] }],
      appointment: { value: appt('a2', MONDAY + HOUR) },
      outbox: [],
    });
    // A stale ETag, and a row inserted by another writer, both lose; nothing of the losing commit is written.
    await expect(
      store.commit({
        ...at(),
        days: [{ ...day!, busy: [busy('a3', MONDAY + 2 * HOUR)] }],
        appointment: { value: appt('a3', MONDAY + 2 * HOUR) },
        outbox: [outbox('a3|1|x', 1, { businessId: b })],
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    await expect(
      store.commit({
        ...at(),
        days: [{ date: '2026-03-02', busy: [] }],
        appointment: { value: appt('a4', MONDAY + 3 * HOUR) },
        outbox: [],
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    expect(await store.findAt(at(), 'a3')).toBeUndefined();
    expect(await store.findAt(at(), 'a4')).toBeUndefined();
    expect(await store.listOutbox(b, 'p1')).toEqual([]);
    expect((await store.readBookingState(b, 'p1', DATES)).days[0]!.busy.map((x) => x.appointmentId)).toEqual(['a1', 'a2']);
  });

  it('inserts an appointment only once, replaces it only at the version read, and moves its time-ordered copy', async () => {
    const a1 = appt('a1', MONDAY + 10 * HOUR);
    await store.savePointer('a1', at());
    await store.commit({ ...at(), days: [], appointment: { value: a1 }, outbox: [] });
    await expect(store.commit({ ...at(), days: [], appointment: { value: a1 }, outbox: [] })).rejects.toBeInstanceOf(WriteConflictError);
    const read = await store.find('a1');
    const moved = { ...a1, start: a1.start + DAY, end: a1.end + DAY, version: 2 };
    await store.commit({ ...at(), days: [], appointment: { value: moved, etag: read!.etag, previousStart: a1.start }, outbox: [] });
    await expect(
      store.commit({
        ...at(),
        days: [],
        appointment: { value: { ...a1, version: 3 }, etag: read!.etag, previousStart: a1.start },
        outbox: [],
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    expect(await store.listByProvider(b, 'p1', MONDAY, MONDAY + 3 * DAY)).toEqual([moved]);
    expect((await store.find('a1'))?.value.version).toBe(2);
  });

  it('pages in (start, id) order with a status filter, resuming strictly after the last one', async () => {
    for (const [id, start, status] of [
      ['c', 2, 'booked'],
      ['a', 2, 'cancelled'],
      ['b', 1, 'booked'],
      ['d', 3, 'booked'],
    ] as const) {
      await store.commit({ ...at(), days: [], appointment: { value: appt(id, MONDAY + start * HOUR, { status }) }, outbox: [] });
    }
    const page1 = await store.pageByProvider(b, 'p1', { from: MONDAY, to: MONDAY + DAY, limit: 2 });
    expect(page1.appointments.map((a) => a.id)).toEqual(['b', 'a']);
    expect(page1.more).toBe(true);
    const page2 = await store.pageByProvider(b, 'p1', {
      from: MONDAY,
      to: MONDAY + DAY,
      limit: 2,
      after: { start: MONDAY + 2 * HOUR, id: 'a' },
    });
    expect(page2).toEqual({ appointments: [expect.objectContaining({ id: 'c' }), expect.objectContaining({ id: 'd' })], more: false });
    const booked = await store.pageByProvider(b, 'p1', { from: MONDAY + 2 * HOUR, to: MONDAY + 3 * HOUR, limit: 5, status: 'booked' });
    expect(booked).toEqual({ appointments: [expect.objectContaining({ id: 'c' })], more: false });
  });

  it('retires a moved appointment into a tombstone that only a commit at its ETag brings back', async () => {
    const a1 = appt('a1', MONDAY + 10 * HOUR);
    await store.commit({ ...at(), days: [{ date: '2026-03-02', busy: [busy('a1', a1.start)] }], appointment: { value: a1 }, outbox: [] });
    const live = await store.findAt(at(), 'a1');
    const [day] = (await store.readBookingState(b, 'p1', DATES)).days;
    await store.retireMovedAppointment({
      ...at(),
      days: [{ ...day!, busy: [] }],
      appointment: live!,
      movedToProviderId: 'p2',
      outbox: [outbox('a1|2|release', 9, { businessId: b })],
    });
    expect(await store.findAt(at(), 'a1')).toBeUndefined();
    expect(await store.listByProvider(b, 'p1', MONDAY, MONDAY + DAY)).toEqual([]);
    const tombstone = await store.retiredAt(at(), 'a1');
    expect(tombstone?.etag).toEqual(expect.any(String));
    expect(await store.retiredAt(at('p2'), 'a1')).toBeUndefined();
    // Retiring again under the old ETag loses: the row changed.
    await expect(
      store.retireMovedAppointment({ ...at(), days: [], appointment: live!, movedToProviderId: 'p3', outbox: [] }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    // Inserting over the tombstone loses too; replacing it at its ETag (a move back) works.
    await expect(store.commit({ ...at(), days: [], appointment: { value: a1 }, outbox: [] })).rejects.toBeInstanceOf(WriteConflictError);
    await store.commit({ ...at(), days: [], appointment: { value: { ...a1, version: 3 }, etag: tombstone!.etag }, outbox: [] });
    expect((await store.findAt(at(), 'a1'))?.value.version).toBe(3);
    expect(await store.retiredAt(at(), 'a1')).toBeUndefined();
  });

  it('lists outbox rows oldest first, defers only rows that still exist, and refuses a duplicate effect', async () => {
    const mine = (id: string, createdAt: number) => outbox(id, createdAt, { businessId: b });
    await store.commit({
      ...at(),
      days: [],
      appointment: { value: appt('a1', MONDAY) },
      outbox: [mine('z', 1), mine('y', 3), mine('x', 2)],
    });
    expect((await store.listOutbox(b, 'p1')).map((m) => m.id)).toEqual(['z', 'x', 'y']);
    await expect(
      store.commit({ ...at(), days: [], appointment: { value: appt('a2', MONDAY) }, outbox: [mine('z', 4)] }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    await store.deferOutbox({ ...mine('x', 2), attempts: 1, retryAt: 99 });
    await store.deleteOutbox(mine('y', 3));
    await store.deleteOutbox(mine('y', 3));
    await store.deferOutbox({ ...mine('y', 3), attempts: 1, retryAt: 99 });
    expect(await store.listOutbox(b, 'p1')).toEqual([mine('z', 1), { ...mine('x', 2), attempts: 1, retryAt: 99 }]);
  });

  it('marks a partition dirty on a commit with effects, and clears it only under the marker that was listed', async () => {
    const mine = () => (async () => (await store.listDirtyPartitions()).filter((d) => d.businessId === b))();
    await store.commit({ ...at(), days: [], appointment: { value: appt('a0', MONDAY) }, outbox: [] });
    expect(await mine()).toEqual([]);
    await store.commit({ ...at(), days: [], appointment: { value: appt('a1', MONDAY) }, outbox: [outbox('m1', 1, { businessId: b })] });
    const [listed] = await mine();
    expect(listed).toEqual({ businessId: b, providerId: 'p1', marker: expect.any(String) });
    await store.commit({ ...at(), days: [], appointment: { value: appt('a2', MONDAY) }, outbox: [outbox('m2', 2, { businessId: b })] });
    await store.clearDirtyPartition(at(), listed!.marker);
    const [again] = await mine();
    expect(again?.marker).not.toBe(listed!.marker);
    await store.clearDirtyPartition(at(), again!.marker);
    expect(await mine()).toEqual([]);
  });

  it('touches day rows: their busy time stays, a commit on what was read before fails, missing rows appear empty', async () => {
    await store.commit({
      ...at(),
      days: [{ date: '2026-03-02', busy: [busy('a1', MONDAY)] }],
      appointment: { value: appt('a1', MONDAY) },
      outbox: [],
    });
    const before = await store.readBookingState(b, 'p1', DATES);
    await store.touchDays(b, 'p1', ['2026-03-02', '2026-03-03']);
    const after = await store.readBookingState(b, 'p1', DATES);
    expect(after.days.map((d) => [d.date, d.busy.map((x) => x.appointmentId)])).toEqual([
      ['2026-03-02', ['a1']],
      ['2026-03-03', []],
    ]);
    const [monday] = before.days;
    await expect(
      store.commit({
        ...at(),
        days: [{ ...monday!, busy: [...monday!.busy, busy('a2', MONDAY + HOUR)] }],
        appointment: { value: appt('a2', MONDAY + HOUR) },
        outbox: [],
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    // A booking that found no row for a date (and would insert it) loses too.
    await expect(
      store.commit({
        ...at(),
        days: [{ date: '2026-03-03', busy: [busy('a3', MONDAY + DAY)] }],
        appointment: { value: appt('a3', MONDAY + DAY) },
        outbox: [],
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    // A second touch (a closure saved again) changes the ETags again.
    await store.touchDays(b, 'p1', ['2026-03-02']);
    const stale = after.days.find((d) => d.date === '2026-03-02')!;
    await expect(
      store.commit({
        ...at(),
        days: [{ ...stale, busy: [...stale.busy, busy('a2', MONDAY + HOUR)] }],
        appointment: { value: appt('a2', MONDAY + HOUR) },
        outbox: [],
      }),
    ).rejects.toBeInstanceOf(WriteConflictError);
    const fresh = (await store.readBookingState(b, 'p1', DATES)).days.find((d) => d.date === '2026-03-02')!;
    await store.commit({
      ...at(),
      days: [{ ...fresh, busy: [...fresh.busy, busy('a2', MONDAY + HOUR)] }],
      appointment: { value: appt('a2', MONDAY + HOUR) },
      outbox: [],
    });
    expect((await store.listByProvider(b, 'p1', MONDAY, MONDAY + DAY)).map((a) => a.id)).toEqual(['a1', 'a2']);
  });
}
