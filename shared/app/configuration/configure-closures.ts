import { closedDaysProblem, closedInterval, overlapsClosed, type ClosedDays, type Interval } from '../../domain/availability/closures';
import { utcDatesTouched } from '../../domain/appointments/busy-days';
import type { Appointment } from '../../domain/appointments/appointment';
import { type Caller } from '../auth';
import { AppError } from '../errors';
import { runIdempotent } from '../idempotency';
import type { BusinessRecord, BusinessRepository, ClosureRecord } from '../ports/business-repository';
import { cancelAppointment } from '../appointments/cancel-appointment';
import type { BookingDeps } from '../appointments/book-appointment';
import { addDays } from '../time-window';
import { authorizeManager, putResource, type PutResult } from './put-resource';

/** What closures need: the business partition, the providers' calendars, and (to cancel) the booking machinery. */
export type ClosureDeps = BookingDeps;

export interface ClosureInput extends ClosedDays {
  reason?: string;
}

/** docs/api.md "Closures": a list window spans at most this many days. */
export const MAX_CLOSURE_LIST_DAYS = 731;
const DAY_MS = 86_400_000;
/** Appointments are shorter than a day: one that reaches into a closed day starts at most a day before it. */
const LONGEST_APPOINTMENT_MS = DAY_MS;
/** Bulk cancels run a few at a time: each is its own transaction in its provider's partition. */
const CANCEL_CONCURRENCY = 4;

/**
 * Creates or replaces a closure, then makes sure no booking in flight lands on its days, and answers
 * the booked appointments that fall on them. Order matters (docs/decisions.md): the closure is saved
 * first; then the day rows of every provider on the closed days are touched, so a booking that read them
 * before the closure existed fails its commit and, on its retry, reads the closure (booking reads
 * closures after day rows); a booking that committed before the touch is listed, because the list is
 * read after it.
 */
export async function putClosure(
  deps: ClosureDeps,
  caller: Caller,
  ids: { businessId: string; closureId: string },
  readInput: () => Promise<ClosureInput>,
): Promise<PutResult<ClosureRecord> & { booked: Appointment[] }> {
  const business = await authorizeManager(deps, caller, ids.businessId);
  const result = await putResource({
    load: () => deps.businesses.getClosure(ids.businessId, ids.closureId),
    authorize: () => undefined,
    readInput: async () => {
      const input = await readInput();
      const problem = closedDaysProblem(input);
      if (problem) throw AppError.validation([problem]);
      return input;
    },
    build: (input, existing) => {
      const now = deps.clock.now();
      return {
        businessId: ids.businessId,
        id: ids.closureId,
        from: input.from,
        to: input.to,
        ...(input.reason !== undefined ? { reason: input.reason } : {}),
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
    },
    save: (record, etag) => deps.businesses.saveClosure(record, etag),
  });
  await touchClosedDays(deps, business, result.record);
  return { ...result, booked: await bookedOnClosedDays(deps, business, result.record) };
}

/** Idempotent: removing a closure that is not there succeeds too. Its days offer slots again. */
export async function deleteClosure(deps: ClosureDeps, caller: Caller, ids: { businessId: string; closureId: string }): Promise<void> {
  await authorizeManager(deps, caller, ids.businessId);
  await deps.businesses.deleteClosure(ids.businessId, ids.closureId);
}

/** Closures that share a day with [from, to) (local dates; `to` exclusive), by first day. */
export async function listClosures(
  deps: ClosureDeps,
  caller: Caller,
  businessId: string,
  window: { from: string; to: string },
): Promise<ClosureRecord[]> {
  await authorizeManager(deps, caller, businessId);
  if (window.to <= window.from) throw AppError.validation([{ path: 'to', message: 'must be after from' }]);
  if (window.to > addDays(window.from, MAX_CLOSURE_LIST_DAYS))
    throw AppError.validation([{ path: 'to', message: `must be at most ${MAX_CLOSURE_LIST_DAYS} days after from` }]);
  return (await deps.businesses.listClosures(businessId))
    .filter((c) => c.from < window.to && c.to >= window.from)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.id < b.id ? -1 : 1));
}

export interface ClosureCancelResult {
  /** Appointments on the closed days that are cancelled now (by this request; a retry finds none left). */
  cancelled: Appointment[];
  /** Booked ones that could not be cancelled, with the problem code (e.g. `conflict`: retry). */
  refused: Array<{ appointment: Appointment; problem: string }>;
}

