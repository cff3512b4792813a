import { DEFAULT_JOIN_WINDOW_MINUTES } from '../../domain/appointments/appointment';
import { planMoments, type Moment } from '../../domain/lifecycle/plan';
import { ensureAppointmentRoom } from '../rooms/appointment-room';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';
import { effectsOf } from '../appointments/effects';
import { appointmentEvent } from '../events/appointment-events';
import type { LifecycleDeps } from './lifecycle-deps';

/** Where the appointment stands when a plan is made: booked (with its moments), cancelled, or over. */
export type PlanResult =
  { status: 'booked'; version: number; moments: Moment[] } | { status: 'cancelled'; version: number } | { status: 'over' };

/** Reads the appointment as it is now and plans its remaining moments. */
export async function planLifecycle(deps: LifecycleDeps, appointmentId: string): Promise<PlanResult> {
  const found = await deps.appointments.find(appointmentId);
  if (!found) return { status: 'over' };
  const appointment = found.value;
  if (appointment.status === 'cancelled') return { status: 'cancelled', version: appointment.version };
  if (appointment.status !== 'booked') return { status: 'over' };
  const service = await deps.businesses.getService(appointment.businessId, appointment.serviceId);
  const moments = planMoments(appointment, service?.value.joinWindowMinutes ?? DEFAULT_JOIN_WINDOW_MINUTES, deps.clock.now());
  return { status: 'booked', version: appointment.version, moments };
}

/**
 * Room 30 days ahead and again when the join window opens (idempotent); nothing for a moved or cancelled
 * appointment. The join window's event is published first (same id on a retry): it opens even without a room.
 */
export async function prepareRoom(
  deps: LifecycleDeps,
  input: { appointmentId: string; version: number; moment?: 'room' | 'join-window' },
): Promise<void> {
  const found = await deps.appointments.find(input.appointmentId);
  if (!found || found.value.version !== input.version || found.value.status !== 'booked') return;
  if (input.moment === 'join-window')
    await deps.events.publish(appointmentEvent('appointment.join-window.opened', found.value, deps.clock.now()));
  await ensureAppointmentRoom(deps.rooms, input.appointmentId);
}

/** docs/api.md: at the end plus 60 minutes a still-booked appointment becomes completed (a no-show stays). */
export async function completeIfStillBooked(deps: LifecycleDeps, input: { appointmentId: string; version: number }): Promise<boolean> {
  return retryOnConflict(
    5,
    async () => {
      const found = await deps.appointments.find(input.appointmentId);
      if (!found || found.value.version !== input.version || found.value.status !== 'booked') return false;
      const now = deps.clock.now();
      const completed = { ...found.value, status: 'completed' as const, version: found.value.version + 1, updatedAt: now };
      await deps.appointments.commit(
        appointmentUpdate(found, completed, effectsOf({ kind: 'completed', appointment: completed, previous: found.value }, now)),
      );
      deps.log.info('lifecycle.completed', { appointmentId: input.appointmentId, version: completed.version });
      return true;
    },
    {
      whenExhausted: () => {
        throw new Error(`appointment ${input.appointmentId} kept changing while it was completed`);
      },
    },
  );
}
