import { createHash } from 'node:crypto';
import { odata, RestError, type TableClient } from '@azure/data-tables';
import type { Appointment } from '../../domain/appointments/appointment';
import type { AppointmentLocation } from '../../app/ports/appointment-store';
import type { EndedAppointment, PersonalDataStore } from '../../app/ports/privacy';
import type { StoredResponse } from '../../app/ports/idempotency-store';
import {
  APPOINTMENT_ROW_PREFIX,
  BY_START_ROW_PREFIX,
  OUTBOX_ROW_PREFIX,
  POINTER_ROW,
  appointmentEntity,
  appointmentFromRow,
  appointmentRow,
  byStartRow,
  pointerPartition,
} from './appointment-store';
import { getRow, jsonField, listRows } from './conditional-writes';
import { occupiedInterval } from '../../domain/appointments/appointment';
import type { BusyAppointment } from '../../domain/availability/types';
import { IDEMPOTENCY_TABLE } from './idempotency-store';
import { NOTIFICATIONS_TABLE } from './notification-store';
import { PHONE_VERIFICATIONS_TABLE } from './phone-verification-store';
import { QUOTAS_TABLE } from './quota-store';
import { dayRow, PROVIDER_ROW_PREFIX, prefixEnd, providerPartition, SCHEDULING_TABLE } from './scheduling-keys';
import type { TableClients } from './table-clients';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Deletes a row; one already gone is fine (every purge step may run twice). */
async function deleteRow(client: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await client.deleteEntity(partitionKey, rowKey);
  } catch (error) {
    if (!(error instanceof RestError && error.statusCode === 404)) throw error;
  }
}

/** Erasure and retention over the other stores' tables (their key layouts are imported, not repeated). */
export class TablePersonalDataStore implements PersonalDataStore {
  constructor(private readonly tables: TableClients) {}

  /** Every provider of every business (deactivated ones too: their past appointments stay until purged). */
  async listProviderLocations(): Promise<AppointmentLocation[]> {
    const client = await this.tables.table(SCHEDULING_TABLE);
    const rows = await listRows(
      client,
      odata`PartitionKey ge ${'b|'} and PartitionKey lt ${prefixEnd('b|')} and RowKey ge ${PROVIDER_ROW_PREFIX} and RowKey lt ${prefixEnd(PROVIDER_ROW_PREFIX)}`,
    );
    return rows.map((row) => ({
      businessId: row.partitionKey!.slice('b|'.length),
      providerId: row.rowKey!.slice(PROVIDER_ROW_PREFIX.length),
    }));
  }

  async forgetIdempotentAnswers(businessId: string, appointmentId: string, replacement?: StoredResponse): Promise<number> {
    const client = await this.tables.table(IDEMPOTENCY_TABLE);
    // The business's partition holds at most a day of keys (they expire after 24 hours).
    const rows = await listRows(client, odata`PartitionKey eq ${businessId}`);
    const mentioning = rows.filter((row) => typeof row.response === 'string' && row.response.includes(`"${appointmentId}"`));
    for (const row of mentioning) {
      if (!replacement) await deleteRow(client, row.partitionKey!, row.rowKey!);
      else
        await client.updateEntity({ partitionKey: row.partitionKey!, rowKey: row.rowKey!, response: JSON.stringify(replacement) }, 'Merge');
    }
    return mentioning.length;
  }

  async forgetPhoneVerifications(businessId: string, phone: string): Promise<number> {
    const client = await this.tables.table(PHONE_VERIFICATIONS_TABLE);
    const rows = await listRows(client, odata`PartitionKey eq ${businessId} and phoneHash eq ${sha256(phone)}`);
    for (const row of rows) await deleteRow(client, row.partitionKey!, row.rowKey!);
    return rows.length;
  }

  async forgetCounters(counters: string[]): Promise<void> {
    const client = await this.tables.table(QUOTAS_TABLE);
    // The quota store's partition is the counter's SHA-256.
    for (const counter of counters) {
      for (const row of await listRows(client, odata`PartitionKey eq ${sha256(counter)}`))
        await deleteRow(client, row.partitionKey!, row.rowKey!);
    }
  }

  async eraseTombstones(locations: AppointmentLocation[], erased: Appointment): Promise<void> {
    const client = await this.tables.table(SCHEDULING_TABLE);
    for (const location of locations) {
      const partitionKey = providerPartition(location.businessId, location.providerId);
      const row = await getRow(client, partitionKey, appointmentRow(erased.id));
      if (!row?.movedToProviderId) continue;
      try {
        await client.updateEntity(
          { ...appointmentEntity(partitionKey, appointmentRow(erased.id), erased), movedToProviderId: row.movedToProviderId },
          'Replace',
          { etag: row.etag },
        );
      } catch (error) {
        // Replaced meanwhile (a move back makes it live again, and that write carried the erased copy).
        if (!(error instanceof RestError && [404, 412].includes(error.statusCode ?? 0))) throw error;
      }
    }
  }

