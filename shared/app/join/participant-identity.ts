import { AppError, appointmentBusy } from '../errors';
import type { IdentityPort } from '../ports/acs';
import type { AppointmentStore } from '../ports/appointment-store';
import type { ProviderIdentityStore } from '../ports/provider-identity-store';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';

export interface IdentityDeps {
  appointments: AppointmentStore;
  identity: IdentityPort;
  providerIdentities: ProviderIdentityStore;
}

const MAX_ATTEMPTS = 5;

/** The provider's one ACS identity, created on first need; concurrent first joins end up with one. */
export async function ensureProviderIdentity(deps: IdentityDeps, businessId: string, providerId: string): Promise<string> {
  const existing = await deps.providerIdentities.get(businessId, providerId);
  if (existing) return existing;
  const created = await deps.identity.createUser();
  const stored = await deps.providerIdentities.claim(businessId, providerId, created);
  // Another request claimed first: its identity is the provider's, ours would only be litter.
  if (stored !== created) await deps.identity.deleteUser(created);
  return stored;
}

/**
 * The consumer's ACS identity for this appointment, stored on the appointment (ETag-checked, so
 * concurrent first joins keep one). Only while the appointment is booked: a cancelled appointment's
 * access has been revoked and must not come back.
 */
export async function ensureConsumerIdentity(deps: IdentityDeps, appointmentId: string): Promise<string> {
  return retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      if (!found || found.value.status !== 'booked') throw notBooked();
      const appointment = found.value;
      if (appointment.consumerAcsUserId) return appointment.consumerAcsUserId;
      const created = await deps.identity.createUser();
      try {
        await deps.appointments.commit(appointmentUpdate(found, { ...appointment, consumerAcsUserId: created }));
        return created;
      } catch (error) {
        await deps.identity.deleteUser(created);
        throw error;
      }
    },
    { whenExhausted: appointmentBusy },
  );
}

export function notBooked(): AppError {
  return new AppError('invalid-state', 'Only a booked appointment can be joined.');
}
