import { assertCanManage, assertCanReadCalendar, requireStaff, type Caller } from '../auth';
import { AppError } from '../errors';
import type { BusinessRecord, BusinessRepository, ProviderRecord } from '../ports/business-repository';
import type { Clock } from '../ports/clock';
import type { ProviderCalendarRepository } from '../ports/provider-calendar-repository';
import type { Versioned } from '../ports/versioned';
import { retryOnConflict } from '../retry-on-conflict';

/** What the office-manager use cases and slot search need. */
export interface ConfigurationDeps {
  businesses: BusinessRepository;
  calendars: ProviderCalendarRepository;
  clock: Clock;
}

export interface PutResult<R> {
  /** true: 201 Created; false: 200 replaced. */
  created: boolean;
  record: R;
}

const MAX_ATTEMPTS = 5;

/**
 * PUT semantics shared by every configuration resource: authorize against what is stored, then
 * read the body (so a caller without rights learns nothing from validation), then write
 * conditionally on the version read, retrying from the read when another writer got in between.
 */
export async function putResource<R, I>(steps: {
  load: () => Promise<Versioned<R> | undefined>;
  authorize: (existing: R | undefined) => void;
  readInput: () => Promise<I>;
  build: (input: I, existing: R | undefined) => R | Promise<R>;
  save: (record: R, etag: string | undefined) => Promise<void>;
}): Promise<PutResult<R>> {
  let input: Promise<I> | undefined;
  return retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const existing = await steps.load();
      steps.authorize(existing?.value);
      input ??= steps.readInput();
      const record = await steps.build(await input, existing?.value);
      await steps.save(record, existing?.etag);
      return { created: existing === undefined, record };
    },
    {
      whenExhausted: () => {
        throw new AppError('conflict', 'The resource is being changed by someone else; retry.');
      },
    },
  );
}

/**
 * DELETE of a resource a manager deactivates rather than removes (providers, services): its history
 * stays, slot search stops offering it; deactivating twice changes nothing (`updatedAt` included).
 */
export async function deactivateResource<R extends { active: boolean; updatedAt: number }>(
  deps: ConfigurationDeps,
  caller: Caller,
  businessId: string,
  resource: {
    load: () => Promise<Versioned<R> | undefined>;
    save: (record: R, etag: string | undefined) => Promise<void>;
    notFound: string;
  },
): Promise<void> {
  await authorizeManager(deps, caller, businessId);
  await putResource({
    load: resource.load,
    authorize: (existing) => {
      if (!existing) throw new AppError('not-found', resource.notFound);
    },
    readInput: async () => undefined,
    build: (_, existing) => ({ ...existing!, active: false, updatedAt: existing!.active ? deps.clock.now() : existing!.updatedAt }),
    save: resource.save,
  });
}

/** Staff who manage the business (its managers, admins); not-found for an unknown business. */
export async function authorizeManager(
  deps: Pick<ConfigurationDeps, 'businesses'>,
  caller: Caller,
  businessId: string,
): Promise<BusinessRecord> {
  const staff = requireStaff(caller);
  const business = await requireBusiness(deps, businessId);
  assertCanManage(staff, business);
  return business;
}

/** Staff who may read a provider's calendar (its managers and the provider); not-found for an unknown business or provider. */
export async function authorizeCalendarRead(
  deps: Pick<ConfigurationDeps, 'businesses'>,
  caller: Caller,
  ids: { businessId: string; providerId: string },
): Promise<{ business: BusinessRecord; provider: ProviderRecord }> {
  const staff = requireStaff(caller);
  const business = await requireBusiness(deps, ids.businessId);
  const provider = await requireProvider(deps, ids.businessId, ids.providerId);
  assertCanReadCalendar(staff, business, provider);
  return { business, provider };
}

export async function requireBusiness(deps: Pick<ConfigurationDeps, 'businesses'>, businessId: string): Promise<BusinessRecord> {
  const business = await deps.businesses.getBusiness(businessId);
  if (!business) throw new AppError('not-found', 'There is no such business.');
  return business.value;
}

export async function requireProvider(
  deps: Pick<ConfigurationDeps, 'businesses'>,
  businessId: string,
  providerId: string,
): Promise<ProviderRecord> {
  const provider = await deps.businesses.getProvider(businessId, providerId);
  if (!provider) throw new AppError('not-found', 'There is no such provider in this business.');
  return provider.value;
}
