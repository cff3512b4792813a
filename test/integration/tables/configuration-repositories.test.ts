import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { SCHEDULING_TABLE, dayRow, providerPartition } from '../../../shared/adapters/tables/scheduling-keys';
import type { ProviderRecord, ServiceRecord } from '../../../shared/app/ports/business-repository';
import { WriteConflictError } from '../../../shared/app/ports/versioned';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

const T = Date.UTC(2025, 2, 1, 8, 30, 15, 123);

describe('configuration repositories on Table Storage', () => {
  const tables = new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  );
  const businesses = new TableBusinessRepository(tables);
  const calendars = new TableProviderCalendarRepository(tables);

  const provider = (id: string, extra: Partial<ProviderRecord> = {}): ProviderRecord => ({
    businessId: 'b1',
    id,
    displayName: `Dr ${id}`,
    email: `${id}@example.com`,
    timeZone: 'Europe/Berlin',
    staffObjectId: `oid-${id}`,
    active: true,
    createdAt: T,
    updatedAt: T,
    ...extra,
  });

  it('round-trips a business, creating only when absent and replacing only the version read', async () => {
    const business = {
      id: 'b1',
      name: 'Clinic',
      timeZone: 'Europe/Berlin',
      managers: ['m1', 'm2'],
      contactEmail: 'desk@example.com',
      createdAt: T,
      updatedAt: T,
    };
    expect(await businesses.getBusiness('b1')).toBeUndefined();
    await businesses.saveBusiness(business, undefined);
    await expect(businesses.saveBusiness(business, undefined)).rejects.toBeInstanceOf(WriteConflictError);

    const stored = await businesses.getBusiness('b1');
    expect(stored?.value).toEqual(business);
    await businesses.saveBusiness({ ...business, name: 'Clinic 2', contactEmail: undefined, updatedAt: T + 1 }, stored!.etag);
    // The first etag is stale now: a writer that read before the replace loses.
    await expect(businesses.saveBusiness({ ...business, name: 'late' }, stored!.etag)).rejects.toBeInstanceOf(WriteConflictError);
    const { contactEmail: _dropped, ...rest } = business;
    expect((await businesses.getBusiness('b1'))?.value).toEqual({ ...rest, name: 'Clinic 2', updatedAt: T + 1 });
  });

  it('lists the providers and services of one business only, sorted by id', async () => {
    await businesses.saveProvider(provider('zed', { phone: '+49301234567' }), undefined);
    await businesses.saveProvider(provider('amy', { active: false }), undefined);
    await businesses.saveProvider({ ...provider('other'), businessId: 'b2' }, undefined);
    const service: ServiceRecord = {
      businessId: 'b1',
      id: 'consult',
      name: 'Consultation',
      durationMinutes: 30,
      providerIds: ['zed', 'amy'],
      slotIntervalMinutes: 15,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 10,
      minimumNoticeMinutes: 60,
      bookingWindowDays: 730,
      maxPerDayPerProvider: null,
      cancellationCutoffMinutes: 120,
      rescheduleCutoffMinutes: 240,
      joinWindowMinutes: 15,
      reminders: [{ offsetMinutes: 1440, channels: ['email', 'sms'] }],
      active: true,
      createdAt: T,
      updatedAt: T,
    };
    await businesses.saveService(service, undefined);
    await businesses.saveService({ ...service, id: 'limited', maxPerDayPerProvider: 3, reminders: [] }, undefined);

    expect(await businesses.listProviders('b1')).toEqual([provider('amy', { active: false }), provider('zed', { phone: '+49301234567' })]);
    expect((await businesses.getService('b1', 'consult'))?.value).toEqual(service);
    expect((await businesses.listServices('b1')).map((s) => [s.id, s.maxPerDayPerProvider])).toEqual([
      ['consult', null],
      ['limited', 3],
    ]);
    expect(await businesses.listServices('b2')).toEqual([]);
  });

  it('keeps schedules and overrides in the provider partition and lists overrides by date range', async () => {
    const weekly = {
      mon: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '24:00' },
      ],
    };
    await calendars.saveSchedule({ businessId: 'b1', providerId: 'zed', timeZone: 'Europe/Berlin', weekly, updatedAt: T }, undefined);
    for (const date of ['2025-03-09', '2025-03-10', '2025-03-31', '2025-04-01']) {
      await calendars.saveOverride({ businessId: 'b1', providerId: 'zed', date, intervals: [], updatedAt: T }, undefined);
    }
    expect((await calendars.getSchedule('b1', 'zed'))?.value.weekly).toEqual(weekly);
    expect((await calendars.listOverrides('b1', 'zed', { from: '2025-03-10', to: '2025-04-01' })).map((o) => o.date)).toEqual([
      '2025-03-10',
      '2025-03-31',
    ]);
    await calendars.deleteOverride('b1', 'zed', '2025-03-10');
    await calendars.deleteOverride('b1', 'zed', '2025-03-10');
    expect(await calendars.getOverride('b1', 'zed', '2025-03-10')).toBeUndefined();
    // Another provider's partition is untouched.
    expect(await calendars.listOverrides('b1', 'amy', { from: '2025-01-01', to: '2026-01-01' })).toEqual([]);
  });

  it('reads schedule, overrides in range and busy day rows in one query, each appointment once', async () => {
    const client = await tables.table(SCHEDULING_TABLE);
    const busy = { appointmentId: 'a1', serviceId: 'consult', start: T, end: T + 1800_000, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
    const later = { ...busy, appointmentId: 'a2', start: T + 86400_000 };
    const partitionKey = providerPartition('b1', 'zed');
    await client.createEntity({ partitionKey, rowKey: dayRow('2025-03-01'), busy: JSON.stringify([busy]) });
    await client.createEntity({ partitionKey, rowKey: dayRow('2025-03-02'), busy: JSON.stringify([busy, later]) });
    await client.createEntity({ partitionKey, rowKey: dayRow('2025-05-01'), busy: JSON.stringify([{ ...busy, appointmentId: 'far' }]) });

    const requests: string[] = [];
    client.pipeline.addPolicy({
      name: 'count-calendar-reads',
      sendRequest: (request, next) => (requests.push(request.url), next(request)),
    });
    try {
      const calendar = await calendars.readCalendar('b1', 'zed', {
        overrides: { from: '2025-03-01', to: '2025-04-01' },
        busyDays: { from: '2025-02-25', to: '2025-03-05' },
      });
      expect(requests).toHaveLength(1);
      expect(calendar.schedule?.timeZone).toBe('Europe/Berlin');
      expect(calendar.overrides.map((o) => o.date)).toEqual(['2025-03-09', '2025-03-31']);
      expect(calendar.busy.map((b) => b.appointmentId)).toEqual(['a1', 'a2']);
    } finally {
      client.pipeline.removePolicy({ name: 'count-calendar-reads' });
    }
  });
});
