import type { Appointment } from '../../domain/appointments/appointment';
import type { OutboxMessage, ProviderCommit } from '../ports/appointment-store';
import type { Versioned } from '../ports/versioned';

/**
 * The commit that rewrites only the appointment (same provider, same time: no day row changes),
 * conditional on the version it was read at, with the outbox rows that announce the change.
 */
export function appointmentUpdate(found: Versioned<Appointment>, value: Appointment, outbox: OutboxMessage[] = []): ProviderCommit {
  return {
    businessId: value.businessId,
    providerId: value.providerId,
    days: [],
    appointment: { value, etag: found.etag, previousStart: found.value.start },
    outbox,
  };
}
