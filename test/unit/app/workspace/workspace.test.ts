import { appointmentCalendar } from '../../../../shared/app/appointments/appointment-calendar';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import {
  FEED_FUTURE_DAYS,
  FEED_PAST_DAYS,
  providerCalendarFeed,
  rotateFeedToken,
  type FeedDeps,
} from '../../../../shared/app/workspace/calendar-feed';
import {
  decodeCursor,
  encodeCursor,
  listBusinessAppointments,
  listProviderAppointments,
  mergePages,
  MAX_APPOINTMENT_LIST_DAYS,
} from '../../../../shared/app/workspace/list-appointments';
import { recordOutcome } from '../../../../shared/app/workspace/appointment-outcomes';
import { appointment, DAY, HOUR, MINUTE } from '../../../support/fakes/builders';
import { InMemoryFeedTokenStore } from '../../../support/fakes/feed-token-store';
import { ANONYMOUS, MANAGER, STAFF_P1, STAFF_P2, STRANGER, TUESDAY_10, outcome, world } from '../world';

const joinUrl = (id: string) => `https://app.example/api/appointments/${id}/join`;
const events = (ics: string) => ics.split('BEGIN:VEVENT').length - 1;

describe('recording an outcome', () => {
  it('completes a visit from its start, not a millisecond before; skips pending reminders; the consumer may not judge', async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10);
    w.clock.set(TUESDAY_10 - 1);
    expect(await outcome(recordOutcome(w.deps, booked.id, { caller: MANAGER }, 'completed'))).toBe('too-early');
    w.clock.set(TUESDAY_10);
    expect(await outcome(recordOutcome(w.deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken }, 'completed'))).toBe(
      'forbidden',
    );
    const done = await recordOutcome(w.deps, booked.id, { caller: STAFF_P1 }, 'completed');
    expect(done).toMatchObject({ status: 'completed', version: 2, updatedAt: TUESDAY_10 });
    expect(done.reminders.every((r) => r.status !== 'pending')).toBe(true);
    expect((await w.appointments.find(booked.id))!.value).toEqual(done);
    // the time stays held
    expect(await w.busyOn('p1')).toEqual([booked.id]);
    expect(await outcome(recordOutcome(w.deps, booked.id, { caller: STAFF_P1 }, 'completed'))).toBe('invalid-state');
  });

  it('records a no-show over a completed visit until 7 days after the end, never on a cancelled appointment', async () => {
    const w = await world();
    const a = await w.book(TUESDAY_10);
    const b = await w.book(TUESDAY_10);
    const c = await w.book(TUESDAY_10 + HOUR);
    await cancelAppointment(w.deps, c.id, { caller: MANAGER }, {});
    w.clock.set(TUESDAY_10 + 30 * MINUTE + 7 * DAY);
    await recordOutcome(w.deps, a.id, { caller: MANAGER }, 'completed');
    expect((await recordOutcome(w.deps, a.id, { caller: MANAGER }, 'no-show')).status).toBe('no-show');
    expect(await outcome(recordOutcome(w.deps, c.id, { caller: MANAGER }, 'no-show'))).toBe('invalid-state');
    w.clock.advance(1);
    expect(await outcome(recordOutcome(w.deps, b.id, { caller: MANAGER }, 'no-show'))).toBe('invalid-state');
  });
});

