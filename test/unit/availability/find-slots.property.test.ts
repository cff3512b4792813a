import fc from 'fast-check';
import { findSlots } from '../../../shared/domain/availability/find-slots';
import type {
  BusyAppointment,
  ProviderAvailability,
  SlotRules,
  SlotWindow,
  WallInterval,
  Weekday,
} from '../../../shared/domain/availability/types';
import { availabilityIntervals, bruteForceSlots } from '../../bench/brute-force-slots';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Zones with their 2027 transition dates (or an ordinary date for zones without DST), where windows cluster. */
const ZONES: Record<string, string[]> = {
  'America/New_York': ['2027-03-14', '2027-11-07'],
  'Europe/Berlin': ['2027-03-28', '2027-10-31'],
  'Australia/Lord_Howe': ['2027-04-04', '2027-10-03'], // 30-minute changes
  'America/Santiago': ['2027-04-04', '2027-09-05'], // changes at midnight
  'Asia/Kolkata': ['2027-06-07'],
  UTC: ['2027-06-07'],
};

const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * Up to three non-overlapping intervals on a 15-minute grid, with boundaries drawn twice as often
 * from 00:00-04:00, where 2027's DST gaps and repeated hours lie.
 */
const gridPoint = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 96 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 16 }), weight: 2 },
);
const dayIntervals: fc.Arbitrary<WallInterval[]> = fc.array(gridPoint, { minLength: 1, maxLength: 6 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const intervals: WallInterval[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) {
    const [start, end] = [sorted[i] as number, sorted[i + 1] as number];
    if (start < end) intervals.push({ start: hhmm(start * 15), end: hhmm(end * 15) });
  }
  return intervals;
});

const slotRules: fc.Arbitrary<SlotRules> = fc.record({
  serviceId: fc.constant('svc'),
  durationMinutes: fc.integer({ min: 1, max: 36 }).map((n) => n * 5),
  slotIntervalMinutes: fc.integer({ min: 1, max: 24 }).map((n) => n * 5),
  bufferBeforeMinutes: fc.integer({ min: 0, max: 60 }),
  bufferAfterMinutes: fc.integer({ min: 0, max: 60 }),
  minimumNoticeMinutes: fc.integer({ min: 0, max: 600 }),
  bookingWindowDays: fc.integer({ min: 1, max: 6 }),
  maxPerDayPerProvider: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
});

