import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { effectsOf } from '../../../../shared/app/appointments/effects';
import { rescheduleAppointment } from '../../../../shared/app/appointments/reschedule-appointment';
import { staffCalendarHandlers, type StaffCalendarDeps } from '../../../../shared/app/calendar/staff-calendar-sync';
import type { BusinessRecord } from '../../../../shared/app/ports/business-repository';
import type { OutboxKind, OutboxMessage } from '../../../../shared/app/ports/appointment-store';
import { eraseAppointmentConsumer } from '../../../../shared/app/privacy/erase-consumer';
import type { PersonalDataStore } from '../../../../shared/app/ports/privacy';
import { business, HOUR } from '../../../support/fakes/builders';
import { InMemoryStaffCalendar } from '../../../support/fakes/staff-calendar';
import { MANAGER, TUESDAY_10, world } from '../world';

/** A world whose business b1 has the given Microsoft 365 settings, with the calendar handlers on a fake calendar. */
async function m365World(settings: Pick<BusinessRecord, 'meetingMode' | 'outlookCalendarSync'>) {
  const w = await world();
  const stored = await w.businesses.getBusiness('b1');
  await w.businesses.saveBusiness({ ...business(), ...settings }, stored!.etag);
  const calendar = new InMemoryStaffCalendar();
  const deps: StaffCalendarDeps = {
    appointments: w.appointments,
    businesses: w.businesses,
    calendar,
    providerJoinLink: (id) => `https://app.example/api/appointments/${id}/join`,
  };
  const handlers = staffCalendarHandlers(deps);
  const rows = async (providerId = 'p1') => w.appointments.listOutbox('b1', providerId);
  /** Runs every pending calendar row of a partition, as the outbox would (rows stay: a row may run again). */
  const runCalendarRows = async (providerId = 'p1') => {
    for (const row of await rows(providerId)) {
      if (row.kind in handlers) await handlers[row.kind as keyof typeof handlers](row);
    }
  };
  const kinds = async (version: number, providerId = 'p1') =>
    (await rows(providerId)).filter((m) => m.version === version).map((m) => m.kind);
  return { ...w, calendar, handlers, rows, runCalendarRows, kinds };
}

const only = (kinds: OutboxKind[], wanted: OutboxKind[]) => kinds.filter((k) => wanted.includes(k));
const ROOM_AND_CALENDAR: OutboxKind[] = ['room.ensure', 'chat.ensure', 'calendar.create', 'calendar.update', 'calendar.cancel'];

describe('Microsoft 365 effects of a booking change', () => {
  it('Teams mode: a booking makes a calendar event and neither a room nor a chat thread', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { appointment } = await w.book(TUESDAY_10);
    expect(appointment).toMatchObject({ meetingMode: 'teams' });
    expect(only(await w.kinds(1), ROOM_AND_CALENDAR)).toEqual(['calendar.create']);
  });

  it('ACS Rooms with calendar sync: room, chat thread and a calendar event; without it, no event', async () => {
    const synced = await m365World({ outlookCalendarSync: true });
    const { appointment } = await synced.book(TUESDAY_10);
    expect(appointment.meetingMode).toBeUndefined();
    expect(appointment.staffCalendarSync).toBe(true);
    expect(only(await synced.kinds(1), ROOM_AND_CALENDAR).sort()).toEqual(['calendar.create', 'chat.ensure', 'room.ensure']);
    const plain = await m365World({});
    await plain.book(TUESDAY_10);
    expect(only(await plain.kinds(1), ROOM_AND_CALENDAR).sort()).toEqual(['chat.ensure', 'room.ensure']);
  });

  it('the mode is fixed at booking: switching the business later leaves the appointment as promised', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    const stored = await w.businesses.getBusiness('b1');
    await w.businesses.saveBusiness(business(), stored!.etag);
    await rescheduleAppointment(w.deps, id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR });
    expect(only(await w.kinds(2), ROOM_AND_CALENDAR)).toEqual(['calendar.update']);
  });
});

