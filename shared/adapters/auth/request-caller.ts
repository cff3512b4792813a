import type { HttpRequest } from '@azure/functions';
import type { AppointmentCredentials } from '../../app/appointments/appointment-access';
import { requireStaff, type Caller, type StaffAuthenticator, type StaffCaller } from '../../app/auth';

/** The caller of a request; a presented but invalid credential is a 401 even on public endpoints. */
export function callerOf(auth: StaffAuthenticator, request: HttpRequest): Promise<Caller> {
  return auth.authenticate(request.headers.get('authorization'));
}

/** For protected endpoints: 401 comes before any other check, path ids included. */
export async function staffOf(auth: StaffAuthenticator, request: HttpRequest): Promise<StaffCaller> {
  return requireStaff(await callerOf(auth, request));
}

/** For one appointment: a staff bearer token, or the consumer's manage token (`X-Appointment-Token` or `?token=`). */
export async function appointmentCredentialsOf(auth: StaffAuthenticator, request: HttpRequest): Promise<AppointmentCredentials> {
  const caller = await callerOf(auth, request);
  const manageToken = request.headers.get('x-appointment-token') ?? request.query.get('token') ?? undefined;
  return { caller, ...(manageToken ? { manageToken } : {}) };
}