describe('listing appointments', () => {
  const window = { from: { date: '2026-03-02' }, to: { date: '2026-03-07' } };

  it("lists a provider's appointments by start in pages, for the provider and managers only", async () => {
    const w = await world();
    const ids = [];
    for (const start of [TUESDAY_10 + 2 * HOUR, TUESDAY_10, TUESDAY_10 + HOUR]) ids.push((await w.book(start, { providerId: 'p1' })).id);
    const first = await listProviderAppointments(w.deps, STAFF_P1, { businessId: 'b1', providerId: 'p1' }, { ...window, limit: 2 });
    expect(first.appointments.map((a) => a.start)).toEqual([TUESDAY_10, TUESDAY_10 + HOUR]);
    const second = await listProviderAppointments(
      w.deps,
      MANAGER,
      { businessId: 'b1', providerId: 'p1' },
      { ...window, limit: 2, continuationToken: first.nextContinuationToken! },
    );
    expect(second).toEqual({ appointments: [expect.objectContaining({ id: ids[0] })] });
    expect(await outcome(listProviderAppointments(w.deps, STAFF_P2, { businessId: 'b1', providerId: 'p1' }, { ...window, limit: 2 }))).toBe(
      'forbidden',
    );
    expect(
      await outcome(listProviderAppointments(w.deps, ANONYMOUS, { businessId: 'b1', providerId: 'p1' }, { ...window, limit: 2 })),
    ).toBe('unauthorized');
    // exactly `limit` appointments: one page, no token
    expect(
      await listProviderAppointments(w.deps, STAFF_P1, { businessId: 'b1', providerId: 'p1' }, { ...window, limit: 3 }),
    ).not.toHaveProperty('nextContinuationToken');
  });

  it('reads date bounds in the business zone unless a zone is given, and filters by status', async () => {
    const w = await world();
    const late = await w.book(TUESDAY_10 + 6 * HOUR, { providerId: 'p1' }); // 16:00 Berlin, 10:00 New York
    const early = await w.book(TUESDAY_10, { providerId: 'p1' });
    await cancelAppointment(w.deps, early.id, { caller: MANAGER }, {});
    const ids = { businessId: 'b1', providerId: 'p1' };
    // Berlin: Tuesday 3 March holds both; in Kiritimati (UTC+14) that date ends at 10:00 UTC, before the later one
    expect(
      (
        await listProviderAppointments(w.deps, MANAGER, ids, { from: { date: '2026-03-03' }, to: { date: '2026-03-04' }, limit: 10 })
      ).appointments
        .map((a) => a.id)
        .sort(),
    ).toEqual([early.id, late.id].sort());
    expect(
      (
        await listProviderAppointments(w.deps, MANAGER, ids, {
          from: { date: '2026-03-03' },
          to: { date: '2026-03-04' },
          timeZone: 'Pacific/Kiritimati',
          limit: 10,
        })
      ).appointments.map((a) => a.id),
    ).toEqual([early.id]);
    expect(
      (await listProviderAppointments(w.deps, MANAGER, ids, { ...window, status: 'cancelled', limit: 10 })).appointments.map((a) => a.id),
    ).toEqual([early.id]);
    expect(MAX_APPOINTMENT_LIST_DAYS).toBe(92);
    expect(
      await outcome(
        listProviderAppointments(w.deps, MANAGER, ids, { from: { date: '2026-03-01' }, to: { date: '2026-06-02' }, limit: 10 }),
      ),
    ).toBe('validation:to');
  });

  it("merges the business's providers by start then id, pages across them, and refuses an unknown provider filter", async () => {
    const w = await world();
    const p2 = await w.book(TUESDAY_10, { providerId: 'p2' });
    const p1 = await w.book(TUESDAY_10, { providerId: 'p1' });
    const later = await w.book(TUESDAY_10 + HOUR, { providerId: 'p2' });
    const sameStart = [p1.id, p2.id].sort();
    const first = await listBusinessAppointments(w.deps, MANAGER, 'b1', { ...window, limit: 2 });
    expect(first.appointments.map((a) => a.id)).toEqual(sameStart);
    const second = await listBusinessAppointments(w.deps, MANAGER, 'b1', {
      ...window,
      limit: 2,
      continuationToken: first.nextContinuationToken!,
    });
    expect(second).toEqual({ appointments: [expect.objectContaining({ id: later.id })] });
    expect(
      (await listBusinessAppointments(w.deps, MANAGER, 'b1', { ...window, providerId: 'p1', limit: 5 })).appointments.map((a) => a.id),
    ).toEqual([p1.id]);
    expect(await outcome(listBusinessAppointments(w.deps, MANAGER, 'b1', { ...window, providerId: 'p9', limit: 5 }))).toBe(
      'validation:providerId',
    );
    expect(await outcome(listBusinessAppointments(w.deps, STAFF_P1, 'b1', { ...window, limit: 5 }))).toBe('forbidden');
  });

  it('merges pages: first `limit` by start then id; more when any page had more or items are left', () => {
    const a = appointment('a', 10);
    const b = appointment('b', 10);
    const c = appointment('c', 5);
    expect(
      mergePages(
        [
          { appointments: [b], more: false },
          { appointments: [c, a], more: false },
        ],
        2,
      ),
    ).toEqual({ appointments: [c, a], more: true });
    expect(
      mergePages(
        [
          { appointments: [b], more: false },
          { appointments: [a], more: false },
        ],
        2,
      ),
    ).toEqual({ appointments: [a, b], more: false });
    expect(
      mergePages(
        [
          { appointments: [a], more: true },
          { appointments: [], more: false },
        ],
        2,
      ),
    ).toEqual({ appointments: [a], more: true });
  });

  it('round-trips its cursor and rejects anything else as a token', () => {
    expect(decodeCursor(encodeCursor({ start: 123, id: 'abc_-1' }))).toEqual({ start: 123, id: 'abc_-1' });
    const bad = [
      'garbage',
      Buffer.from(JSON.stringify({ s: '1', i: 'a' })).toString('base64url'),
      Buffer.from(JSON.stringify({ s: 1.5, i: 'a' })).toString('base64url'),
      Buffer.from(JSON.stringify({ s: 1, i: 'a/b' })).toString('base64url'),
      Buffer.from(JSON.stringify({ s: 1, i: '' })).toString('base64url'),
      Buffer.from(JSON.stringify({ s: 1, i: 'a'.repeat(65) })).toString('base64url'),
      Buffer.from(JSON.stringify({ s: 1 })).toString('base64url'),
    ];
    for (const token of bad) expect(() => decodeCursor(token)).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(decodeCursor(Buffer.from(JSON.stringify({ s: 1, i: 'a'.repeat(64) })).toString('base64url')).id).toHaveLength(64);
  });
});

