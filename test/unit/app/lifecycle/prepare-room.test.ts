import { rescheduleAppointment } from '../../../../shared/app/appointments/reschedule-appointment';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { completeIfStillBooked, planLifecycle, prepareRoom } from '../../../../shared/app/lifecycle/lifecycle-steps';
import { FakeAcs } from '../../../support/fakes/acs';
import { HOUR, MINUTE } from '../../../support/fakes/builders';
import { MANAGER, TUESDAY_10 } from '../world';
import { lifecycleWorld } from './lifecycle-world';

async function roomWorld() {
  const w = await lifecycleWorld();
  const acs = new FakeAcs(() => w.clock.now());
  w.lifecycle.rooms = { ...w.lifecycle.rooms, rooms: acs.rooms };
  const a = await w.book(TUESDAY_10);
  return { ...w, acs, a };
}

describe('prepareRoom (lifecycle step)', () => {
  it('makes the room ahead for the booked version, without an event; at the join window it publishes the opening first', async () => {
    const w = await roomWorld();
    await prepareRoom(w.lifecycle, { appointmentId: w.a.id, version: 1, moment: 'room' });
    const roomId = (await w.appointments.find(w.a.id))!.value.roomId!;
    expect(await w.acs.rooms.getRoom(roomId)).toMatchObject({
      validFrom: TUESDAY_10 - 15 * MINUTE,
      validUntil: TUESDAY_10 + 30 * MINUTE + HOUR,
    });
    expect(w.events.published).toEqual([]);
    w.clock.set(TUESDAY_10 - 15 * MINUTE);
    await prepareRoom(w.lifecycle, { appointmentId: w.a.id, version: 1, moment: 'join-window' });
    expect(w.events.published.map((e) => [e.type, e.id, e.time])).toEqual([
      ['appointment.join-window.opened', `${w.a.id}:1:appointment.join-window.opened`, TUESDAY_10 - 15 * MINUTE],
    ]);
    expect(w.acs.roomStates.size).toBe(1);
    await prepareRoom(w.lifecycle, { appointmentId: w.a.id, version: 1 });
    expect(w.events.published).toHaveLength(1);
  });

  it('does nothing for a version the appointment moved on from, a cancelled one, or one that is gone', async () => {
    const w = await roomWorld();
    await rescheduleAppointment(w.deps, w.a.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR });
    await prepareRoom(w.lifecycle, { appointmentId: w.a.id, version: 1, moment: 'join-window' });
    const b = await w.book(TUESDAY_10 + 2 * HOUR);
    await cancelAppointment(w.deps, b.id, { caller: MANAGER }, {});
    await prepareRoom(w.lifecycle, { appointmentId: b.id, version: 2, moment: 'join-window' });
    await prepareRoom(w.lifecycle, { appointmentId: 'gone', version: 1, moment: 'join-window' });
    expect(w.acs.roomStates.size).toBe(0);
    expect(w.events.published).toEqual([]);
    await prepareRoom(w.lifecycle, { appointmentId: w.a.id, version: 2, moment: 'room' });
    expect(w.acs.roomStates.size).toBe(1);
  });
});

describe('lifecycle steps on edge cases (mutants run 6 left)', () => {
  it('plans the default 15-minute join window for an appointment whose service is gone', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    const found = (await w.appointments.find(booked.id))!;
    await w.appointments.commit({
      businessId: 'b1',
      providerId: found.value.providerId,
      days: [],
      appointment: { value: { ...found.value, serviceId: 'gone' }, etag: found.etag },
      outbox: [],
    });
    const plan = await planLifecycle(w.lifecycle, booked.id);
    expect(plan.status === 'booked' && plan.moments.find((m) => m.kind === 'join-window')?.dueAt).toBe(TUESDAY_10 - 15 * MINUTE);
  });

  it('does not complete a version the appointment moved on from, nor an appointment that is gone', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR });
    w.clock.set(TUESDAY_10 + 3 * HOUR);
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: booked.id, version: 1 })).toBe(false);
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: 'gone', version: 1 })).toBe(false);
    expect((await w.appointments.find(booked.id))!.value.status).toBe('booked');
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: booked.id, version: 2 })).toBe(true);
    expect(w.logged).toContainEqual({ level: 'info', event: 'lifecycle.completed', fields: { appointmentId: booked.id, version: 3 } });
  });
});
