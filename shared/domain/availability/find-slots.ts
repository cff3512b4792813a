/**
 * The slot engine: which start times a service can be booked at, and with which providers.
 * Pure: every instant is epoch ms, "now" comes in with the window. Rules are in docs/api.md
 * ("Provider choice and slots") and docs/architecture.md ("Time").
 */
import { occupiedInterval } from '../appointments/appointment';
import { DAY_MS, MINUTE_MS, ZoneCalendar, dateOfDay, parseWallTime, weekdayOfDay, zoneCalendar } from './local-time';
import type { BusyAppointment, ProviderAvailability, Slot, SlotRules, SlotWindow, WallInterval, Weekday } from './types';

/** Indexed like Date#getUTCDay / weekdayOfDay. */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Wall-time interval in minutes since local midnight. */
type WallMinutes = readonly [start: number, end: number];

interface StartBounds {
  /** Earliest allowed start (inclusive). */
  first: number;
  /** Latest allowed start (inclusive). */
  last: number;
}

/** Every offered start in `window`, sorted, with exactly the providers free at it (sorted lexically). */
export function findSlots(rules: SlotRules, providers: ProviderAvailability[], window: SlotWindow): Slot[] {
  if (!(rules.durationMinutes > 0 && rules.slotIntervalMinutes > 0)) {
    throw new RangeError('durationMinutes and slotIntervalMinutes must be positive');
  }
  const bounds = startBounds(rules, window);
  if (bounds.first > bounds.last) return [];

  const duration = rules.durationMinutes * MINUTE_MS;
  const ordered = [...providers].sort((a, b) => compareIds(a.providerId, b.providerId));
  let slots: Slot[] = [];
  // Providers in id order, each merged into the sorted slot list, keep providerIds sorted.
  for (const provider of ordered) {
    const starts = providerStarts(rules, provider, bounds);
    const merged: Slot[] = [];
    let i = 0;
    for (const start of starts) {
      while (i < slots.length && (slots[i] as Slot).start < start) merged.push(slots[i++] as Slot);
      const same = slots[i];
      if (same !== undefined && same.start === start) {
        same.providerIds.push(provider.providerId);
        merged.push(same);
        i += 1;
      } else {
        merged.push({ start, end: start + duration, providerIds: [provider.providerId] });
      }
    }
    while (i < slots.length) merged.push(slots[i++] as Slot);
    slots = merged;
  }
  return slots;
}

/**
 * Whether `start` is an offered slot of `provider` at `now` (the check booking repeats in its
 * transaction). `provider.busy` must hold every appointment of that local day and its neighbours,
 * or the buffers and the per-day limit are checked against too little.
 */
export function isSlotOffered(rules: SlotRules, provider: ProviderAvailability, start: number, now: number): boolean {
  return findSlots(rules, [provider], { from: start, to: start + 1, now }).length > 0;
}

/**
 * Minimum notice: start >= now + notice. Booking window: start <= now + bookingWindowDays * 24 h,
 * inclusive and in elapsed time (not local calendar days), so the limit is the same instant for
 * every zone and never depends on DST. Window: from <= start < to.
 */
function startBounds(rules: SlotRules, window: SlotWindow): StartBounds {
  return {
    first: Math.max(window.from, window.now + rules.minimumNoticeMinutes * MINUTE_MS),
    last: Math.min(window.to - 1, window.now + rules.bookingWindowDays * DAY_MS),
  };
}

/**
 * Free starts of one provider, ascending. Days and their (non-overlapping) intervals are walked in
 * order, so candidates only grow: busy time is merged once and swept with a pointer.
 */
