import type { HttpRequest } from '@azure/functions';
import { requireStaff, type Caller, type StaffAuthenticator, type StaffCaller } from '../../app/auth';

/** The caller of a request; a presented but invalid credential is a 401 even on public endpoints. */
export function callerOf(auth: StaffAuthenticator, request: HttpRequest): Promise<Caller> {
  return auth.authenticate(request.headers.get('authorization'));
}

/** For protected endpoints: 401 comes before any other check, path ids included. */
export async function staffOf(auth: StaffAuthenticator, request: HttpRequest): Promise<StaffCaller> {
  return requireStaff(await callerOf(auth, request));
}