  async listEndedBefore(location: AppointmentLocation, cutoff: number, limit: number): Promise<EndedAppointment[]> {
    const client = await this.tables.table(SCHEDULING_TABLE);
    const partitionKey = providerPartition(location.businessId, location.providerId);
    const found: EndedAppointment[] = [];
    // Live appointments through their time-ordered copies: only those that started before the cutoff are read.
    const filter = odata`PartitionKey eq ${partitionKey} and RowKey ge ${BY_START_ROW_PREFIX} and RowKey lt ${byStartRow(cutoff, '')}`;
    for await (const row of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      const appointment = appointmentFromRow(row);
      if (appointment.end < cutoff) found.push({ location, appointment, tombstone: false });
      if (found.length >= limit) return found;
    }
    // Tombstones a move away left behind (rows without the property do not match the comparison).
    const tombstones = await listRows(
      client,
      odata`PartitionKey eq ${partitionKey} and RowKey ge ${APPOINTMENT_ROW_PREFIX} and RowKey lt ${prefixEnd(APPOINTMENT_ROW_PREFIX)} and movedToProviderId gt ${''}`,
    );
    for (const row of tombstones) {
      if (!row.movedToProviderId) continue;
      const appointment = appointmentFromRow(row);
      if (appointment.end < cutoff) found.push({ location, appointment, tombstone: true });
      if (found.length >= limit) break;
    }
    return found;
  }

  async deleteNotifications(appointmentId: string): Promise<void> {
    const client = await this.tables.table(NOTIFICATIONS_TABLE);
    for (const row of await listRows(client, odata`PartitionKey eq ${appointmentId}`))
      await deleteRow(client, row.partitionKey!, row.rowKey!);
  }

  async deleteOutboxRows(location: AppointmentLocation, appointmentId: string): Promise<void> {
    const client = await this.tables.table(SCHEDULING_TABLE);
    const partitionKey = providerPartition(location.businessId, location.providerId);
    const prefix = `${OUTBOX_ROW_PREFIX}${appointmentId}|`;
    for (const row of await listRows(
      client,
      odata`PartitionKey eq ${partitionKey} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`,
    )) {
      await deleteRow(client, partitionKey, row.rowKey!);
    }
  }

  /** Takes the appointment out of its provider's busy-time rows (past days: no booking reads them any more). */
  private async releaseBusyTime(client: TableClient, partitionKey: string, appointment: Appointment): Promise<void> {
    const { start, end } = occupiedInterval(appointment);
    const utcDate = (at: number) => new Date(at).toISOString().slice(0, 10);
    const rows = await listRows(
      client,
      odata`PartitionKey eq ${partitionKey} and RowKey ge ${dayRow(utcDate(start))} and RowKey le ${dayRow(utcDate(end))}`,
    );
    for (const row of rows) {
      const busy = jsonField<BusyAppointment[]>(row, 'busy');
      const kept = busy.filter((b) => b.appointmentId !== appointment.id);
      if (kept.length === busy.length) continue;
      try {
        if (kept.length === 0) await client.deleteEntity(partitionKey, row.rowKey!, { etag: row.etag });
        else await client.updateEntity({ partitionKey, rowKey: row.rowKey!, busy: JSON.stringify(kept) }, 'Replace', { etag: row.etag });
      } catch (error) {
        // Changed meanwhile: the next run (which still finds the appointment row) tries again.
        if (error instanceof RestError && [404, 412].includes(error.statusCode ?? 0))
          throw new Error(`busy time of ${appointment.id} changed during its purge; retried next run`);
        throw error;
      }
    }
  }

  async deleteAppointmentRows(found: EndedAppointment): Promise<void> {
    const client = await this.tables.table(SCHEDULING_TABLE);
    const { location, appointment } = found;
    const partitionKey = providerPartition(location.businessId, location.providerId);
    if (!found.tombstone) {
      await this.releaseBusyTime(client, partitionKey, appointment);
      await deleteRow(client, partitionKey, byStartRow(appointment.start, appointment.id));
      const pointer = await getRow(client, pointerPartition(appointment.id), POINTER_ROW);
      if (pointer && pointer.providerId === location.providerId && pointer.businessId === location.businessId)
        await deleteRow(client, pointerPartition(appointment.id), POINTER_ROW);
    }
    // The appointment row last: while it exists, a run that stopped half-way finds the appointment again.
    await deleteRow(client, partitionKey, appointmentRow(appointment.id));
  }
}
