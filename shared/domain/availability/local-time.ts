/**
 * Wall-clock time in IANA zones, resolved the way docs/architecture.md ("Time") requires: a local time
 * that does not exist (spring forward) becomes the transition instant, an ambiguous one (fall back)
 * its earlier occurrence. In other words: the first instant at which the zone's clock shows that
 * wall time or later.
 *
 * Offsets come from luxon's IANAZone. luxon's own wall-time constructors are not used: they move a
 * skipped time forward by the gap (02:30 -> 03:30) and pick an ambiguous time's occurrence from the
 * offset in force *today*, so their answer would depend on when the code runs.
 *
 * Local days are numbered as days since 1970-01-01 (the calendar date, no zone), and a "local
 * timestamp" is day * 24 h + wall minutes, i.e. the wall time read as if it were UTC.
 */
import { IANAZone } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 86_400_000;

const WALL_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since local midnight of an "HH:mm" wall time; "24:00" is 1440 (midnight ending the day). */
export function parseWallTime(value: string): number {
  const match = WALL_TIME.exec(value);
  if (!match) throw new RangeError(`Not an HH:mm wall time: ${value}`);
  return match[1] === undefined ? 1440 : Number(match[1]) * 60 + Number(match[2]);
}

/** Day number of a "YYYY-MM-DD" calendar date. */
export function dayOfDate(date: string): number {
  const match = LOCAL_DATE.exec(date);
  // setUTCFullYear, not Date.UTC: that maps years 0-99 to 1900-1999.
  const day = match ? new Date(0).setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS : NaN;
  if (!match || dateOfDay(day) !== date) throw new RangeError(`Not a YYYY-MM-DD date: ${date}`);
  return day;
}

/** "YYYY-MM-DD" of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01, day 0, was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

interface DayFrame {
  /** Instant of the day's 00:00 (resolved). */
  start: number;
  /** Instant of its 24:00, i.e. the next day's start. */
  end: number;
  /** Offset (ms) valid for every wall time of the day, or null on a day with a transition. */
  uniformOffsetMs: number | null;
}

// Memo sizes: a process serving searches touches few zones and a few hundred days each; the limits
// only keep an unusual caller from growing the memo without bound.
const MAX_OFFSETS = 200_000;
const MAX_FRAMES = 50_000;

/**
 * One zone's wall-time arithmetic. Offsets and day frames are memoized because a zone offset costs
 * an Intl call (about 10 µs here), and the same days are resolved for every provider and search.
 */
export class ZoneCalendar {
  private readonly offsets = new Map<number, number>();
  private readonly frames = new Map<number, DayFrame>();

  constructor(private readonly zone: IANAZone) {}

  /** Instant of wall time `minutes` (0..1440) on local `day`. */
  instant(day: number, minutes: number): number {
    const frame = this.frame(day);
    const localTs = day * DAY_MS + minutes * MINUTE_MS;
    return frame.uniformOffsetMs === null ? this.resolve(localTs) : localTs - frame.uniformOffsetMs;
  }

  /** Local day containing `instant`: the day whose [start, end) holds it. */
  dayOf(instant: number): number {
    // Offsets stay within ±14 h, so the local date is the UTC date or a neighbour.
    const utcDay = Math.floor(instant / DAY_MS);
    const frame = this.frame(utcDay);
    if (instant < frame.start) return utcDay - 1;
    return instant < frame.end ? utcDay : utcDay + 1;
  }

  /** [start, end) instants of local `day`. */
  bounds(day: number): { start: number; end: number } {
    const { start, end } = this.frame(day);
    return { start, end };
  }

  private frame(day: number): DayFrame {
    let frame = this.frames.get(day);
    if (frame) return frame;
    const localStart = day * DAY_MS;
    const start = this.resolve(localStart);
    const end = this.resolve(localStart + DAY_MS);
    const offsetMs = this.offsetAt(start) * MINUTE_MS;
    // One offset from 00:00 to 24:00 with midnight existing: every wall time maps linearly.
    const uniform = start === localStart - offsetMs && end === localStart + DAY_MS - offsetMs;
    frame = { start, end, uniformOffsetMs: uniform ? offsetMs : null };
    if (this.frames.size >= MAX_FRAMES) this.frames.clear();
    this.frames.set(day, frame);
    return frame;
  }

  /** First instant whose wall clock shows `localTs` or later. */
  private resolve(localTs: number): number {
    // Candidate offsets are those in force a day either side (as Temporal does): a wall time
    // maps to localTs - offset for each offset that is really in force at that instant.
    const before = this.offsetAt(localTs - DAY_MS);
    const after = this.offsetAt(localTs + DAY_MS);
    let earliest: number | undefined;
    for (const offset of before === after ? [before] : [before, after]) {
      const candidate = localTs - offset * MINUTE_MS;
      if (this.offsetAt(candidate) === offset && (earliest === undefined || candidate < earliest)) {
        earliest = candidate;
      }
    }
    if (earliest !== undefined) return earliest;
    if (after <= before) throw new RangeError(`Cannot resolve a wall time in ${this.zone.name}`);
    // Skipped wall time: the transition lies between the two candidates; find it to the second.
    let low = (localTs - after * MINUTE_MS) / 1000; // still the old offset
    let high = (localTs - before * MINUTE_MS) / 1000; // already the new offset
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.offsetAt(middle * 1000) === before) low = middle;
      else high = middle;
    }
    return high * 1000;
  }

  /** Offset (minutes east of UTC) in force at `instant`. */
  private offsetAt(instant: number): number {
    let offset = this.offsets.get(instant);
    if (offset === undefined) {
      offset = this.zone.offset(instant);
      if (this.offsets.size >= MAX_OFFSETS) this.offsets.clear();
      this.offsets.set(instant, offset);
    }
    return offset;
  }
}

const calendars = new Map<string, ZoneCalendar>();

/** The calendar of an IANA zone; throws a RangeError for an unknown zone (validated upstream). */
export function zoneCalendar(timeZone: string): ZoneCalendar {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    const zone = IANAZone.create(timeZone);
    if (!zone.isValid) throw new RangeError(`Unknown time zone: ${timeZone}`);
    calendar = new ZoneCalendar(zone);
    calendars.set(timeZone, calendar);
  }
  return calendar;
}

/** Local calendar date "YYYY-MM-DD" of an instant in `timeZone` (the day used by maxPerDayPerProvider). */
export function localDateOf(instant: number, timeZone: string): string {
  return dateOfDay(zoneCalendar(timeZone).dayOf(instant));
}

/** Instant of wall time `time` ("HH:mm", "24:00" allowed) on local `date` in `timeZone`, DST rules above. */
export function localWallTimeToInstant(date: string, time: string, timeZone: string): number {
  return zoneCalendar(timeZone).instant(dayOfDate(date), parseWallTime(time));
}

/** [start, end) instants of the local day `date` in `timeZone` (23, 24 or 25 hours long). */
export function localDayBounds(date: string, timeZone: string): { start: number; end: number } {
  return zoneCalendar(timeZone).bounds(dayOfDate(date));
}
