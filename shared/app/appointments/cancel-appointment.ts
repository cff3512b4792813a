import { cancelRefusal, skipPendingReminders, type Appointment } from '../../domain/appointments/appointment';
import type { AppointmentCredentials } from './appointment-access';
import type { BookingDeps } from './book-appointment';
import { changeAppointment, refuse, requireProvider } from './change-appointment';
import { effectsOf } from './effects';
import { dayRowChanges, readProviderTime } from './provider-time';

/** Cancels and frees the provider's time; cancelling a cancelled appointment answers it unchanged. */
export function cancelAppointment(
  deps: BookingDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  options: { reason?: string; ifMatch?: string | null },
): Promise<Appointment> {
  return changeAppointment(deps, appointmentId, credentials, options.ifMatch, async ({ appointment, role, now }) => {
    const current = appointment.value;
    if (current.status === 'cancelled') return { answer: current };
    const service = await deps.businesses.getService(current.businessId, current.serviceId);
    refuse(
      cancelRefusal(current, service?.value ?? { cancellationCutoffMinutes: 0, rescheduleCutoffMinutes: 0 }, now, role !== 'consumer'),
    );
    const time = await readProviderTime(deps.appointments, await requireProvider(deps, current), [current]);
    const cancelled: Appointment = {
      ...current,
      status: 'cancelled',
      ...(options.reason !== undefined ? { cancelReason: options.reason } : {}),
      version: current.version + 1,
      updatedAt: now,
      reminders: skipPendingReminders(current.reminders),
    };
    return {
      result: cancelled,
      commit: {
        businessId: current.businessId,
        providerId: current.providerId,
        days: dayRowChanges(time, { remove: current }),
        appointment: { value: cancelled, etag: appointment.etag, previousStart: current.start },
        outbox: effectsOf({ kind: 'cancelled', appointment: cancelled, previous: current }, now),
      },
    };
  });
}
