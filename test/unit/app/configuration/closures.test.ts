import {
  cancelClosureAppointments,
  deleteClosure,
  listClosures,
  putClosure,
  type ClosureCancelResult,
} from '../../../../shared/app/configuration/configure-closures';
import { rescheduleAppointment } from '../../../../shared/app/appointments/reschedule-appointment';
import { searchSlots } from '../../../../shared/app/search-slots';
import { closedDaysProblem, closedInterval, overlapsClosed } from '../../../../shared/domain/availability/closures';
import { InMemoryBusinessRepository } from '../../../support/fakes/business-repository';
import { DAY, HOUR, MINUTE, MONDAY } from '../../../support/fakes/builders';
import { MANAGER, STAFF_P1, TUESDAY_10, outcome, world } from '../world';

const TUESDAY = { from: '2026-03-03', to: '2026-03-03' };
const ids = { businessId: 'b1', closureId: 'c1' };
const input = (value: { from: string; to: string; reason?: string }) => async () => value;
const cancelView = (result: ClosureCancelResult) => ({
  cancelled: result.cancelled.map((a) => a.id),
  refused: result.refused.map((r) => r.appointment.id),
});

describe('closed days (domain rules)', () => {
  it('covers whole local days in the zone, 23- and 25-hour days included', () => {
    expect(closedInterval({ from: '2026-03-29', to: '2026-03-29' }, 'Europe/Berlin')).toEqual({
      start: Date.UTC(2026, 2, 28, 23),
      end: Date.UTC(2026, 2, 29, 22),
    });
    expect(closedInterval({ from: '2026-10-25', to: '2026-10-26' }, 'Europe/Berlin')).toEqual({
      start: Date.UTC(2026, 9, 24, 22),
      end: Date.UTC(2026, 9, 26, 23),
    });
  });

  it('refuses a last day before the first, and more than 366 days counting both', () => {
    expect(closedDaysProblem({ from: '2026-03-03', to: '2026-03-03' })).toBeUndefined();
    expect(closedDaysProblem({ from: '2026-03-03', to: '2026-03-02' })?.path).toBe('to');
    expect(closedDaysProblem({ from: '2028-01-01', to: '2028-12-31' })).toBeUndefined(); // 366 days (leap year)
    expect(closedDaysProblem({ from: '2027-01-01', to: '2028-01-01' })).toBeUndefined(); // 366 days
    expect(closedDaysProblem({ from: '2027-01-01', to: '2028-01-02' })?.message).toMatch(/366/);
  });

  it('treats an appointment that reaches into a closed day as closed, one that ends at its midnight as not', () => {
    const closed = [{ start: 100, end: 200 }];
    expect(overlapsClosed({ start: 50, end: 101 }, closed)).toBe(true);
    expect(overlapsClosed({ start: 199, end: 250 }, closed)).toBe(true);
    expect(overlapsClosed({ start: 50, end: 100 }, closed)).toBe(false);
    expect(overlapsClosed({ start: 200, end: 250 }, closed)).toBe(false);
  });
});

