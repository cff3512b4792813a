import type { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import type { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import type { ServiceRecord } from '../../../shared/app/ports/business-repository';
import { provider } from '../../support/fakes/builders';

/** The booking tests' business `clinic` (Berlin): these providers, each working 09:00-17:00 on weekdays, and the service. */
export async function seedClinic(
  businesses: TableBusinessRepository,
  calendars: TableProviderCalendarRepository,
  providerIds: readonly string[],
  service: ServiceRecord,
): Promise<void> {
  await businesses.saveBusiness(
    { id: 'clinic', name: 'Clinic', timeZone: 'Europe/Berlin', managers: ['manager'], createdAt: 0, updatedAt: 0 },
    undefined,
  );
  const hours = [{ start: '09:00', end: '17:00' }];
  for (const id of providerIds) {
    await businesses.saveProvider(provider(id, { businessId: 'clinic', displayName: id, createdAt: 0, updatedAt: 0 }), undefined);
    await calendars.saveSchedule(
      {
        businessId: 'clinic',
        providerId: id,
        timeZone: 'Europe/Berlin',
        weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
        updatedAt: 0,
      },
      undefined,
    );
  }
  await businesses.saveService(service, undefined);
}
