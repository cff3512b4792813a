import { AppError } from './errors';

/** The app role that may create businesses and do anything (docs/api.md "Credentials: who may call what"). */
export const ADMIN_ROLE = 'Scheduling.Admin';

export interface StaffCaller {
  kind: 'staff';
  /** Entra object id of the person. */
  oid: string;
  roles: readonly string[];
}

export type Caller = { kind: 'anonymous' } | StaffCaller;

/** Turns an `Authorization` header into a caller: no header = anonymous; a bad credential throws 401. */
export interface StaffAuthenticator {
  authenticate(authorization: string | null): Promise<Caller>;
}

/** What the policy needs to know about a business. */
export interface ManagedBusiness {
  managers: readonly string[];
}

/** What the policy needs to know about a provider. */
export interface StaffedProvider {
  staffObjectId: string;
}

export function isAdmin(caller: Caller): boolean {
  return caller.kind === 'staff' && caller.roles.includes(ADMIN_ROLE);
}

/** Credentials come first: a protected endpoint answers 401 before it looks anything up. */
export function requireStaff(caller: Caller): StaffCaller {
  if (caller.kind !== 'staff') throw new AppError('unauthorized', 'Send a bearer token of a staff member.');
  return caller;
}

export function canManage(caller: Caller, business: ManagedBusiness): boolean {
  return isAdmin(caller) || (caller.kind === 'staff' && business.managers.includes(caller.oid));
}

export function assertCanCreateBusiness(caller: StaffCaller): void {
  if (!isAdmin(caller)) throw forbidden();
}

export function assertCanManage(caller: StaffCaller, business: ManagedBusiness): void {
  if (!canManage(caller, business)) throw forbidden();
}

/** Managers see a provider's calendar, and so does the provider it belongs to. */
export function assertCanReadCalendar(caller: StaffCaller, business: ManagedBusiness, provider: StaffedProvider): void {
  if (!canManage(caller, business) && provider.staffObjectId !== caller.oid) throw forbidden();
}

/** Managers, admins and the business's providers count as its staff (they see every provider field). */
export function isStaffOf(caller: Caller, business: ManagedBusiness, providers: readonly StaffedProvider[]): boolean {
  return canManage(caller, business) || (caller.kind === 'staff' && providers.some((p) => p.staffObjectId === caller.oid));
}

// Never says who would be allowed: that would name other people.
function forbidden(): AppError {
  return new AppError('forbidden', 'You may not do this on this business.');
}
