import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { releaseHandlers, releaseMovedAppointment } from '../../../../shared/app/appointments/move-to-provider';
import { rescheduleAppointment } from '../../../../shared/app/appointments/reschedule-appointment';
import type { OutboxMessage } from '../../../../shared/app/ports/appointment-store';
import { WriteConflictError } from '../../../../shared/app/ports/versioned';
import { InMemoryAppointmentStore } from '../../../support/fakes/appointment-store';
import { HOUR } from '../../../support/fakes/builders';
import { MANAGER, TUESDAY_10, outcome, world } from '../world';

const P1 = { businessId: 'b1', providerId: 'p1' };
const P2 = { businessId: 'b1', providerId: 'p2' };

/** A world whose first release attempt (right after the move's commit) fails, as if the process died there. */
async function halfMoved() {
  const w = await world();
  const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
  const store = w.appointments;
  const savePointer = store.savePointer.bind(store);
  let failPointer = true;
  w.deps.appointments = Object.assign(Object.create(store) as InMemoryAppointmentStore, {
    savePointer: async (id: string, at: { businessId: string; providerId: string }) => {
      if (failPointer && at.providerId === 'p2') {
        failPointer = false;
        throw new Error('process died');
      }
      return savePointer(id, at);
    },
  });
  const moved = await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p2' });
  const release = (await store.listOutbox('b1', 'p2')).find((m) => m.kind === 'appointment.release')!;
  return { ...w, booked, moved, release };
}

describe('moving to another provider, when the release did not run at once', () => {
  it('answers the move, kicks both partitions, and the outbox release finishes it once (a second delivery changes nothing)', async () => {
    const w = await halfMoved();
    expect(w.moved).toMatchObject({ providerId: 'p2', version: 2 });
    expect(w.kicked).toEqual(expect.arrayContaining([P1, P2]));
    // not released yet: the pointer still names p1 and p1 still holds its copy
    expect(await w.appointments.findAt(P1, w.booked.id)).toBeDefined();
    expect(w.release.payload).toEqual({ fromProviderId: 'p1', previousVersion: 1 });
    await releaseHandlers(w.deps)['appointment.release'](w.release);
    expect((await w.appointments.find(w.booked.id))!.value.providerId).toBe('p2');
    expect(await w.appointments.retiredAt(P1, w.booked.id)).toBeDefined();
    expect(await w.busyOn('p1')).toEqual([]);
    const effects = (await w.appointments.listOutbox('b1', 'p1')).filter((m) => m.version === 2).map((m) => m.kind);
    expect(effects).toEqual(expect.arrayContaining(['provider.handover', 'lifecycle.event', 'event.publish']));
    expect(await releaseMovedAppointment(w.deps, w.release)).toBe('released');
    expect((await w.appointments.listOutbox('b1', 'p1')).filter((m) => m.version === 2).map((m) => m.kind)).toEqual(effects);
  });

  it('undoes the move when the old copy changed meanwhile (a cancel that reached it): new time freed, nothing announced', async () => {
    const w = await halfMoved();
    // the pointer still names p1, so a cancel lands on the old copy
    await cancelAppointment({ ...w.deps, appointments: w.appointments }, w.booked.id, { caller: MANAGER }, {});
    expect(await releaseMovedAppointment(w.deps, w.release)).toBe('reverted');
    expect((await w.appointments.find(w.booked.id))!.value).toMatchObject({ providerId: 'p1', status: 'cancelled' });
    expect(await w.appointments.retiredAt(P2, w.booked.id)).toBeDefined();
    expect(await w.busyOn('p2')).toEqual([]);
    expect((await w.appointments.listOutbox('b1', 'p1')).some((m) => m.kind === 'provider.handover')).toBe(false);
    // delivered again: the old copy is still there and changed, the new one is retired: still reverted, nothing else
    expect(await releaseMovedAppointment(w.deps, w.release)).toBe('reverted');
    expect((await w.appointments.find(w.booked.id))!.value.providerId).toBe('p1');
  });

  it('a move whose immediate release finds the old copy changed answers 409 and moves nothing', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    const store = w.appointments;
    const commit = store.commit.bind(store);
    w.deps.appointments = Object.assign(Object.create(store) as InMemoryAppointmentStore, {
      commit: async (c: Parameters<typeof commit>[0]) => {
        await commit(c);
        if (c.providerId === 'p2') {
          // someone changes the old copy right after the move's first half committed
          const old = (await store.findAt(P1, booked.id))!;
          await commit({
            ...P1,
            days: [],
            appointment: { value: { ...old.value, notes: 'changed', version: old.value.version + 1 }, etag: old.etag },
            outbox: [],
          });
        }
      },
    });
    expect(
      await outcome(rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p2' })),
    ).toBe('conflict');
    expect((await store.find(booked.id))!.value).toMatchObject({ providerId: 'p1', notes: 'changed' });
    expect(await w.busyOn('p2')).toEqual([]);
  });

  it('retries the whole move when its first half lost a race in the new partition', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    const store = w.appointments;
    const commit = store.commit.bind(store);
    let lose = true;
    w.deps.appointments = Object.assign(Object.create(store) as InMemoryAppointmentStore, {
      commit: async (c: Parameters<typeof commit>[0]) => {
        if (lose && c.providerId === 'p2') {
          lose = false;
          throw new WriteConflictError('p2 calendar');
        }
        return commit(c);
      },
    });
    expect(
      (await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p2' })).providerId,
    ).toBe('p2');
    expect(await w.busyOn('p2')).toEqual([booked.id]);
  });

  it('a release whose old copy is gone only points the id at the new partition', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    const release: OutboxMessage = {
      id: 'x',
      kind: 'appointment.release',
      appointmentId: booked.id,
      businessId: 'b1',
      providerId: 'p2',
      version: 2,
      createdAt: 0,
      payload: { fromProviderId: 'p9', previousVersion: 1 },
    };
    expect(await releaseMovedAppointment(w.deps, release)).toBe('released');
    expect(await w.appointments.find(booked.id)).toBeUndefined(); // p2 holds no copy: the pointer names where it would be
  });
});
