/**
 * The appointment lifecycle over HTTP on the local host with the virtual clock: confirmation right after
 * booking, each reminder once at its due time, cancel and reschedule notices, SMS only with consent, and
 * the reminder statuses in GET /appointments/{id}. Messages are read from /api/dev/messages per recipient.
 */
import { configureClinic, localTime, startAppStack, verifyPhone, type AppStack, type SentMessage } from '../support/app-stack';
import { appointmentMessages } from '../support/phone-verification';
import { uniqueTablePrefix } from '../support/env';

type Reminder = { dueAt: string; channels: string[]; status: string; deliveries: Array<{ channel: string; status: string }> };
type Appointment = { id: string; start: string; end: string; status: string; version: number; reminders: Reminder[] };
type Booking = { appointment: Appointment; manageToken: string };

const ZONE = 'Europe/Berlin';
const MIN = 60_000;
/** Cancel and reschedule notices go out through the outbox after the answer; they are polled for this long. */
const NOTICE_MS = 5000;
// The day before on both channels, the hour before by SMS only.
const REMINDERS = [
  { offsetMinutes: 1440, channels: ['email', 'sms'] },
  { offsetMinutes: 60, channels: ['sms'] },
];

let counter = 0;
/** Recipients no other test (or test file: the run's emulator is shared) uses; phones are valid US numbers (the toll-free sender reaches only US, CA, PR). */
const uniqueEmail = () => `life-${process.pid}-${(counter += 1)}@example.com`;
const uniquePhone = () => `+1312${200 + (process.pid % 800)}${String((counter += 1)).padStart(4, '0')}`;
const summary = (messages: SentMessage[]) => messages.map((m) => `${m.channel}:${m.kind}`);

