import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { rescheduleAppointment } from '../../../../shared/app/appointments/reschedule-appointment';
import { HOUR, MINUTE, provider } from '../../../support/fakes/builders';
import { ANONYMOUS, MANAGER, STAFF_P1, STAFF_P2, TUESDAY_10, outcome, world } from '../world';

const CUTOFF = 120 * MINUTE;
const withSms = { name: 'Bo', email: 'bo@example.com', phone: '+12025550100', smsConsent: true, phoneVerified: true };

describe('cancelAppointment (on the in-memory fakes)', () => {
  it('cancels with the manage token: frees the time, skips pending reminders, bumps the version and records the effects', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { consumer: withSms });
    const cancelled = await cancelAppointment(w.deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken }, { reason: 'ill' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'ill', version: 2, updatedAt: w.clock.now() });
    expect(cancelled.reminders.map((r) => [r.status, r.deliveries.map((d) => d.status)])).toEqual([['skipped', ['skipped', 'skipped']]]);
    expect((await w.appointments.find(booked.id))?.value).toEqual(cancelled);
    expect(await w.busyOn('p1')).toEqual([]);
    const effects = (await w.appointments.listOutbox('b1', 'p1')).filter((m) => m.version === 2).map((m) => m.kind);
    expect(effects).toEqual(expect.arrayContaining(['lifecycle.event', 'event.publish']));
    // The freed time can be booked again.
    expect((await w.book(TUESDAY_10, { providerId: 'p1' })).status).toBe(201);
  });

  it('lets the consumer cancel up to exactly the cutoff and refuses a millisecond later; staff may cancel after it', async () => {
    const w = await world();
    const a = await w.book(TUESDAY_10);
    const b = await w.book(TUESDAY_10);
    w.clock.set(TUESDAY_10 - CUTOFF + 1);
    await expect(outcome(cancelAppointment(w.deps, a.id, { caller: ANONYMOUS, manageToken: a.manageToken }, {}))).resolves.toBe('too-late');
    expect((await cancelAppointment(w.deps, a.id, { caller: STAFF_P1 }, {})).status).toBe('cancelled');
    w.clock.set(TUESDAY_10 - CUTOFF);
    expect((await cancelAppointment(w.deps, b.id, { caller: ANONYMOUS, manageToken: b.manageToken }, {})).status).toBe('cancelled');
  });

  it('answers a cancelled appointment unchanged when cancelled again, and refuses a completed one', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10);
    const first = await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, {});
    const commits = w.appointments.commits;
    expect(await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, { reason: 'again' })).toEqual(first);
    expect(w.appointments.commits).toBe(commits);
    const other = await w.book(TUESDAY_10 + HOUR);
    const found = await w.appointments.find(other.id);
    await w.appointments.commit({
      businessId: 'b1',
      providerId: other.appointment.providerId,
      days: [],
      appointment: { value: { ...found!.value, status: 'completed', version: 2 }, etag: found!.etag },
      outbox: [],
    });
    await expect(outcome(cancelAppointment(w.deps, other.id, { caller: MANAGER }, {}))).resolves.toBe('invalid-state');
  });

  it('honours If-Match: the current version (quoted, weak or *) goes ahead, another is a version mismatch', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10);
    await expect(outcome(cancelAppointment(w.deps, booked.id, { caller: MANAGER }, { ifMatch: '"2"' }))).resolves.toBe('version-mismatch');
    expect((await w.appointments.find(booked.id))?.value.status).toBe('booked');
    expect((await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, { ifMatch: 'W/"1"' })).status).toBe('cancelled');
    const other = await w.book(TUESDAY_10);
    expect((await cancelAppointment(w.deps, other.id, { caller: MANAGER }, { ifMatch: '*' })).status).toBe('cancelled');
  });

  it('retries from a fresh read when another writer got in between, and never loses that write', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { notes: 'first' });
    const realFind = w.appointments.find.bind(w.appointments);
    let interfered = false;
    w.appointments.find = async (id) => {
      const found = await realFind(id);
      if (!interfered && found) {
        interfered = true;
        // A concurrent change lands after this read: the cancel's commit must lose and read again.
        await w.appointments.commit({
          businessId: 'b1',
          providerId: 'p1',
          days: [],
          appointment: { value: { ...found.value, notes: 'changed', version: 2 }, etag: found.etag },
          outbox: [],
        });
      }
      return found;
    };
    const cancelled = await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, {});
    expect(cancelled).toMatchObject({ status: 'cancelled', notes: 'changed', version: 3 });
  });
});

