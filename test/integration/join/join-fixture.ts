/**
 * A clinic on Azurite and the run's ACS emulator, wired the way the composition root wires the join,
 * outbox and workspace use cases, with a clock the tests move.
 */
import { TableProviderIdentityStore } from '../../../shared/adapters/tables/acs-identity-store';
import { TableAppointmentStore } from '../../../shared/adapters/tables/appointment-store';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableFeedTokenStore } from '../../../shared/adapters/tables/feed-token-store';
import { TableIdempotencyStore } from '../../../shared/adapters/tables/idempotency-store';
import { TableProviderCalendarRepository } from '../../../shared/adapters/tables/provider-calendar-repository';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { bookAppointment, type BookingDeps } from '../../../shared/app/appointments/book-appointment';
import { chatThreadHandlers } from '../../../shared/app/chat/appointment-chat';
import { chatNoticeHandlers } from '../../../shared/app/chat/chat-notices';
import { accessRevocationHandlers } from '../../../shared/app/join/access-revocation';
import { providerHandoverHandlers } from '../../../shared/app/join/provider-handover';
import type { JoinDeps } from '../../../shared/app/join/join-appointment';
import { dispatchPartition, type OutboxDeps } from '../../../shared/app/outbox/dispatch-outbox';
import type { ServiceRecord } from '../../../shared/app/ports/business-repository';
import { roomHandlers } from '../../../shared/app/rooms/appointment-room';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { adaptersFor, globalEmulator } from '../acs/acs-test-kit';
import { provider } from '../../support/fakes/builders';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;

export function joinFixture() {
  const emulator = globalEmulator();
  const acs = adaptersFor({ ACS_CONNECTION_STRING: emulator.connectionString, ACS_CA_CERT_PATH: emulator.caCertPath });
  const tables = new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  );
  const businesses = new TableBusinessRepository(tables);
  const calendars = new TableProviderCalendarRepository(tables);
  const appointments = new TableAppointmentStore(tables);
  const clock = { current: Date.now(), now: () => clock.current };
  const booking: BookingDeps = {
    businesses,
    appointments,
    idempotency: new TableIdempotencyStore(tables),
    clock,
    kickOutbox: () => undefined,
  };
  const join: JoinDeps = {
    appointments,
    businesses,
    clock,
    rooms: acs.rooms,
    identity: acs.identity,
    chat: acs.chat,
    providerIdentities: new TableProviderIdentityStore(tables),
    acsEndpoint: () => emulator.endpoint,
  };
  const outbox: OutboxDeps = {
    appointments,
    clock,
    handlers: {
      ...roomHandlers(join),
      ...chatThreadHandlers({ appointments, businesses, chat: acs.chat }),
      ...chatNoticeHandlers({ businesses, chat: acs.chat }),
      ...accessRevocationHandlers(acs),
      ...providerHandoverHandlers(join),
    },
    onError: (message, error) => {
      throw new Error(`outbox ${message.kind} failed: ${String(error)}`);
    },
  };
  const workspace = { businesses, appointments, clock, kickOutbox: () => undefined, feedTokens: new TableFeedTokenStore(tables) };

  const service = (id: string, durationMinutes: number): ServiceRecord => ({
    businessId: 'clinic',
    id,
    name: id === 'consult' ? 'Consultation' : 'Long session',
    durationMinutes,
    providerIds: ['amy', 'bob'],
    slotIntervalMinutes: 5,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 120,
    maxPerDayPerProvider: null,
    cancellationCutoffMinutes: 0,
    rescheduleCutoffMinutes: 0,
    joinWindowMinutes: 15,
    reminders: [],
    active: true,
    createdAt: 0,
    updatedAt: 0,
  });

  async function setUp(): Promise<void> {
    await businesses.saveBusiness(
      { id: 'clinic', name: 'Clinic', timeZone: 'UTC', managers: ['oid-manager'], createdAt: 0, updatedAt: 0 },
      undefined,
    );
    const allDay = [{ start: '00:00', end: '24:00' }];
    for (const id of ['amy', 'bob']) {
      await businesses.saveProvider(provider(id, { businessId: 'clinic', timeZone: 'UTC', createdAt: 0, updatedAt: 0 }), undefined);
      await calendars.saveSchedule(
        {
          businessId: 'clinic',
          providerId: id,
          timeZone: 'UTC',
          weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
          updatedAt: 0,
        },
        undefined,
      );
    }
    await businesses.saveService(service('consult', 30), undefined);
    await businesses.saveService(service('long', 600), undefined);
  }

  /** Books at `start` (booking happens "now" = a week before unless the clock says otherwise). */
  async function book(start: number, options: { providerId?: string; serviceId?: string; name?: string } = {}) {
    const saved = clock.current;
    clock.current = Math.min(saved, start - 7 * DAY);
    try {
      const result = await bookAppointment(
        booking,
        'clinic',
        {
          serviceId: options.serviceId ?? 'consult',
          start,
          providerId: options.providerId ?? 'amy',
          consumer: { name: options.name ?? 'Jane Roe', email: 'jane@example.com', smsConsent: false },
        },
        (appointment, manageToken) => ({ appointment, manageToken }),
      );
      return result.body as { appointment: Appointment; manageToken: string };
    } finally {
      clock.current = saved;
    }
  }

  const drainOutbox = (providerId = 'amy') => dispatchPartition(outbox, { businessId: 'clinic', providerId });

  return { emulator, acs, businesses, appointments, clock, booking, join, outbox, workspace, setUp, book, drainOutbox };
}

/** Whole hours from a week and a bit ahead (UTC), so every test has its own times and stays inside the booking window. */
let nextHour = 0;
const firstHour = Math.ceil((Date.now() + 8 * DAY) / (60 * MIN)) * 60 * MIN;
export function freshStart(): number {
  nextHour += 11; // 11 h apart: the 10-hour service never overlaps the next test's time
  return firstHour + nextHour * 60 * MIN;
}

/** 01:00 UTC on a day of its own, for visits of many hours (the test schedule's days end at midnight). */
let nextDay = 0;
export function freshDayStart(): number {
  nextDay += 1;
  return Math.ceil((Date.now() + 40 * DAY) / DAY) * DAY + nextDay * DAY + 60 * MIN;
}
