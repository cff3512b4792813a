/**
 * Closures racing bookings on the real table adapters (Azurite): whatever the interleaving, every
 * appointment left booked on a closed day is one the closure's answer listed (so the manager can cancel
 * it), and none is booked after the closure was saved.
 */
import { TableAppointmentStore } from '../../../shared/adapters/tables/appointment-store';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableIdempotencyStore } from '../../../shared/adapters/tables/idempotency-store';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { bookAppointment, type BookingDeps } from '../../../shared/app/appointments/book-appointment';
import { putClosure } from '../../../shared/app/configuration/configure-closures';
import type { ServiceRecord } from '../../../shared/app/ports/business-repository';
import { openServiceInput } from '../../support/fakes/builders';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { seedClinic } from './clinic-seed';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
// Monday 2027-03-01, 08:00 UTC = 09:00 in Berlin.
const MONDAY_9 = Date.parse('2027-03-01T08:00:00Z');
const PROVIDERS = ['amy', 'bob', 'cat'];
const ROUNDS = 4;

const tables = new TableClients(
  parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
);
const businesses = new TableBusinessRepository(tables);
const appointments = new TableAppointmentStore(tables);
const deps: BookingDeps = {
  businesses,
  appointments,
  idempotency: new TableIdempotencyStore(tables),
  clock: { now: () => MONDAY_9 - 7 * DAY },
  kickOutbox: () => undefined,
};
const manager = { kind: 'staff' as const, oid: 'manager', roles: [] };

const service: ServiceRecord = {
  ...openServiceInput({ providerIds: PROVIDERS }),
  businessId: 'clinic',
  id: 'consult',
  active: true,
  createdAt: 0,
  updatedAt: 0,
};

beforeAll(async () => {
  await seedClinic(businesses, new TableProviderCalendarRepository(tables), PROVIDERS, service);
});

describe('a closure racing bookings (Table Storage)', () => {
  it('leaves booked on the closed day only appointments its answer listed', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const day = MONDAY_9 + round * DAY; // Monday to Thursday, 09:00 Berlin
      const date = new Date(day + 2 * 60 * MIN).toISOString().slice(0, 10);
      // 24 bookings (8 per provider) spread over the day; the closure starts after a few have begun.
      const bookings = Array.from({ length: 24 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, (i % 8) * 3)).then(() =>
          bookAppointment(
            deps,
            'clinic',
            {
              serviceId: 'consult',
              providerId: PROVIDERS[i % 3]!,
              start: day + Math.floor(i / 3) * 30 * MIN,
              consumer: { name: 'Jo', email: 'jo@example.com', smsConsent: false },
            },
            (a) => a,
          ),
        ),
      );
      const closure = new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
        putClosure(deps, manager, { businessId: 'clinic', closureId: `c${round}` }, async () => ({ from: date, to: date })),
      );
      const [outcomes, put] = await Promise.all([Promise.allSettled(bookings), closure]);
      const refusals = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code);
      expect(refusals.every((code) => code === 'slot-unavailable')).toBe(true);
      const stored = (
        await Promise.all(PROVIDERS.map((p) => appointments.listByProvider('clinic', p, day - 60 * MIN, day + 12 * 60 * MIN)))
      )
        .flat()
        .filter((a: Appointment) => a.status === 'booked');
      const listed = new Set(put.booked.map((a) => a.id));
      expect(stored.filter((a) => !listed.has(a.id)).map((a) => a.id)).toEqual([]);
      expect(stored.length).toBe(outcomes.length - refusals.length);
    }
  });
});
