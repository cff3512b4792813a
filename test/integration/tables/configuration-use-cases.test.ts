import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { ADMIN_ROLE, type Caller, type StaffCaller } from '../../../shared/app/auth';
import type { ConfigurationDeps } from '../../../shared/app/configuration/put-resource';
import { getBusiness, putBusiness, type BusinessInput } from '../../../shared/app/configuration/configure-business';
import { listProviders, putProvider, type ProviderInput } from '../../../shared/app/configuration/configure-providers';
import { listOverrides, putOverride } from '../../../shared/app/configuration/configure-overrides';
import { listServices, putService, type ServiceInput } from '../../../shared/app/configuration/configure-services';
import { openServiceInput } from '../../support/fakes/builders';
import { AppError } from '../../../shared/app/errors';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';

const admin: StaffCaller = { kind: 'staff', oid: 'admin', roles: [ADMIN_ROLE] };
const manager: StaffCaller = { kind: 'staff', oid: 'manager', roles: [] };
const stranger: StaffCaller = { kind: 'staff', oid: 'stranger', roles: [] };
const anonymous: Caller = { kind: 'anonymous' };

const businessInput: BusinessInput = { name: 'Clinic', timeZone: 'Europe/Berlin', managers: ['manager'] };
const providerInput: ProviderInput = { displayName: 'Dr A', email: 'a@example.com', timeZone: 'Europe/Berlin', staffObjectId: 'oid-a' };
const serviceInput: ServiceInput = openServiceInput({ providerIds: ['dr-a'] });

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('configuration use cases over Table Storage', () => {
  let now = Date.UTC(2025, 2, 1, 9);
  const tables = new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  );
  const deps: ConfigurationDeps = {
    businesses: new TableBusinessRepository(tables),
    calendars: new TableProviderCalendarRepository(tables),
    clock: { now: () => now },
  };
  const input = <T>(value: T) => jest.fn(async () => value);

  it('lets only an admin create a business, answers created then replaced, keeping createdAt', async () => {
    const body = input(businessInput);
    expect((await failure(putBusiness(deps, manager, 'clinic', body))).status).toBe(403);
    expect((await failure(putBusiness(deps, anonymous, 'clinic', body))).status).toBe(401);
    // A caller without rights never gets as far as reading the body.
    expect(body).not.toHaveBeenCalled();
    expect(await deps.businesses.getBusiness('clinic')).toBeUndefined();

    const created = await putBusiness(deps, admin, 'clinic', body);
    expect(created).toMatchObject({ created: true, record: { id: 'clinic', createdAt: now, updatedAt: now } });
    now += 60_000;
    const replaced = await putBusiness(deps, manager, 'clinic', input({ ...businessInput, name: 'Clinic 2' }));
    expect(replaced).toMatchObject({ created: false, record: { name: 'Clinic 2', createdAt: created.record.createdAt, updatedAt: now } });
  });

  it('checks credentials before existence, existence before rights', async () => {
    expect((await failure(getBusiness(deps, anonymous, 'unknown'))).status).toBe(401);
    expect((await failure(getBusiness(deps, stranger, 'unknown'))).status).toBe(404);
    expect((await failure(getBusiness(deps, stranger, 'clinic'))).status).toBe(403);
    expect((await getBusiness(deps, manager, 'clinic')).managers).toEqual(['manager']);
  });

  it('requires providerIds of a service to exist in the business, naming the field', async () => {
    await putProvider(deps, manager, 'clinic', 'dr-a', input(providerInput));
    const error = await failure(putService(deps, manager, 'clinic', 'consult', input({ ...serviceInput, providerIds: ['dr-a', 'ghost'] })));
    expect(error.status).toBe(400);
    expect(error.extensions.errors).toEqual([{ path: 'providerIds.1', message: 'is not a provider of this business' }]);
    expect(await deps.businesses.getService('clinic', 'consult')).toBeUndefined();
    expect((await putService(deps, manager, 'clinic', 'consult', input(serviceInput))).created).toBe(true);
  });

  it('shows anonymous callers only public fields of active providers, staff everything', async () => {
    await putProvider(deps, manager, 'clinic', 'dr-b', input({ ...providerInput, displayName: 'Dr B', staffObjectId: 'oid-b' }));
    await deps.businesses.saveProvider(
      { ...(await deps.businesses.getProvider('clinic', 'dr-b'))!.value, active: false },
      (await deps.businesses.getProvider('clinic', 'dr-b'))!.etag,
    );
    expect(await listProviders(deps, anonymous, 'clinic')).toEqual({
      view: 'public',
      providers: [{ id: 'dr-a', displayName: 'Dr A', timeZone: 'Europe/Berlin' }],
    });
    expect(await listProviders(deps, stranger, 'clinic')).toMatchObject({ view: 'public' });
    const forProvider = await listProviders(deps, { kind: 'staff', oid: 'oid-a', roles: [] }, 'clinic');
    expect(forProvider.view).toBe('staff');
    expect(forProvider.providers.map((p) => p.id)).toEqual(['dr-a', 'dr-b']);
  });

  it('lists active services publicly', async () => {
    expect((await listServices(deps, anonymous, 'clinic')).map((s) => s.id)).toEqual(['consult']);
    expect((await failure(listServices(deps, anonymous, 'nope'))).status).toBe(404);
  });

  it('pages overrides with an opaque continuation token', async () => {
    for (const date of ['2025-03-02', '2025-03-05', '2025-03-09', '2025-03-20']) {
      await putOverride(deps, manager, { businessId: 'clinic', providerId: 'dr-a', date }, input({ intervals: [] }));
    }
    const ids = { businessId: 'clinic', providerId: 'dr-a' };
    const window = { from: { date: '2025-03-02' }, to: { date: '2025-03-20' } };
    const first = await listOverrides(deps, manager, ids, { ...window, limit: 2 });
    expect(first.overrides.map((o) => o.date)).toEqual(['2025-03-02', '2025-03-05']);
    const second = await listOverrides(deps, manager, ids, { ...window, limit: 2, continuationToken: first.nextContinuationToken });
    expect(second).toEqual({ overrides: [expect.objectContaining({ date: '2025-03-09' })] });
    // The provider may read their own overrides; another staff member may not.
    expect((await listOverrides(deps, { kind: 'staff', oid: 'oid-a', roles: [] }, ids, { ...window, limit: 10 })).overrides).toHaveLength(
      3,
    );
    expect((await failure(listOverrides(deps, stranger, ids, { ...window, limit: 10 }))).status).toBe(403);
    expect((await failure(listOverrides(deps, manager, ids, { ...window, limit: 10, continuationToken: 'garbage' }))).status).toBe(400);
  });
});
