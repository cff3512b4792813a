import type { Appointment } from '../../domain/appointments/appointment';
import { canManage, type Caller } from '../auth';
import { AppError } from '../errors';
import { appointmentAcceptsToken } from '../manage-token';
import type { AppointmentStore } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import type { Versioned } from '../ports/versioned';

export type AppointmentRole = 'consumer' | 'provider' | 'manager';

export interface AppointmentCredentials {
  caller: Caller;
  /** From `X-Appointment-Token` or `?token=`. */
  manageToken?: string;
}

export interface AccessDeps {
  businesses: BusinessRepository;
  appointments: AppointmentStore;
}

/**
 * Who is asking about this appointment. Credentials are checked before existence (docs/api.md): without
 * any, 401; a manage token that does not belong to this appointment is no credential (401), whether or
 * not the id exists; staff learn 404 for an unknown id and 403 for an appointment that is not theirs.
 */
export async function authorizeAppointment(
  deps: AccessDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
): Promise<{ appointment: Versioned<Appointment>; role: AppointmentRole }> {
  const { caller, manageToken } = credentials;
  if (caller.kind === 'anonymous' && !manageToken) {
    throw new AppError('unauthorized', 'Send the appointment token or a staff bearer token.');
  }
  const appointment = await deps.appointments.find(appointmentId);
  if (caller.kind === 'anonymous') {
    if (!appointment || !appointmentAcceptsToken(appointment.value, manageToken!)) {
      throw new AppError('unauthorized', 'The appointment token is not valid for this appointment.');
    }
    return { appointment, role: 'consumer' };
  }
  if (!appointment) throw new AppError('not-found', 'There is no such appointment.');
  const { businessId, providerId } = appointment.value;
  const [business, provider] = await Promise.all([
    deps.businesses.getBusiness(businessId),
    deps.businesses.getProvider(businessId, providerId),
  ]);
  if (business && canManage(caller, business.value)) return { appointment, role: 'manager' };
  if (provider && provider.value.staffObjectId === caller.oid) return { appointment, role: 'provider' };
  throw new AppError('forbidden', 'This appointment belongs to another provider or business.');
}

/** Optional `If-Match: "<version>"` (docs/api.md): 412 when the appointment changed meanwhile. */
export function checkIfMatch(appointment: Appointment, ifMatch: string | null | undefined): void {
  if (!ifMatch) return;
  const wanted = ifMatch
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  if (wanted !== '*' && wanted !== String(appointment.version)) {
    throw new AppError('version-mismatch', `The appointment is at version ${appointment.version}.`, {
      currentVersion: appointment.version,
    });
  }
}
