import type { BookingDeps, BookingRequest } from '../../../shared/app/appointments/book-appointment';
import { bookAppointment } from '../../../shared/app/appointments/book-appointment';
import type { Caller } from '../../../shared/app/auth';
import { AppError, type FieldError } from '../../../shared/app/errors';
import type { ServiceRecord } from '../../../shared/app/ports/business-repository';
import { InMemoryAppointmentStore } from '../../support/fakes/appointment-store';
import { InMemoryBusinessRepository } from '../../support/fakes/business-repository';
import { FakeClock } from '../../support/fakes/clock';
import { InMemoryIdempotencyStore } from '../../support/fakes/idempotency-store';
import { business, DAY, HOUR, MONDAY, provider, service } from '../../support/fakes/builders';

/** Tuesday 3 March 2026 at 10:00 in Berlin (09:00 UTC). */
export const TUESDAY_10 = MONDAY + DAY + 9 * HOUR;
export const WORK_WEEK = { start: '09:00', end: '17:00' };

/** Staff callers: the manager of b1, the staff members of p1 and p2, and someone of another business. */
export const MANAGER: Caller = { kind: 'staff', oid: 'm1', roles: [] };
export const STAFF_P1: Caller = { kind: 'staff', oid: 'oid-p1', roles: [] };
export const STAFF_P2: Caller = { kind: 'staff', oid: 'oid-p2', roles: [] };
export const STRANGER: Caller = { kind: 'staff', oid: 'someone-else', roles: [] };
export const ANONYMOUS: Caller = { kind: 'anonymous' };

/**
 * One business with providers p1 and p2 (09:00-17:00 Berlin on weekdays) and service s1 (30 minutes,
 * every 30 minutes, 60 minutes' notice, 2 hours' cutoffs), on the in-memory fakes. Now is Monday 08:00 Berlin.
 */
export async function world(serviceExtra: Partial<ServiceRecord> = {}) {
  const businesses = new InMemoryBusinessRepository();
  const appointments = new InMemoryAppointmentStore();
  const idempotency = new InMemoryIdempotencyStore();
  const clock = new FakeClock(MONDAY + 7 * HOUR);
  const kicked: Array<{ businessId: string; providerId: string }> = [];
  const deps: BookingDeps = {
    businesses,
    appointments,
    idempotency,
    clock,
    kickOutbox: (location) => kicked.push({ businessId: location.businessId, providerId: location.providerId }),
  };
  await businesses.saveBusiness(business(), undefined);
  for (const id of ['p1', 'p2']) {
    await businesses.saveProvider(provider(id), undefined);
    await appointments.saveSchedule({
      businessId: 'b1',
      providerId: id,
      timeZone: 'Europe/Berlin',
      weekly: { mon: [WORK_WEEK], tue: [WORK_WEEK], wed: [WORK_WEEK], thu: [WORK_WEEK], fri: [WORK_WEEK] },
      updatedAt: 0,
    });
  }
  await businesses.saveService(service(serviceExtra), undefined);

  const request = (start: number, extra: Partial<BookingRequest> = {}): BookingRequest => ({
    serviceId: 's1',
    start,
    consumer: { name: 'Ann', email: 'ann@example.com', smsConsent: false },
    ...extra,
  });
  /** Books and answers the stored appointment with its manage token. */
  const book = async (start: number, extra: Partial<BookingRequest> = {}, key?: string) => {
    const answer = await bookAppointment(
      deps,
      'b1',
      request(start, extra),
      (appointment, manageToken) => ({ id: appointment.id, manageToken }),
      key,
    );
    const body = answer.body as { id: string; manageToken: string };
    const stored = await appointments.find(body.id);
    return { status: answer.status, id: body.id, manageToken: body.manageToken, appointment: stored!.value };
  };
  /** Ids of the appointments in a provider's busy day rows on Tuesday. */
  const busyOn = async (providerId: string) =>
    (
      await appointments.readBookingState('b1', providerId, {
        localDates: { from: '2026-03-03', to: '2026-03-04' },
        utcDates: { from: '2026-03-03', to: '2026-03-04' },
      })
    ).days.flatMap((d) => d.busy.map((b) => b.appointmentId));
  return { deps, businesses, appointments, idempotency, clock, kicked, request, book, busyOn };
}

/**
 * How a use case ended: 'ok', the problem code, or for validation the code with the failing fields
 * (`validation:providerId`). Every problem must explain itself: an empty detail or field message fails.
 */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => {
      if (!(error instanceof AppError)) return String(error);
      expect(error.detail).toMatch(/\w/);
      const fields = error.extensions.errors as FieldError[] | undefined;
      if (!fields) return error.code;
      for (const field of fields) expect(field.message).toMatch(/\w/);
      return `${error.code}:${fields.map((f) => f.path).join(',')}`;
    },
  );
}
