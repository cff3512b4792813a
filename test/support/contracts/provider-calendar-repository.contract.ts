import type { AppointmentStore } from '../../../shared/app/ports/appointment-store';
import type { OverrideRecord, ProviderCalendarRepository, ScheduleRecord } from '../../../shared/app/ports/provider-calendar-repository';
import { WriteConflictError } from '../../../shared/app/ports/versioned';
import { appointment } from '../fakes/builders';

/**
 * What every ProviderCalendarRepository does; runs against the in-memory store's calendarRepository()
 * and TableProviderCalendarRepository on Azurite. `store` writes the day rows the calendar reads.
 */
export function providerCalendarRepositoryContract(make: () => { calendars: ProviderCalendarRepository; store: AppointmentStore }): void {
  let calendars: ProviderCalendarRepository;
  let store: AppointmentStore;
  const schedule: ScheduleRecord = {
    businessId: 'b1',
    providerId: 'p1',
    timeZone: 'Europe/Berlin',
    weekly: { mon: [{ start: '09:00', end: '12:00' }] },
    updatedAt: 1,
  };
  const override = (date: string, extra: Partial<OverrideRecord> = {}): OverrideRecord => ({
    businessId: 'b1',
    providerId: 'p1',
    date,
    intervals: [],
    updatedAt: 1,
    ...extra,
  });
  beforeEach(() => {
    ({ calendars, store } = make());
  });

  it('creates a schedule once, replaces it with the current etag only', async () => {
    expect(await calendars.getSchedule('b1', 'p1')).toBeUndefined();
    await calendars.saveSchedule(schedule, undefined);
    await expect(calendars.saveSchedule({ ...schedule, updatedAt: 2 }, undefined)).rejects.toBeInstanceOf(WriteConflictError);
    const first = (await calendars.getSchedule('b1', 'p1'))!;
    expect(first.value).toEqual(schedule);
    await calendars.saveSchedule({ ...schedule, timeZone: 'UTC', updatedAt: 3 }, first.etag);
    await expect(calendars.saveSchedule({ ...schedule, updatedAt: 4 }, first.etag)).rejects.toBeInstanceOf(WriteConflictError);
    expect((await calendars.getSchedule('b1', 'p1'))!.value).toMatchObject({ timeZone: 'UTC', updatedAt: 3 });
    expect(await calendars.getSchedule('b1', 'p2')).toBeUndefined();
  });

  it('keeps overrides per date: conditional saves, idempotent deletes, listed by date in [from, to)', async () => {
    await calendars.saveOverride(override('2026-03-03', { intervals: [{ start: '10:00', end: '11:00' }] }), undefined);
    await calendars.saveOverride(override('2026-03-05'), undefined);
    await calendars.saveOverride(override('2026-03-04'), undefined);
    await expect(calendars.saveOverride(override('2026-03-04'), undefined)).rejects.toBeInstanceOf(WriteConflictError);
    const third = (await calendars.getOverride('b1', 'p1', '2026-03-03'))!;
    expect(third.value.intervals).toEqual([{ start: '10:00', end: '11:00' }]);
    await calendars.saveOverride(override('2026-03-03', { updatedAt: 9 }), third.etag);
    expect((await calendars.listOverrides('b1', 'p1', { from: '2026-03-03', to: '2026-03-05' })).map((o) => [o.date, o.updatedAt])).toEqual(
      [
        ['2026-03-03', 9],
        ['2026-03-04', 1],
      ],
    );
    await calendars.deleteOverride('b1', 'p1', '2026-03-04');
    await calendars.deleteOverride('b1', 'p1', '2026-03-04');
    expect(await calendars.getOverride('b1', 'p1', '2026-03-04')).toBeUndefined();
    expect((await calendars.listOverrides('b1', 'p1', { from: '2026-03-01', to: '2026-04-01' })).map((o) => o.date)).toEqual([
      '2026-03-03',
      '2026-03-05',
    ]);
  });

  it('reads schedule, overrides in range and the busy time of the day rows in range, each appointment once', async () => {
    expect(
      await calendars.readCalendar('b1', 'p1', {
        overrides: { from: '2026-03-01', to: '2026-03-10' },
        busyDays: { from: '2026-03-01', to: '2026-03-10' },
      }),
    ).toEqual({ overrides: [], busy: [] });
    await calendars.saveSchedule(schedule, undefined);
    await calendars.saveOverride(override('2026-03-03'), undefined);
    await calendars.saveOverride(override('2026-03-12'), undefined);
    const start = Date.UTC(2026, 2, 3, 23, 30);
    const late = appointment('a1', start, { end: start + 60 * 60_000 }); // over midnight: listed on two day rows
    const busy = { appointmentId: 'a1', serviceId: 's1', start, end: late.end, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
    const other = { ...busy, appointmentId: 'a2', start: Date.UTC(2026, 2, 9, 8), end: Date.UTC(2026, 2, 9, 9) };
    await store.commit({
      businessId: 'b1',
      providerId: 'p1',
      days: [
        { date: '2026-03-03', busy: [busy] },
        { date: '2026-03-04', busy: [busy] },
        { date: '2026-03-09', busy: [other] },
      ],
      appointment: { value: late },
      outbox: [],
    });
    const calendar = await calendars.readCalendar('b1', 'p1', {
      overrides: { from: '2026-03-01', to: '2026-03-10' },
      busyDays: { from: '2026-03-01', to: '2026-03-09' },
    });
    expect(calendar.schedule).toEqual(schedule);
    expect(calendar.overrides.map((o) => o.date)).toEqual(['2026-03-03']);
    expect(calendar.busy).toEqual([busy]);
  });
}