/**
 * Cancels the booked appointments on the closure's days through the usual cancel (each sends its
 * cancellation notice through the lifecycle). A retry cancels nothing twice: it finds only what is
 * still booked. With an Idempotency-Key a retry answers the first answer (docs/api.md).
 */
export async function cancelClosureAppointments(
  deps: ClosureDeps,
  caller: Caller,
  ids: { businessId: string; closureId: string },
  input: { reason: string },
  present: (result: ClosureCancelResult) => unknown,
  idempotencyKey?: string,
): Promise<{ status: number; body: unknown }> {
  const business = await authorizeManager(deps, caller, ids.businessId);
  const closure = await deps.businesses.getClosure(ids.businessId, ids.closureId);
  if (!closure) throw new AppError('not-found', 'There is no such closure.');
  const work = async () => {
    const booked = await bookedOnClosedDays(deps, business, closure.value);
    const result: ClosureCancelResult = { cancelled: [], refused: [] };
    await forEachConcurrently(booked, CANCEL_CONCURRENCY, async (appointment) => {
      try {
        result.cancelled.push(await cancelAppointment(deps, appointment.id, { caller }, { reason: input.reason }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        result.refused.push({ appointment, problem: error.code });
      }
    });
    result.cancelled.sort(byStart);
    result.refused.sort((a, b) => byStart(a.appointment, b.appointment));
    return { status: 200, body: present(result) };
  };
  if (idempotencyKey === undefined) return work();
  return runIdempotent(
    { store: deps.idempotency, clock: deps.clock },
    {
      scope: ids.businessId,
      key: idempotencyKey,
      request: { operation: 'closure.cancel-appointments', closureId: ids.closureId, ...input },
    },
    work,
    200,
  );
}

/** The business's closed days as instants (its zone), for slot search and the booking check. */
export async function closedIntervals(businesses: BusinessRepository, businessId: string): Promise<Interval[]> {
  const [business, closures] = await Promise.all([businesses.getBusiness(businessId), businesses.listClosures(businessId)]);
  if (!business) return [];
  return closures.map((c) => closedInterval(c, business.value.timeZone));
}

/**
 * The booking check's closure step: refuses an appointment that would reach into a closed day. Call it
 * after reading the provider's day rows (see putClosure), never before.
 */
export async function refuseClosedTime(businesses: BusinessRepository, businessId: string, interval: Interval): Promise<void> {
  if (overlapsClosed(interval, await closedIntervals(businesses, businessId)))
    throw new AppError('slot-unavailable', 'The business is closed at this time.');
}

/** Rewrites every provider's day rows on the closed days still to come (past days take no bookings). */
async function touchClosedDays(deps: ClosureDeps, business: BusinessRecord, closure: ClosureRecord): Promise<void> {
  const closed = closedInterval(closure, business.timeZone);
  const today = Math.floor(deps.clock.now() / DAY_MS) * DAY_MS;
  const dates = utcDatesTouched({ start: Math.max(closed.start, today), end: closed.end });
  if (closed.end <= today || dates.length === 0) return;
  const providers = await deps.businesses.listProviders(business.id);
  await Promise.all(providers.map((p) => deps.appointments.touchDays(business.id, p.id, dates)));
}

/** Booked appointments of any provider that share an instant with the closed days, by start. */
async function bookedOnClosedDays(deps: ClosureDeps, business: BusinessRecord, closure: ClosureRecord): Promise<Appointment[]> {
  const closed = closedInterval(closure, business.timeZone);
  const providers = await deps.businesses.listProviders(business.id);
  const lists = await Promise.all(
    providers.map((p) => deps.appointments.listByProvider(business.id, p.id, closed.start - LONGEST_APPOINTMENT_MS, closed.end)),
  );
  // A move to another provider keeps a copy in two partitions for a moment: one entry per id.
  const byId = new Map<string, Appointment>();
  for (const appointment of lists.flat()) {
    if (appointment.status === 'booked' && overlapsClosed(appointment, [closed])) byId.set(appointment.id, appointment);
  }
  return [...byId.values()].sort(byStart);
}

const byStart = (a: Appointment, b: Appointment) => a.start - b.start || (a.id < b.id ? -1 : 1);

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
