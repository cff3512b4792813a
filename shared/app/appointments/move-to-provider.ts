import { occupiedInterval, type Appointment } from '../../domain/appointments/appointment';
import type { OutboxMessage } from '../ports/appointment-store';
import type { ServiceRecord } from '../ports/business-repository';
import type { Versioned } from '../ports/versioned';
import { AppError } from '../errors';
import { WriteConflictError } from '../ports/versioned';
import type { BookingDeps } from './book-appointment';
import { effectsOf, outboxMessage } from './effects';
import { dayRowChanges, isOffered, readProviderTime } from './provider-time';
import { refuseClosedTime } from '../configuration/configure-closures';

/**
 * Reschedule to another provider (a saga over two partitions). 1: in the new provider's partition, take
 * the new time and write the appointment (over the tombstone of an earlier stay, if any) with an
 * `appointment.release` outbox row, in one transaction. 2: release the old copy (pointer, then old time),
 * right away and again by the outbox until it holds; the move's effects (events, lifecycle, room, chat,
 * provider handover) are written by that release, so a move that is undone announces nothing.
 * The release compensates (gives the new time back) if the old copy changed in between.
 */
export async function moveToProvider(
  deps: BookingDeps,
  current: Versioned<Appointment>,
  moved: Appointment,
  service: ServiceRecord,
  now: number,
): Promise<'moved' | 'conflict'> {
  const target = await deps.businesses.getProvider(moved.businessId, moved.providerId);
  if (!target || !target.value.active || !service.providerIds.includes(moved.providerId)) {
    throw AppError.validation([{ path: 'providerId', message: 'is not an active provider of this service' }]);
  }
  const time = await readProviderTime(deps.appointments, target.value, [occupiedInterval(moved)]);
  if (!isOffered(time, service, moved.start, now)) throw new AppError('slot-unavailable', 'This time is not available.');
  await refuseClosedTime(deps.businesses, moved.businessId, moved);
  const release = outboxMessage(moved, 'appointment.release', now, {
    fromProviderId: current.value.providerId,
    previousVersion: current.value.version,
  });
  const from = { businessId: moved.businessId, providerId: current.value.providerId };
  const earlierStay = await deps.appointments.retiredAt(moved, moved.id);
  try {
    await deps.appointments.commit({
      businessId: moved.businessId,
      providerId: moved.providerId,
      days: dayRowChanges(time, { add: moved }),
      appointment: earlierStay ? { value: moved, etag: earlierStay.etag } : { value: moved },
      outbox: [release],
    });
  } catch (error) {
    if (error instanceof WriteConflictError) return 'conflict';
    throw error;
  }
  const released = await releaseMovedAppointment(deps, release).catch(() => 'retry-later' as const);
  deps.kickOutbox(moved);
  deps.kickOutbox(from);
  if (released === 'reverted') {
    throw new AppError('conflict', 'The appointment changed while it was being moved; nothing was moved.');
  }
  return 'moved';
}

/**
 * Idempotent second half of a move: points the id at the new partition and retires the old copy with its
 * time, writing the move's effects in the same transaction (in the old partition). If the old copy changed
 * after the move began (e.g. a cancel that still reached it), the move is undone instead: the new copy is
 * retired and the pointer goes back, and nothing is announced.
 */
export async function releaseMovedAppointment(
  deps: Pick<BookingDeps, 'appointments' | 'businesses'>,
  message: OutboxMessage,
): Promise<'released' | 'reverted'> {
  const fromProviderId = String(message.payload?.fromProviderId);
  const previousVersion = Number(message.payload?.previousVersion);
  const from = { businessId: message.businessId, providerId: fromProviderId };
  const to = { businessId: message.businessId, providerId: message.providerId };
  const old = await deps.appointments.findAt(from, message.appointmentId);
  if (!old) {
    // Retired already (with the effects), or the move was undone and a later one moved on.
    await deps.appointments.savePointer(message.appointmentId, to);
    return 'released';
  }
  const copy = await deps.appointments.findAt(to, message.appointmentId);
  if (old.value.version === previousVersion && copy) {
    // Read before the pointer moves: until then nothing but this release writes the new copy.
    const effects = moveEffects(old.value, { ...copy.value, version: message.version }, message.createdAt).map((effect) => ({
      ...effect,
      providerId: fromProviderId,
    }));
    await deps.appointments.savePointer(message.appointmentId, to);
    await retire(deps, old, from, message.providerId, effects);
    return 'released';
  }
  if (copy) await retire(deps, copy, to, fromProviderId, []);
  await deps.appointments.savePointer(message.appointmentId, from);
  return 'reverted';
}

/** What a completed move announces and does next: the rescheduled effects of its new version, and the handover of room and chat. */
function moveEffects(previous: Appointment, moved: Appointment, now: number): OutboxMessage[] {
  return [
    ...effectsOf({ kind: 'rescheduled', appointment: moved, previous }, now),
    outboxMessage(moved, 'provider.handover', now, { fromProviderId: previous.providerId }),
  ];
}

async function retire(
  deps: Pick<BookingDeps, 'appointments' | 'businesses'>,
  appointment: Versioned<Appointment>,
  location: { businessId: string; providerId: string },
  movedToProviderId: string,
  outbox: OutboxMessage[],
): Promise<void> {
  const provider = await deps.businesses.getProvider(location.businessId, location.providerId);
  if (!provider) throw new Error(`provider ${location.providerId} is missing`);
  const time = await readProviderTime(deps.appointments, provider.value, [occupiedInterval(appointment.value)]);
  await deps.appointments.retireMovedAppointment({
    ...location,
    days: dayRowChanges(time, { remove: appointment.value }),
    appointment,
    movedToProviderId,
    outbox,
  });
}

/** Outbox handler of `appointment.release`. */
export function releaseHandlers(deps: Pick<BookingDeps, 'appointments' | 'businesses'>) {
  return {
    'appointment.release': async (message: OutboxMessage) => {
      await releaseMovedAppointment(deps, message);
    },
  };
}