describe('the provider calendar kept in line with the appointment (fake calendar)', () => {
  it('makes one Teams event however often the create row runs, and keeps its id and join link on the appointment', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    await w.runCalendarRows();
    await w.runCalendarRows();
    expect(w.calendar.of('oid-p1')).toEqual([
      expect.objectContaining({
        subject: 'Consultation: Ann',
        start: TUESDAY_10,
        end: TUESDAY_10 + HOUR / 2,
        state: 'active',
        transactionId: `${id}.1`,
      }),
    ]);
    const [event] = w.calendar.of('oid-p1');
    expect((await w.appointments.find(id))?.value).toMatchObject({
      staffCalendarEvent: { providerId: 'p1', mailbox: 'oid-p1', eventId: event!.id },
      teamsMeetingLink: event!.joinUrl,
    });
  });

  it('in ACS Rooms mode the event points at the app join link, not at Teams', async () => {
    const w = await m365World({ outlookCalendarSync: true });
    const { id } = await w.book(TUESDAY_10);
    await w.runCalendarRows();
    const [event] = w.calendar.of('oid-p1');
    expect(event).toMatchObject({ location: `https://app.example/api/appointments/${id}/join` });
    expect(event!.joinUrl).toBeUndefined();
    expect(event!.bodyText).toContain(`https://app.example/api/appointments/${id}/join`);
    expect((await w.appointments.find(id))?.value.teamsMeetingLink).toBeUndefined();
  });

  it('a reschedule updates the same event; a move cancels it in the old calendar and makes one in the new', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    await w.runCalendarRows();
    const [first] = w.calendar.of('oid-p1');
    await rescheduleAppointment(w.deps, id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR });
    await w.runCalendarRows();
    expect(w.calendar.of('oid-p1')).toEqual([expect.objectContaining({ id: first!.id, start: TUESDAY_10 + HOUR, state: 'active' })]);

    await rescheduleAppointment(w.deps, id, { caller: MANAGER }, { start: TUESDAY_10 + HOUR, providerId: 'p2' });
    // The move's effects are written in the old provider's partition.
    await w.runCalendarRows('p1');
    expect(w.calendar.of('oid-p1')).toEqual([
      expect.objectContaining({ id: first!.id, state: 'cancelled', cancelComment: 'This appointment moved to another provider.' }),
    ]);
    const [inP2] = w.calendar.of('oid-p2');
    expect(inP2).toMatchObject({ state: 'active', start: TUESDAY_10 + HOUR });
    expect((await w.appointments.find(id))?.value).toMatchObject({
      staffCalendarEvent: { providerId: 'p2', mailbox: 'oid-p2', eventId: inP2!.id },
      teamsMeetingLink: inP2!.joinUrl,
    });
  });

  it('a move that copied the appointment before its event was recorded still cancels that event in the old calendar', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    const before = (await w.appointments.find(id))!;
    await w.runCalendarRows(); // the event is recorded on the old copy...
    const recorded = (await w.appointments.find(id))!.value;
    // ...after the move had read it: the moved copy (version 2, at p2) has no event; the old copy's rides in the payload.
    const moved = { ...before.value, providerId: 'p2', version: 2 };
    await w.appointments.commit({ businessId: 'b1', providerId: 'p2', days: [], appointment: { value: moved }, outbox: [] });
    await w.appointments.savePointer(id, { businessId: 'b1', providerId: 'p2' });
    const update = effectsOf({ kind: 'rescheduled', appointment: moved, previous: recorded }, TUESDAY_10 - 2 * HOUR).find(
      (m) => m.kind === 'calendar.update',
    )!;
    expect(update.payload?.previousEvent).toEqual(recorded.staffCalendarEvent);
    await w.handlers['calendar.update'](update);
    expect(w.calendar.of('oid-p1')).toEqual([
      expect.objectContaining({ state: 'cancelled', cancelComment: 'This appointment moved to another provider.' }),
    ]);
    expect(w.calendar.of('oid-p2')).toEqual([expect.objectContaining({ state: 'active' })]);
  });

  it('a cancel cancels the event with the reason', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    await w.runCalendarRows();
    await cancelAppointment(w.deps, id, { caller: MANAGER }, { reason: 'ill' });
    const cancel = (await w.rows()).find((m) => m.kind === 'calendar.cancel')!;
    expect(cancel.payload?.event).toMatchObject({ mailbox: 'oid-p1' });
    await w.handlers['calendar.cancel'](cancel);
    expect(w.calendar.of('oid-p1')).toEqual([expect.objectContaining({ state: 'cancelled', cancelComment: 'Cancelled: ill' })]);
  });

  it('an event made while the appointment was cancelled is withdrawn, and a cancelled appointment gets none', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    const create = (await w.rows()).find((m) => m.kind === 'calendar.create') as OutboxMessage;
    // The cancel lands while Graph is making the event.
    w.calendar.beforeNext(async () => {
      await cancelAppointment(w.deps, id, { caller: MANAGER }, {});
    });
    await w.handlers['calendar.create'](create);
    expect(w.calendar.of('oid-p1')).toEqual([
      expect.objectContaining({ state: 'cancelled', cancelComment: 'This appointment changed while its calendar event was made.' }),
    ]);
    expect((await w.appointments.find(id))?.value.staffCalendarEvent).toBeUndefined();
    const calls = w.calendar.calls;
    await w.handlers['calendar.create'](create);
    expect(w.calendar.calls).toBe(calls);
  });

  it('a failing calendar fails the row (the outbox retries it) and records nothing', async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const { id } = await w.book(TUESDAY_10);
    const create = (await w.rows()).find((m) => m.kind === 'calendar.create')!;
    w.calendar.beforeNext(() => {
      throw new Error('Graph 503');
    });
    await expect(w.handlers['calendar.create'](create)).rejects.toThrow('Graph 503');
    expect(w.calendar.of('oid-p1')).toEqual([]);
    expect((await w.appointments.find(id))?.value.staffCalendarEvent).toBeUndefined();
    await w.handlers['calendar.create'](create);
    expect(w.calendar.of('oid-p1')).toHaveLength(1);
  });
});

