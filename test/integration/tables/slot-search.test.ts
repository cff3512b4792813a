import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { SCHEDULING_TABLE, dayRow, providerPartition } from '../../../shared/adapters/tables/scheduling-keys';
import { ADMIN_ROLE, type StaffCaller } from '../../../shared/app/auth';
import type { ConfigurationDeps } from '../../../shared/app/configuration/put-resource';
import { putBusiness } from '../../../shared/app/configuration/configure-business';
import { deactivateProvider, putProvider } from '../../../shared/app/configuration/configure-providers';
import { putSchedule } from '../../../shared/app/configuration/configure-schedules';
import { putOverride } from '../../../shared/app/configuration/configure-overrides';
import { deactivateService, putService, type ServiceInput } from '../../../shared/app/configuration/configure-services';
import { openServiceInput } from '../../support/fakes/builders';
import { searchSlots } from '../../../shared/app/search-slots';
import { AppError } from '../../../shared/app/errors';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

// Monday 2025-03-03 00:00 UTC.
const NOW = Date.UTC(2025, 2, 3);
const admin: StaffCaller = { kind: 'staff', oid: 'admin', roles: [ADMIN_ROLE] };
const at = (day: number, hour: number, minute = 0) => Date.UTC(2025, 2, day, hour, minute);

const service: ServiceInput = openServiceInput({ providerIds: ['p1', 'p2', 'p3'] });

describe('slot search over Table Storage', () => {
  const tables = new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  );
  const deps: ConfigurationDeps = {
    businesses: new TableBusinessRepository(tables),
    calendars: new TableProviderCalendarRepository(tables),
    clock: { now: () => NOW },
  };
  const input =
    <T>(value: T) =>
    async () =>
      value;

  beforeAll(async () => {
    await putBusiness(deps, admin, 'clinic', input({ name: 'Clinic', timeZone: 'UTC', managers: ['m1'] }));
    for (const id of ['p1', 'p2', 'p3']) {
      await putProvider(
        deps,
        admin,
        'clinic',
        id,
        input({ displayName: id, email: `${id}@example.com`, timeZone: 'UTC', staffObjectId: `oid-${id}` }),
      );
      await putSchedule(
        deps,
        admin,
        'clinic',
        id,
        input({ weekly: { mon: [{ start: '09:00', end: '10:30' }], tue: [{ start: '09:00', end: '10:00' }] } }),
      );
    }
    await putService(deps, admin, 'clinic', 'consult', input(service));
    // p2 has a day off on Tuesday; p1 is booked 09:00-09:30 on Monday (a day row as booking writes it).
    await putOverride(deps, admin, { businessId: 'clinic', providerId: 'p2', date: '2025-03-04' }, input({ intervals: [] }));
    const client = await tables.table(SCHEDULING_TABLE);
    await client.createEntity({
      partitionKey: providerPartition('clinic', 'p1'),
      rowKey: dayRow('2025-03-03'),
      busy: JSON.stringify([
        { appointmentId: 'a1', serviceId: 'consult', start: at(3, 9), end: at(3, 9, 30), bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      ]),
    });
  });

  it('issues one query per provider (plus the business partition reads), never one per day', async () => {
    const client = await tables.table(SCHEDULING_TABLE);
    const requests: string[] = [];
    client.pipeline.addPolicy({
      name: 'count-requests',
      sendRequest: (request, next) => (requests.push(decodeURIComponent(request.url)), next(request)),
    });
    try {
      // A 62-day window: per-day reads would show up as dozens of requests.
      await searchSlots(deps, { businessId: 'clinic', serviceId: 'consult' }, { from: { date: '2025-03-03' }, to: { date: '2025-05-04' } });
    } finally {
      client.pipeline.removePolicy({ name: 'count-requests' });
    }
    for (const id of ['p1', 'p2', 'p3']) {
      expect(requests.filter((url) => url.includes(`'p|clinic|${id}'`))).toHaveLength(1);
    }
    // The business partition: the business, the service, its providers and its closures (issue 16), in parallel.
    expect(requests.filter((url) => url.includes("'b|clinic'"))).toHaveLength(4);
    expect(requests).toHaveLength(7);
  });

  it('offers exactly the free providers per start: schedule, override and busy time applied', async () => {
    const result = await searchSlots(
      deps,
      { businessId: 'clinic', serviceId: 'consult' },
      { from: { date: '2025-03-03' }, to: { date: '2025-03-05' } },
    );
    expect(result.timeZone).toBe('UTC');
    expect(result.slots).toEqual([
      { start: at(3, 9), end: at(3, 9, 30), providerIds: ['p2', 'p3'] },
      { start: at(3, 9, 30), end: at(3, 10), providerIds: ['p1', 'p2', 'p3'] },
      { start: at(3, 10), end: at(3, 10, 30), providerIds: ['p1', 'p2', 'p3'] },
      { start: at(4, 9), end: at(4, 9, 30), providerIds: ['p1', 'p3'] },
      { start: at(4, 9, 30), end: at(4, 10), providerIds: ['p1', 'p3'] },
    ]);
  });

  it('filters by provider, rejects a provider outside the service and too long windows', async () => {
    const ids = { businessId: 'clinic', serviceId: 'consult' };
    const window = { from: { date: '2025-03-03' }, to: { date: '2025-03-04' } };
    const onlyP1 = await searchSlots(deps, ids, { ...window, providerId: 'p1' });
    expect(onlyP1.slots.map((s) => s.providerIds)).toEqual([['p1'], ['p1']]);
    await expect(searchSlots(deps, ids, { ...window, providerId: 'nobody' })).rejects.toMatchObject({ status: 400 });
    await expect(searchSlots(deps, ids, { from: { date: '2025-03-03' }, to: { date: '2025-05-05' } })).rejects.toMatchObject({
      status: 400,
      extensions: { errors: [{ path: 'to', message: 'must be at most 62 days after from' }] },
    });
  });

  it('reads dates in the requested zone', async () => {
    // Tokyo midnights are 15:00 UTC the day before: the window ends Monday 15:00 UTC, before Tuesday's hours.
    const result = await searchSlots(
      deps,
      { businessId: 'clinic', serviceId: 'consult' },
      { from: { date: '2025-03-03' }, to: { date: '2025-03-04' }, timeZone: 'Asia/Tokyo' },
    );
    expect(result.timeZone).toBe('Asia/Tokyo');
    expect(result.slots.map((s) => s.start)).toEqual([at(3, 9), at(3, 9, 30), at(3, 10)]);
  });

  it('stops offering deactivated providers and answers 404 for a deactivated service', async () => {
    const ids = { businessId: 'clinic', serviceId: 'consult' };
    const window = { from: { date: '2025-03-04' }, to: { date: '2025-03-05' } };
    await deactivateProvider(deps, admin, 'clinic', 'p3');
    expect((await searchSlots(deps, ids, window)).slots.map((s) => s.providerIds)).toEqual([['p1'], ['p1']]);
    await deactivateService(deps, admin, 'clinic', 'consult');
    const error = await searchSlots(deps, ids, window).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
    await expect(searchSlots(deps, { businessId: 'nope', serviceId: 'consult' }, window)).rejects.toMatchObject({ status: 404 });
  });
});
