import { odata, type TableClient } from '@azure/data-tables';
import { isLocale } from '../../domain/messages/texts';
import type { BusinessRecord, ClosureRecord, BusinessRepository, ProviderRecord, ServiceRecord } from '../../app/ports/business-repository';
import { getVersioned, jsonField, listRows, optionalString, saveConditional, type Row } from './conditional-writes';
import {
  BUSINESS_ROW,
  businessPartition,
  CLOSURE_ROW_PREFIX,
  closureRow,
  PROVIDER_ROW_PREFIX,
  prefixEnd,
  providerRow,
  SCHEDULING_TABLE,
  SERVICE_ROW_PREFIX,
  serviceRow,
} from './scheduling-keys';
import type { TableClients } from './table-clients';

/** Businesses, provider profiles and services in the `scheduling` table, partition `b|{businessId}`. */
export class TableBusinessRepository implements BusinessRepository {
  constructor(private readonly tables: TableClients) {}

  private client(): Promise<TableClient> {
    return this.tables.table(SCHEDULING_TABLE);
  }

  async getBusiness(businessId: string) {
    return getVersioned(await this.client(), businessPartition(businessId), BUSINESS_ROW, (row) => businessFromRow(businessId, row));
  }

  async saveBusiness(record: BusinessRecord, etag: string | undefined) {
    await saveConditional(
      await this.client(),
      {
        partitionKey: businessPartition(record.id),
        rowKey: BUSINESS_ROW,
        name: record.name,
        timeZone: record.timeZone,
        managers: JSON.stringify(record.managers),
        contactEmail: record.contactEmail ?? '',
        defaultLocale: record.defaultLocale ?? '',
        meetingMode: record.meetingMode ?? 'acsRooms',
        outlookCalendarSync: record.outlookCalendarSync ?? false,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      },
      etag,
    );
  }

  async getProvider(businessId: string, providerId: string) {
    return getVersioned(await this.client(), businessPartition(businessId), providerRow(providerId), providerFromRow);
  }

  async saveProvider(record: ProviderRecord, etag: string | undefined) {
    await saveConditional(
      await this.client(),
      {
        partitionKey: businessPartition(record.businessId),
        rowKey: providerRow(record.id),
        providerId: record.id,
        businessId: record.businessId,
        displayName: record.displayName,
        email: record.email,
        phone: record.phone ?? '',
        timeZone: record.timeZone,
        staffObjectId: record.staffObjectId,
        locale: record.locale ?? '',
        active: record.active,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      },
      etag,
    );
  }

  async listProviders(businessId: string) {
    return (await this.listPrefix(businessId, PROVIDER_ROW_PREFIX)).map(providerFromRow);
  }

  async getService(businessId: string, serviceId: string) {
    return getVersioned(await this.client(), businessPartition(businessId), serviceRow(serviceId), serviceFromRow);
  }

  async saveService(record: ServiceRecord, etag: string | undefined) {
    await saveConditional(
      await this.client(),
      {
        partitionKey: businessPartition(record.businessId),
        rowKey: serviceRow(record.id),
        serviceId: record.id,
        businessId: record.businessId,
        name: record.name,
        durationMinutes: record.durationMinutes,
        providerIds: JSON.stringify(record.providerIds),
        slotIntervalMinutes: record.slotIntervalMinutes,
        bufferBeforeMinutes: record.bufferBeforeMinutes,
        bufferAfterMinutes: record.bufferAfterMinutes,
        minimumNoticeMinutes: record.minimumNoticeMinutes,
        bookingWindowDays: record.bookingWindowDays,
        // -1 stands for "no limit": Table Storage cannot store null.
        maxPerDayPerProvider: record.maxPerDayPerProvider ?? -1,
        cancellationCutoffMinutes: record.cancellationCutoffMinutes,
        rescheduleCutoffMinutes: record.rescheduleCutoffMinutes,
        joinWindowMinutes: record.joinWindowMinutes,
        reminders: JSON.stringify(record.reminders),
        active: record.active,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      },
      etag,
    );
  }

  async listServices(businessId: string) {
    return (await this.listPrefix(businessId, SERVICE_ROW_PREFIX)).map(serviceFromRow);
  }

