import { ADMIN_ROLE, type Caller } from '../../../../shared/app/auth';
import { getBusiness, isEntraObjectId, putBusiness, usesMicrosoft365 } from '../../../../shared/app/configuration/configure-business';
import { AppError } from '../../../../shared/app/errors';
import { deleteOverride, listOverrides, MAX_LIST_DAYS, putOverride } from '../../../../shared/app/configuration/configure-overrides';
import {
  deactivateProvider,
  listProviders,
  putProvider,
  type ProviderInput,
} from '../../../../shared/app/configuration/configure-providers';
import { getSchedule, putSchedule } from '../../../../shared/app/configuration/configure-schedules';
import { deactivateService, listServices, putService, type ServiceInput } from '../../../../shared/app/configuration/configure-services';
import { putResource, type ConfigurationDeps } from '../../../../shared/app/configuration/put-resource';
import { WriteConflictError } from '../../../../shared/app/ports/versioned';
import { InMemoryAppointmentStore } from '../../../support/fakes/appointment-store';
import { business, DAY, MONDAY, provider, service } from '../../../support/fakes/builders';
import { InMemoryBusinessRepository } from '../../../support/fakes/business-repository';
import { FakeClock } from '../../../support/fakes/clock';
import { ANONYMOUS, MANAGER, STAFF_P1, STAFF_P2, STRANGER, outcome } from '../world';

const ADMIN: Caller = { kind: 'staff', oid: 'admin', roles: [ADMIN_ROLE] };
const WEEK = { mon: [{ start: '09:00', end: '17:00' }] };

async function setUp() {
  const businesses = new InMemoryBusinessRepository();
  const store = new InMemoryAppointmentStore();
  const clock = new FakeClock(MONDAY);
  const deps: ConfigurationDeps = { businesses, calendars: store.calendarRepository(), clock };
  await businesses.saveBusiness(business(), undefined);
  for (const id of ['p1', 'p2']) await businesses.saveProvider(provider(id), undefined);
  await businesses.saveService(service(), undefined);
  return { deps, businesses, clock };
}

const providerInput = (extra: Partial<ProviderInput> = {}): ProviderInput => ({
  displayName: 'Dr New',
  email: 'new@example.com',
  timeZone: 'Europe/Berlin',
  staffObjectId: 'oid-new',
  ...extra,
});
function serviceInput(extra: Partial<ServiceInput> = {}): ServiceInput {
  const { businessId: _b, id: _i, active: _a, createdAt: _c, updatedAt: _u, ...input } = service();
  return { ...input, ...extra };
}

describe('businesses', () => {
  it('an admin creates a business (201) with managers deduplicated; a manager replaces it (200) keeping createdAt', async () => {
    const { deps, clock } = await setUp();
    const created = await putBusiness(deps, ADMIN, 'b9', async () => ({
      name: 'New',
      timeZone: 'UTC',
      managers: ['m1', 'm1', 'm2'],
      contactEmail: 'desk@example.com',
    }));
    expect(created).toEqual({
      created: true,
      record: {
        id: 'b9',
        name: 'New',
        timeZone: 'UTC',
        managers: ['m1', 'm2'],
        contactEmail: 'desk@example.com',
        createdAt: MONDAY,
        updatedAt: MONDAY,
      },
    });
    clock.advance(DAY);
    const replaced = await putBusiness(deps, MANAGER, 'b9', async () => ({ name: 'Renamed', timeZone: 'UTC', managers: ['m1'] }));
    expect(replaced).toEqual({
      created: false,
      record: { id: 'b9', name: 'Renamed', timeZone: 'UTC', managers: ['m1'], createdAt: MONDAY, updatedAt: MONDAY + DAY },
    });
    expect(await getBusiness(deps, MANAGER, 'b9')).toEqual(replaced.record);
  });

  it('refuses before reading the body: anonymous 401, a non-admin creating 403, a non-manager replacing 403', async () => {
    const { deps } = await setUp();
    const body = jest.fn(async () => ({ name: 'X', timeZone: 'UTC', managers: [] }));
    expect(await outcome(putBusiness(deps, ANONYMOUS, 'b9', body))).toBe('unauthorized');
    expect(await outcome(putBusiness(deps, MANAGER, 'b9', body))).toBe('forbidden');
    expect(await outcome(putBusiness(deps, STAFF_P1, 'b1', body))).toBe('forbidden');
    expect(body).not.toHaveBeenCalled();
    expect(await outcome(getBusiness(deps, STRANGER, 'b1'))).toBe('forbidden');
    expect(await outcome(getBusiness(deps, MANAGER, 'nope'))).toBe('not-found');
  });
});

