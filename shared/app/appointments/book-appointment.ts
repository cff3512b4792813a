import { createHash, randomBytes } from 'node:crypto';
import { isErasedBookingAnswer } from '../privacy/erased-booking';
import { occupiedInterval, planConsumerReminders, type Appointment, type Consumer } from '../../domain/appointments/appointment';
import { AppError } from '../errors';
import { runIdempotent } from '../idempotency';
import { newManageToken } from '../manage-token';
import type { AppointmentStore } from '../ports/appointment-store';
import { effectsOf } from './effects';
import type { BusinessRecord, BusinessRepository, ProviderRecord, ServiceRecord } from '../ports/business-repository';
import type { Clock } from '../ports/clock';
import type { IdempotencyStore } from '../ports/idempotency-store';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from './appointment-update';
import { refuseClosedTime } from '../configuration/configure-closures';
import { bookingsOnLocalDay, dayRowChanges, isOffered, readProviderTime, type ProviderTime } from './provider-time';

export interface BookingDeps {
  businesses: BusinessRepository;
  appointments: AppointmentStore;
  idempotency: IdempotencyStore;
  clock: Clock;
  /** Asks the outbox dispatcher to run soon for a provider partition (best effort; a timer sweeps too). */
  kickOutbox: (location: { businessId: string; providerId: string }) => void;
}

export interface BookingRequest {
  serviceId: string;
  start: number;
  providerId?: string;
  consumer: Consumer;
  notes?: string;
}

const MAX_ATTEMPTS = 8;

/** The answer body of a booking, built by the HTTP layer (it is also what an idempotent replay returns). */
export type PresentBooking = (appointment: Appointment, manageToken: string) => unknown;

export async function bookAppointment(
  deps: BookingDeps,
  businessId: string,
  request: BookingRequest,
  present: PresentBooking,
  idempotencyKey?: string,
): Promise<{ status: number; body: unknown }> {
  const business = await deps.businesses.getBusiness(businessId);
  if (!business) throw new AppError('not-found', 'There is no such business.');
  const book = async (operationId?: string) => {
    const { appointment, manageToken } = await bookOnce(deps, business.value, request, operationId);
    return { status: 201, body: present(appointment, manageToken) };
  };
  if (idempotencyKey === undefined) return book();
  const answer = await runIdempotent(
    { store: deps.idempotency, clock: deps.clock },
    { scope: businessId, key: idempotencyKey, request: { ...request, consumer: { ...request.consumer } } },
    book,
  );
  // docs/privacy.md: the booking this key made was erased; a retry neither books again nor shows it.
  if (isErasedBookingAnswer(answer))
    throw new AppError('conflict', 'The booking made with this Idempotency-Key was erased; it is not made again.');
  return answer;
}

async function bookOnce(
  deps: BookingDeps,
  business: BusinessRecord,
  request: BookingRequest,
  operationId?: string,
): Promise<{ appointment: Appointment; manageToken: string }> {
  const businessId = business.id;
  const service = await deps.businesses.getService(businessId, request.serviceId);
  if (!service || !service.value.active) {
    throw AppError.validation([{ path: 'serviceId', message: 'is not an active service of this business' }]);
  }
  const candidates = await candidateProviders(deps, service.value, request.providerId);
  const appointmentId = operationId ? operationAppointmentId(businessId, operationId) : randomBytes(16).toString('hex');

  // A retry whose first attempt committed but never recorded its answer (the process died): the
  // appointment exists; hand out a fresh manage token instead of booking again. Only the claim of an
  // equal request within the replay period carries this operation id, so nobody else gets here.
  if (operationId) {
    const earlier = await deps.appointments.find(appointmentId);
    if (earlier) return reissueToken(deps, earlier.value, earlier.etag);
  }

  return retryOnConflict(
    MAX_ATTEMPTS,
    async () => {
      const now = deps.clock.now();
      const times = await Promise.all(
        candidates.map(async (p) => ({
          provider: p,
          time: await readProviderTime(deps.appointments, p, [paddedInterval(service.value, request.start)]),
        })),
      );
      const chosen = chooseProvider(times, service.value, request.start, now);
      if (!chosen) throw new AppError('slot-unavailable', 'This time is not available.');
      // Closures are read after the day rows (docs/decisions.md): a closure saved since touches those rows, so the commit below fails and the retry sees it.
      await refuseClosedTime(deps.businesses, businessId, {
        start: request.start,
        end: request.start + service.value.durationMinutes * 60_000,
      });
      const manage = newManageToken();
      const appointment = newAppointment(appointmentId, business, service.value, chosen.provider, request, manage.hash, now);
      await deps.appointments.savePointer(appointment.id, { businessId, providerId: chosen.provider.id });
      await deps.appointments.commit({
        businessId,
        providerId: chosen.provider.id,
        days: dayRowChanges(chosen.time, { add: appointment }),
        appointment: { value: appointment },
        outbox: effectsOf({ kind: 'booked', appointment }, now),
      });
      deps.kickOutbox({ businessId, providerId: chosen.provider.id });
      return { appointment, manageToken: manage.token };
    },
    {
      pause: backoff,
      whenExhausted: () => {
        throw new AppError('conflict', 'The calendar is very busy right now; retry.', { retryAfterSeconds: 1 });
      },
    },
  );
}

