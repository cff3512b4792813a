import type { Appointment, TransitionError } from '../../domain/appointments/appointment';
import type { ProviderCommit } from '../ports/appointment-store';
import type { Versioned } from '../ports/versioned';
import { AppError, appointmentBusy } from '../errors';
import { WriteConflictError } from '../ports/versioned';
import { retryOnConflict } from '../retry-on-conflict';
import { authorizeAppointment, checkIfMatch, type AppointmentCredentials, type AppointmentRole } from './appointment-access';
import type { BookingDeps } from './book-appointment';

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

/** The provider record of the appointment's current provider (it must exist). */
export async function requireProvider(deps: Pick<BookingDeps, 'businesses'>, appointment: Appointment) {
  const provider = await deps.businesses.getProvider(appointment.businessId, appointment.providerId);
  if (!provider) throw new Error(`provider ${appointment.providerId} of appointment ${appointment.id} is missing`);
  return provider.value;
}