describe('Microsoft 365 settings of a business', () => {
  const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const body = (extra: object) => async () => ({ name: 'Clinic', timeZone: 'Europe/Berlin', managers: ['m1'], ...extra });

  it('turn on only when every active provider has an Entra object id, naming those who do not', async () => {
    const { deps, businesses } = await setUp();
    expect(await outcome(putBusiness(deps, MANAGER, 'b1', body({ meetingMode: 'teams' })))).toBe('validation:meetingMode');
    expect(await outcome(putBusiness(deps, MANAGER, 'b1', body({ outlookCalendarSync: true })))).toBe('validation:outlookCalendarSync');
    const refused = await putBusiness(deps, MANAGER, 'b1', body({ outlookCalendarSync: true })).catch((e: AppError) => e);
    expect((refused as AppError).extensions.errors).toEqual([
      {
        path: 'outlookCalendarSync',
        message: "needs every active provider's staffObjectId to be an Entra object id (a GUID); not so for: p1, p2",
      },
    ]);

    await businesses.saveProvider(provider('p1', { staffObjectId: GUID.toUpperCase() }), (await businesses.getProvider('b1', 'p1'))!.etag);
    await businesses.saveProvider(provider('p2', { active: false }), (await businesses.getProvider('b1', 'p2'))!.etag);
    const teams = await putBusiness(deps, MANAGER, 'b1', body({ meetingMode: 'teams', outlookCalendarSync: true }));
    expect(teams.record).toMatchObject({ meetingMode: 'teams', outlookCalendarSync: true });
  });

  it('store no defaults, and need nothing of a business that has no providers yet', async () => {
    const { deps } = await setUp();
    const plain = await putBusiness(deps, MANAGER, 'b1', body({ meetingMode: 'acsRooms', outlookCalendarSync: false }));
    expect(plain.record).not.toHaveProperty('meetingMode');
    expect(plain.record).not.toHaveProperty('outlookCalendarSync');
    expect((await putBusiness(deps, ADMIN, 'b9', body({ meetingMode: 'teams' }))).record.meetingMode).toBe('teams');
  });

  it('read a GUID in either case as an Entra object id, and nothing else', () => {
    expect(isEntraObjectId(GUID)).toBe(true);
    expect(isEntraObjectId(GUID.toUpperCase())).toBe(true);
    for (const bad of [
      `x${GUID}`,
      `${GUID}x`,
      GUID.replace(/-/g, ''),
      'oid-p1',
      GUID.replace('0f8fad5b', '0f8fad5'),
      GUID.replace('d9cb', 'd9c'),
    ]) {
      expect({ bad, ok: isEntraObjectId(bad) }).toEqual({ bad, ok: false });
    }
    for (const [i, part] of GUID.split('-').entries()) {
      const parts = GUID.split('-');
      parts[i] = part.replace(/^./, 'g');
      expect({ bad: parts.join('-'), ok: isEntraObjectId(parts.join('-')) }).toEqual({ bad: parts.join('-'), ok: false });
      parts[i] = part.slice(1);
      expect({ bad: parts.join('-'), ok: isEntraObjectId(parts.join('-')) }).toEqual({ bad: parts.join('-'), ok: false });
    }
  });

  it('count as Microsoft 365 with Teams meetings or calendar sync, either one', () => {
    expect(usesMicrosoft365({})).toBe(false);
    expect(usesMicrosoft365({ meetingMode: 'acsRooms', outlookCalendarSync: false })).toBe(false);
    expect(usesMicrosoft365({ meetingMode: 'teams' })).toBe(true);
    expect(usesMicrosoft365({ meetingMode: 'acsRooms', outlookCalendarSync: true })).toBe(true);
  });
});

