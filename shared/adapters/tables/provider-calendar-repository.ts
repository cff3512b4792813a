import { odata, type TableClient } from '@azure/data-tables';
import { mergeBusy } from '../../domain/appointments/busy-days';
import type { BusyAppointment } from '../../domain/availability/types';
import type {
  DateRange,
  OverrideRecord,
  ProviderCalendar,
  ProviderCalendarRepository,
  ScheduleRecord,
} from '../../app/ports/provider-calendar-repository';
import { getVersioned, jsonField, listRows, saveConditional } from './conditional-writes';
import { overrideFromRow, scheduleFromRow } from './scheduling-rows';
import {
  DAY_ROW_PREFIX,
  dayRow,
  OVERRIDE_ROW_PREFIX,
  overrideRow,
  providerPartition,
  SCHEDULE_ROW,
  SCHEDULING_TABLE,
} from './scheduling-keys';
import type { TableClients } from './table-clients';

/** Schedules, overrides and busy days in the `scheduling` table, partition `p|{businessId}|{providerId}`. */
export class TableProviderCalendarRepository implements ProviderCalendarRepository {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SCHEDULING_TABLE);
  }

  async getSchedule(businessId: string, providerId: string) {
    return getVersioned(await this.client(), providerPartition(businessId, providerId), SCHEDULE_ROW, (row) =>
      scheduleFromRow(businessId, providerId, row),
    );
  }

  async saveSchedule(record: ScheduleRecord, etag: string | undefined) {
    await saveConditional(
      await this.client(),
      {
        partitionKey: providerPartition(record.businessId, record.providerId),
        rowKey: SCHEDULE_ROW,
        timeZone: record.timeZone,
        weekly: JSON.stringify(record.weekly),
        updatedAt: record.updatedAt,
      },
      etag,
    );
  }

  async getOverride(businessId: string, providerId: string, date: string) {
    return getVersioned(await this.client(), providerPartition(businessId, providerId), overrideRow(date), (row) =>
      overrideFromRow(businessId, providerId, row),
    );
  }

  async saveOverride(record: OverrideRecord, etag: string | undefined) {
    await saveConditional(
      await this.client(),
      {
        partitionKey: providerPartition(record.businessId, record.providerId),
        rowKey: overrideRow(record.date),
        date: record.date,
        intervals: JSON.stringify(record.intervals),
        updatedAt: record.updatedAt,
      },
      etag,
    );
  }

  async deleteOverride(businessId: string, providerId: string, date: string) {
    try {
      await (await this.client()).deleteEntity(providerPartition(businessId, providerId), overrideRow(date));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  async listOverrides(businessId: string, providerId: string, range: DateRange) {
    const rows = await listRows(
      await this.client(),
      odata`PartitionKey eq ${providerPartition(businessId, providerId)} and RowKey ge ${overrideRow(range.from)} and RowKey lt ${overrideRow(range.to)}`,
    );
    return rows.map((row) => overrideFromRow(businessId, providerId, row));
  }

  async readCalendar(businessId: string, providerId: string, ranges: { overrides: DateRange; busyDays: DateRange }) {
    // One query, one partition: the schedule row plus two RowKey ranges (API promise: one round trip per provider).
    const rows = await listRows(
      await this.client(),
      odata`PartitionKey eq ${providerPartition(businessId, providerId)} and (RowKey eq ${SCHEDULE_ROW} or (RowKey ge ${overrideRow(ranges.overrides.from)} and RowKey lt ${overrideRow(ranges.overrides.to)}) or (RowKey ge ${dayRow(ranges.busyDays.from)} and RowKey lt ${dayRow(ranges.busyDays.to)}))`,
    );
    const calendar: ProviderCalendar = { overrides: [], busy: [] };
    const busyLists: BusyAppointment[][] = [];
    for (const row of rows) {
      const rowKey = row.rowKey ?? '';
      if (rowKey === SCHEDULE_ROW) calendar.schedule = scheduleFromRow(businessId, providerId, row);
      else if (rowKey.startsWith(OVERRIDE_ROW_PREFIX)) calendar.overrides.push(overrideFromRow(businessId, providerId, row));
      else if (rowKey.startsWith(DAY_ROW_PREFIX) && typeof row.busy === 'string') busyLists.push(jsonField(row, 'busy'));
    }
    calendar.busy = mergeBusy(busyLists);
    return calendar;
  }
}
