import { occupiedInterval, planConsumerReminders, rescheduleRefusal, type Appointment } from '../../domain/appointments/appointment';
import { AppError } from '../errors';
import type { AppointmentCredentials } from './appointment-access';
import type { BookingDeps } from './book-appointment';
import { changeAppointment, refuse, requireProvider } from './change-appointment';
import { effectsOf } from './effects';
import { moveToProvider } from './move-to-provider';
import { refuseClosedTime } from '../configuration/configure-closures';
import { dayRowChanges, isOffered, readProviderTime } from './provider-time';

/** Moves the appointment to another start (and provider); with the same provider the old time is freed in the same step. */
export function rescheduleAppointment(
  deps: BookingDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  options: { start: number; providerId?: string; ifMatch?: string | null },
): Promise<Appointment> {
  return changeAppointment(deps, appointmentId, credentials, options.ifMatch, async ({ appointment, role, now }) => {
    const current = appointment.value;
    const service = await deps.businesses.getService(current.businessId, current.serviceId);
    if (!service) throw new Error(`service ${current.serviceId} of appointment ${current.id} is missing`);
    refuse(rescheduleRefusal(current, service.value, now, role !== 'consumer'));
    const moved: Appointment = {
      ...current,
      providerId: options.providerId ?? current.providerId,
      start: options.start,
      end: options.start + (current.end - current.start),
      version: current.version + 1,
      updatedAt: now,
      // The plan restarts from the new time (docs/architecture.md "Appointment lifecycle": each execution plans from the appointment it reads).
      reminders: planConsumerReminders(options.start, service.value.reminders, current.consumer, now),
    };
    if (moved.providerId !== current.providerId) {
      const outcome = await moveToProvider(deps, appointment, moved, service.value, now);
      return outcome === 'conflict' ? { retry: true } : { done: moved };
    }
    const time = await readProviderTime(deps.appointments, await requireProvider(deps, current), [current, occupiedInterval(moved)]);
    if (!isOffered(time, service.value, options.start, now, current.id)) {
      throw new AppError('slot-unavailable', 'This time is not available.');
    }
    // After the day rows were read: a closure saved since touches them, so this commit would fail and retry.
    await refuseClosedTime(deps.businesses, current.businessId, moved);
    return {
      result: moved,
      commit: {
        businessId: current.businessId,
        providerId: current.providerId,
        days: dayRowChanges(time, { remove: current, add: moved }),
        appointment: { value: moved, etag: appointment.etag, previousStart: current.start },
        outbox: effectsOf({ kind: 'rescheduled', appointment: moved, previous: current }, now),
      },
    };
  });
}
