import { assertCanCreateBusiness, assertCanManage, requireStaff, type Caller } from '../auth';
import { authorizeManager, putResource, type ConfigurationDeps, type PutResult } from './put-resource';
import type { BusinessRecord, ProviderRecord } from '../ports/business-repository';
import { AppError } from '../errors';

/** What a manager sends; the record adds the id and the times. */
export type BusinessInput = Omit<BusinessRecord, 'id' | 'createdAt' | 'updatedAt'>;

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Microsoft Graph addresses a provider's mailbox by their Entra object id: with Teams or calendar sync it must be one. */
export function usesMicrosoft365(business: Pick<BusinessRecord, 'meetingMode' | 'outlookCalendarSync'>): boolean {
  return business.meetingMode === 'teams' || business.outlookCalendarSync === true;
}

export function isEntraObjectId(value: string): boolean {
  return ENTRA_OBJECT_ID.test(value);
}

/** 400 naming the active providers whose staffObjectId Graph could not address. */
function assertProvidersAddressable(providers: readonly ProviderRecord[], path: string): void {
  const unaddressable = providers.filter((p) => p.active && !isEntraObjectId(p.staffObjectId)).map((p) => p.id);
  if (unaddressable.length > 0) {
    throw AppError.validation([
      {
        path,
        message: `needs every active provider's staffObjectId to be an Entra object id (a GUID); not so for: ${unaddressable.join(', ')}`,
      },
    ]);
  }
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
    build: async (input, existing) => {
      const now = deps.clock.now();
      const microsoft365 = { meetingMode: input.meetingMode ?? 'acsRooms', outlookCalendarSync: input.outlookCalendarSync ?? false };
      if (existing && usesMicrosoft365(microsoft365)) {
        assertProvidersAddressable(
          await deps.businesses.listProviders(businessId),
          input.meetingMode === 'teams' ? 'meetingMode' : 'outlookCalendarSync',
        );
      }
      return {
        id: businessId,
        name: input.name,
        timeZone: input.timeZone,
        managers: [...new Set(input.managers)],
        ...(input.contactEmail ? { contactEmail: input.contactEmail } : {}),
        ...(input.defaultLocale ? { defaultLocale: input.defaultLocale } : {}),
        // Defaults are left out, as the store reads them back.
        ...(microsoft365.meetingMode === 'teams' ? { meetingMode: 'teams' as const } : {}),
        ...(microsoft365.outlookCalendarSync ? { outlookCalendarSync: true } : {}),
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
