import { assertCanCreateBusiness, assertCanManage, requireStaff, type Caller } from '../auth';
import { authorizeManager, putResource, type ConfigurationDeps, type PutResult } from './put-resource';
import type { BusinessRecord } from '../ports/business-repository';
import type { Locale } from '../../domain/messages/texts';

export interface BusinessInput {
  name: string;
  timeZone: string;
  managers: string[];
  contactEmail?: string;
  defaultLocale?: Locale;
}

/** Creating needs Scheduling.Admin; replacing needs a manager of the business (or an admin). */
export async function putBusiness(
  deps: ConfigurationDeps,
  caller: Caller,
  businessId: string,
  readInput: () => Promise<BusinessInput>,
): Promise<PutResult<BusinessRecord>> {
  const staff = requireStaff(caller);
  return putResource({
    load: () => deps.businesses.getBusiness(businessId),
    authorize: (existing) => (existing ? assertCanManage(staff, existing) : assertCanCreateBusiness(staff)),
    readInput,
    build: (input, existing) => {
      const now = deps.clock.now();
      return {
        id: businessId,
        name: input.name,
        timeZone: input.timeZone,
        managers: [...new Set(input.managers)],
        ...(input.contactEmail ? { contactEmail: input.contactEmail } : {}),
        ...(input.defaultLocale ? { defaultLocale: input.defaultLocale } : {}),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
    },
    save: (record, etag) => deps.businesses.saveBusiness(record, etag),
  });
}

export async function getBusiness(deps: ConfigurationDeps, caller: Caller, businessId: string): Promise<BusinessRecord> {
  return authorizeManager(deps, caller, businessId);
}
