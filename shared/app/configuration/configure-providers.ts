import { isStaffOf, type Caller } from '../auth';
import { authorizeManager, deactivateResource, putResource, requireBusiness, type ConfigurationDeps, type PutResult } from './put-resource';
import type { ProviderRecord } from '../ports/business-repository';
import { AppError } from '../errors';
import { isEntraObjectId, usesMicrosoft365 } from './configure-business';

/** What a manager sends; the record adds the ids, the active flag and the times. */
export type ProviderInput = Omit<ProviderRecord, 'businessId' | 'id' | 'active' | 'createdAt' | 'updatedAt'>;

/** A PUT replaces the profile and (re)activates the provider. */
export async function putProvider(
  deps: ConfigurationDeps,
  caller: Caller,
  businessId: string,
  providerId: string,
  readInput: () => Promise<ProviderInput>,
): Promise<PutResult<ProviderRecord>> {
  const business = await authorizeManager(deps, caller, businessId);
  return putResource({
    load: () => deps.businesses.getProvider(businessId, providerId),
    authorize: () => undefined,
    readInput,
    build: (input, existing) => {
      if (usesMicrosoft365(business) && !isEntraObjectId(input.staffObjectId)) {
        // Graph finds the provider's calendar (and Teams meetings) by this id.
        throw AppError.validation([
          {
            path: 'staffObjectId',
            message: 'must be an Entra object id (a GUID) in a business with Teams meetings or Outlook calendar sync',
          },
        ]);
      }
      const now = deps.clock.now();
      return {
        businessId,
        id: providerId,
        displayName: input.displayName,
        email: input.email,
        ...(input.phone ? { phone: input.phone } : {}),
        timeZone: input.timeZone,
        staffObjectId: input.staffObjectId,
        ...(input.locale ? { locale: input.locale } : {}),
        active: true,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
    },
    save: (record, etag) => deps.businesses.saveProvider(record, etag),
  });
}

export type ProviderListing =
  | { view: 'staff'; providers: ProviderRecord[] }
  | { view: 'public'; providers: Array<Pick<ProviderRecord, 'id' | 'displayName' | 'timeZone'>> };

/** Staff of the business see every provider and field; everyone else the public fields of active ones. */
export async function listProviders(deps: ConfigurationDeps, caller: Caller, businessId: string): Promise<ProviderListing> {
  const [business, providers] = await Promise.all([requireBusiness(deps, businessId), deps.businesses.listProviders(businessId)]);
  if (isStaffOf(caller, business, providers)) return { view: 'staff', providers };
  return {
    view: 'public',
    providers: providers.filter((provider) => provider.active).map(({ id, displayName, timeZone }) => ({ id, displayName, timeZone })),
  };
}

/** DELETE deactivates: the provider's history stays, slot search stops offering them. */
export async function deactivateProvider(deps: ConfigurationDeps, caller: Caller, businessId: string, providerId: string): Promise<void> {
  await deactivateResource(deps, caller, businessId, {
    load: () => deps.businesses.getProvider(businessId, providerId),
    save: (record, etag) => deps.businesses.saveProvider(record, etag),
    notFound: 'There is no such provider in this business.',
  });
}