describe('calendar feed and files', () => {
  async function feedWorld() {
    const w = await world();
    const feedDeps: FeedDeps = {
      businesses: w.businesses,
      appointments: w.appointments,
      feedTokens: new InMemoryFeedTokenStore(),
      clock: w.clock,
    };
    return { ...w, feedDeps };
  }
  const ids = { businessId: 'b1', providerId: 'p1' };

  it('a rotated token opens the feed and the previous one stops working; a wrong token is 401 even for an unknown provider', async () => {
    const w = await feedWorld();
    await w.book(TUESDAY_10, { providerId: 'p1' });
    const { feedToken } = await rotateFeedToken(w.feedDeps, STAFF_P1, ids);
    const ics = await providerCalendarFeed(w.feedDeps, { caller: ANONYMOUS, feedToken }, ids, joinUrl);
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('Consultation: Ann');
    expect(ics).toContain('Dr p1 (Clinic)');
    expect(events(ics)).toBe(1);
    const { feedToken: next } = await rotateFeedToken(w.feedDeps, MANAGER, ids);
    expect(await outcome(providerCalendarFeed(w.feedDeps, { caller: ANONYMOUS, feedToken }, ids, joinUrl))).toBe('unauthorized');
    expect(await outcome(providerCalendarFeed(w.feedDeps, { caller: ANONYMOUS, feedToken: next }, ids, joinUrl))).toBe('ok');
    expect(
      await outcome(
        providerCalendarFeed(w.feedDeps, { caller: ANONYMOUS, feedToken: next }, { businessId: 'b1', providerId: 'p9' }, joinUrl),
      ),
    ).toBe('unauthorized');
    expect(
      await outcome(
        providerCalendarFeed(w.feedDeps, { caller: ANONYMOUS, feedToken: next }, { businessId: 'b1', providerId: 'p2' }, joinUrl),
      ),
    ).toBe('unauthorized');
  });

  it('staff read with their token: the provider and managers; others 403, unknown ones 404', async () => {
    const w = await feedWorld();
    expect(await outcome(providerCalendarFeed(w.feedDeps, { caller: STAFF_P1 }, ids, joinUrl))).toBe('ok');
    expect(await outcome(providerCalendarFeed(w.feedDeps, { caller: MANAGER }, ids, joinUrl))).toBe('ok');
    expect(await outcome(providerCalendarFeed(w.feedDeps, { caller: STAFF_P2 }, ids, joinUrl))).toBe('forbidden');
    expect(await outcome(providerCalendarFeed(w.feedDeps, { caller: ANONYMOUS }, ids, joinUrl))).toBe('unauthorized');
    expect(await outcome(rotateFeedToken(w.feedDeps, STRANGER, ids))).toBe('forbidden');
    expect(await outcome(rotateFeedToken(w.feedDeps, MANAGER, { businessId: 'nope', providerId: 'p1' }))).toBe('not-found');
    expect(await outcome(rotateFeedToken(w.feedDeps, MANAGER, { businessId: 'b1', providerId: 'p9' }))).toBe('not-found');
  });

  it('shows the last 30 days and the coming 365, cancelled events included as CANCELLED; a missing service reads "Appointment"', async () => {
    const w = await feedWorld();
    expect([FEED_PAST_DAYS, FEED_FUTURE_DAYS]).toEqual([30, 365]);
    const now = w.clock.now();
    const store = w.appointments;
    const place = async (id: string, start: number, extra = {}) => {
      await store.savePointer(id, { businessId: 'b1', providerId: 'p1' });
      await store.commit({
        businessId: 'b1',
        providerId: 'p1',
        days: [],
        appointment: { value: appointment(id, start, extra) },
        outbox: [],
      });
    };
    await place('past-in', now - FEED_PAST_DAYS * DAY);
    await place('past-out', now - FEED_PAST_DAYS * DAY - 1);
    await place('future-in', now + FEED_FUTURE_DAYS * DAY - 1);
    await place('future-out', now + FEED_FUTURE_DAYS * DAY);
    await place('cancelled', now + DAY, { status: 'cancelled' });
    await place('unknown-service', now + 2 * DAY, { serviceId: 'gone' });
    const ics = await providerCalendarFeed(w.feedDeps, { caller: MANAGER }, ids, joinUrl);
    expect(events(ics)).toBe(4);
    expect(ics).toContain('STATUS:CANCELLED');
    expect(ics).toContain('Appointment: Ann');
    expect(ics).not.toContain('appointments/past-out/join');
    expect(ics).not.toContain('appointments/future-out/join');
    expect(ics).toContain('appointments/future-in/join');
    // the join link is not offered for the cancelled event
    expect(ics).not.toContain('appointments/cancelled/join');
  });

  it("an appointment's own calendar file names service and provider in the business zone, for whoever may read it", async () => {
    const w = await world();
    const booked = await w.book(TUESDAY_10, { providerId: 'p1' });
    const ics = await appointmentCalendar(w.deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken }, joinUrl(booked.id));
    expect(ics).toContain('Consultation with Dr p1');
    expect(ics).toContain('Europe/Berlin');
    expect(events(ics)).toBe(1);
    expect(await outcome(appointmentCalendar(w.deps, booked.id, { caller: STAFF_P2 }, joinUrl(booked.id)))).toBe('forbidden');
    await w.businesses.saveService(
      { ...(await w.businesses.getService('b1', 's1'))!.value, name: '' },
      (await w.businesses.getService('b1', 's1'))!.etag,
    );
    expect(await appointmentCalendar(w.deps, booked.id, { caller: MANAGER }, joinUrl(booked.id))).toContain('SUMMARY:Dr p1');
  });
});
