import { completeIfStillBooked, planLifecycle } from '../../../../shared/app/lifecycle/lifecycle-steps';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { DAY, HOUR, MINUTE } from '../../../support/fakes/builders';
import { MANAGER, TUESDAY_10 } from '../world';
import { lifecycleWorld, TEXTABLE } from './lifecycle-world';

describe('lifecycle steps (on the in-memory fakes)', () => {
  it('plans the moments in time order: reminder, join window (15 minutes ahead), end plus an hour', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    expect(await planLifecycle(w.lifecycle, booked.id)).toEqual({
      status: 'booked',
      version: 1,
      moments: [
        { kind: 'reminder', dueAt: TUESDAY_10 - DAY, index: 0 },
        { kind: 'join-window', dueAt: TUESDAY_10 - 15 * MINUTE },
        { kind: 'end', dueAt: TUESDAY_10 + 30 * MINUTE + HOUR },
      ],
    });
  });

  it('sorts the moments by time whatever order the service lists its reminders in; only a reminder due inside the join window comes after it opens', async () => {
    const w = await lifecycleWorld();
    const s1 = await w.businesses.getService('b1', 's1');
    await w.businesses.saveService(
      {
        ...s1!.value,
        reminders: [
          { offsetMinutes: 10, channels: ['email'] },
          { offsetMinutes: 48 * 60, channels: ['email'] },
          { offsetMinutes: 60, channels: ['email'] },
        ],
        joinWindowMinutes: 30,
      },
      s1!.etag,
    );
    const booked = await w.book(TUESDAY_10 + DAY * 2);
    const plan = await planLifecycle(w.lifecycle, booked.id);
    if (plan.status !== 'booked') throw new Error('not booked');
    const dueAts = plan.moments.map((m) => m.dueAt);
    expect(dueAts).toEqual([...dueAts].sort((a, b) => a - b));
    const joinAt = plan.moments.find((m) => m.kind === 'join-window')!.dueAt;
    // The 10-minute reminder falls inside the 30-minute join window: it comes after the window opens.
    expect(plan.moments.map((m) => m.kind)).toEqual(['reminder', 'reminder', 'join-window', 'reminder', 'end']);
    expect(plan.moments.filter((m) => m.kind === 'reminder' && m.dueAt < joinAt)).toHaveLength(2);
  });

  it('answers cancelled for a cancelled appointment and over for an unknown or completed one', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, {});
    expect(await planLifecycle(w.lifecycle, booked.id)).toEqual({ status: 'cancelled', version: 2 });
    expect(await planLifecycle(w.lifecycle, 'nope')).toEqual({ status: 'over' });
    const other = await w.book(TUESDAY_10 + HOUR);
    w.clock.set(TUESDAY_10 + 3 * HOUR);
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: other.id, version: 1 })).toBe(true);
    expect(await planLifecycle(w.lifecycle, other.id)).toEqual({ status: 'over' });
  });

  it('completes a still-booked appointment once, with the completed effects, and leaves a changed one alone', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    const cancelled = await w.book(TUESDAY_10 + HOUR);
    w.clock.set(TUESDAY_10 + 2 * HOUR);
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: booked.id, version: 1 })).toBe(true);
    expect((await w.appointments.find(booked.id))?.value).toMatchObject({
      status: 'completed',
      version: 2,
      updatedAt: TUESDAY_10 + 2 * HOUR,
    });
    expect(
      (await w.appointments.listOutbox('b1', 'p1')).some(
        (m) => m.version === 2 && (m.payload?.event as { type?: string } | undefined)?.type === 'appointment.completed',
      ),
    ).toBe(true);
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: booked.id, version: 1 })).toBe(false);
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: booked.id, version: 2 })).toBe(false);
    await cancelAppointment(w.deps, cancelled.id, { caller: MANAGER }, {});
    expect(await completeIfStillBooked(w.lifecycle, { appointmentId: cancelled.id, version: 2 })).toBe(false);
    expect((await w.appointments.find(cancelled.id))?.value.status).toBe('cancelled');
  });
});
