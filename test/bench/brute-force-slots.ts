/**
 * Reference slot search, written to be obviously right rather than fast, and sharing no code with
 * the engine: every minute of every availability interval is checked against each rule directly.
 * Used by the property tests and the slots bench to check findSlots.
 */
import { DateTime } from 'luxon';
import type { ProviderAvailability, Slot, SlotRules, SlotWindow, WallInterval } from '../../shared/domain/availability/types';

const MINUTE = 60_000;
const LUXON_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const; // luxon weekday 1..7

/** An availability interval of a provider as instants, with the local date it belongs to. */
export interface AvailabilityInterval {
  date: string;
  start: number;
  end: number;
}

/** What the zone's clock shows at an instant, as a number that sorts like the wall time: yyyyMMddHHmm. */
function wallClock(instant: number, zone: string): number {
  const t = DateTime.fromMillis(instant, { zone });
  return (((t.year * 100 + t.month) * 100 + t.day) * 100 + t.hour) * 100 + t.minute;
}

/**
 * The instant of a wall time by its definition: the first minute at which the clock shows that
 * wall time or later (a skipped time gives the transition, a repeated one its first occurrence).
 * luxon's own answer is only a starting point, at most an hour off; scanning starts two hours
 * before it, where the clock still shows an earlier time.
 */
function firstInstantShowing(date: string, time: string, zone: string, memo: Map<string, number>): number {
  const key = `${zone} ${date} ${time}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const day = DateTime.fromISO(date, { zone: 'utc' }).plus({ days: hour === 24 ? 1 : 0 });
  const wanted = { year: day.year, month: day.month, day: day.day, hour: hour % 24, minute };
  const target = (((wanted.year * 100 + wanted.month) * 100 + wanted.day) * 100 + wanted.hour) * 100 + wanted.minute;
  let instant = DateTime.fromObject(wanted, { zone }).toMillis() - 120 * MINUTE;
  while (wallClock(instant, zone) < target) instant += MINUTE;
  memo.set(key, instant);
  return instant;
}

function localDate(instant: number, zone: string, memo: Map<string, string>): string {
  const key = `${zone} ${instant}`;
  let date = memo.get(key);
  if (date === undefined) {
    date = DateTime.fromMillis(instant, { zone }).toISODate() as string;
    memo.set(key, date);
  }
  return date;
}

/** A provider's availability intervals for every local date from a day before `from` to a day after `to`. */
export function availabilityIntervals(
  provider: ProviderAvailability,
  from: number,
  to: number,
  memo: Map<string, number> = new Map(),
): AvailabilityInterval[] {
  const zone = provider.timeZone;
  const intervals: AvailabilityInterval[] = [];
  // Calendar dates are stepped in UTC, where every day exists and has 24 hours.
  const calendarDay = (instant: number) => DateTime.fromISO(localDate(instant, zone, new Map()), { zone: 'utc' });
  const last = calendarDay(to).plus({ days: 1 });
  for (let day = calendarDay(from).minus({ days: 1 }); day <= last; day = day.plus({ days: 1 })) {
    const date = day.toISODate() as string;
    const wall: WallInterval[] = Object.hasOwn(provider.overrides, date)
      ? (provider.overrides[date] as WallInterval[])
      : (provider.weekly[LUXON_WEEKDAYS[day.weekday - 1] as (typeof LUXON_WEEKDAYS)[number]] ?? []);
    for (const interval of wall) {
      intervals.push({
        date,
        start: firstInstantShowing(date, interval.start, zone, memo),
        end: firstInstantShowing(date, interval.end, zone, memo),
      });
    }
  }
  return intervals;
}

/** `wallMemo` may be shared between calls (wall times resolve the same way every time) to save time in tests. */
export function bruteForceSlots(
  rules: SlotRules,
  providers: ProviderAvailability[],
  window: SlotWindow,
  wallMemo: Map<string, number> = new Map(),
): Slot[] {
  const duration = rules.durationMinutes * MINUTE;
  const dateMemo = new Map<string, string>();
  const free = new Map<number, Set<string>>();

  for (const provider of providers) {
    const zone = provider.timeZone;
    const sameServicePerDate = new Map<string, number>();
    for (const b of provider.busy) {
      if (b.serviceId !== rules.serviceId) continue;
      const date = localDate(b.start, zone, dateMemo);
      sameServicePerDate.set(date, (sameServicePerDate.get(date) ?? 0) + 1);
    }

    for (const interval of availabilityIntervals(provider, window.from, window.to, wallMemo)) {
      for (let start = interval.start; start + duration <= interval.end; start += MINUTE) {
        const end = start + duration;
        if ((start - interval.start) % (rules.slotIntervalMinutes * MINUTE) !== 0) continue;
        if (start < window.from || start >= window.to) continue;
        if (start < window.now + rules.minimumNoticeMinutes * MINUTE) continue;
        if (start > window.now + rules.bookingWindowDays * 24 * 60 * MINUTE) continue;
        if (
          rules.maxPerDayPerProvider !== null &&
          (sameServicePerDate.get(localDate(start, zone, dateMemo)) ?? 0) >= rules.maxPerDayPerProvider
        ) {
          continue;
        }
        const clashes = provider.busy.some(
          (b) =>
            start - rules.bufferBeforeMinutes * MINUTE < b.end + b.bufferAfterMinutes * MINUTE &&
            b.start - b.bufferBeforeMinutes * MINUTE < end + rules.bufferAfterMinutes * MINUTE,
        );
        if (clashes) continue;
        const ids = free.get(start) ?? new Set<string>();
        ids.add(provider.providerId);
        free.set(start, ids);
      }
    }
  }

  return [...free.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, ids]) => ({ start, end: start + duration, providerIds: [...ids].sort() }));
}