function providerStarts(rules: SlotRules, provider: ProviderAvailability, bounds: StartBounds): number[] {
  const calendar = zoneCalendar(provider.timeZone);
  const firstDay = calendar.dayOf(bounds.first);
  const lastDay = calendar.dayOf(bounds.last);
  const fullDays = daysAtLimit(rules, provider.busy, calendar, firstDay, lastDay);
  const blocked = mergedBlockedTime(provider.busy);
  const weekly = WEEKDAYS.map((weekday) => parseIntervals(provider.weekly[weekday]));
  const hasOverrides = Object.keys(provider.overrides).length > 0;

  const duration = rules.durationMinutes * MINUTE_MS;
  const step = rules.slotIntervalMinutes * MINUTE_MS;
  // A candidate's padded interval relative to its start (the rule shifts with the start): computed once, not per candidate.
  const padding = occupiedInterval({
    start: 0,
    end: duration,
    bufferBeforeMinutes: rules.bufferBeforeMinutes,
    bufferAfterMinutes: rules.bufferAfterMinutes,
  });

  const starts: number[] = [];
  let next = 0; // first blocked interval that may still overlap a candidate
  for (let day = firstDay; day <= lastDay; day += 1) {
    if (fullDays.has(day)) continue;
    const date = hasOverrides ? dateOfDay(day) : '';
    const intervals =
      hasOverrides && Object.hasOwn(provider.overrides, date)
        ? parseIntervals(provider.overrides[date])
        : (weekly[weekdayOfDay(day)] as WallMinutes[]);
    for (const [wallStart, wallEnd] of intervals) {
      const intervalStart = calendar.instant(day, wallStart);
      const latest = Math.min(calendar.instant(day, wallEnd) - duration, bounds.last);
      // Alignment counts real elapsed time from the interval's start instant.
      let start = intervalStart < bounds.first ? intervalStart + Math.ceil((bounds.first - intervalStart) / step) * step : intervalStart;
      for (; start <= latest; start += step) {
        const paddedStart = start + padding.start;
        const paddedEnd = start + padding.end;
        while (next < blocked.ends.length && (blocked.ends[next] as number) <= paddedStart) next += 1;
        if (next < blocked.starts.length && (blocked.starts[next] as number) < paddedEnd) continue;
        starts.push(start);
      }
    }
  }
  return starts;
}

/** Local days (of the searched range) on which the provider already has maxPerDayPerProvider of this service. */
function daysAtLimit(rules: SlotRules, busy: BusyAppointment[], calendar: ZoneCalendar, firstDay: number, lastDay: number): Set<number> {
  const full = new Set<number>();
  const max = rules.maxPerDayPerProvider;
  if (max === null) return full;
  const rangeStart = calendar.bounds(firstDay).start;
  const rangeEnd = calendar.bounds(lastDay).end;
  const counts = new Map<number, number>();
  for (const appointment of busy) {
    if (appointment.serviceId !== rules.serviceId) continue;
    if (appointment.start < rangeStart || appointment.start >= rangeEnd) continue;
    const day = calendar.dayOf(appointment.start);
    const count = (counts.get(day) ?? 0) + 1;
    counts.set(day, count);
    if (count >= max) full.add(day);
  }
  return full;
}

/**
 * The union of the busy appointments, each padded by its own buffers, as disjoint sorted half-open
 * intervals: a candidate overlaps the union exactly when it overlaps one of them. Starts and ends
 * are sorted separately (natively, as typed arrays) and swept with a depth count; a start at the
 * same instant as an end comes first, so touching intervals merge.
 */
function mergedBlockedTime(busy: BusyAppointment[]): { starts: number[]; ends: number[] } {
  const paddedStarts = new Float64Array(busy.length);
  const paddedEnds = new Float64Array(busy.length);
  let count = 0;
  for (const b of busy) {
    const { start, end } = occupiedInterval(b);
    if (end <= start) continue;
    paddedStarts[count] = start;
    paddedEnds[count] = end;
    count += 1;
  }
  const sortedStarts = paddedStarts.subarray(0, count).sort();
  const sortedEnds = paddedEnds.subarray(0, count).sort();

  const starts: number[] = [];
  const ends: number[] = [];
  let depth = 0;
  for (let i = 0, j = 0; j < count;) {
    if (i < count && (sortedStarts[i] as number) <= (sortedEnds[j] as number)) {
      if (depth === 0) starts.push(sortedStarts[i] as number);
      depth += 1;
      i += 1;
    } else {
      depth -= 1;
      if (depth === 0) ends.push(sortedEnds[j] as number);
      j += 1;
    }
  }
  return { starts, ends };
}

function parseIntervals(intervals: WallInterval[] | undefined): WallMinutes[] {
  if (!intervals || intervals.length === 0) return [];
  return intervals.map(({ start, end }) => [parseWallTime(start), parseWallTime(end)] as const).sort((a, b) => a[0] - b[0]);
}

/** Lexical (code unit) order, the order docs/api.md's tie-breaks and providerIds use. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