describe('closures (on the in-memory fakes)', () => {
  it('removes every slot of the closed day for every provider, and gives them back when deleted', async () => {
    const w = await world({ minimumNoticeMinutes: 0 });
    const deps = w.deps;
    const window = { from: { date: '2026-03-03' }, to: { date: '2026-03-05' } };
    const calendarDeps = { businesses: w.businesses, clock: w.clock, calendars: calendarsOf(w) };
    const before = await searchSlots(calendarDeps, { businessId: 'b1', serviceId: 's1' }, window);
    expect(before.slots.some((s) => s.start >= MONDAY + DAY - HOUR && s.start < MONDAY + 2 * DAY - HOUR)).toBe(true);
    await putClosure(deps, MANAGER, ids, input(TUESDAY));
    const after = await searchSlots(calendarDeps, { businessId: 'b1', serviceId: 's1' }, window);
    const tuesday = closedInterval(TUESDAY, 'Europe/Berlin');
    expect(after.slots.filter((s) => overlapsClosed(s, [tuesday]))).toEqual([]);
    expect(after.slots.length).toBeGreaterThan(0); // Wednesday is open
    await deleteClosure(deps, MANAGER, ids);
    expect((await searchSlots(calendarDeps, { businessId: 'b1', serviceId: 's1' }, window)).slots).toEqual(before.slots);
  });

  it('refuses a booking and a reschedule onto a closed day', async () => {
    const w = await world();
    const wednesday = await w.book(TUESDAY_10 + DAY);
    await putClosure(w.deps, MANAGER, ids, input(TUESDAY));
    await expect(outcome(w.book(TUESDAY_10))).resolves.toBe('slot-unavailable');
    await expect(outcome(rescheduleAppointment(w.deps, wednesday.id, { caller: MANAGER }, { start: TUESDAY_10 }))).resolves.toBe(
      'slot-unavailable',
    );
    expect(await w.busyOn('p1')).toEqual([]);
  });

  it('answers the booked appointments on the closed days, and lists closures that share a day with the window', async () => {
    const w = await world();
    const a = await w.book(TUESDAY_10, { providerId: 'p2' });
    const b = await w.book(TUESDAY_10 - HOUR, { providerId: 'p1' });
    await w.book(TUESDAY_10 + DAY);
    const put = await putClosure(w.deps, MANAGER, ids, input({ ...TUESDAY, reason: 'Staff training' }));
    expect(put.created).toBe(true);
    expect(put.booked.map((x) => x.id)).toEqual([b.id, a.id]);
    expect((await putClosure(w.deps, MANAGER, ids, input({ from: '2026-03-04', to: '2026-03-05' }))).created).toBe(false);
    expect((await listClosures(w.deps, MANAGER, 'b1', { from: '2026-03-05', to: '2026-03-06' })).map((c) => c.id)).toEqual(['c1']);
    expect(await listClosures(w.deps, MANAGER, 'b1', { from: '2026-03-06', to: '2026-03-07' })).toEqual([]);
    await expect(outcome(listClosures(w.deps, MANAGER, 'b1', { from: '2026-03-06', to: '2028-03-07' }))).resolves.toBe('validation:to');
  });

  it('is for managers only and validates the days before anything is stored', async () => {
    const w = await world();
    await expect(outcome(putClosure(w.deps, STAFF_P1, ids, input(TUESDAY)))).resolves.toBe('forbidden');
    await expect(outcome(putClosure(w.deps, MANAGER, ids, input({ from: '2026-03-04', to: '2026-03-03' })))).resolves.toBe('validation:to');
    await expect(outcome(cancelClosureAppointments(w.deps, STAFF_P1, ids, { reason: 'x' }, cancelView))).resolves.toBe('forbidden');
    await expect(outcome(cancelClosureAppointments(w.deps, MANAGER, ids, { reason: 'x' }, cancelView))).resolves.toBe('not-found');
    expect(await w.businesses.listClosures('b1')).toEqual([]);
  });

  it('cancels the booked appointments on the closed days once: a retry cancels nothing, a retry with the key answers the first answer', async () => {
    const w = await world();
    const a = await w.book(TUESDAY_10, { providerId: 'p1' });
    const b = await w.book(TUESDAY_10, { providerId: 'p2' });
    const open = await w.book(TUESDAY_10 + DAY);
    await putClosure(w.deps, MANAGER, ids, input(TUESDAY));
    const first = await cancelClosureAppointments(w.deps, MANAGER, ids, { reason: 'Closed' }, cancelView, 'key-1');
    // Same start: ordered by id.
    expect(first).toEqual({ status: 200, body: { cancelled: [a.id, b.id].sort(), refused: [] } });
    expect(await cancelClosureAppointments(w.deps, MANAGER, ids, { reason: 'Closed' }, cancelView, 'key-1')).toEqual(first);
    expect(await cancelClosureAppointments(w.deps, MANAGER, ids, { reason: 'Closed' }, cancelView)).toEqual({
      status: 200,
      body: { cancelled: [], refused: [] },
    });
    for (const id of [a.id, b.id]) {
      const stored = (await w.appointments.find(id))!.value;
      expect(stored).toMatchObject({ status: 'cancelled', cancelReason: 'Closed', version: 2 });
      // One cancellation effect per appointment, whatever the retries.
      const effects = (await w.appointments.listOutbox('b1', stored.providerId)).filter((m) => m.appointmentId === id && m.version === 2);
      expect(effects.filter((m) => m.kind === 'lifecycle.event')).toHaveLength(1);
    }
    expect((await w.appointments.find(open.id))!.value.status).toBe('booked');
  });

  it('a booking racing a new closure does not land on the closed day: the closure touches the day rows the booking read', async () => {
    const w = await world();
    // The closure is saved, and its days touched, right after the booking read the closures (none yet) and before it commits.
    const businesses = w.businesses as InMemoryBusinessRepository;
    const listClosuresOnce = businesses.listClosures.bind(businesses);
    let raced: Promise<unknown> | undefined;
    let reads = 0;
    businesses.listClosures = async (businessId) => {
      const closures = await listClosuresOnce(businessId);
      reads += 1;
      if (reads === 1) {
        raced = putClosure(w.deps, MANAGER, ids, input(TUESDAY));
        await raced;
      }
      return closures;
    };
    await expect(outcome(w.book(TUESDAY_10))).resolves.toBe('slot-unavailable');
    expect(((await raced) as { booked: unknown[] }).booked).toEqual([]);
    expect(reads).toBe(2); // the commit failed on the touched rows, the retry read the closure
    expect(await w.busyOn('p1')).toEqual([]);
    expect(await w.appointments.listByProvider('b1', 'p1', MONDAY, MONDAY + 7 * DAY)).toEqual([]);
  });

  it('lists a booking that committed before the closure touched its days, so it can be cancelled', async () => {
    const w = await world();
    const early = await w.book(TUESDAY_10 + 30 * MINUTE);
    const put = await putClosure(w.deps, MANAGER, ids, input(TUESDAY));
    expect(put.booked.map((a) => a.id)).toEqual([early.id]);
  });
});

/** Slot search's calendar reads, served from the fake store's rows (schedule, overrides, busy days). */
function calendarsOf(w: Awaited<ReturnType<typeof world>>) {
  return {
    readCalendar: async (
      businessId: string,
      providerId: string,
      ranges: { overrides: { from: string; to: string }; busyDays: { from: string; to: string } },
    ) => {
      const state = await w.appointments.readBookingState(businessId, providerId, {
        localDates: ranges.overrides,
        utcDates: ranges.busyDays,
      });
      return {
        ...(state.schedule ? { schedule: state.schedule } : {}),
        overrides: state.overrides,
        busy: state.days.flatMap((d) => d.busy),
      };
    },
  } as never;
}