describe('rescheduleAppointment (on the in-memory fakes)', () => {
  it('moves to a free start of the same provider: frees the old time, takes the new one, replans the reminders', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1', consumer: withSms });
    const moved = await rescheduleAppointment(
      w.deps,
      booked.id,
      { caller: ANONYMOUS, manageToken: booked.manageToken },
      { start: TUESDAY_10 + 3 * HOUR },
    );
    expect(moved).toMatchObject({
      providerId: 'p1',
      start: TUESDAY_10 + 3 * HOUR,
      end: TUESDAY_10 + 3.5 * HOUR,
      version: 2,
      status: 'booked',
    });
    expect(moved.reminders.map((r) => r.dueAt)).toEqual([TUESDAY_10 + 3 * HOUR - 24 * HOUR]);
    expect((await w.appointments.listByProvider('b1', 'p1', TUESDAY_10 - HOUR, TUESDAY_10 + 5 * HOUR)).map((a) => a.start)).toEqual([
      TUESDAY_10 + 3 * HOUR,
    ]);
    expect((await w.book(TUESDAY_10, { providerId: 'p1' })).status).toBe(201);
    await expect(outcome(w.book(TUESDAY_10 + 3 * HOUR, { providerId: 'p1' }))).resolves.toBe('slot-unavailable');
  });

  it('accepts a start that overlaps only its own old time (the appointment does not block itself)', async () => {
    const w = await world({ durationMinutes: 60 });
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    const moved = await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + 30 * MINUTE });
    expect(moved.start).toBe(TUESDAY_10 + 30 * MINUTE);
    expect(await w.busyOn('p1')).toEqual([booked.id]);
  });

  it('refuses a start taken by another appointment, after the cutoff for the consumer, and for a cancelled appointment', async () => {
    const w = await world();
    const mine = await w.book(TUESDAY_10, { providerId: 'p1' });
    const theirs = await w.book(TUESDAY_10 + HOUR, { providerId: 'p1' });
    await expect(outcome(rescheduleAppointment(w.deps, mine.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR }))).resolves.toBe(
      'slot-unavailable',
    );
    expect((await w.appointments.find(mine.id))?.value.start).toBe(TUESDAY_10);

    w.clock.set(TUESDAY_10 - CUTOFF + 1);
    await expect(
      outcome(
        rescheduleAppointment(w.deps, mine.id, { caller: ANONYMOUS, manageToken: mine.manageToken }, { start: TUESDAY_10 + 2 * HOUR }),
      ),
    ).resolves.toBe('too-late');
    expect((await rescheduleAppointment(w.deps, mine.id, { caller: STAFF_P1 }, { start: TUESDAY_10 + 2 * HOUR })).start).toBe(
      TUESDAY_10 + 2 * HOUR,
    );

    w.clock.set(TUESDAY_10 - CUTOFF);
    await cancelAppointment(w.deps, theirs.id, { caller: MANAGER }, {});
    await expect(outcome(rescheduleAppointment(w.deps, theirs.id, { caller: MANAGER }, { start: TUESDAY_10 + 4 * HOUR }))).resolves.toBe(
      'invalid-state',
    );
  });

  it('lets the consumer reschedule at exactly the cutoff', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10);
    w.clock.set(TUESDAY_10 - CUTOFF);
    expect(
      (
        await rescheduleAppointment(
          w.deps,
          booked.id,
          { caller: ANONYMOUS, manageToken: booked.manageToken },
          { start: TUESDAY_10 + 2 * HOUR },
        )
      ).version,
    ).toBe(2);
  });

  describe('to another provider', () => {
    it('moves the appointment: the new provider holds it and its time, the old one keeps a tombstone and is free again', async () => {
      const w = await world();
      const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
      const moved = await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p2' });
      expect(moved).toMatchObject({ providerId: 'p2', start: TUESDAY_10 + HOUR, version: 2 });
      expect((await w.appointments.find(booked.id))?.value).toMatchObject({ providerId: 'p2', start: TUESDAY_10 + HOUR });
      expect(await w.appointments.findAt({ businessId: 'b1', providerId: 'p1' }, booked.id)).toBeUndefined();
      expect(await w.appointments.retiredAt({ businessId: 'b1', providerId: 'p1' }, booked.id)).toBeDefined();
      expect(await w.busyOn('p1')).toEqual([]);
      expect(await w.busyOn('p2')).toEqual([booked.id]);
      // The move's effects (reschedule events, handover) are written by the release, in the old partition.
      expect((await w.appointments.listOutbox('b1', 'p1')).map((m) => m.kind)).toEqual(expect.arrayContaining(['provider.handover']));
      // The new provider's staff now has access; the old one does not.
      await expect(outcome(cancelAppointment(w.deps, booked.id, { caller: STAFF_P1 }, {}))).resolves.toBe('forbidden');
      expect((await cancelAppointment(w.deps, booked.id, { caller: STAFF_P2 }, {})).status).toBe('cancelled');
    });

    it('moves back to the first provider over its tombstone', async () => {
      const w = await world();
      const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
      await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10, providerId: 'p2' });
      const back = await rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p1' });
      expect(back).toMatchObject({ providerId: 'p1', version: 3 });
      expect(await w.busyOn('p1')).toEqual([booked.id]);
      expect(await w.busyOn('p2')).toEqual([]);
    });

    it('refuses a provider that is busy then, inactive, or not of the service, and changes nothing', async () => {
      const w = await world();
      const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
      await w.book(TUESDAY_10 + HOUR, { providerId: 'p2' });
      await expect(
        outcome(rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p2' })),
      ).resolves.toBe('slot-unavailable');
      await expect(
        outcome(rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10, providerId: 'p9' })),
      ).resolves.toBe('validation:providerId');
      const p2 = await w.businesses.getProvider('b1', 'p2');
      await w.businesses.saveProvider(provider('p2', { active: false }), p2!.etag);
      await expect(
        outcome(rescheduleAppointment(w.deps, booked.id, { caller: MANAGER }, { start: TUESDAY_10 + 2 * HOUR, providerId: 'p2' })),
      ).resolves.toBe('validation:providerId');
      expect((await w.appointments.find(booked.id))?.value).toEqual(booked.appointment);
      expect(await w.busyOn('p1')).toEqual([booked.id]);
    });
  });
});