describe('providers', () => {
  it('a manager creates and replaces a provider; a PUT reactivates; phone only when given', async () => {
    const { deps, clock } = await setUp();
    const created = await putProvider(deps, MANAGER, 'b1', 'p3', async () => providerInput({ phone: '+12065550100' }));
    expect(created).toEqual({
      created: true,
      record: {
        businessId: 'b1',
        id: 'p3',
        ...providerInput({ phone: '+12065550100' }),
        active: true,
        createdAt: MONDAY,
        updatedAt: MONDAY,
      },
    });
    await deactivateProvider(deps, MANAGER, 'b1', 'p3');
    clock.advance(DAY);
    const replaced = await putProvider(deps, MANAGER, 'b1', 'p3', async () => providerInput());
    expect(replaced.created).toBe(false);
    expect(replaced.record).toEqual({
      businessId: 'b1',
      id: 'p3',
      ...providerInput(),
      active: true,
      createdAt: MONDAY,
      updatedAt: MONDAY + DAY,
    });
    expect(replaced.record).not.toHaveProperty('phone');
  });

  it('only managers of an existing business may write; the provider staff member may not', async () => {
    const { deps } = await setUp();
    expect(await outcome(putProvider(deps, STAFF_P1, 'b1', 'p1', async () => providerInput()))).toBe('forbidden');
    expect(await outcome(putProvider(deps, MANAGER, 'nope', 'p1', async () => providerInput()))).toBe('not-found');
    expect(await outcome(deactivateProvider(deps, STAFF_P1, 'b1', 'p1'))).toBe('forbidden');
    expect(await outcome(deactivateProvider(deps, MANAGER, 'b1', 'p9'))).toBe('not-found');
  });

  it('deactivating twice changes nothing the second time, updatedAt included', async () => {
    const { deps, businesses, clock } = await setUp();
    clock.set(MONDAY + 1000);
    await deactivateProvider(deps, MANAGER, 'b1', 'p2');
    const first = (await businesses.getProvider('b1', 'p2'))!.value;
    expect(first).toMatchObject({ active: false, updatedAt: MONDAY + 1000 });
    clock.advance(DAY);
    await deactivateProvider(deps, MANAGER, 'b1', 'p2');
    expect((await businesses.getProvider('b1', 'p2'))!.value).toEqual(first);
  });

  it('staff of the business see every provider and field; others the public fields of active providers', async () => {
    const { deps } = await setUp();
    await deactivateProvider(deps, MANAGER, 'b1', 'p2');
    for (const caller of [MANAGER, STAFF_P1, STAFF_P2, ADMIN]) {
      const listing = await listProviders(deps, caller, 'b1');
      expect(listing.view).toBe('staff');
      expect(listing.providers.map((p) => p.id)).toEqual(['p1', 'p2']);
    }
    for (const caller of [ANONYMOUS, STRANGER]) {
      expect(await listProviders(deps, caller, 'b1')).toEqual({
        view: 'public',
        providers: [{ id: 'p1', displayName: 'Dr p1', timeZone: 'Europe/Berlin' }],
      });
    }
    expect(await outcome(listProviders(deps, ANONYMOUS, 'nope'))).toBe('not-found');
  });
});

describe('services', () => {
  it('a PUT names only providers of the business: each unknown one is a field error', async () => {
    const { deps, businesses } = await setUp();
    expect(await outcome(putService(deps, MANAGER, 'b1', 's2', async () => serviceInput({ providerIds: ['p1', 'px', 'p2', 'py'] })))).toBe(
      'validation:providerIds.1,providerIds.3',
    );
    expect(await businesses.getService('b1', 's2')).toBeUndefined();
    const created = await putService(deps, MANAGER, 'b1', 's2', async () => serviceInput({ name: 'Second', providerIds: ['p2'] }));
    expect(created).toEqual({
      created: true,
      record: {
        businessId: 'b1',
        id: 's2',
        ...serviceInput({ name: 'Second', providerIds: ['p2'] }),
        active: true,
        createdAt: MONDAY,
        updatedAt: MONDAY,
      },
    });
  });

  it('consumers see active services; managers see inactive ones too; a PUT reactivates keeping createdAt', async () => {
    const { deps, clock } = await setUp();
    await putService(deps, MANAGER, 'b1', 's2', async () => serviceInput({ name: 'Second' }));
    await deactivateService(deps, MANAGER, 'b1', 's1');
    expect((await listServices(deps, ANONYMOUS, 'b1')).map((s) => s.id)).toEqual(['s2']);
    expect((await listServices(deps, STAFF_P1, 'b1')).map((s) => s.id)).toEqual(['s2']);
    expect((await listServices(deps, MANAGER, 'b1')).map((s) => [s.id, s.active])).toEqual([
      ['s1', false],
      ['s2', true],
    ]);
    clock.advance(DAY);
    const again = await putService(deps, MANAGER, 'b1', 's1', async () => serviceInput());
    expect(again.record).toMatchObject({ active: true, createdAt: MONDAY - DAY, updatedAt: MONDAY + DAY });
    expect(again.created).toBe(false);
    expect(await outcome(deactivateService(deps, MANAGER, 'b1', 's9'))).toBe('not-found');
    expect(await outcome(listServices(deps, ANONYMOUS, 'nope'))).toBe('not-found');
  });
});