interface Scenario {
  rules: SlotRules;
  providers: ProviderAvailability[];
  window: SlotWindow;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    ids: fc.uniqueArray(fc.constantFrom('a', 'b', 'B', 'p-1', 'z'), { minLength: 1, maxLength: 3 }),
    // Mostly one zone for all providers, so the window's DST change applies to them all.
    zones: fc.array(fc.constantFrom(...Object.keys(ZONES)), { minLength: 1, maxLength: 2 }),
    zonePicks: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    anchor: fc.nat(),
    fromMinutes: fc.integer({ min: -1440, max: 720 }),
    fromJitterMs: fc.integer({ min: 0, max: MINUTE - 1 }),
    lengthMinutes: fc.integer({ min: 1, max: 3 * 1440 }),
    nowMinutes: fc.integer({ min: -1440, max: 120 }),
    rules: slotRules,
    schedules: fc.array(
      fc.record({
        weekly: fc.tuple(...WEEKDAYS.map(() => dayIntervals)),
        overrides: fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), dayIntervals), { maxLength: 3 }),
        busy: fc.array(
          fc.record({
            startMinutes: fc.integer({ min: -3 * 288, max: 3 * 288 }).map((n) => n * 5),
            durationMinutes: fc.integer({ min: 1, max: 36 }).map((n) => n * 5),
            bufferBeforeMinutes: fc.integer({ min: 0, max: 45 }),
            bufferAfterMinutes: fc.integer({ min: 0, max: 45 }),
            serviceId: fc.constantFrom('svc', 'other'),
          }),
          { maxLength: 10 },
        ),
      }),
      { minLength: 3, maxLength: 3 },
    ),
  })
  .map((raw) => {
    const zoneOf = (i: number) => raw.zones[(raw.zonePicks[i] as number) % 4 === 3 ? raw.zones.length - 1 : 0] as string;
    const dates = ZONES[zoneOf(0)] as string[];
    const anchorDate = dates[raw.anchor % dates.length] as string;
    const anchor = Date.parse(`${anchorDate}T00:00:00Z`);
    const from = anchor + raw.fromMinutes * MINUTE + raw.fromJitterMs;
    const window: SlotWindow = { from, to: from + raw.lengthMinutes * MINUTE, now: from + raw.nowMinutes * MINUTE };
    const providers = raw.ids.map((providerId, i): ProviderAvailability => {
      const timeZone = zoneOf(i);
      const schedule = raw.schedules[i] as (typeof raw.schedules)[number];
      const overrides: Record<string, WallInterval[]> = {};
      for (const [dayOffset, intervals] of schedule.overrides) {
        overrides[new Date(anchor + dayOffset * DAY).toISOString().slice(0, 10)] = intervals;
      }
      const busy = schedule.busy.map((b, n): BusyAppointment => ({
        appointmentId: `${providerId}-${n}`,
        serviceId: b.serviceId,
        start: anchor + b.startMinutes * MINUTE,
        end: anchor + (b.startMinutes + b.durationMinutes) * MINUTE,
        bufferBeforeMinutes: b.bufferBeforeMinutes,
        bufferAfterMinutes: b.bufferAfterMinutes,
      }));
      return {
        providerId,
        timeZone,
        weekly: Object.fromEntries(WEEKDAYS.map((d, w) => [d, schedule.weekly[w] as WallInterval[]])),
        overrides,
        busy,
      };
    });
    return { rules: raw.rules, providers, window };
  });

describe('findSlots on random schedules, bookings, zones and windows', () => {
  // The reference's wall-time resolutions, shared across runs: windows cluster on a few dates.
  const wallMemo = new Map<string, number>();

  it('equals the minute-by-minute brute force', () => {
    fc.assert(
      fc.property(scenario, ({ rules, providers, window }) => {
        expect(findSlots(rules, providers, window)).toEqual(bruteForceSlots(rules, providers, window, wallMemo));
      }),
      { numRuns: 150 },
    );
  });

  it('never offers a provider whose padded bookings overlap the padded slot', () => {
    fc.assert(
      fc.property(scenario, ({ rules, providers, window }) => {
        for (const slot of findSlots(rules, providers, window)) {
          for (const id of slot.providerIds) {
            const provider = providers.find((p) => p.providerId === id) as ProviderAvailability;
            const from = slot.start - rules.bufferBeforeMinutes * MINUTE;
            const to = slot.end + rules.bufferAfterMinutes * MINUTE;
            for (const b of provider.busy) {
              const overlaps = from < b.end + b.bufferAfterMinutes * MINUTE && b.start - b.bufferBeforeMinutes * MINUTE < to;
              expect(overlaps).toBe(false);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('offers only slots inside an availability interval, inside the window, one sorted entry per start', () => {
    fc.assert(
      fc.property(scenario, ({ rules, providers, window }) => {
        const slots = findSlots(rules, providers, window);
        const availability = new Map(providers.map((p) => [p.providerId, availabilityIntervals(p, window.from, window.to, wallMemo)]));
        slots.forEach((slot, i) => {
          if (i > 0) expect(slot.start).toBeGreaterThan((slots[i - 1] as (typeof slots)[number]).start);
          expect(slot.start).toBeGreaterThanOrEqual(window.from);
          expect(slot.start).toBeLessThan(window.to);
          expect(slot.end - slot.start).toBe(rules.durationMinutes * MINUTE);
          expect(slot.providerIds.length).toBeGreaterThan(0);
          expect([...new Set(slot.providerIds)].sort()).toEqual(slot.providerIds);
          for (const id of slot.providerIds) {
            const inside = (availability.get(id) ?? []).some((interval) => interval.start <= slot.start && slot.end <= interval.end);
            expect(inside).toBe(true);
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});