  async getClosure(businessId: string, closureId: string) {
    return getVersioned(await this.client(), businessPartition(businessId), closureRow(closureId), closureFromRow);
  }

  async saveClosure(record: ClosureRecord, etag: string | undefined) {
    await saveConditional(
      await this.client(),
      {
        partitionKey: businessPartition(record.businessId),
        rowKey: closureRow(record.id),
        closureId: record.id,
        businessId: record.businessId,
        from: record.from,
        to: record.to,
        reason: record.reason ?? '',
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
      },
      etag,
    );
  }

  async deleteClosure(businessId: string, closureId: string) {
    try {
      await (await this.client()).deleteEntity(businessPartition(businessId), closureRow(closureId));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  async listClosures(businessId: string) {
    return (await this.listPrefix(businessId, CLOSURE_ROW_PREFIX)).map(closureFromRow);
  }

  // Row keys sort by id, so the lists come back sorted.
  private async listPrefix(businessId: string, prefix: string): Promise<Row[]> {
    return listRows(
      await this.client(),
      odata`PartitionKey eq ${businessPartition(businessId)} and RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`,
    );
  }
}

function businessFromRow(id: string, row: Row): BusinessRecord {
  const contactEmail = optionalString(row, 'contactEmail');
  return {
    id,
    name: row.name as string,
    timeZone: row.timeZone as string,
    managers: jsonField<string[]>(row, 'managers'),
    ...(contactEmail ? { contactEmail } : {}),
    ...(isLocale(row.defaultLocale) ? { defaultLocale: row.defaultLocale } : {}),
    // Rows written before these settings existed read as the defaults, which are left out as on the way in.
    ...(row.meetingMode === 'teams' ? { meetingMode: 'teams' as const } : {}),
    ...(row.outlookCalendarSync === true ? { outlookCalendarSync: true } : {}),
    createdAt: row.createdAt as number,
    updatedAt: row.updatedAt as number,
  };
}

function providerFromRow(row: Row): ProviderRecord {
  const phone = optionalString(row, 'phone');
  return {
    businessId: row.businessId as string,
    id: row.providerId as string,
    displayName: row.displayName as string,
    email: row.email as string,
    ...(phone ? { phone } : {}),
    timeZone: row.timeZone as string,
    staffObjectId: row.staffObjectId as string,
    ...(isLocale(row.locale) ? { locale: row.locale } : {}),
    active: row.active as boolean,
    createdAt: row.createdAt as number,
    updatedAt: row.updatedAt as number,
  };
}

function serviceFromRow(row: Row): ServiceRecord {
  const maxPerDay = row.maxPerDayPerProvider as number;
  return {
    businessId: row.businessId as string,
    id: row.serviceId as string,
    name: row.name as string,
    durationMinutes: row.durationMinutes as number,
    providerIds: jsonField<string[]>(row, 'providerIds'),
    slotIntervalMinutes: row.slotIntervalMinutes as number,
    bufferBeforeMinutes: row.bufferBeforeMinutes as number,
    bufferAfterMinutes: row.bufferAfterMinutes as number,
    minimumNoticeMinutes: row.minimumNoticeMinutes as number,
    bookingWindowDays: row.bookingWindowDays as number,
    maxPerDayPerProvider: maxPerDay > 0 ? maxPerDay : null,
    cancellationCutoffMinutes: row.cancellationCutoffMinutes as number,
    rescheduleCutoffMinutes: row.rescheduleCutoffMinutes as number,
    joinWindowMinutes: row.joinWindowMinutes as number,
    reminders: jsonField(row, 'reminders'),
    active: row.active as boolean,
    createdAt: row.createdAt as number,
    updatedAt: row.updatedAt as number,
  };
}

function closureFromRow(row: Row): ClosureRecord {
  const reason = optionalString(row, 'reason');
  return {
    businessId: row.businessId as string,
    id: row.closureId as string,
    from: row.from as string,
    to: row.to as string,
    ...(reason ? { reason } : {}),
    createdAt: row.createdAt as number,
    updatedAt: row.updatedAt as number,
  };
}
