import { MAX_SLOT_WINDOW_DAYS, providerAvailability, searchSlots, slotRules } from '../../../shared/app/search-slots';
import type { ConfigurationDeps } from '../../../shared/app/configuration/put-resource';
import { HOUR, MINUTE, provider, service } from '../../support/fakes/builders';
import { TUESDAY_10, outcome, world } from './world';

/** Slot search on the booking world: p1 and p2 work 09:00-17:00 Berlin; now is Monday 08:00 Berlin. */
async function searchWorld(serviceExtra = {}) {
  const w = await world(serviceExtra);
  const deps: ConfigurationDeps = { businesses: w.businesses, calendars: w.appointments.calendarRepository(), clock: w.clock };
  const search = (query: Partial<Parameters<typeof searchSlots>[2]> = {}) =>
    searchSlots(deps, { businessId: 'b1', serviceId: 's1' }, { from: { date: '2026-03-03' }, to: { date: '2026-03-04' }, ...query });
  return { ...w, search, calendars: deps.calendars };
}
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

describe('slot search', () => {
  it("offers every half hour of Tuesday's hours with the providers free at each start, in the business zone", async () => {
    const w = await searchWorld();
    const result = await w.search();
    expect(result.timeZone).toBe('Europe/Berlin');
    expect(result.slots).toHaveLength(16);
    expect(result.slots[0]).toEqual({ start: TUESDAY_10 - HOUR, end: TUESDAY_10 - 30 * MINUTE, providerIds: ['p1', 'p2'] });
    expect(hhmm(result.slots.at(-1)!.start)).toBe('15:30'); // 16:30 Berlin
  });

  it('leaves out booked time per provider, inactive providers, and providers the service does not name', async () => {
    const w = await searchWorld();
    await w.book(TUESDAY_10, { providerId: 'p1' });
    const tenOClock = (await w.search()).slots.find((s) => s.start === TUESDAY_10)!;
    expect(tenOClock.providerIds).toEqual(['p2']);
    await w.businesses.saveProvider({ ...provider('p2'), active: false }, (await w.businesses.getProvider('b1', 'p2'))!.etag);
    expect((await w.search()).slots.find((s) => s.start === TUESDAY_10)).toBeUndefined();
    await w.businesses.saveProvider(provider('p3'), undefined);
    await w.appointments.saveSchedule({
      businessId: 'b1',
      providerId: 'p3',
      timeZone: 'Europe/Berlin',
      weekly: { tue: [{ start: '09:00', end: '17:00' }] },
      updatedAt: 0,
    });
    expect((await w.search()).slots.every((s) => !s.providerIds.includes('p3'))).toBe(true);
  });

  it('narrows to one provider of the service; another is a 400 on providerId', async () => {
    const w = await searchWorld();
    expect((await w.search({ providerId: 'p2' })).slots.every((s) => s.providerIds.join() === 'p2')).toBe(true);
    expect(await outcome(w.search({ providerId: 'p9' }))).toBe('validation:providerId');
  });

  it('reads dates and answers in the query zone when given', async () => {
    const w = await searchWorld();
    const result = await w.search({ timeZone: 'America/New_York' });
    expect(result.timeZone).toBe('America/New_York');
    // 3 March in New York is 05:00 UTC to 05:00 UTC next day: Tuesday 08:00-16:00 UTC only
    expect(result.slots).toHaveLength(16);
    expect(hhmm(result.slots[0]!.start)).toBe('08:00');
  });

  it('honours overrides and busy time across the zone margin, with buffers reading more day rows', async () => {
    const w = await searchWorld({ bufferBeforeMinutes: 30 });
    await w.book(TUESDAY_10 + 3.5 * HOUR, { providerId: 'p2' }); // 13:30 Berlin, held from 13:00 with its buffer
    await w.calendars.saveOverride(
      { businessId: 'b1', providerId: 'p2', date: '2026-03-03', intervals: [{ start: '12:00', end: '14:00' }], updatedAt: 0 },
      undefined,
    );
    const slots = (await w.search()).slots;
    const p2 = slots.filter((s) => s.providerIds.includes('p2')).map((s) => hhmm(s.start));
    // 12:00 and 12:30 Berlin; 13:00 would run into the booking's buffer (13:00-13:30 Berlin)
    expect(p2).toEqual(['11:00', '11:30']);
  });

  it('is 404 for an unknown business, an unknown or inactive service; 400 for a window over 62 days or reversed', async () => {
    const w = await searchWorld();
    const deps: ConfigurationDeps = { businesses: w.businesses, calendars: w.calendars, clock: w.clock };
    expect(
      await outcome(
        searchSlots(deps, { businessId: 'nope', serviceId: 's1' }, { from: { date: '2026-03-03' }, to: { date: '2026-03-04' } }),
      ),
    ).toBe('not-found');
    expect(
      await outcome(searchSlots(deps, { businessId: 'b1', serviceId: 's9' }, { from: { date: '2026-03-03' }, to: { date: '2026-03-04' } })),
    ).toBe('not-found');
    expect(MAX_SLOT_WINDOW_DAYS).toBe(62);
    expect(await outcome(w.search({ from: { date: '2026-03-03' }, to: { date: '2026-05-04' } }))).toBe('ok');
    expect(await outcome(w.search({ from: { date: '2026-03-03' }, to: { date: '2026-05-05' } }))).toBe('validation:to');
    expect(await outcome(w.search({ from: { date: '2026-03-04' }, to: { date: '2026-03-03' } }))).toBe('validation:to');
    await w.businesses.saveService(service({ active: false }), (await w.businesses.getService('b1', 's1'))!.etag);
    expect(await outcome(w.search())).toBe('not-found');
  });

  it('maps a provider without schedule to no hours in its own zone, and overrides by date', () => {
    expect(providerAvailability({ id: 'p1', timeZone: 'Asia/Tokyo' }, { overrides: [] }, [])).toEqual({
      providerId: 'p1',
      timeZone: 'Asia/Tokyo',
      weekly: {},
      overrides: {},
      busy: [],
    });
    const schedule = {
      businessId: 'b1',
      providerId: 'p1',
      timeZone: 'UTC',
      weekly: { mon: [{ start: '09:00', end: '10:00' }] },
      updatedAt: 0,
    };
    const override = { businessId: 'b1', providerId: 'p1', date: '2026-03-02', intervals: [], updatedAt: 0 };
    expect(providerAvailability({ id: 'p1', timeZone: 'Asia/Tokyo' }, { schedule, overrides: [override] }, [])).toEqual({
      providerId: 'p1',
      timeZone: 'UTC',
      weekly: schedule.weekly,
      overrides: { '2026-03-02': [] },
      busy: [],
    });
    expect(slotRules(service({ maxPerDayPerProvider: 3, bufferAfterMinutes: 5 }))).toEqual({
      serviceId: 's1',
      durationMinutes: 30,
      slotIntervalMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 5,
      minimumNoticeMinutes: 60,
      bookingWindowDays: 30,
      maxPerDayPerProvider: 3,
    });
  });
});
