import { canManage, type Caller } from '../auth';
import { AppError } from '../errors';
import { authorizeManager, deactivateResource, putResource, requireBusiness, type ConfigurationDeps, type PutResult } from './put-resource';
import type { ServiceRecord } from '../ports/business-repository';

/** A service as validated from a request, defaults applied. */
export type ServiceInput = Omit<ServiceRecord, 'businessId' | 'id' | 'active' | 'createdAt' | 'updatedAt'>;

/** A PUT replaces the service and (re)activates it; every provider it names must exist in the business. */
export async function putService(
  deps: ConfigurationDeps,
  caller: Caller,
  businessId: string,
  serviceId: string,
  readInput: () => Promise<ServiceInput>,
): Promise<PutResult<ServiceRecord>> {
  await authorizeManager(deps, caller, businessId);
  return putResource({
    load: () => deps.businesses.getService(businessId, serviceId),
    authorize: () => undefined,
    readInput,
    build: async (input, existing) => {
      const known = new Set((await deps.businesses.listProviders(businessId)).map((provider) => provider.id));
      const unknown = input.providerIds
        .map((id, index) => ({ id, index }))
        .filter(({ id }) => !known.has(id))
        .map(({ index }) => ({ path: `providerIds.${index}`, message: 'is not a provider of this business' }));
      if (unknown.length > 0) throw AppError.validation(unknown);
      const now = deps.clock.now();
      return { businessId, id: serviceId, ...input, active: true, createdAt: existing?.createdAt ?? now, updatedAt: now };
    },
    save: (record, etag) => deps.businesses.saveService(record, etag),
  });
}

/** Public: consumers see the active services; managers see inactive ones too. */
export async function listServices(deps: ConfigurationDeps, caller: Caller, businessId: string): Promise<ServiceRecord[]> {
  const [business, services] = await Promise.all([requireBusiness(deps, businessId), deps.businesses.listServices(businessId)]);
  return canManage(caller, business) ? services : services.filter((service) => service.active);
}

/** DELETE deactivates: booked appointments keep their service, slot search stops offering it. */
export async function deactivateService(deps: ConfigurationDeps, caller: Caller, businessId: string, serviceId: string): Promise<void> {
  await deactivateResource(deps, caller, businessId, {
    load: () => deps.businesses.getService(businessId, serviceId),
    save: (record, etag) => deps.businesses.saveService(record, etag),
    notFound: 'There is no such service in this business.',
  });
}
