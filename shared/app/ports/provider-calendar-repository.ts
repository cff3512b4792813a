import type { BusyAppointment, WallInterval, WeeklyHours } from '../../domain/availability/types';
import type { Versioned } from './versioned';

export interface ScheduleRecord {
  businessId: string;
  providerId: string;
  timeZone: string;
  weekly: WeeklyHours;
  updatedAt: number;
}

export interface OverrideRecord {
  businessId: string;
  providerId: string;
  /** Local date YYYY-MM-DD in the schedule's zone. */
  date: string;
  /** Empty = day off. */
  intervals: WallInterval[];
  updatedAt: number;
}

/** Local dates, `from` inclusive, `to` exclusive (YYYY-MM-DD). */
export interface DateRange {
  from: string;
  to: string;
}

/** What slot search needs of one provider, read in one round trip. */
export interface ProviderCalendar {
  schedule?: ScheduleRecord;
  overrides: OverrideRecord[];
  /** Booked appointments from the provider's day rows in the range, each once. */
  busy: BusyAppointment[];
}

/** A provider's weekly hours, date overrides and busy days (one partition per provider). */
export interface ProviderCalendarRepository {
  getSchedule(businessId: string, providerId: string): Promise<Versioned<ScheduleRecord> | undefined>;
  saveSchedule(record: ScheduleRecord, etag: string | undefined): Promise<void>;
  getOverride(businessId: string, providerId: string, date: string): Promise<Versioned<OverrideRecord> | undefined>;
  saveOverride(record: OverrideRecord, etag: string | undefined): Promise<void>;
  /** Removes the override if there is one. */
  deleteOverride(businessId: string, providerId: string, date: string): Promise<void>;
  /** Overrides dated within the range, sorted by date. */
  listOverrides(businessId: string, providerId: string, range: DateRange): Promise<OverrideRecord[]>;
  /** Schedule, overrides dated in `overrides` and busy time of the day rows dated in `busyDays`: ONE query. */
  readCalendar(businessId: string, providerId: string, ranges: { overrides: DateRange; busyDays: DateRange }): Promise<ProviderCalendar>;
}