async function candidateProviders(deps: BookingDeps, service: ServiceRecord, providerId: string | undefined): Promise<ProviderRecord[]> {
  if (providerId !== undefined && !service.providerIds.includes(providerId)) {
    throw AppError.validation([{ path: 'providerId', message: 'is not a provider of this service' }]);
  }
  const all = await deps.businesses.listProviders(service.businessId);
  const active = all.filter((p) => p.active && service.providerIds.includes(p.id) && (providerId === undefined || p.id === providerId));
  if (providerId !== undefined && active.length === 0) {
    throw AppError.validation([{ path: 'providerId', message: 'is not an active provider of this service' }]);
  }
  return active.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** docs/api.md: the free provider with the fewest bookings that (local) day; ties to the smallest id. */
function chooseProvider(
  times: Array<{ provider: ProviderRecord; time: ProviderTime }>,
  service: ServiceRecord,
  start: number,
  now: number,
): { provider: ProviderRecord; time: ProviderTime } | undefined {
  return times
    .filter(({ time }) => isOffered(time, service, start, now))
    .map((entry) => ({ ...entry, load: bookingsOnLocalDay(entry.time, start) }))
    .sort((a, b) => a.load - b.load || (a.provider.id < b.provider.id ? -1 : 1))[0];
}

/** The interval a booking of `service` at `start` would occupy, buffers included. */
function paddedInterval(service: ServiceRecord, start: number) {
  return occupiedInterval({
    start,
    end: start + service.durationMinutes * 60_000,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
  });
}

function newAppointment(
  id: string,
  business: BusinessRecord,
  service: ServiceRecord,
  provider: ProviderRecord,
  request: BookingRequest,
  manageTokenHash: string,
  now: number,
): Appointment {
  return {
    id,
    businessId: business.id,
    serviceId: service.id,
    providerId: provider.id,
    start: request.start,
    end: request.start + service.durationMinutes * 60_000,
    bufferBeforeMinutes: service.bufferBeforeMinutes,
    bufferAfterMinutes: service.bufferAfterMinutes,
    status: 'booked',
    consumer: request.consumer,
    ...(request.notes !== undefined ? { notes: request.notes } : {}),
    createdAt: now,
    updatedAt: now,
    version: 1,
    reminders: planConsumerReminders(request.start, service.reminders, request.consumer, now),
    manageTokenHash,
    // Fixed at booking: a later change of the business's setting leaves booked visits as they were promised.
    ...(business.meetingMode === 'teams' ? { meetingMode: 'teams' as const } : {}),
    ...(business.outlookCalendarSync ? { staffCalendarSync: true } : {}),
  };
}

/**
 * With an Idempotency-Key the id comes from the key's operation (random, kept by the key's record), so
 * a retry can find what an earlier attempt did; the key alone never leads to an appointment.
 */
function operationAppointmentId(businessId: string, operationId: string): string {
  return createHash('sha256').update(`${businessId}\n${operationId}`).digest('hex').slice(0, 32);
}

async function reissueToken(deps: BookingDeps, appointment: Appointment, etag: string) {
  const manage = newManageToken();
  const updated = { ...appointment, manageTokenHash: manage.hash };
  await deps.appointments.commit(appointmentUpdate({ value: appointment, etag }, updated));
  return { appointment: updated, manageToken: manage.token };
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(10 * 2 ** attempt, 200) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
