import { completeRefusal, noShowRefusal, skipPendingReminders, type Appointment } from '../../domain/appointments/appointment';
import { authorizeAppointment, checkIfMatch, type AppointmentCredentials } from '../appointments/appointment-access';
import type { BookingDeps } from '../appointments/book-appointment';
import { refuse } from '../appointments/change-appointment';
import { effectsOf } from '../appointments/effects';
import { AppError } from '../errors';
import { WriteConflictError } from '../ports/versioned';

export type OutcomeDeps = Pick<BookingDeps, 'businesses' | 'appointments' | 'clock' | 'kickOutbox'>;
export type Outcome = 'completed' | 'no-show';

const MAX_ATTEMPTS = 8;

/**
 * The provider or a manager records how the visit went (API.md "Outcomes"): `completed` from booked
 * after the start; `no-show` from booked or completed, from the start until 7 days after the end.
 * The consumer may read the appointment but not judge it: 403.
 */
export async function recordOutcome(
  deps: OutcomeDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  outcome: Outcome,
  options: { ifMatch?: string | null } = {},
): Promise<Appointment> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { appointment, role } = await authorizeAppointment(deps, appointmentId, credentials);
    if (role === 'consumer') throw new AppError('forbidden', 'Only the provider or a manager can record the outcome of an appointment.');
    const current = appointment.value;
    checkIfMatch(current, options.ifMatch);
    const now = deps.clock.now();
    const refusal = outcome === 'completed' ? completeRefusal(current, now) : noShowRefusal(current, now);
    refuse(refusal);
    const changed: Appointment = {
      ...current,
      status: outcome,
      version: current.version + 1,
      updatedAt: now,
      // Nothing is left to remind anyone of once the visit has begun.
      reminders: skipPendingReminders(current.reminders),
    };
    try {
      await deps.appointments.commit({
        businessId: current.businessId,
        providerId: current.providerId,
        // The provider's busy time stays as it was: the visit took place (or its time was held anyway).
        days: [],
        appointment: { value: changed, etag: appointment.etag, previousStart: current.start },
        outbox: effectsOf({ kind: outcome, appointment: changed, previous: current }, now),
      });
    } catch (error) {
      if (error instanceof WriteConflictError) continue;
      throw error;
    }
    deps.kickOutbox(current);
    return changed;
  }
  throw new AppError('conflict', 'The appointment is being changed by someone else; retry.', { retryAfterSeconds: 1 });
}
