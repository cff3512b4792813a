import { DEFAULT_JOIN_WINDOW_MINUTES, isTeamsMeeting, joinWindow, type Appointment } from '../../domain/appointments/appointment';
import type { AppointmentStore, OutboxMessage } from '../ports/appointment-store';
import type { BusinessRepository } from '../ports/business-repository';
import type { Clock } from '../ports/clock';
import type { RoomsPort } from '../ports/acs';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';

export interface RoomDeps {
  appointments: AppointmentStore;
  businesses: BusinessRepository;
  rooms: RoomsPort;
  clock: Clock;
}

/** After the end, the room stays open a while for visits that run late. */
export const ROOM_GRACE_MS = 60 * 60_000;
const MAX_ATTEMPTS = 5;

/** The validity an appointment's room needs: from the join window's opening (not in the past) to the end plus grace. */
export function roomValidity(appointment: Pick<Appointment, 'start' | 'end'>, joinWindowMinutes: number, now: number) {
  const { opensAt } = joinWindow(appointment, joinWindowMinutes);
  return { validFrom: Math.max(opensAt, now), validUntil: appointment.end + ROOM_GRACE_MS };
}

/**
 * Makes sure a booked appointment has a room valid for its current time (idempotent: the outbox may
 * deliver twice, and join calls it too). Returns the room id, or undefined when the appointment is
 * no longer booked (or is a Teams meeting).
 */
export async function ensureAppointmentRoom(deps: RoomDeps, appointmentId: string): Promise<string | undefined> {
  return retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      // A Teams meeting has no room (its meeting is in the provider's calendar).
      if (!found || found.value.status !== 'booked' || isTeamsMeeting(found.value)) return undefined;
      const appointment = found.value;
      const service = await deps.businesses.getService(appointment.businessId, appointment.serviceId);
      const validity = roomValidity(appointment, service?.value.joinWindowMinutes ?? DEFAULT_JOIN_WINDOW_MINUTES, deps.clock.now());

      if (appointment.roomId) {
        const room = await deps.rooms.getRoom(appointment.roomId);
        if (room) {
          // The end moves with a reschedule; the start of validity may lie in the past and is left alone then.
          if (room.validUntil !== validity.validUntil) await deps.rooms.updateRoom(room.id, validity);
          return room.id;
        }
      }
      // ACS gives no way to create a room idempotently: if two deliveries race, the loser deletes its room.
      const created = await deps.rooms.createRoom(validity);
      try {
        await deps.appointments.commit(appointmentUpdate(found, { ...appointment, roomId: created.id }));
        return created.id;
      } catch (error) {
        await deps.rooms.deleteRoom(created.id);
        throw error;
      }
    },
    {
      whenExhausted: () => {
        throw new Error(`appointment ${appointmentId} kept changing while its room was created`);
      },
    },
  );
}

export function roomHandlers(deps: RoomDeps) {
  return {
    'room.ensure': async (message: OutboxMessage) => {
      await ensureAppointmentRoom(deps, message.appointmentId);
    },
    'room.delete': async (message: OutboxMessage) => {
      const roomId = message.payload?.roomId;
      if (typeof roomId === 'string') await deps.rooms.deleteRoom(roomId);
    },
  };
}
