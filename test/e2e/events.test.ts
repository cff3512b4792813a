/**
 * Appointment events over the local stack: booking, reschedule and cancel over HTTP (and a reminder on
 * the virtual clock) put CloudEvents on the `appointment-events` topic of the local Service Bus broker,
 * read back through GET /api/dev/events.
 */
import { CloudEvent } from 'cloudevents';
import { configureClinic, localTime, startAppStack, type AppStack } from '../support/app-stack';
import { uniqueTablePrefix } from '../support/env';

type Booking = { appointment: { id: string; version: number; reminders: Array<{ dueAt: string }> }; manageToken: string };
type Event = { id: string; type: string; source: string; subject: string; specversion: string; data: Record<string, unknown> };

const ZONE = 'Europe/Berlin';
const MIN = 60_000;
let counter = 0;
const contact = () => ({
  email: `events-${process.pid}-${(counter += 1)}@example.com`,
  phone: `+49152${String(process.pid % 10_000).padStart(4, '0')}${String((counter += 1)).padStart(4, '0')}`,
});

describe('appointment events on Service Bus', () => {
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: uniqueTablePrefix() } });
    await configureClinic(stack, {
      businessId: 'eventclinic',
      providers: ['amy'],
      service: {
        minimumNoticeMinutes: 0,
        cancellationCutoffMinutes: 0,
        rescheduleCutoffMinutes: 0,
        reminders: [{ offsetMinutes: 60, channels: ['email'] }],
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const book = async (start: string, who: { email: string; phone: string }): Promise<Booking> => {
    const result = await stack.call<Booking>('POST', '/businesses/eventclinic/appointments', {
      body: { serviceId: 'consult', start, consumer: { name: 'Jane Events', ...who, smsConsent: true } },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    return result.body;
  };

  /** The events of one appointment (the broker is shared by the whole run), polled until `count` are there. */
  const eventsOf = async (appointmentId: string, count: number, withinMs = 5000): Promise<Event[]> => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const answer = await stack.call<{ events: Event[] }>('GET', '/dev/events');
      expect(answer.status).toBe(200);
      const mine = answer.body.events.filter((event) => event.subject === `appointments/${appointmentId}`);
      if (mine.length >= count || Date.now() > deadline) return mine;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it('booking, reschedule and cancel each publish one CloudEvent without the consumer contact data', async () => {
    const who = contact();
    const booking = await book(await localTime(stack, ZONE, 3, '09:00'), who);
    const id = booking.appointment.id;
    expect((await eventsOf(id, 1)).map((e) => e.type)).toEqual(['appointment.booked']);

    const moved = await stack.call('POST', `/appointments/${id}/reschedule`, {
      manageToken: booking.manageToken,
      body: { start: await localTime(stack, ZONE, 3, '11:00') },
    });
    expect(moved.status).toBe(200);
    const cancelled = await stack.call('POST', `/appointments/${id}/cancel`, {
      manageToken: booking.manageToken,
      body: { reason: 'travelling' },
    });
    expect(cancelled.status).toBe(200);

    const events = await eventsOf(id, 3);
    expect(events.map((e) => e.type)).toEqual(['appointment.booked', 'appointment.rescheduled', 'appointment.cancelled']);
    for (const event of events) {
      expect(new CloudEvent(event as unknown as Record<string, unknown>).validate()).toBe(true);
      expect(event).toMatchObject({ specversion: '1.0', source: '/businesses/eventclinic', subject: `appointments/${id}` });
      const text = JSON.stringify(event);
      for (const secret of [who.email, who.phone, 'Jane Events', booking.manageToken, 'travelling']) expect(text).not.toContain(secret);
    }
    expect(events.map((e) => e.id)).toEqual([
      `${id}:1:appointment.booked`,
      `${id}:2:appointment.rescheduled`,
      `${id}:3:appointment.cancelled`,
    ]);
    expect(events[1]!.data).toMatchObject({
      appointmentId: id,
      version: 2,
      start: new Date(Date.parse(await localTime(stack, ZONE, 3, '11:00'))).toISOString(),
    });
  });

  it('a reminder sent on the virtual clock publishes appointment.reminder.sent', async () => {
    const booking = await book(await localTime(stack, ZONE, 2, '14:00'), contact());
    const id = booking.appointment.id;
    await eventsOf(id, 1);
    const dueAt = Date.parse(booking.appointment.reminders[0]!.dueAt);
    const minutes = Math.floor((dueAt - (await stack.now())) / MIN) + 1;
    await stack.advance(minutes);
    // The reminder's event row is published by the next outbox sweep.
    await stack.advance(1);
    const events = await eventsOf(id, 2);
    expect(events.map((e) => e.type)).toEqual(['appointment.booked', 'appointment.reminder.sent']);
    expect(events[1]).toMatchObject({
      id: `${id}:1:appointment.reminder.sent:reminder-0`,
      data: { reminderIndex: 0, deliveries: [{ channel: 'email', status: 'sent' }] },
    });
  });
});
