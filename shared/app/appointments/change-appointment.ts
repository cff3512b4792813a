import { cancelRefusal, occupiedInterval, planConsumerReminders, rescheduleRefusal, skipPendingReminders, type Appointment, type TransitionError } from '../../domain/appointments/appointment';
import type { OutboxMessage, ProviderCommit } from '../ports/appointment-store';
import type { ServiceRecord } from '../ports/business-repository';
import type { Versioned } from '../ports/versioned';
import { AppError, appointmentBusy } from '../errors';
import { WriteConflictError } from '../ports/versioned';
import { retryOnConflict } from '../retry-on-conflict';
import { authorizeAppointment, checkIfMatch, type AppointmentCredentials, type AppointmentRole } from './appointment-access';
import type { BookingDeps } from './book-appointment';
import { effectsOf, outboxMessage } from './effects';
import { dayRowChanges, isOffered, readProviderTime } from './provider-time';

const MAX_ATTEMPTS = 8;

const refusalMessages: Record<TransitionError, string> = {
  'invalid-state': 'The appointment is not in a state that allows this.',
  'too-late': 'It is too late to change this appointment yourself; contact the business.',
  'too-early': 'The appointment has not started yet.',
};

/** Turns a lifecycle rule's refusal into the API's 409 / 412 problem. */
export function refuse(reason: TransitionError | null): void {
  if (reason) throw new AppError(reason, refusalMessages[reason]);
}

/** What one attempt at changing an appointment decided. */
export type ChangeStep =
  /** Nothing to write (e.g. cancelling a cancelled appointment): answer this. */
  | { answer: Appointment }
  /** Write this in one transaction, then answer `result`. */
  | { commit: ProviderCommit; result: Appointment }
  /** Written elsewhere already (a move to another provider): answer this. */
  | { done: Appointment }
  /** Lost a race: start again from a fresh read. */
  | { retry: true };

/**
 * The frame every change of an existing appointment shares: authorize, honour If-Match, let `decide`
 * compute the change from a fresh read, commit it (ETag-guarded), retry from the read when another
 * writer got in between, and kick the outbox.
 */
export async function changeAppointment(
  deps: Pick<BookingDeps, 'businesses' | 'appointments' | 'clock' | 'kickOutbox'>,
  appointmentId: string,
  credentials: AppointmentCredentials,
  ifMatch: string | null | undefined,
  decide: (found: { appointment: Versioned<Appointment>; role: AppointmentRole; now: number }) => Promise<ChangeStep>,
): Promise<Appointment> {
  return retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const { appointment, role } = await authorizeAppointment(deps, appointmentId, credentials);
      checkIfMatch(appointment.value, ifMatch);
      const step = await decide({ appointment, role, now: deps.clock.now() });
      if ('answer' in step) return step.answer;
      if ('done' in step) return step.done;
      if ('retry' in step) throw new WriteConflictError(`appointment ${appointmentId}`);
      await deps.appointments.commit(step.commit);
      deps.kickOutbox(step.commit);
      return step.result;
    },
    { whenExhausted: appointmentBusy },
  );
}

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
    refuse(cancelRefusal(current, service?.value ?? { cancellationCutoffMinutes: 0, rescheduleCutoffMinutes: 0 }, now, role !== 'consumer'));
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

async function requireProvider(deps: Pick<BookingDeps, 'businesses'>, appointment: Appointment) {
  const provider = await deps.businesses.getProvider(appointment.businessId, appointment.providerId);
  if (!provider) throw new Error(`provider ${appointment.providerId} of appointment ${appointment.id} is missing`);
  return provider.value;
}

/**
 * Reschedule to another provider (a saga over two partitions). 1: in the new provider's partition, take
 * the new time and write the appointment (over the tombstone of an earlier stay, if any) with an
 * `appointment.release` outbox row, in one transaction. 2: release the old copy (pointer, then old time),
 * right away and again by the outbox until it holds; the move's effects (events, lifecycle, room, chat,
 * provider handover) are written by that release, so a move that is undone announces nothing.
 * The release compensates (gives the new time back) if the old copy changed in between.
 */
async function moveToProvider(
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
  const release = outboxMessage(moved, 'appointment.release', now, { fromProviderId: current.value.providerId, previousVersion: current.value.version });
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
    const effects = moveEffects(old.value, { ...copy.value, version: message.version }, message.createdAt).map((effect) => ({ ...effect, providerId: fromProviderId }));
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
  return [...effectsOf({ kind: 'rescheduled', appointment: moved, previous }, now), outboxMessage(moved, 'provider.handover', now, { fromProviderId: previous.providerId })];
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
  await deps.appointments.retireMovedAppointment({ ...location, days: dayRowChanges(time, { remove: appointment.value }), appointment, movedToProviderId, outbox });
}

/** Outbox handler of `appointment.release`. */
export function releaseHandlers(deps: Pick<BookingDeps, 'appointments' | 'businesses'>) {
  return {
    'appointment.release': async (message: OutboxMessage) => {
      await releaseMovedAppointment(deps, message);
    },
  };
}
