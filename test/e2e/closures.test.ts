/**
 * Business closures over HTTP on the local stack (virtual clock): a closure removes the closed day's
 * slots for every provider and refuses bookings there, its answer lists the bookings on it, and its
 * bulk cancel sends one cancellation notice per appointment even when retried (with and without an
 * Idempotency-Key). Messages are read from the ACS emulator per recipient.
 */
import { DateTime } from 'luxon';
import { configureClinic, startAppStack, type AppStack, type SentMessage } from '../support/app-stack';
import { appointmentMessages } from '../support/phone-verification';
import { uniqueTablePrefix } from '../support/env';

const B = 'closedclinic';
const ZONE = 'Europe/Berlin';
let counter = 0;
const uniqueEmail = () => `closure-${process.pid}-${(counter += 1)}@example.com`;

type Booking = { appointment: { id: string; start: string; providerId: string } };
type ClosureAnswer = {
  id: string;
  from: string;
  to: string;
  reason?: string;
  bookedAppointments: Array<{ id: string; start: string; providerId: string }>;
};
type CancelAnswer = { cancelled: Array<{ id: string }>; refused: Array<{ id: string; problem: string }> };

describe('business closures over HTTP', () => {
  let stack: AppStack;
  let manager: string;
  let closedDay: DateTime;

  beforeAll(async () => {
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: uniqueTablePrefix() } });
    ({ managerToken: manager } = await configureClinic(stack, {
      businessId: B,
      providers: ['amy', 'bob'],
      service: { minimumNoticeMinutes: 0, cancellationCutoffMinutes: 0, rescheduleCutoffMinutes: 0, reminders: [] },
    }));
    closedDay = DateTime.fromMillis(await stack.now(), { zone: ZONE })
      .plus({ days: 5 })
      .startOf('day');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const book = async (start: DateTime, providerId: string, email: string): Promise<Booking> => {
    const result = await stack.call<Booking>('POST', `/businesses/${B}/appointments`, {
      body: { serviceId: 'consult', providerId, start: start.toUTC().toISO(), consumer: { name: 'Jo', email } },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    return result.body;
  };
  const slotsOn = async (day: DateTime) =>
    (
      await stack.call<{ slots: Array<{ start: string }> }>(
        'GET',
        `/businesses/${B}/services/consult/slots?from=${day.toISODate()}&to=${day.plus({ days: 1 }).toISODate()}`,
      )
    ).body.slots;
  const messagesTo = async (to: string): Promise<SentMessage[]> => appointmentMessages(await stack.messages(to));
  const waitForMessages = async (to: string, count: number, withinMs = 5000) => {
    const deadline = Date.now() + withinMs;
    let messages = await messagesTo(to);
    while (messages.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      messages = await messagesTo(to);
    }
    return messages;
  };
  const cancellations = async (to: string) => (await messagesTo(to)).filter((m) => m.kind === 'cancellation');

  it('removes the closed day from slot search for every provider, lists its bookings, refuses new ones and gives the day back when deleted', async () => {
    const emails = [uniqueEmail(), uniqueEmail(), uniqueEmail()];
    const early = await book(closedDay.set({ hour: 9 }), 'amy', emails[0]!);
    const late = await book(closedDay.set({ hour: 15 }), 'bob', emails[1]!);
    const nextDay = await book(closedDay.plus({ days: 1 }).set({ hour: 9 }), 'amy', emails[2]!);
    const day = closedDay.plus({ days: 2 }); // a second closure on a day without bookings, deleted at the end
    expect((await slotsOn(day)).length).toBeGreaterThan(0);

    const put = await stack.call<ClosureAnswer>('PUT', `/businesses/${B}/closures/holiday`, {
      token: manager,
      body: { from: closedDay.toISODate(), to: closedDay.toISODate(), reason: 'Public holiday' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ id: 'holiday', from: closedDay.toISODate(), to: closedDay.toISODate(), reason: 'Public holiday' });
    expect(put.body.bookedAppointments.map((a) => [a.id, a.providerId])).toEqual([
      [early.appointment.id, 'amy'],
      [late.appointment.id, 'bob'],
    ]);
    expect(await slotsOn(closedDay)).toEqual([]);
    expect((await slotsOn(closedDay.plus({ days: 1 }))).length).toBeGreaterThan(0);
    const refused = await stack.call('POST', `/businesses/${B}/appointments`, {
      body: { serviceId: 'consult', start: closedDay.set({ hour: 11 }).toUTC().toISO(), consumer: { name: 'Jo', email: uniqueEmail() } },
    });
    expect(refused.status).toBe(409);
    const moved = await stack.call('POST', `/appointments/${nextDay.appointment.id}/reschedule`, {
      token: manager,
      body: { start: closedDay.set({ hour: 12 }).toUTC().toISO() },
    });
    expect(moved.status).toBe(409);

    expect(
      (await stack.call('PUT', `/businesses/${B}/closures/spare`, { token: manager, body: { from: day.toISODate(), to: day.toISODate() } }))
        .status,
    ).toBe(201);
    expect(await slotsOn(day)).toEqual([]);
    const listed = await stack.call<{ closures: Array<{ id: string }> }>(
      'GET',
      `/businesses/${B}/closures?from=${closedDay.toISODate()}&to=${day.plus({ days: 1 }).toISODate()}`,
      { token: manager },
    );
    expect(listed.body.closures.map((c) => c.id)).toEqual(['holiday', 'spare']);
    expect((await stack.call('DELETE', `/businesses/${B}/closures/spare`, { token: manager })).status).toBe(204);
    expect((await stack.call('DELETE', `/businesses/${B}/closures/spare`, { token: manager })).status).toBe(204);
    expect((await slotsOn(day)).length).toBeGreaterThan(0);
  });

  it('refuses a last day before the first, a span over 366 days and a bad id with a 400, and stores nothing', async () => {
    const from = closedDay.plus({ days: 30 });
    const bad = [
      ['early', { from: from.toISODate(), to: from.minus({ days: 1 }).toISODate() }],
      ['long', { from: from.toISODate(), to: from.plus({ days: 366 }).toISODate() }],
      ['bad|id', { from: from.toISODate(), to: from.toISODate() }],
    ] as const;
    for (const [id, body] of bad) {
      const answer = await stack.call('PUT', `/businesses/${B}/closures/${encodeURIComponent(id)}`, { token: manager, body });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const listed = await stack.call<{ closures: Array<{ id: string }> }>(
      'GET',
      `/businesses/${B}/closures?from=${from.toISODate()}&to=${from.plus({ days: 400 }).toISODate()}`,
      { token: manager },
    );
    expect(listed.body.closures).toEqual([]);
  });

  it('cancels the bookings on the closed days with one notice each, however often the manager retries', async () => {
    const day = closedDay.plus({ days: 10 });
    const emails = [uniqueEmail(), uniqueEmail(), uniqueEmail()];
    const bookings = [
      await book(day.set({ hour: 10 }), 'amy', emails[0]!),
      await book(day.set({ hour: 10 }), 'bob', emails[1]!),
      await book(day.set({ hour: 16 }), 'amy', emails[2]!),
    ];
    const open = uniqueEmail();
    await book(day.plus({ days: 1 }).set({ hour: 10 }), 'bob', open);
    for (const email of [...emails, open]) expect((await waitForMessages(email, 1)).map((m) => m.kind)).toEqual(['confirmation']);
    const put = await stack.call<ClosureAnswer>('PUT', `/businesses/${B}/closures/flood`, {
      token: manager,
      body: { from: day.toISODate(), to: day.toISODate() },
    });
    expect(put.body.bookedAppointments).toHaveLength(3);

    const path = `/businesses/${B}/closures/flood/cancel-appointments`;
    const body = { reason: 'Flooded office' };
    // Two at once with one key, then a retry with it, then two without one.
    const [first, concurrent] = await Promise.all([
      stack.call<CancelAnswer>('POST', path, { token: manager, body, headers: { 'Idempotency-Key': 'flood-1' } }),
      stack.call<CancelAnswer>('POST', path, { token: manager, body, headers: { 'Idempotency-Key': 'flood-1' } }),
    ]);
    expect(first.status).toBe(200);
    expect(first.body.cancelled.map((a) => a.id).sort()).toEqual(bookings.map((b) => b.appointment.id).sort());
    expect(first.body.refused).toEqual([]);
    expect(concurrent.text).toBe(first.text);
    expect((await stack.call('POST', path, { token: manager, body, headers: { 'Idempotency-Key': 'flood-1' } })).text).toBe(first.text);
    const again = await Promise.all([
      stack.call<CancelAnswer>('POST', path, { token: manager, body }),
      stack.call<CancelAnswer>('POST', path, { token: manager, body }),
    ]);
    for (const answer of again) expect(answer.body).toEqual({ cancelled: [], refused: [] });

    for (const email of emails) expect((await waitForMessages(email, 2)).map((m) => m.kind)).toEqual(['confirmation', 'cancellation']);
    await stack.advance(2); // every sweep and activity that could still send has run
    for (const email of emails) expect(await cancellations(email)).toHaveLength(1);
    expect(await cancellations(open)).toEqual([]);
    for (const booking of bookings) {
      const read = await stack.call<{ status: string; cancelReason?: string }>('GET', `/appointments/${booking.appointment.id}`, {
        token: manager,
      });
      expect(read.body.status).toBe('cancelled');
    }
    // The freed time stays closed.
    expect(await slotsOn(day)).toEqual([]);
  });
});