describe('weekly schedules', () => {
  it('defaults to the provider zone; managers write, the provider and managers read', async () => {
    const { deps, clock } = await setUp();
    expect(await outcome(getSchedule(deps, MANAGER, 'b1', 'p1'))).toBe('not-found');
    const created = await putSchedule(deps, MANAGER, 'b1', 'p1', async () => ({ weekly: WEEK }));
    expect(created).toEqual({
      created: true,
      record: { businessId: 'b1', providerId: 'p1', timeZone: 'Europe/Berlin', weekly: WEEK, updatedAt: MONDAY },
    });
    clock.advance(1000);
    const replaced = await putSchedule(deps, MANAGER, 'b1', 'p1', async () => ({ timeZone: 'America/New_York', weekly: {} }));
    expect(replaced).toEqual({
      created: false,
      record: { businessId: 'b1', providerId: 'p1', timeZone: 'America/New_York', weekly: {}, updatedAt: MONDAY + 1000 },
    });
    expect(await getSchedule(deps, STAFF_P1, 'b1', 'p1')).toEqual(replaced.record);
    expect(await outcome(getSchedule(deps, STAFF_P2, 'b1', 'p1'))).toBe('forbidden');
    expect(await outcome(putSchedule(deps, STAFF_P1, 'b1', 'p1', async () => ({ weekly: WEEK })))).toBe('forbidden');
    expect(await outcome(putSchedule(deps, MANAGER, 'b1', 'p9', async () => ({ weekly: WEEK })))).toBe('not-found');
    expect(await outcome(getSchedule(deps, MANAGER, 'b1', 'p9'))).toBe('not-found');
  });
});