describe("the provider calendar in the provider's language, and after an erasure", () => {
  /** Erasure's table work is pinned elsewhere (privacy tests); here only its calendar effect matters. */
  const noRows = {
    forgetIdempotentAnswers: async () => 0,
    forgetPhoneVerifications: async () => 0,
    forgetCounters: async () => {},
    eraseTombstones: async () => {},
  } as unknown as PersonalDataStore;

  it("writes the event and its cancellation in the provider's language (the business's when they named none)", async () => {
    const w = await m365World({ meetingMode: 'teams' });
    const stored = await w.businesses.getProvider('b1', 'p1');
    await w.businesses.saveProvider({ ...stored!.value, locale: 'de' }, stored!.etag);
    const { id } = await w.book(TUESDAY_10);
    await w.runCalendarRows();
    expect(w.calendar.of('oid-p1')[0]!.bodyText).toMatch(/^Online gebucht\./);
    await cancelAppointment(w.deps, id, { caller: MANAGER }, { reason: 'krank' });
    await w.handlers['calendar.cancel']((await w.rows()).find((m) => m.kind === 'calendar.cancel')!);
    expect(w.calendar.of('oid-p1')).toEqual([expect.objectContaining({ state: 'cancelled', cancelComment: 'Abgesagt: krank' })]);

    const spanish = await m365World({ outlookCalendarSync: true });
    const b1 = await spanish.businesses.getBusiness('b1');
    await spanish.businesses.saveBusiness({ ...b1!.value, defaultLocale: 'es' }, b1!.etag);
    await spanish.book(TUESDAY_10);
    await spanish.runCalendarRows();
    expect(spanish.calendar.of('oid-p1')[0]!.bodyText).toMatch(/^Reservado en línea\. Unirse: https:/);
  });

  it("an erasure rewrites the provider's event without the consumer's name, while booked and after the visit", async () => {
    for (const when of ['booked', 'completed'] as const) {
      const w = await m365World({ meetingMode: 'teams' });
      const { id } = await w.book(TUESDAY_10);
      await w.runCalendarRows();
      expect(w.calendar.of('oid-p1')[0]!.subject).toBe('Consultation: Ann');
      if (when === 'completed') {
        const found = await w.appointments.find(id);
        await w.appointments.commit({
          businessId: 'b1',
          providerId: 'p1',
          days: [],
          appointment: { value: { ...found!.value, status: 'completed' }, etag: found!.etag },
          outbox: [],
        });
      }
      const before = new Set((await w.rows()).map((m) => m.id));
      await eraseAppointmentConsumer({ ...w.deps, personalData: noRows }, id, { caller: MANAGER });
      // Only what the erasure added runs: its own calendar row.
      const added = (await w.rows()).filter((m) => !before.has(m.id));
      expect(added.map((m) => m.kind)).toContain('calendar.update');
      for (const row of added.filter((m) => m.kind === 'calendar.update')) await w.handlers['calendar.update'](row);
      expect(w.calendar.of('oid-p1')).toEqual([expect.objectContaining({ subject: 'Consultation: [erased]', state: 'active' })]);
    }
  });
});
