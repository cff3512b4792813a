import { withdrawSmsConsent, type Appointment } from '../../domain/appointments/appointment';
import type { AppointmentCredentials } from '../appointments/appointment-access';
import { appointmentUpdate } from '../appointments/appointment-update';
import type { BookingDeps } from '../appointments/book-appointment';
import { changeAppointment } from '../appointments/change-appointment';
import { AppError } from '../errors';

/**
 * The consumer (or a manager on their behalf) withdraws SMS consent: from now on notices and reminders
 * go by email only, and pending reminders' SMS deliveries say why at once. Not a new version of the
 * appointment (nothing the consumer was told changes, so no notice and no calendar update); idempotent.
 */
export function withdrawConsent(deps: BookingDeps, appointmentId: string, credentials: AppointmentCredentials): Promise<Appointment> {
  return changeAppointment(deps, appointmentId, credentials, undefined, async ({ appointment, role, now }) => {
    if (role === 'provider') throw new AppError('forbidden', 'Only the consumer or a manager can change the SMS consent.');
    const current = appointment.value;
    const withdrawn = withdrawSmsConsent(current);
    if (JSON.stringify(withdrawn) === JSON.stringify(current)) return { answer: current };
    const changed = { ...withdrawn, updatedAt: now };
    return { commit: appointmentUpdate(appointment, changed), result: changed };
  });
}