describe('date overrides', () => {
  const ids = (date: string) => ({ businessId: 'b1', providerId: 'p1', date });
  const query = (from: string, to: string, limit = 10, continuationToken?: string) => ({
    from: { date: from },
    to: { date: to },
    limit,
    ...(continuationToken ? { continuationToken } : {}),
  });

  it('creates and replaces an override, deletes it idempotently, for managers of an existing provider only', async () => {
    const { deps } = await setUp();
    const created = await putOverride(deps, MANAGER, ids('2026-03-03'), async () => ({ intervals: [] }));
    expect(created).toEqual({
      created: true,
      record: { businessId: 'b1', providerId: 'p1', date: '2026-03-03', intervals: [], updatedAt: MONDAY },
    });
    expect(
      (await putOverride(deps, MANAGER, ids('2026-03-03'), async () => ({ intervals: [{ start: '10:00', end: '11:00' }] }))).created,
    ).toBe(false);
    await deleteOverride(deps, MANAGER, ids('2026-03-03'));
    await deleteOverride(deps, MANAGER, ids('2026-03-03'));
    expect((await listOverrides(deps, MANAGER, ids(''), query('2026-03-01', '2026-04-01'))).overrides).toEqual([]);
    expect(await outcome(putOverride(deps, STAFF_P1, ids('2026-03-03'), async () => ({ intervals: [] })))).toBe('forbidden');
    expect(await outcome(putOverride(deps, MANAGER, { ...ids('2026-03-03'), providerId: 'p9' }, async () => ({ intervals: [] })))).toBe(
      'not-found',
    );
    expect(await outcome(deleteOverride(deps, MANAGER, { ...ids('2026-03-03'), providerId: 'p9' }))).toBe('not-found');
    expect(await outcome(deleteOverride(deps, STAFF_P1, ids('2026-03-03')))).toBe('forbidden');
  });

  it('lists the days in [from, to) in pages that continue after the last date; the provider may read', async () => {
    const { deps } = await setUp();
    for (const date of ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'])
      await putOverride(deps, MANAGER, ids(date), async () => ({ intervals: [] }));
    const first = await listOverrides(deps, STAFF_P1, ids(''), query('2026-03-02', '2026-03-05', 2));
    expect(first.overrides.map((o) => o.date)).toEqual(['2026-03-02', '2026-03-03']);
    expect(first.nextContinuationToken).toEqual(expect.any(String));
    const second = await listOverrides(deps, STAFF_P1, ids(''), query('2026-03-02', '2026-03-05', 2, first.nextContinuationToken));
    expect(second).toEqual({ overrides: [expect.objectContaining({ date: '2026-03-04' })] });
    // exactly `limit` left: no further page
    expect(await listOverrides(deps, MANAGER, ids(''), query('2026-03-04', '2026-03-06', 2))).toEqual({
      overrides: [expect.objectContaining({ date: '2026-03-04' }), expect.objectContaining({ date: '2026-03-05' })],
    });
    // a token from before `from` does not reach back past it
    const early = Buffer.from(JSON.stringify({ after: '2026-02-01' })).toString('base64url');
    expect((await listOverrides(deps, MANAGER, ids(''), query('2026-03-04', '2026-03-06', 5, early))).overrides.map((o) => o.date)).toEqual(
      ['2026-03-04', '2026-03-05'],
    );
    expect(await outcome(listOverrides(deps, STAFF_P2, ids(''), query('2026-03-01', '2026-03-05')))).toBe('forbidden');
  });

  it('reads an instant bound in the schedule zone: the first local midnight at or after it', async () => {
    const { deps } = await setUp();
    await putSchedule(deps, MANAGER, 'b1', 'p1', async () => ({ timeZone: 'America/New_York', weekly: {} }));
    for (const date of ['2026-03-02', '2026-03-03']) await putOverride(deps, MANAGER, ids(date), async () => ({ intervals: [] }));
    // 2026-03-02T05:00Z is New York midnight: the 2nd counts; one ms later only the 3rd does
    const newYorkMidnight = Date.UTC(2026, 2, 2, 5);
    const list = (from: number) =>
      listOverrides(deps, MANAGER, ids(''), { from: { instant: from }, to: { date: '2026-03-10' }, limit: 10 });
    expect((await list(newYorkMidnight)).overrides.map((o) => o.date)).toEqual(['2026-03-02', '2026-03-03']);
    expect((await list(newYorkMidnight + 1)).overrides.map((o) => o.date)).toEqual(['2026-03-03']);
    expect((await list(newYorkMidnight - 1)).overrides.map((o) => o.date)).toEqual(['2026-03-02', '2026-03-03']);
  });

  it('rejects a window over 92 days, a window ending before it starts, and a token it never issued', async () => {
    const { deps } = await setUp();
    expect(MAX_LIST_DAYS).toBe(92);
    expect(await outcome(listOverrides(deps, MANAGER, ids(''), query('2026-03-01', '2026-06-01')))).toBe('ok');
    expect(await outcome(listOverrides(deps, MANAGER, ids(''), query('2026-03-01', '2026-06-02')))).toBe('validation:to');
    expect(await outcome(listOverrides(deps, MANAGER, ids(''), query('2026-03-01', '2026-03-01')))).toBe('validation:to');
    for (const token of [
      'not-base64-json',
      Buffer.from('{"after":3}').toString('base64url'),
      Buffer.from('{"after":"2026-3-1"}').toString('base64url'),
      Buffer.from('[]').toString('base64url'),
    ]) {
      expect(await outcome(listOverrides(deps, MANAGER, ids(''), query('2026-03-01', '2026-03-05', 10, token)))).toBe(
        'validation:continuationToken',
      );
    }
  });
});

describe('PUT semantics', () => {
  it('retries from the read after a lost race, reading the body once; after 5 lost races it is a 409', async () => {
    let loads = 0;
    const body = jest.fn(async () => 'input');
    const save = jest.fn(async () => {
      if (save.mock.calls.length < 3) throw new WriteConflictError('x');
    });
    const result = await putResource({
      load: async () => (++loads > 1 ? { value: 'old', etag: 'e' } : undefined),
      authorize: () => undefined,
      readInput: body,
      build: (input) => `${input}!`,
      save,
    });
    expect(result).toEqual({ created: false, record: 'input!' });
    expect(save).toHaveBeenLastCalledWith('input!', 'e');
    expect(body).toHaveBeenCalledTimes(1);

    const always = jest.fn(async () => {
      throw new WriteConflictError('x');
    });
    expect(
      await outcome(
        putResource({ load: async () => undefined, authorize: () => undefined, readInput: async () => 1, build: () => 2, save: always }),
      ),
    ).toBe('conflict');
    expect(always).toHaveBeenCalledTimes(5);
  });
});
