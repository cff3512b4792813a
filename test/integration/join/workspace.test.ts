/**
 * The provider's workspace on Azurite: provider and business lists (order, paging, filters, rights),
 * outcomes (who and when), and the subscribable calendar feed (node-ical, updates after a reschedule).
 */
import ical from 'node-ical';
import { cancelAppointment } from '../../../shared/app/appointments/cancel-appointment';
import { rescheduleAppointment } from '../../../shared/app/appointments/reschedule-appointment';
import type { Caller } from '../../../shared/app/auth';
import { recordOutcome } from '../../../shared/app/workspace/appointment-outcomes';
import { providerCalendarFeed, rotateFeedToken } from '../../../shared/app/workspace/calendar-feed';
import {
  listBusinessAppointments,
  listProviderAppointments,
  type AppointmentListQuery,
} from '../../../shared/app/workspace/list-appointments';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { DAY, joinFixture, MIN } from './join-fixture';

const f = joinFixture();
const staff = (oid: string): Caller => ({ kind: 'staff', oid, roles: [] });
const manager = staff('oid-manager');
const BASE = Math.ceil((Date.now() + 10 * DAY) / DAY) * DAY + 9 * 60 * MIN; // 09:00 UTC, ten days ahead
const windowQuery = (
  extra: Partial<AppointmentListQuery & { providerId: string }> = {},
): AppointmentListQuery & { providerId?: string } => ({
  from: { instant: BASE - DAY },
  to: { instant: BASE + 5 * DAY },
  limit: 100,
  ...extra,
});

async function at<T>(instant: number, run: () => Promise<T>): Promise<T> {
  const saved = f.clock.current;
  f.clock.current = instant;
  try {
    return await run();
  } finally {
    f.clock.current = saved;
  }
}

async function allPages(
  list: (token?: string) => Promise<{ appointments: Appointment[]; nextContinuationToken?: string }>,
): Promise<string[][]> {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    pages.push(page.appointments.map((a) => a.id));
    token = page.nextContinuationToken;
  } while (token);
  return pages;
}

const amy: Array<{ appointment: Appointment; manageToken: string }> = [];
const bob: Array<{ appointment: Appointment; manageToken: string }> = [];

beforeAll(async () => {
  await f.setUp();
  // Booked out of order, so the list's order is the store's doing.
  for (const hours of [5, 0, 3, 1, 6, 2, 4]) amy.push(await f.book(BASE + hours * 60 * MIN, { providerId: 'amy' }));
  for (const hours of [0, 2.5]) bob.push(await f.book(BASE + hours * 60 * MIN, { providerId: 'bob' }));
  await cancelAppointment(f.booking, amy[0]!.appointment.id, { caller: manager }, { reason: 'moved away' });
});

describe('provider list', () => {
  it('answers every status sorted by start, pages with the opaque token, and filters by status', async () => {
    const ids = { businessId: 'clinic', providerId: 'amy' };
    const full = await listProviderAppointments(f.workspace, staff('oid-amy'), ids, windowQuery());
    expect(full.appointments.map((a) => a.start)).toEqual([0, 1, 2, 3, 4, 5, 6].map((h) => BASE + h * 60 * MIN));
    expect(full.nextContinuationToken).toBeUndefined();
    expect(full.appointments.find((a) => a.id === amy[0]!.appointment.id)?.status).toBe('cancelled');

    const pages = await allPages((token) =>
      listProviderAppointments(
        f.workspace,
        staff('oid-amy'),
        ids,
        windowQuery({ limit: 3, ...(token ? { continuationToken: token } : {}) }),
      ),
    );
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(full.appointments.map((a) => a.id));

    const cancelled = await listProviderAppointments(f.workspace, manager, ids, windowQuery({ status: 'cancelled' }));
    expect(cancelled.appointments.map((a) => a.id)).toEqual([amy[0]!.appointment.id]);
    const booked = await listProviderAppointments(f.workspace, manager, ids, windowQuery({ status: 'booked', limit: 4 }));
    expect(booked.appointments).toHaveLength(4);
    expect(booked.appointments.every((a) => a.status === 'booked')).toBe(true);
    expect(booked.nextContinuationToken).toBeDefined();

    // Bounds apply to the start: [from, to).
    const narrow = await listProviderAppointments(
      f.workspace,
      manager,
      ids,
      windowQuery({ from: { instant: BASE + 60 * MIN }, to: { instant: BASE + 180 * MIN } }),
    );
    expect(narrow.appointments.map((a) => a.start)).toEqual([BASE + 60 * MIN, BASE + 120 * MIN]);
    // A date is local midnight in the business's zone (UTC here).
    const day = new Date(BASE).toISOString().slice(0, 10);
    const byDate = await listProviderAppointments(
      f.workspace,
      manager,
      ids,
      windowQuery({ from: { date: day }, to: { instant: BASE + 30 * MIN } }),
    );
    expect(byDate.appointments.map((a) => a.start)).toEqual([BASE]);
  });

  it('is for the provider and managers only, with the usual errors', async () => {
    const ids = { businessId: 'clinic', providerId: 'amy' };
    await expect(listProviderAppointments(f.workspace, staff('oid-bob'), ids, windowQuery())).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listProviderAppointments(f.workspace, { kind: 'anonymous' }, ids, windowQuery())).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(
      listProviderAppointments(f.workspace, manager, { businessId: 'clinic', providerId: 'zoe' }, windowQuery()),
    ).rejects.toMatchObject({ code: 'not-found' });
    await expect(
      listProviderAppointments(f.workspace, manager, ids, windowQuery({ to: { instant: BASE - DAY + 93 * DAY } })),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(listProviderAppointments(f.workspace, manager, ids, windowQuery({ continuationToken: 'garbage' }))).rejects.toMatchObject({
      code: 'validation',
    });
  });
});

