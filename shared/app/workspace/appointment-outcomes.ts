import { completeRefusal, noShowRefusal, skipPendingReminders, type Appointment } from '../../domain/appointments/appointment';
import type { AppointmentCredentials } from '../appointments/appointment-access';
import type { BookingDeps } from '../appointments/book-appointment';
import { changeAppointment, refuse } from '../appointments/change-appointment';
import { effectsOf } from '../appointments/effects';
import { appointmentUpdate } from '../appointments/appointment-update';
import { AppError } from '../errors';

export type OutcomeDeps = Pick<BookingDeps, 'businesses' | 'appointments' | 'clock' | 'kickOutbox'>;
export type Outcome = 'completed' | 'no-show';

/**
 * The provider or a manager records how the visit went (docs/api.md "Outcomes"): `completed` from booked
 * after the start; `no-show` from booked or completed, from the start until 7 days after the end.
 * The consumer may read the appointment but not judge it: 403.
 */
export function recordOutcome(
  deps: OutcomeDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  outcome: Outcome,
  options: { ifMatch?: string | null } = {},
): Promise<Appointment> {
  return changeAppointment(deps, appointmentId, credentials, options.ifMatch, async ({ appointment, role, now }) => {
    if (role === 'consumer') throw new AppError('forbidden', 'Only the provider or a manager can record the outcome of an appointment.');
    const current = appointment.value;
    refuse(outcome === 'completed' ? completeRefusal(current, now) : noShowRefusal(current, now));
    const changed: Appointment = {
      ...current,
      status: outcome,
      version: current.version + 1,
      updatedAt: now,
      // Nothing is left to remind anyone of once the visit has begun.
      reminders: skipPendingReminders(current.reminders),
    };
    return {
      result: changed,
      // The provider's busy time stays as it was: the visit took place (or its time was held anyway).
      commit: appointmentUpdate(appointment, changed, effectsOf({ kind: outcome, appointment: changed, previous: current }, now)),
    };
  });
}
