import { createHash } from 'node:crypto';
import { bookAppointment } from '../../../../shared/app/appointments/book-appointment';
import { DAY, HOUR, MINUTE, MONDAY, provider } from '../../../support/fakes/builders';
import { TUESDAY_10, outcome, world } from '../world';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('bookAppointment (on the in-memory fakes)', () => {
  it('books a free start: stores the appointment, its busy time and its effects, and hands out a token only its hash is kept of', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { notes: 'Bring the X-ray' });
    expect(booked.status).toBe(201);
    expect(booked.appointment.notes).toBe('Bring the X-ray');
    expect(booked.appointment).toMatchObject({
      providerId: 'p1',
      start: TUESDAY_10,
      end: TUESDAY_10 + 30 * MINUTE,
      status: 'booked',
      version: 1,
      createdAt: w.clock.now(),
    });
    expect(booked.appointment.manageTokenHash).toBe(sha256(booked.manageToken));
    expect(JSON.stringify(booked.appointment)).not.toContain(booked.manageToken);
    expect(await w.busyOn('p1')).toEqual([booked.id]);
    expect((await w.appointments.listOutbox('b1', 'p1')).map((m) => m.kind)).toEqual(
      expect.arrayContaining(['lifecycle.start', 'event.publish']),
    );
    expect(w.kicked).toEqual([{ businessId: 'b1', providerId: 'p1' }]);
  });

  it('gives the start to the free provider with the fewest bookings that local day, ties to the smallest id', async () => {
    const w = await world();
    expect((await w.book(TUESDAY_10)).appointment.providerId).toBe('p1'); // tie 0-0: smallest id
    expect((await w.book(TUESDAY_10)).appointment.providerId).toBe('p2'); // p1 is busy then
    expect((await w.book(TUESDAY_10 + HOUR)).appointment.providerId).toBe('p1'); // tie 1-1
    expect((await w.book(TUESDAY_10 + 2 * HOUR)).appointment.providerId).toBe('p2'); // p2 has fewer (1 < 2)
    await expect(outcome(w.book(TUESDAY_10))).resolves.toBe('slot-unavailable');
  });

  it('counts the load of the local day of the start only: a booking the day before does not make a provider busier', async () => {
    const w = await world();
    // p1 has Monday 16:30 (read with Tuesday's rows): on Tuesday p1 and p2 are even, so the tie goes to p1.
    await w.book(MONDAY + 15 * HOUR + 30 * MINUTE, { providerId: 'p1' });
    expect((await w.book(TUESDAY_10)).appointment.providerId).toBe('p1');
  });

  it('books only the provider asked for, and only one that serves the service and is active', async () => {
    const w = await world();
    expect((await w.book(TUESDAY_10, { providerId: 'p2' })).appointment.providerId).toBe('p2');
    await expect(outcome(w.book(TUESDAY_10, { providerId: 'p2' }))).resolves.toBe('slot-unavailable');
    await expect(outcome(w.book(TUESDAY_10, { providerId: 'p9' }))).resolves.toBe('validation:providerId');
    const p1 = await w.businesses.getProvider('b1', 'p1');
    await w.businesses.saveProvider(provider('p1', { active: false }), p1!.etag);
    await expect(outcome(w.book(TUESDAY_10, { providerId: 'p1' }))).resolves.toBe('validation:providerId');
    // Without a choice, an inactive provider is never picked.
    await expect(outcome(w.book(TUESDAY_10))).resolves.toBe('slot-unavailable');
  });

  it('refuses starts outside the hours, off the slot grid, before the notice and for unknown or inactive services', async () => {
    const w = await world();
    await expect(outcome(w.book(MONDAY + 7 * HOUR + 2 * DAY))).resolves.toBe('slot-unavailable'); // 08:00 Wednesday: before opening
    await expect(outcome(w.book(TUESDAY_10 + 10 * MINUTE))).resolves.toBe('slot-unavailable');
    await expect(outcome(w.book(TUESDAY_10, { serviceId: 'nope' }))).resolves.toBe('validation:serviceId');
    await expect(outcome(bookAppointment(w.deps, 'b9', w.request(TUESDAY_10), () => null))).resolves.toBe('not-found');
    expect(await w.busyOn('p1')).toEqual([]);
    expect(await w.busyOn('p2')).toEqual([]);
  });

  it('accepts a start exactly at the minimum notice and refuses one a slot earlier', async () => {
    const w = await world();
    // Now Monday 08:00 Berlin; 60 minutes' notice: 09:00 Berlin (the opening) is exactly at the limit.
    w.clock.set(MONDAY + 7 * HOUR);
    expect((await w.book(MONDAY + 8 * HOUR)).status).toBe(201);
    w.clock.set(MONDAY + 8 * HOUR + 1);
    await expect(outcome(w.book(MONDAY + 9 * HOUR))).resolves.toBe('slot-unavailable');
  });

  it('plans the reminders from the booking: SMS only for a verified phone with consent, none already due', async () => {
    const w = await world();
    const withSms = await w.book(TUESDAY_10, {
      consumer: { name: 'Bo', email: 'bo@example.com', phone: '+12025550100', smsConsent: true, phoneVerified: true },
    });
    expect(withSms.appointment.reminders).toEqual([
      {
        dueAt: TUESDAY_10 - 24 * HOUR,
        channels: ['email', 'sms'],
        status: 'pending',
        deliveries: [
          { channel: 'email', status: 'pending' },
          { channel: 'sms', status: 'pending' },
        ],
      },
    ]);
    const noConsent = await w.book(TUESDAY_10, {
      consumer: { name: 'Cy', email: 'cy@example.com', phone: '+12025550100', smsConsent: false, phoneVerified: true },
    });
    expect(noConsent.appointment.reminders.map((r) => [r.channels, r.status])).toEqual([[['email'], 'pending']]);
    // Booked less than 24 hours ahead: the reminder was due already, so it is skipped from the start.
    w.clock.set(TUESDAY_10 - 23 * HOUR);
    const late = await w.book(TUESDAY_10 + HOUR);
    expect(late.appointment.reminders.map((r) => r.status)).toEqual(['skipped']);
  });

  describe('with an Idempotency-Key', () => {
    it('books once: an equal retry gets the first answer, another body under the key is refused', async () => {
      const w = await world();
      const first = await w.book(TUESDAY_10, {}, 'key-1');
      const again = await w.book(TUESDAY_10, {}, 'key-1');
      expect(again.id).toBe(first.id);
      expect(again.manageToken).toBe(first.manageToken);
      expect(await w.busyOn('p1')).toEqual([first.id]);
      expect(await w.busyOn('p2')).toEqual([]);
      await expect(outcome(w.book(TUESDAY_10 + HOUR, {}, 'key-1'))).resolves.toBe('idempotency-conflict');
      // Another key is another booking.
      expect((await w.book(TUESDAY_10, {}, 'key-2')).appointment.providerId).toBe('p2');
    });

    it('after a failure that came once the booking committed, a retry finds that booking and re-issues its token instead of booking again', async () => {
      const w = await world();
      let failOnce = true;
      w.deps.kickOutbox = () => {
        if (failOnce) {
          failOnce = false;
          throw new Error('process died after the commit');
        }
      };
      await expect(w.book(TUESDAY_10, {}, 'key-1')).rejects.toThrow('process died');
      const retried = await w.book(TUESDAY_10, {}, 'key-1');
      expect(await w.busyOn('p1')).toEqual([retried.id]);
      expect(await w.busyOn('p2')).toEqual([]);
      expect(retried.appointment.manageTokenHash).toBe(sha256(retried.manageToken));
    });
  });
});