describe('business list', () => {
  it('merges every provider by start, pages across providers, filters by provider and status; managers only', async () => {
    const full = await listBusinessAppointments(f.workspace, manager, 'clinic', windowQuery());
    expect(full.appointments).toHaveLength(9);
    const keys = full.appointments.map((a) => [a.start, a.id] as const);
    expect(keys).toEqual([...keys].sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1])));
    expect(full.appointments.filter((a) => a.providerId === 'bob')).toHaveLength(2);

    const pages = await allPages((token) =>
      listBusinessAppointments(f.workspace, manager, 'clinic', windowQuery({ limit: 2, ...(token ? { continuationToken: token } : {}) })),
    );
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 2, 1]);
    expect(pages.flat()).toEqual(full.appointments.map((a) => a.id));

    const onlyBob = await listBusinessAppointments(f.workspace, manager, 'clinic', windowQuery({ providerId: 'bob' }));
    expect(onlyBob.appointments.map((a) => a.id)).toEqual(bob.map((b) => b.appointment.id));
    const cancelled = await listBusinessAppointments(f.workspace, manager, 'clinic', windowQuery({ status: 'cancelled' }));
    expect(cancelled.appointments.map((a) => a.id)).toEqual([amy[0]!.appointment.id]);

    await expect(listBusinessAppointments(f.workspace, manager, 'clinic', { ...windowQuery(), providerId: 'zoe' })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(listBusinessAppointments(f.workspace, staff('oid-amy'), 'clinic', windowQuery())).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(listBusinessAppointments(f.workspace, manager, 'nowhere', windowQuery())).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('outcomes', () => {
  it('rejects the consumer (403) and the wrong time or state (409), honours If-Match, then records', async () => {
    const { appointment, manageToken } = amy[1]!; // BASE + 0 h
    const consumer = { caller: { kind: 'anonymous' as const }, manageToken };
    await at(appointment.start + MIN, async () => {
      await expect(recordOutcome(f.workspace, appointment.id, consumer, 'completed')).rejects.toMatchObject({ code: 'forbidden' });
      await expect(recordOutcome(f.workspace, appointment.id, consumer, 'no-show')).rejects.toMatchObject({ code: 'forbidden' });
      await expect(recordOutcome(f.workspace, appointment.id, { caller: staff('oid-bob') }, 'completed')).rejects.toMatchObject({
        code: 'forbidden',
      });
    });
    await at(appointment.start - MIN, async () => {
      await expect(recordOutcome(f.workspace, appointment.id, { caller: staff('oid-amy') }, 'completed')).rejects.toMatchObject({
        code: 'too-early',
      });
      await expect(recordOutcome(f.workspace, appointment.id, { caller: staff('oid-amy') }, 'no-show')).rejects.toMatchObject({
        code: 'too-early',
      });
    });
    await at(appointment.start + 10 * MIN, async () => {
      await expect(
        recordOutcome(f.workspace, appointment.id, { caller: staff('oid-amy') }, 'completed', { ifMatch: '"9"' }),
      ).rejects.toMatchObject({ code: 'version-mismatch' });
      const completed = await recordOutcome(f.workspace, appointment.id, { caller: staff('oid-amy') }, 'completed', { ifMatch: '"1"' });
      expect(completed).toMatchObject({ status: 'completed', version: 2 });
      await expect(recordOutcome(f.workspace, appointment.id, { caller: manager }, 'completed')).rejects.toMatchObject({
        code: 'invalid-state',
      });
      // A completed visit can still turn out to be a no-show (docs/api.md), by a manager too.
      expect(await recordOutcome(f.workspace, appointment.id, { caller: manager }, 'no-show')).toMatchObject({
        status: 'no-show',
        version: 3,
      });
    });
    expect((await f.appointments.find(appointment.id))!.value).toMatchObject({ status: 'no-show', version: 3 });

    const late = amy[3]!.appointment; // BASE + 1 h
    await at(late.end + 7 * DAY + MIN, () =>
      expect(recordOutcome(f.workspace, late.id, { caller: manager }, 'no-show')).rejects.toMatchObject({ code: 'invalid-state' }),
    );
    await at(late.start, () =>
      expect(recordOutcome(f.workspace, amy[0]!.appointment.id, { caller: manager }, 'completed')).rejects.toMatchObject({
        code: 'invalid-state',
      }),
    );
  });
});

describe('calendar feed', () => {
  const ids = { businessId: 'clinic', providerId: 'amy' };
  const joinUrl = (id: string) => `https://api.example/appointments/${id}/join`;
  const events = (text: string) =>
    Object.values(ical.sync.parseICS(text)).filter((c) => c?.type === 'VEVENT') as unknown as Array<{
      uid: string;
      start: Date;
      sequence: string;
      status?: string;
      summary: string;
      url?: string;
    }>;

  it('is valid iCalendar for the feed token, shows every appointment of the provider, and follows a reschedule', async () => {
    const { feedToken } = await rotateFeedToken(f.workspace, manager, ids);
    const before = events(await providerCalendarFeed(f.workspace, { caller: { kind: 'anonymous' }, feedToken }, ids, joinUrl));
    expect(before.map((e) => e.uid).sort()).toEqual(amy.map((a) => `${a.appointment.id}@virtual-appointments`).sort());
    const cancelledUid = `${amy[0]!.appointment.id}@virtual-appointments`;
    expect(before.find((e) => e.uid === cancelledUid)?.status).toBe('CANCELLED');
    expect(before.find((e) => e.uid !== cancelledUid)?.summary).toBe('Consultation: Jane Roe');

    const target = amy[4]!.appointment; // BASE + 6 h
    const moved = await rescheduleAppointment(f.booking, target.id, { caller: manager }, { start: target.start + DAY });
    const after = events(await providerCalendarFeed(f.workspace, { caller: { kind: 'anonymous' }, feedToken }, ids, joinUrl));
    const event = after.find((e) => e.uid === `${target.id}@virtual-appointments`)!;
    expect(event.start.getTime()).toBe(moved.start);
    expect(Number(event.sequence)).toBe(moved.version);
    expect(Number(event.sequence)).toBeGreaterThan(Number(before.find((e) => e.uid === event.uid)!.sequence));
  });

  it('takes a staff token instead; refuses a missing, wrong or rotated-out feed token with 401', async () => {
    const first = await rotateFeedToken(f.workspace, staff('oid-amy'), ids);
    const second = await rotateFeedToken(f.workspace, manager, ids);
    const anonymous = (feedToken?: string) => ({
      caller: { kind: 'anonymous' as const },
      ...(feedToken !== undefined ? { feedToken } : {}),
    });
    await expect(providerCalendarFeed(f.workspace, anonymous(first.feedToken), ids, joinUrl)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(providerCalendarFeed(f.workspace, anonymous(), ids, joinUrl)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(
      providerCalendarFeed(f.workspace, anonymous(second.feedToken), { businessId: 'clinic', providerId: 'bob' }, joinUrl),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(
      providerCalendarFeed(f.workspace, anonymous(second.feedToken), { businessId: 'clinic', providerId: 'zoe' }, joinUrl),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    expect(events(await providerCalendarFeed(f.workspace, anonymous(second.feedToken), ids, joinUrl))).toHaveLength(amy.length);
    expect(events(await providerCalendarFeed(f.workspace, { caller: staff('oid-amy') }, ids, joinUrl))).toHaveLength(amy.length);
    await expect(providerCalendarFeed(f.workspace, { caller: staff('oid-bob') }, ids, joinUrl)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(rotateFeedToken(f.workspace, staff('oid-bob'), ids)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