describe('appointment lifecycle over HTTP', () => {
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: uniqueTablePrefix() } });
    await configureClinic(stack, {
      businessId: 'lifeclinic',
      providers: ['amy'],
      service: { minimumNoticeMinutes: 0, cancellationCutoffMinutes: 0, rescheduleCutoffMinutes: 0, reminders: REMINDERS },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Appointment messages only (verification codes left out). */
  const messagesTo = async (to: string) => appointmentMessages(await stack.messages(to));
  /** A consumer who wants SMS verifies the phone first, as a front end does (issue 12). */
  const book = async (start: string, consumer: Record<string, unknown>): Promise<Booking> => {
    const phoneVerification =
      consumer.smsConsent && typeof consumer.phone === 'string' && !consumer.phoneVerification
        ? await verifyPhone(stack, 'lifeclinic', consumer.phone)
        : undefined;
    const result = await stack.call<Booking>('POST', '/businesses/lifeclinic/appointments', {
      body: { serviceId: 'consult', start, consumer: { name: 'Jane', ...consumer, ...(phoneVerification ? { phoneVerification } : {}) } },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    return result.body;
  };
  const read = async (booking: Booking) =>
    (await stack.call<Appointment>('GET', `/appointments/${booking.appointment.id}`, { manageToken: booking.manageToken })).body;
  const statuses = async (booking: Booking) => (await read(booking)).reminders.map((r) => r.status);
  /** Moves the virtual clock in whole minutes to less than a minute before `instant` (never back) and waits for the work that became due. */
  const advanceTo = async (instant: number) => {
    const minutes = Math.floor((instant - (await stack.now())) / MIN);
    if (minutes > 0) await stack.advance(minutes);
  };
  /** Polls the messages to `to` until `count` are there or the deadline passes. */
  const waitForMessages = async (to: string, count: number, withinMs: number) => {
    const deadline = Date.now() + withinMs;
    let messages = await messagesTo(to);
    while (messages.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      messages = await messagesTo(to);
    }
    return messages;
  };

  it('sends the confirmation within 2 s of booking: email always, SMS only with a verified phone and consent', async () => {
    const start = await localTime(stack, ZONE, 3, '09:00');
    const texted = { email: uniqueEmail(), phone: uniquePhone() };
    const silent = { email: uniqueEmail(), phone: uniquePhone() };
    const emailOnly = { email: uniqueEmail() };

    const phoneVerification = await verifyPhone(stack, 'lifeclinic', texted.phone);
    const bookedAt = Date.now();
    const first = await book(start, { ...texted, smsConsent: true, phoneVerification });
    const [email, sms] = await Promise.all([waitForMessages(texted.email, 1, 2000), waitForMessages(texted.phone, 1, 2000)]);
    const elapsed = Date.now() - bookedAt;
    expect(summary(email)).toEqual(['email:confirmation']);
    expect(summary(sms)).toEqual(['sms:confirmation']);
    expect(elapsed).toBeLessThan(2000);
    expect(email[0]!.appointmentId).toBe(first.appointment.id);
    // The link carries a fresh token (only its hash is stored), not the booking's manage token; it works the same.
    const linkToken = decodeURIComponent(
      new RegExp(`/appointments/${first.appointment.id}/join\\?token=([^\\s&"<]+)`).exec(email[0]!.body)![1]!,
    );
    expect(linkToken).not.toBe(first.manageToken);
    expect(await stack.call('GET', `/appointments/${first.appointment.id}`, { manageToken: linkToken })).toMatchObject({ status: 200 });

    await book(await localTime(stack, ZONE, 3, '10:00'), { ...silent, smsConsent: false });
    await book(await localTime(stack, ZONE, 3, '11:00'), { ...emailOnly, smsConsent: true });
    expect(summary(await waitForMessages(silent.email, 1, 2000))).toEqual(['email:confirmation']);
    expect(summary(await waitForMessages(emailOnly.email, 1, 2000))).toEqual(['email:confirmation']);
    await stack.advance(1); // waits for every activity still running: an SMS would be there now
    expect(await messagesTo(silent.phone)).toEqual([]);
  });

  it('sends each reminder once, at its due time and not before, and shows the statuses on the appointment', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 2, '14:00'), { ...contact, smsConsent: true });
    const start = Date.parse(booking.appointment.start);
    const [dayBefore, hourBefore] = booking.appointment.reminders.map((r) => Date.parse(r.dueAt));
    expect([dayBefore, hourBefore]).toEqual([start - 1440 * MIN, start - 60 * MIN]);
    expect(await statuses(booking)).toEqual(['pending', 'pending']);
    await waitForMessages(contact.phone, 1, 2000);

    await advanceTo(dayBefore! - MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation']);
    await advanceTo(dayBefore! + MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reminder']);
    expect((await read(booking)).reminders).toEqual([
      expect.objectContaining({
        status: 'sent',
        deliveries: [
          { channel: 'email', status: 'sent' },
          { channel: 'sms', status: 'sent' },
        ],
      }),
      expect.objectContaining({ status: 'pending', deliveries: [{ channel: 'sms', status: 'pending' }] }),
    ]);

    await advanceTo(hourBefore! - MIN);
    expect(await messagesTo(contact.phone)).toHaveLength(2);
    await advanceTo(hourBefore! + MIN);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reminder', 'sms:reminder']);
    expect(await messagesTo(contact.email)).toHaveLength(2); // the hour-before reminder is SMS only
    expect(await statuses(booking)).toEqual(['sent', 'sent']);

    // Past the end (completion an hour later): nothing more is sent, in several steps.
    for (let step = 0; step < 3; step += 1) await stack.advance(60);
    expect(await messagesTo(contact.email)).toHaveLength(2);
    expect(await messagesTo(contact.phone)).toHaveLength(3);
    expect(await read(booking)).toMatchObject({ status: 'completed' });
  });

  it('marks a reminder whose time has passed at booking as skipped and sends only the later one', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    // Within the next day: the day-before reminder is already past.
    const now = await stack.now();
    const start = new Date(Math.ceil((now + 3 * 60 * MIN) / (30 * MIN)) * 30 * MIN).toISOString();
    const slots = await stack.call<{ slots: Array<{ start: string }> }>(
      'GET',
      `/businesses/lifeclinic/services/consult/slots?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 2 * 86_400_000).toISOString())}`,
    );
    const booking = await book(slots.body.slots[0]!.start, { ...contact, smsConsent: true });
    expect(await statuses(booking)).toEqual(['skipped', 'pending']);
    await advanceTo(Date.parse(booking.appointment.reminders[1]!.dueAt) + MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reminder']);
    expect(await statuses(booking)).toEqual(['skipped', 'sent']);
  });

  it('on cancel sends the cancellation notice and no later reminder', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 3, '12:00'), { ...contact, smsConsent: true });
    const [dayBefore, hourBefore] = booking.appointment.reminders.map((r) => Date.parse(r.dueAt));
    await advanceTo(dayBefore! + MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reminder']);

    const cancelled = await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/cancel`, {
      manageToken: booking.manageToken,
      body: { reason: 'travelling' },
    });
    expect(cancelled.status).toBe(200);
    // The change reaches the orchestration through the outbox, right after the answer.
    await Promise.all([waitForMessages(contact.email, 3, NOTICE_MS), waitForMessages(contact.phone, 3, NOTICE_MS)]);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reminder', 'email:cancellation']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reminder', 'sms:cancellation']);
    expect(await statuses(booking)).toEqual(['sent', 'skipped']);

    await advanceTo(hourBefore! + MIN);
    await advanceTo(Date.parse(booking.appointment.end) + 2 * 60 * MIN);
    expect(await messagesTo(contact.email)).toHaveLength(3);
    expect(await messagesTo(contact.phone)).toHaveLength(3);
    expect(await read(booking)).toMatchObject({ status: 'cancelled' });
  });

  it('on reschedule sends a notice, nothing at the old reminder times and the reminders at the new ones', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 2, '10:00'), { ...contact, smsConsent: true });
    const oldDue = booking.appointment.reminders.map((r) => Date.parse(r.dueAt));
    // As a person would: the change comes after the confirmation (a change before it only gets the newer message).
    await Promise.all([waitForMessages(contact.email, 1, NOTICE_MS), waitForMessages(contact.phone, 1, NOTICE_MS)]);
    const later = await localTime(stack, ZONE, 4, '15:00');
    const moved = await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/reschedule`, {
      manageToken: booking.manageToken,
      body: { start: later },
    });
    expect(moved.status).toBe(200);
    const newDue = moved.body.reminders.map((r) => Date.parse(r.dueAt));
    expect(newDue).toEqual([Date.parse(later) - 1440 * MIN, Date.parse(later) - 60 * MIN]);
    await Promise.all([waitForMessages(contact.email, 2, NOTICE_MS), waitForMessages(contact.phone, 2, NOTICE_MS)]);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reschedule']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reschedule']);

    await advanceTo(oldDue[0]! + MIN);
    await advanceTo(oldDue[1]! + MIN);
    expect(await messagesTo(contact.email)).toHaveLength(2);
    expect(await messagesTo(contact.phone)).toHaveLength(2);
    expect(await statuses(booking)).toEqual(['pending', 'pending']);

    await advanceTo(newDue[0]! - MIN);
    expect(await messagesTo(contact.email)).toHaveLength(2);
    await advanceTo(newDue[0]! + MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reschedule', 'email:reminder']);
    await advanceTo(newDue[1]! + MIN);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reschedule', 'sms:reminder', 'sms:reminder']);
    expect(await statuses(booking)).toEqual(['sent', 'sent']);
  });

  it('without SMS consent sends everything by email only and skips the SMS-only reminder', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 2, '16:00'), { ...contact, smsConsent: false });
    expect((await read(booking)).reminders).toEqual([
      expect.objectContaining({ channels: ['email'], status: 'pending' }),
      expect.objectContaining({ channels: [], status: 'skipped' }),
    ]);
    await waitForMessages(contact.email, 1, NOTICE_MS);
    const moved = await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/reschedule`, {
      manageToken: booking.manageToken,
      body: { start: await localTime(stack, ZONE, 2, '15:00') },
    });
    expect(moved.status).toBe(200);
    await waitForMessages(contact.email, 2, NOTICE_MS);
    await advanceTo(Date.parse(moved.body.reminders[0]!.dueAt) + MIN);
    await advanceTo(Date.parse(moved.body.reminders[1]!.dueAt) + MIN);
    expect(await stack.call('POST', `/appointments/${booking.appointment.id}/cancel`, { manageToken: booking.manageToken })).toMatchObject({
      status: 200,
    });
    await waitForMessages(contact.email, 4, NOTICE_MS);
    await stack.advance(1); // waits for every activity still running: an SMS would be there now
    expect(summary(await messagesTo(contact.email))).toEqual([
      'email:confirmation',
      'email:reschedule',
      'email:reminder',
      'email:cancellation',
    ]);
    expect(await messagesTo(contact.phone)).toEqual([]);
    expect(await statuses(booking)).toEqual(['sent', 'skipped']);
  });
});
