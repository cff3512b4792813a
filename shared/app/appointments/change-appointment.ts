import { cancelRefusal, planConsumerReminders, rescheduleRefusal, type Appointment, type TransitionError } from '../../domain/appointments/appointment';
import { AppError } from '../errors';
import { WriteConflictError } from '../ports/versioned';
import { authorizeAppointment, checkIfMatch, type AppointmentCredentials } from './appointment-access';
import type { BookingDeps } from './book-appointment';
import { effectsOf } from './effects';
import { dayRowChanges, isOffered, readProviderTime } from './provider-time';

const MAX_ATTEMPTS = 8;

const refusalMessages: Record<TransitionError, string> = {
  'invalid-state': 'The appointment is not in a state that allows this.',
  'too-late': 'It is too late to change this appointment yourself; contact the business.',
  'too-early': 'The appointment has not started yet.',
};

function refuse(reason: TransitionError | null): void {
  if (reason) throw new AppError(reason, refusalMessages[reason]);
}

/** Cancels and frees the provider's time; cancelling a cancelled appointment answers it unchanged. */
export async function cancelAppointment(
  deps: BookingDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  options: { reason?: string; ifMatch?: string | null },
): Promise<Appointment> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { appointment, role } = await authorizeAppointment(deps, appointmentId, credentials);
    const current = appointment.value;
    checkIfMatch(current, options.ifMatch);
    if (current.status === 'cancelled') return current;
    const service = await deps.businesses.getService(current.businessId, current.serviceId);
    const now = deps.clock.now();
    refuse(cancelRefusal(current, service?.value ?? { cancellationCutoffMinutes: 0, rescheduleCutoffMinutes: 0 }, now, role !== 'consumer'));
    const provider = await deps.businesses.getProvider(current.businessId, current.providerId);
    if (!provider) throw new Error(`provider ${current.providerId} of appointment ${current.id} is missing`);
    const time = await readProviderTime(deps.appointments, provider.value, [current]);
    const cancelled: Appointment = {
      ...current,
      status: 'cancelled',
      ...(options.reason !== undefined ? { cancelReason: options.reason } : {}),
      version: current.version + 1,
      updatedAt: now,
      reminders: current.reminders.map((r) => (r.status === 'pending' ? { ...r, status: 'skipped' as const, deliveries: r.deliveries.map((d) => ({ ...d, status: 'skipped' as const })) } : r)),
    };
    try {
      await deps.appointments.commit({
        businessId: current.businessId,
        providerId: current.providerId,
        days: dayRowChanges(time, { remove: current }),
        appointment: { value: cancelled, etag: appointment.etag, previousStart: current.start },
        outbox: effectsOf({ kind: 'cancelled', appointment: cancelled, previous: current }, now),
      });
    } catch (error) {
      if (error instanceof WriteConflictError) continue;
      throw error;
    }
    deps.kickOutbox(current);
    return cancelled;
  }
  throw new AppError('conflict', 'The appointment is being changed by someone else; retry.', { retryAfterSeconds: 1 });
}

/** Moves the appointment to another start with the same provider; the old time is freed in the same step. */
export async function rescheduleAppointment(
  deps: BookingDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  options: { start: number; providerId?: string; ifMatch?: string | null },
): Promise<Appointment> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { appointment, role } = await authorizeAppointment(deps, appointmentId, credentials);
    const current = appointment.value;
    checkIfMatch(current, options.ifMatch);
    const service = await deps.businesses.getService(current.businessId, current.serviceId);
    if (!service) throw new Error(`service ${current.serviceId} of appointment ${current.id} is missing`);
    const now = deps.clock.now();
    refuse(rescheduleRefusal(current, service.value, now, role !== 'consumer'));
    if (options.providerId !== undefined && options.providerId !== current.providerId) {
      throw AppError.validation([{ path: 'providerId', message: 'moving an appointment to another provider is not supported yet; cancel and book again' }]);
    }
    const provider = await deps.businesses.getProvider(current.businessId, current.providerId);
    if (!provider) throw new Error(`provider ${current.providerId} of appointment ${current.id} is missing`);
    const duration = current.end - current.start;
    const moved: Appointment = {
      ...current,
      start: options.start,
      end: options.start + duration,
      version: current.version + 1,
      updatedAt: now,
      // The plan restarts from the new time (ARCHITECTURE.md: reschedule restarts the plan).
      reminders: planConsumerReminders(options.start, service.value.reminders, current.consumer, now),
    };
    const time = await readProviderTime(deps.appointments, provider.value, [current, { start: options.start - current.bufferBeforeMinutes * 60_000, end: moved.end + current.bufferAfterMinutes * 60_000 }]);
    if (!isOffered(time, service.value, options.start, now, current.id)) {
      throw new AppError('slot-unavailable', 'This time is not available.');
    }
    try {
      await deps.appointments.commit({
        businessId: current.businessId,
        providerId: current.providerId,
        days: dayRowChanges(time, { remove: current, add: moved }),
        appointment: { value: moved, etag: appointment.etag, previousStart: current.start },
        outbox: effectsOf({ kind: 'rescheduled', appointment: moved, previous: current }, now),
      });
    } catch (error) {
      if (error instanceof WriteConflictError) continue;
      throw error;
    }
    deps.kickOutbox(current);
    return moved;
  }
  throw new AppError('conflict', 'The appointment is being changed by someone else; retry.', { retryAfterSeconds: 1 });
}
