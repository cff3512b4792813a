import type { WallInterval, WeeklyHours } from '../../domain/availability/types';
import type { OverrideRecord, ScheduleRecord } from '../../app/ports/provider-calendar-repository';
import { jsonField, type Row } from './conditional-writes';

/** A provider's schedule row of the `scheduling` table (read by configuration, slot search and booking alike). */
export function scheduleFromRow(businessId: string, providerId: string, row: Row): ScheduleRecord {
  return {
    businessId,
    providerId,
    timeZone: row.timeZone as string,
    weekly: jsonField<WeeklyHours>(row, 'weekly'),
    updatedAt: row.updatedAt as number,
  };
}

/** A provider's date override row of the `scheduling` table. */
export function overrideFromRow(businessId: string, providerId: string, row: Row): OverrideRecord {
  return {
    businessId,
    providerId,
    date: row.date as string,
    intervals: jsonField<WallInterval[]>(row, 'intervals'),
    updatedAt: row.updatedAt as number,
  };
}
