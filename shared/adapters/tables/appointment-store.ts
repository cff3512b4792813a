import { odata, RestError, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { Appointment } from '../../domain/appointments/appointment';
import type {
  AppointmentLocation,
  AppointmentPageQuery,
  AppointmentStore,
  BookingState,
  DayRow,
  MovedAppointmentRetirement,
  OutboxMessage,
  ProviderCommit,
} from '../../app/ports/appointment-store';
import { WriteConflictError, type Versioned } from '../../app/ports/versioned';
import { retryOnConflict } from '../../app/retry-on-conflict';
import { getRow, jsonField, listRows, type Row } from './conditional-writes';
import { overrideFromRow, scheduleFromRow } from './scheduling-rows';
import {
  DAY_ROW_PREFIX,
  OVERRIDE_ROW_PREFIX,
  SCHEDULE_ROW,
  SCHEDULING_TABLE,
  dayRow,
  overrideRow,
  prefixEnd,
  providerPartition,
} from './scheduling-keys';
import type { TableClients } from './table-clients';

/** Day rows per touch transaction (a transaction takes at most 100 operations). */
const TOUCH_BATCH = 100;
/** Extra keys of the `scheduling` table owned by appointments. */
export const APPOINTMENT_ROW_PREFIX = 'appt|';
/** A copy of the appointment keyed by start, so a provider's list is one range query in time order. */
export const BY_START_ROW_PREFIX = 'at|';
export const OUTBOX_ROW_PREFIX = 'outbox|';
export const pointerPartition = (appointmentId: string) => `a|${appointmentId}`;
export const POINTER_ROW = 'pointer';
/** Partitions that may have outbox rows; written before each commit so the sweeper finds them. */
const DIRTY_PARTITION = 'outbox-dirty';

export const appointmentRow = (id: string) => `${APPOINTMENT_ROW_PREFIX}${id}`;
export const byStartRow = (start: number, id: string) => `${BY_START_ROW_PREFIX}${String(start).padStart(15, '0')}|${id}`;
const outboxRow = (id: string) => `${OUTBOX_ROW_PREFIX}${id}`;
const dirtyRow = (location: AppointmentLocation) => providerPartition(location.businessId, location.providerId);

export class TableAppointmentStore implements AppointmentStore {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SCHEDULING_TABLE);
  }

  async readBookingState(
    businessId: string,
    providerId: string,
    ranges: { localDates: { from: string; to: string }; utcDates: { from: string; to: string } },
  ): Promise<BookingState> {
    const rows = await listRows(
      await this.client(),
      odata`PartitionKey eq ${providerPartition(businessId, providerId)} and (RowKey eq ${SCHEDULE_ROW} or (RowKey ge ${overrideRow(ranges.localDates.from)} and RowKey lt ${overrideRow(ranges.localDates.to)}) or (RowKey ge ${dayRow(ranges.utcDates.from)} and RowKey lt ${dayRow(ranges.utcDates.to)}))`,
    );
    const state: BookingState = { overrides: [], days: [] };
    for (const row of rows) {
      const key = row.rowKey ?? '';
      if (key === SCHEDULE_ROW) {
        state.schedule = scheduleFromRow(businessId, providerId, row);
      } else if (key.startsWith(OVERRIDE_ROW_PREFIX)) {
        state.overrides.push(overrideFromRow(businessId, providerId, row));
      } else if (key.startsWith(DAY_ROW_PREFIX)) {
        state.days.push({ date: key.slice(DAY_ROW_PREFIX.length), busy: jsonField(row, 'busy'), etag: row.etag });
      }
    }
    return state;
  }

  async touchDays(businessId: string, providerId: string, dates: readonly string[]): Promise<void> {
    const partitionKey = providerPartition(businessId, providerId);
    const client = await this.client();
    for (let i = 0; i < dates.length; i += TOUCH_BATCH) {
      const batch = [...dates.slice(i, i + TOUCH_BATCH)].sort();
      // A batch lost to a booking that created one of its rows meanwhile is read and written again.
      await retryOnConflict(8, async () => {
        const existing = new Set(
          (
            await listRows(
              client,
              odata`PartitionKey eq ${partitionKey} and RowKey ge ${dayRow(batch[0]!)} and RowKey le ${dayRow(batch[batch.length - 1]!)}`,
            )
          ).map((row) => row.rowKey),
        );
        // Merge without an ETag keeps `busy` and still gives the row a new ETag; a missing row is created empty (insert-only).
        const actions: TransactionAction[] = batch.map((date) =>
          existing.has(dayRow(date))
            ? ['update', { partitionKey, rowKey: dayRow(date), touched: true }, 'Merge']
            : ['create', { partitionKey, rowKey: dayRow(date), busy: '[]', touched: true }],
        );
        await this.submit(providerId, actions);
      });
    }
  }

  async commit(commit: ProviderCommit): Promise<void> {
    const partitionKey = providerPartition(commit.businessId, commit.providerId);
    const actions: TransactionAction[] = commit.days.map((day) => dayAction(partitionKey, day));
    const { value, etag, previousStart } = commit.appointment;
    const entity = appointmentEntity(partitionKey, appointmentRow(value.id), value);
    actions.push(etag ? ['update', entity, 'Replace', { etag }] : ['create', entity]);
    if (previousStart !== undefined && previousStart !== value.start) {
      actions.push(['delete', { partitionKey, rowKey: byStartRow(previousStart, value.id) }]);
    }
    actions.push(['upsert', appointmentEntity(partitionKey, byStartRow(value.start, value.id), value), 'Replace']);
    for (const message of commit.outbox) {
      actions.push(['create', { partitionKey, rowKey: outboxRow(message.id), message: JSON.stringify(message) }]);
    }
    const client = await this.client();
    if (commit.outbox.length > 0) {
      await client.upsertEntity(
        { partitionKey: DIRTY_PARTITION, rowKey: dirtyRow(commit), businessId: commit.businessId, providerId: commit.providerId },
        'Replace',
      );
    }
    await this.submit(commit.providerId, actions);
  }

  async findAt(location: AppointmentLocation, appointmentId: string): Promise<Versioned<Appointment> | undefined> {
    const row = await getRow(
      await this.client(),
      providerPartition(location.businessId, location.providerId),
      appointmentRow(appointmentId),
    );
    return row && !row.movedToProviderId ? { value: appointmentFromRow(row), etag: row.etag } : undefined;
  }

  async retireMovedAppointment(retired: MovedAppointmentRetirement): Promise<void> {
    const partitionKey = providerPartition(retired.businessId, retired.providerId);
    const { value, etag } = retired.appointment;
    const actions: TransactionAction[] = retired.days.map((day) => dayAction(partitionKey, day));
    // A transaction cannot delete with an ETag, so the row becomes a tombstone under the ETag instead.
    actions.push([
      'update',
      { ...appointmentEntity(partitionKey, appointmentRow(value.id), value), movedToProviderId: retired.movedToProviderId },
      'Replace',
      { etag },
    ]);
    actions.push(['delete', { partitionKey, rowKey: byStartRow(value.start, value.id) }]);
    for (const message of retired.outbox) {
      actions.push(['create', { partitionKey, rowKey: outboxRow(message.id), message: JSON.stringify(message) }]);
    }
    if (retired.outbox.length > 0) {
      const client = await this.client();
      await client.upsertEntity(
        { partitionKey: DIRTY_PARTITION, rowKey: dirtyRow(retired), businessId: retired.businessId, providerId: retired.providerId },
        'Replace',
      );
    }
    await this.submit(retired.providerId, actions);
  }

  async retiredAt(location: AppointmentLocation, appointmentId: string): Promise<{ etag: string } | undefined> {
    const row = await getRow(
      await this.client(),
      providerPartition(location.businessId, location.providerId),
      appointmentRow(appointmentId),
    );
    return row?.movedToProviderId ? { etag: row.etag } : undefined;
  }

  private async submit(providerId: string, actions: TransactionAction[]): Promise<void> {
    try {
      await (await this.client()).submitTransaction(actions);
    } catch (error) {
      if (error instanceof RestError && [404, 409, 412].includes(error.statusCode ?? 0)) {
        throw new WriteConflictError(`provider ${providerId} calendar`);
      }
      throw error;
    }
  }

  async savePointer(appointmentId: string, location: AppointmentLocation): Promise<void> {
    const client = await this.client();
    await client.upsertEntity({ partitionKey: pointerPartition(appointmentId), rowKey: POINTER_ROW, ...location }, 'Replace');
  }

  async find(appointmentId: string): Promise<Versioned<Appointment> | undefined> {
    const client = await this.client();
    const pointer = await getRow(client, pointerPartition(appointmentId), POINTER_ROW);
    if (!pointer) return undefined;
    return this.findAt({ businessId: pointer.businessId as string, providerId: pointer.providerId as string }, appointmentId);
  }

  async listByProvider(businessId: string, providerId: string, from: number, to: number): Promise<Appointment[]> {
    const rows = await listRows(
      await this.client(),
      odata`PartitionKey eq ${providerPartition(businessId, providerId)} and RowKey ge ${byStartRow(from, '')} and RowKey lt ${byStartRow(to, '')}`,
    );
    return rows.map(appointmentFromRow);
  }

  async pageByProvider(
    businessId: string,
    providerId: string,
    query: AppointmentPageQuery,
  ): Promise<{ appointments: Appointment[]; more: boolean }> {
    const partition = providerPartition(businessId, providerId);
    const lower =
      query.after && query.after.start >= query.from
        ? odata`RowKey gt ${byStartRow(query.after.start, query.after.id)}`
        : odata`RowKey ge ${byStartRow(query.from, '')}`;
    const status = query.status ? odata` and status eq ${query.status}` : '';
    const filter = odata`PartitionKey eq ${partition} and RowKey lt ${byStartRow(query.to, '')}` + ` and ${lower}${status}`;
    const client = await this.client();
    const appointments: Appointment[] = [];
    // One row past the limit tells whether another page follows; the query stops reading there.
    for await (const row of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      if (appointments.length === query.limit) return { appointments, more: true };
      appointments.push(appointmentFromRow(row));
    }
    return { appointments, more: false };
  }

  async listOutbox(businessId: string, providerId: string): Promise<OutboxMessage[]> {
    const rows = await listRows(
      await this.client(),
      odata`PartitionKey eq ${providerPartition(businessId, providerId)} and RowKey ge ${OUTBOX_ROW_PREFIX} and RowKey lt ${prefixEnd(OUTBOX_ROW_PREFIX)}`,
    );
    return rows.map((row) => JSON.parse(row.message as string) as OutboxMessage).sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteOutbox(message: OutboxMessage): Promise<void> {
    const client = await this.client();
    try {
      await client.deleteEntity(providerPartition(message.businessId, message.providerId), outboxRow(message.id));
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }

  async deferOutbox(message: OutboxMessage): Promise<void> {
    const client = await this.client();
    try {
      // Merge with ETag "*": updates an existing row only, so a row another dispatcher finished is not revived.
      await client.updateEntity(
        {
          partitionKey: providerPartition(message.businessId, message.providerId),
          rowKey: outboxRow(message.id),
          message: JSON.stringify(message),
        },
        'Merge',
        { etag: '*' },
      );
    } catch (error) {
      if (!(error instanceof RestError && error.statusCode === 404)) throw error;
    }
  }

  async listDirtyPartitions(): Promise<Array<AppointmentLocation & { marker: string }>> {
    const rows = await listRows(await this.client(), odata`PartitionKey eq ${DIRTY_PARTITION}`);
    return rows.map((row) => ({ businessId: row.businessId as string, providerId: row.providerId as string, marker: row.etag }));
  }

  async clearDirtyPartition(location: AppointmentLocation, marker: string): Promise<void> {
    const client = await this.client();
    try {
      // Only if nobody marked it again since it was listed (the ETag is the marker).
      await client.deleteEntity(DIRTY_PARTITION, dirtyRow(location), { etag: marker });
    } catch (error) {
      if (!(error instanceof RestError && [404, 412].includes(error.statusCode ?? 0))) throw error;
    }
  }
}

function dayAction(partitionKey: string, day: DayRow): TransactionAction {
  const entity = { partitionKey, rowKey: dayRow(day.date), busy: JSON.stringify(day.busy) };
  // An existing row is replaced only if unchanged; a new one is inserted only if still absent.
  return day.etag ? ['update', entity, 'Replace', { etag: day.etag }] : ['create', entity];
}

/** Fields kept as their own columns (filterable); everything else travels in one JSON `data` column. */
const COLUMNS = ['id', 'businessId', 'serviceId', 'providerId', 'start', 'end', 'status', 'version', 'createdAt', 'updatedAt'] as const;
type ColumnFields = Pick<Appointment, (typeof COLUMNS)[number]>;

export function appointmentEntity(partitionKey: string, rowKey: string, appointment: Appointment) {
  const columns = Object.fromEntries(COLUMNS.map((name) => [name, appointment[name]])) as ColumnFields;
  const data = Object.fromEntries(Object.entries(appointment).filter(([name]) => !(COLUMNS as readonly string[]).includes(name)));
  // Table Storage has no nested types: nested and optional fields are one JSON document.
  return { partitionKey, rowKey, ...columns, data: JSON.stringify(data) };
}

export function appointmentFromRow(row: Row): Appointment {
  const data = jsonField<Omit<Appointment, keyof ColumnFields>>(row, 'data');
  return {
    ...data,
    id: row.id as string,
    businessId: row.businessId as string,
    serviceId: row.serviceId as string,
    providerId: row.providerId as string,
    start: Number(row.start),
    end: Number(row.end),
    status: row.status as Appointment['status'],
    version: Number(row.version),
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}
